"""2-D test functions for optimizers, with their exact gradients.

Three classic landscapes, each a :class:`Surface`:

- :func:`ill_conditioned_quadratic`: ``f(w) = 1/2 w^T H w`` with eigenvalues 1 and
  ``condition`` -- a narrow valley where plain gradient descent zig-zags;
- :func:`saddle`: ``f(x, y) = x^2/2 + y^4/4 - y^2/2``, a saddle point at the origin
  between two minima at ``(0, +-1)`` -- gradient descent started near the ridge
  escapes only slowly;
- :func:`rosenbrock`: ``f(x, y) = (a - x)^2 + b (y - x^2)^2``, a curved banana-shaped
  valley with its minimum at ``(a, a^2)``.

:func:`trajectory` runs any course-style update rule
``rule(w, dw, state, **hyper) -> w_new`` on a surface and returns the path, e.g.
``trajectory(sgd, rosenbrock(), steps=500, lr=1e-3)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._args import as_float_array, check_callable, check_int, check_real

__all__ = ["Surface", "ill_conditioned_quadratic", "saddle", "rosenbrock", "trajectory"]


def _as_point(w, what: str, func: str) -> np.ndarray:
    """A point of the plane as a new float64 array of shape (2,)."""
    point = as_float_array(w, what, func)
    if point.shape != (2,):
        raise ValueError(f"{func}: {what} must have shape (2,), got shape {point.shape}")
    return point


# ---------------------------------------------------------------------------
# the Surface type
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2-D function with its gradient and what a plot of it needs.

    Attributes:
        name: short title, e.g. ``"Rosenbrock"``.
        func: ``func(x, y) -> z``, elementwise over arrays of any (broadcastable) shape.
        gradient: ``gradient(x, y) -> (df/dx, df/dy)``, elementwise like ``func``.
        start: the default starting point ``(x0, y0)`` of an optimizer.
        minima: the global minima, a tuple of ``(x, y)`` points.
        saddles: the saddle points, a tuple of ``(x, y)`` points (may be empty).
        xlim, ylim: the region worth plotting, ``(low, high)``.
        log_levels: True if contour levels should be spaced logarithmically (for
            functions that span many orders of magnitude, like Rosenbrock).
    """

    name: str
    func: Callable
    gradient: Callable
    start: tuple
    minima: tuple
    saddles: tuple
    xlim: tuple
    ylim: tuple
    log_levels: bool = False

    def __call__(self, x, y):
        """f(x, y), elementwise: floats in, float out; arrays in, array out."""
        return self.func(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))

    def value(self, w) -> float:
        """f at the point ``w`` of shape (2,)."""
        x, y = _as_point(w, "the point", f"{self.name}.value")
        return float(self.func(x, y))

    def grad(self, w) -> np.ndarray:
        """The gradient at the point ``w`` of shape (2,): a new float64 array of shape (2,)."""
        x, y = _as_point(w, "the point", f"{self.name}.grad")
        gx, gy = self.gradient(x, y)
        return np.array([gx, gy], dtype=np.float64)

    @property
    def min_value(self) -> float:
        """The value of f at its minima."""
        return self.value(self.minima[0])

    def grid(self, resolution: int = 200):
        """``(X, Y, Z)`` over ``xlim`` x ``ylim``, each of shape (resolution, resolution)."""
        resolution = check_int(resolution, "resolution", f"{self.name}.grid", minimum=2)
        X, Y = np.meshgrid(np.linspace(*self.xlim, resolution), np.linspace(*self.ylim, resolution))
        return X, Y, self(X, Y)

    def __repr__(self) -> str:
        return f"Surface({self.name!r}, start={self.start}, minima={self.minima})"


# ---------------------------------------------------------------------------
# the three surfaces
# ---------------------------------------------------------------------------


def ill_conditioned_quadratic(condition: float = 10.0, angle: float = 0.0) -> Surface:
    """``f(w) = 1/2 w^T H w`` whose Hessian ``H`` has eigenvalues 1 and ``condition``.

    With ``angle = 0`` the steep direction is the y axis:
    ``f(x, y) = (x^2 + condition * y^2) / 2``. A non-zero ``angle`` (degrees) rotates the
    valley, so that its axes are no longer the coordinate axes (per-coordinate methods
    such as RMSprop and Adam lose part of their advantage then).

    Gradient descent converges for learning rates below ``2 / condition`` and needs about
    ``condition`` times more steps along the flat direction than along the steep one.

    Args:
        condition: float >= 1, the condition number of H.
        angle: float, rotation of the valley in degrees (counter-clockwise).

    Returns:
        A :class:`Surface` with its minimum at (0, 0), starting at (-4, 1.5).
    """
    func = "ill_conditioned_quadratic"
    kappa = check_real(condition, "condition", func, minimum=1)
    theta = math.radians(check_real(angle, "angle", func))
    c, s = math.cos(theta), math.sin(theta)
    # H = R diag(1, kappa) R^T with R the rotation by theta
    hxx = c * c + kappa * s * s
    hyy = s * s + kappa * c * c
    hxy = (1.0 - kappa) * c * s

    def f(x, y):
        return 0.5 * (hxx * x * x + 2.0 * hxy * x * y + hyy * y * y)

    def gradient(x, y):
        return hxx * x + hxy * y, hxy * x + hyy * y

    name = f"Quadratic, condition number {kappa:g}"
    if theta:
        name += f", rotated {math.degrees(theta):g}°"
    return Surface(name, f, gradient, start=(-4.0, 1.5), minima=((0.0, 0.0),),
                   saddles=(), xlim=(-4.5, 4.5), ylim=(-2.0, 2.0))


def saddle() -> Surface:
    """``f(x, y) = x^2/2 + y^4/4 - y^2/2``: a saddle at (0, 0) between minima at (0, +-1).

    Along x the function is a bowl; along y it is a double well: the origin is a
    maximum in y, so the origin is a saddle point (gradient zero, Hessian diag(1, -1)).
    Starting close to the line y = 0, the y-gradient ``y^3 - y`` is tiny, and plain
    gradient descent first slides towards the saddle before it slowly escapes.

    Returns:
        A :class:`Surface` with minima (0, 1) and (0, -1) (value -1/4), a saddle at
        (0, 0), starting at (-1.5, 1e-3).
    """
    def f(x, y):
        return 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y

    def gradient(x, y):
        return x, y ** 3 - y

    return Surface("Saddle", f, gradient, start=(-1.5, 1e-3),
                   minima=((0.0, 1.0), (0.0, -1.0)), saddles=((0.0, 0.0),),
                   xlim=(-2.0, 2.0), ylim=(-1.5, 1.5))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """The Rosenbrock function ``f(x, y) = (a - x)^2 + b (y - x^2)^2``.

    Its minimum ``(a, a^2)`` lies at the bottom of a narrow curved valley: easy to reach
    the valley, slow to follow it. Gradient descent with a fixed learning rate needs a
    step below about ``1 / (b * (1 + 6 a^2))`` near the minimum.

    Args:
        a: float, the x coordinate of the minimum.
        b: float > 0, the steepness of the valley walls.

    Returns:
        A :class:`Surface` (log-spaced contours) with minimum (a, a^2), starting at
        (-1.5, 2) for the default ``a = 1``.
    """
    func = "rosenbrock"
    a = check_real(a, "a", func)
    b = check_real(b, "b", func, positive=True)

    def f(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x, y):
        inner = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * inner, 2.0 * b * inner

    span = max(abs(a), 1.0)
    return Surface("Rosenbrock", f, gradient, start=(-1.5 * span, 2.0 * span * span),
                   minima=((a, a * a),), saddles=(),
                   xlim=(-2.0 * span, 2.0 * span), ylim=(-1.0 * span * span, 3.0 * span * span),
                   log_levels=True)


# ---------------------------------------------------------------------------
# running an update rule on a surface
# ---------------------------------------------------------------------------


def trajectory(rule, surface: Surface, steps: int, start=None, max_norm: float = 1e6,
               **hyper) -> np.ndarray:
    """The path of ``rule`` on ``surface``: ``w_{t+1} = rule(w_t, grad f(w_t), state, **hyper)``.

    One ``state`` dict (initially empty) is passed to every call, as the course's update
    rules expect. The run stops early, without error, when ``w`` leaves the disc of radius
    ``max_norm`` or stops being finite (a diverging learning rate): the path then ends at
    the last point inside.

    Args:
        rule: an update rule ``rule(w, dw, state, **hyper) -> w_new`` (e.g. your ``adam``).
        surface: a :class:`Surface`.
        steps: int >= 0, the number of updates.
        start: the starting point (2 numbers), or None for ``surface.start``.
        max_norm: float > 0, stop when ``|w|`` exceeds it.
        **hyper: keyword arguments passed on to ``rule`` (``lr=0.1, momentum=0.9``).

    Returns:
        float64 array of shape (k + 1, 2): the start and the k <= steps points after it.
    """
    func = "trajectory"
    check_callable(rule, "rule", func, "an update rule function")
    if not isinstance(surface, Surface):
        raise TypeError(f"{func}: surface must be a Surface (e.g. surfaces.rosenbrock()), "
                        f"got {type(surface).__name__}")
    steps = check_int(steps, "steps", func, minimum=0)
    max_norm = check_real(max_norm, "max_norm", func, positive=True)
    w = _as_point(surface.start if start is None else start, "start", func)
    path = [w.copy()]
    state: dict = {}
    for t in range(steps):
        w_new = rule(w.copy(), surface.grad(w), state, **hyper)
        w_new = _as_point(w_new, f"the new point returned by rule at step {t + 1}", func)
        if not np.all(np.isfinite(w_new)) or np.hypot(*w_new) > max_norm:
            break
        w = w_new.copy()
        path.append(w.copy())
    return np.array(path)
