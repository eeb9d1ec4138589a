"""Argument checks shared by the student-facing modules (data, surfaces, plotting, gradcheck).

A student who passes a wrong argument should learn which argument of which call is wrong,
not read a NumPy traceback. So every check here takes ``func``, the name of the public
function the student called, and every message starts with it::

    make_moons: n_samples must be >= 2, got 1

Each check returns the argument converted (an ``int``, a ``float``, a new float64 array) and
raises ``TypeError`` for the wrong kind of value, ``ValueError`` for the right kind with a
wrong value. Checks that only one module needs stay in that module and build on these.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def is_int(value) -> bool:
    """True for a Python or NumPy integer, False for a bool (True is not a count)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value, argname: str, func: str, *, minimum: int) -> int:
    """``value`` as an ``int``, raising unless it is an integer >= ``minimum``."""
    if not is_int(value):
        raise TypeError(f"{func}: {argname} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{func}: {argname} must be >= {minimum}, got {value}")
    return int(value)


def check_real(value, argname: str, func: str, *, minimum: float | None = None,
               positive: bool = False) -> float:
    """``value`` as a ``float``, raising unless it is a finite real number.

    ``minimum`` adds ``value >= minimum``, ``positive`` adds ``value > 0``; the message
    names the condition, e.g. ``"noise must be a finite number >= 0, got -0.1"``.
    """
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{func}: {argname} must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    bad = (not math.isfinite(number) or (positive and number <= 0)
           or (minimum is not None and number < minimum))
    if bad:
        need = "a finite number"
        need += " > 0" if positive else ""
        need += f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"{func}: {argname} must be {need}, got {value}")
    return number


def as_float_array(value, argname: str, func: str) -> np.ndarray:
    """``value`` (number, nested sequence, array, CPU tensor) as a new float64 array.

    Booleans count as 0 and 1. ``None`` (also among numbers), strings, complex numbers and
    ragged nested lists raise ``TypeError``.
    """
    if value is None:
        raise TypeError(
            f"{func}: {argname} is None instead of an array; "
            f"did your function forget to return it?"
        )
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:  # e.g. a ragged nested list
        raise TypeError(f"{func}: {argname} must contain numbers ({err})") from None
    if array.dtype == object:  # e.g. Fractions, or a None among numbers (which astype makes NaN)
        odd = [v for v in array.flat if not isinstance(v, numbers.Real)]
        if odd:
            raise TypeError(f"{func}: {argname} must contain numbers, got {odd[0]!r} among them")
        array = array.astype(np.float64)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{func}: {argname} must contain numbers, got dtype {array.dtype} "
            f"(from {type(value).__name__})"
        )
    return array.astype(np.float64)


def check_callable(value, argname: str, func: str, what: str = "a function") -> None:
    """Raise unless ``value`` can be called; ``what`` says what it should be."""
    if not callable(value):
        raise TypeError(f"{func}: {argname} must be {what}, got {type(value).__name__}")
