"""Numerical gradients and gradient checks.

The idea (CS231n, "gradient checking"): approximate each partial derivative
with a central difference

    df/dx_i  ~=  (f(x + h e_i) - f(x - h e_i)) / (2 h)

and compare it with the gradient your backward pass computed. The comparison
uses the *relative* error |a - n| / max(floor, |a| + |n|), so it means the same
thing for large and for tiny gradients. With float64 and h = 1e-5, a correct
backward pass typically gives relative errors around 1e-7 or smaller.

Typical use in a notebook::

    loss_fn = lambda W: model_loss(W, X, y)          # scalar loss
    check_gradient(loss_fn, W, dW, name="dW").raise_if_failed()

    # layer with an array output: check d(sum(out * dout))/dx
    check_gradient(lambda x: relu_forward(x), x, dx, dout=dout, name="dx")
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._args import as_float_array, check_callable, check_real

#: Denominator floor of the relative error: where both gradients are ~0 the
#: error is measured in absolute terms instead (|a - n| / 1e-8).
REL_ERROR_FLOOR = 1e-8


# ---------------------------------------------------------------------------
# input validation helpers (private)
# ---------------------------------------------------------------------------

def _check_variable(x, func: str) -> None:
    """Raise unless ``x`` is a writeable floating-point ndarray we can perturb."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{func}: x must be a numpy array (it is perturbed in place), "
            f"got {type(x).__name__}; use np.asarray(x, dtype=np.float64)"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{func}: x has dtype {x.dtype}, but a numerical gradient needs a "
            f"floating-point array (x + h would be rounded away for integers); "
            f"use x.astype(np.float64)"
        )
    if not x.flags.writeable:
        raise ValueError(f"{func}: x is read-only, but it must be perturbed in place")
    if x.dtype != np.float64:
        warnings.warn(
            f"{func}: x has dtype {x.dtype}; central differences with "
            f"h=1e-5 are only accurate in float64, use x.astype(np.float64)",
            stacklevel=3,  # point at the caller of the public function
        )


def _as_scalar(value, func: str) -> float:
    """Return the output of a scalar function ``f(x)`` as a python float."""
    array = as_float_array(value, "f(x)", func)
    if array.size != 1:
        raise ValueError(
            f"{func}: f(x) must return a scalar (float, 0-d array or 1-element "
            f"array), got an array of shape {array.shape}; for array-valued "
            f"functions use numerical_gradient_array(f, x, dout)"
        )
    return float(array.reshape(()))


# ---------------------------------------------------------------------------
# numerical gradients
# ---------------------------------------------------------------------------

def _central_differences(g: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """Gradient of the scalar function ``g`` at ``x`` by central differences.

    ``x`` is perturbed in place, one element at a time, and each element is
    restored to its exact original value (also if ``g`` raises).
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index].copy()
        try:
            x[index] = original + h
            f_plus = g(x)
            x[index] = original - h
            f_minus = g(x)
        finally:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _numerical(f, x: np.ndarray, dout, h, func: str) -> np.ndarray:
    """Validate ``f``, ``dout`` and ``h`` and return the numerical gradient.

    Scalar version if ``dout`` is None, else the gradient of ``sum(f(x) * dout)``.
    ``x`` must already have passed ``_check_variable``.
    """
    check_callable(f, "f", func, "a function of x")
    h = check_real(h, "h", func, positive=True)
    if dout is None:
        return _central_differences(lambda x_: _as_scalar(f(x_), func), x, h)
    dout = as_float_array(dout, "dout", func)
    out_shape = as_float_array(f(x), "f(x)", func).shape
    if out_shape != dout.shape:
        raise ValueError(
            f"{func}: f(x) has shape {out_shape} but dout has shape {dout.shape}; "
            f"dout is the upstream gradient and must have the shape of f's output"
        )
    return _central_differences(
        lambda x_: float(np.sum(as_float_array(f(x_), "f(x)", func) * dout)), x, h
    )


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Numerical gradient of a scalar function by central differences.

    ``x`` is perturbed IN PLACE, one element at a time, and every element is
    restored exactly afterwards. This is on purpose: a closure that reads the
    same array (e.g. ``lambda _: loss(params)`` where ``x is params["W1"]``)
    sees the perturbation. Do not pass a copy of the array your loss reads.

    Args:
        f: function called as ``f(x)`` that returns a scalar (python float,
            0-d array or 1-element array).
        x: float ndarray of any shape (float64 recommended), the point at which
            the gradient is taken.
        h: positive step size.

    Returns:
        float64 ndarray of shape ``x.shape``: ``grad[i] ~= df/dx[i]``.

    Raises:
        TypeError: if ``f`` is not callable, ``x`` is not a floating-point
            ndarray, or ``f`` returns something that is not a number.
        ValueError: if ``f`` returns more than one number, ``x`` is
            read-only, or ``h`` is not a positive finite number.
    """
    _check_variable(x, "numerical_gradient")
    return _numerical(f, x, None, h, "numerical_gradient")


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Numerical gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    This is what a layer's backward pass computes: given the upstream gradient
    ``dout`` (same shape as the layer output), return ``dx``. ``x`` is perturbed
    in place and restored exactly, as in :func:`numerical_gradient`.

    Args:
        f: function called as ``f(x)`` that returns an array of shape ``dout.shape``.
        x: float ndarray of any shape (float64 recommended).
        dout: numeric array, the upstream gradient; same shape as ``f(x)``.
        h: positive step size.

    Returns:
        float64 ndarray of shape ``x.shape``.

    Raises:
        TypeError: if ``f`` is not callable or ``x``/``dout``/``f(x)`` are not
            numeric arrays.
        ValueError: if ``f(x).shape != dout.shape`` or ``h`` is not positive.
    """
    if dout is None:
        raise TypeError("numerical_gradient_array: dout is None; pass the upstream "
                        "gradient (an array of shape f(x).shape), or use "
                        "numerical_gradient for a scalar f")
    _check_variable(x, "numerical_gradient_array")
    return _numerical(f, x, dout, h, "numerical_gradient_array")


# ---------------------------------------------------------------------------
# relative error
# ---------------------------------------------------------------------------

def _elementwise_rel_error(a: np.ndarray, b: np.ndarray, floor: float) -> np.ndarray:
    """|a - b| / max(floor, |a| + |b|), element by element (same-shape arrays)."""
    return np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))


def rel_error(a, b, floor: float = REL_ERROR_FLOOR) -> float:
    """Maximum elementwise relative error between ``a`` and ``b``.

    Computes ``max |a - b| / max(floor, |a| + |b|)``. The floor keeps
    elements where both values are ~0 from producing 0/0.

    Args:
        a: number or numeric array.
        b: number or numeric array with the same shape as ``a``.
        floor: positive denominator floor.

    Returns:
        python float in [0, 1] (NaN if either input contains NaN).

    Raises:
        TypeError: if ``a`` or ``b`` is not numeric.
        ValueError: if the shapes differ, the arrays are empty, or ``floor <= 0``.
    """
    func = "rel_error"
    a = as_float_array(a, "a", func)
    b = as_float_array(b, "b", func)
    floor = check_real(floor, "floor", func, positive=True)
    if a.shape != b.shape:
        raise ValueError(
            f"{func}: a has shape {a.shape} but b has shape {b.shape}; they must match"
        )
    if a.size == 0:
        raise ValueError(f"{func}: a and b are empty (shape {a.shape})")
    return float(np.max(_elementwise_rel_error(a, b, floor)))


# ---------------------------------------------------------------------------
# gradient check
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GradCheckResult:
    """Outcome of :func:`check_gradient`.

    Attributes:
        name: the variable's name, e.g. ``"dW1"``.
        passed: True if every elementwise relative error is <= ``tol`` and the
            analytic gradient is finite.
        max_rel_error: largest elementwise relative error (``inf`` if a
            gradient contains NaN/inf).
        worst_index: index of that element (``()`` for a 0-d variable).
        analytic_value: analytic gradient at ``worst_index``.
        numerical_value: numerical gradient at ``worst_index``.
        tol: the tolerance that was used.
    """

    name: str
    passed: bool
    max_rel_error: float
    worst_index: tuple
    analytic_value: float
    numerical_value: float
    tol: float

    def __str__(self) -> str:
        verdict = "ok" if self.passed else f"FAILED (tolerance {self.tol:g})"
        values = f"(analytic {self.analytic_value:.4g}, numerical {self.numerical_value:.4g})"
        if not np.isfinite(self.analytic_value):
            return (f"{self.name}: analytic gradient is not finite (NaN/inf) at index "
                    f"{self.worst_index} {values} -> {verdict}")
        if not np.isfinite(self.numerical_value):
            return (f"{self.name}: numerical gradient is not finite (NaN/inf) at index "
                    f"{self.worst_index} {values}, f(x) overflows near x -> {verdict}")
        return (f"{self.name}: max relative error {self.max_rel_error:.1e} at index "
                f"{self.worst_index} {values} -> {verdict}")

    def raise_if_failed(self) -> None:
        """Raise ``AssertionError`` with the one-line report if the check failed."""
        if not self.passed:
            raise AssertionError(
                f"{self}; check the backward pass for this variable ({self.name})"
            )


def _first_nonfinite_index(array: np.ndarray):
    """Index tuple of the first NaN/inf element of ``array``, or None."""
    bad = np.argwhere(~np.isfinite(array))
    return tuple(int(i) for i in bad[0]) if len(bad) else None


def _compare(analytic: np.ndarray, numerical: np.ndarray, tol: float, name: str):
    """Build the GradCheckResult for two same-shape gradients."""
    bad_index = _first_nonfinite_index(analytic)
    if bad_index is None:
        bad_index = _first_nonfinite_index(numerical)
    if bad_index is not None:
        index, max_err, passed = bad_index, float("inf"), False
    else:
        errors = _elementwise_rel_error(analytic, numerical, REL_ERROR_FLOOR)
        index = tuple(int(i) for i in np.unravel_index(np.argmax(errors), errors.shape))
        max_err = float(errors[index])
        passed = max_err <= tol
    return GradCheckResult(
        name=name,
        passed=bool(passed),
        max_rel_error=max_err,
        worst_index=index,
        analytic_value=float(analytic[index]),
        numerical_value=float(numerical[index]),
        tol=tol,
    )


def check_gradient(
    f: Callable[[np.ndarray], float | np.ndarray],
    x: np.ndarray,
    analytic,
    dout=None,
    h: float = 1e-5,
    tol: float = 1e-6,
    name: str = "gradient",
    verbose: bool = True,
) -> GradCheckResult:
    """Compare an analytic gradient with a numerical one.

    Args:
        f: if ``dout`` is None, a scalar function ``f(x)`` (e.g. a loss);
            otherwise an array-valued function with output shape ``dout.shape``
            (e.g. a layer's forward pass), and the gradient checked is that of
            ``sum(f(x) * dout)``.
        x: float ndarray of any shape, perturbed in place and restored exactly
            (see :func:`numerical_gradient`).
        analytic: numeric array of shape ``x.shape``, your backward pass's gradient.
        dout: None, or the upstream gradient, numeric array of shape ``f(x).shape``.
        h: positive step of the central differences.
        tol: positive tolerance on the elementwise relative error.
        name: name of the variable, used in the report (e.g. ``"dW1"``).
        verbose: if True, print the one-line report.

    Returns:
        GradCheckResult. A NaN/inf analytic (or numerical) gradient fails the
        check. Elements where both gradients are ~0 do not fail it: the
        relative error uses the floor ``REL_ERROR_FLOOR`` as in :func:`rel_error`.

    Raises:
        ValueError: if ``analytic.shape != x.shape``, or for the reasons of
            :func:`numerical_gradient` / :func:`numerical_gradient_array`.
        TypeError: if ``analytic`` is None or not numeric, or ``name`` is not a str.
    """
    func = "check_gradient"
    _check_variable(x, func)
    if not isinstance(name, str):
        raise TypeError(f"{func}: name must be a str, got {type(name).__name__}")
    tol = check_real(tol, "tol", func, positive=True)
    analytic = as_float_array(analytic, "analytic", func)
    if analytic.shape != x.shape:
        raise ValueError(
            f"{func}: analytic has shape {analytic.shape} but x has shape {x.shape}; "
            f"the gradient must have the same shape as the variable"
        )
    numerical = _numerical(f, x, dout, h, func)
    result = _compare(analytic, numerical, tol, name)
    if verbose:
        print(result)
    return result
