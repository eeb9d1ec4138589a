"""The assertions the notebook tests use.

Every check raises :class:`CheckFailure` with a message written for the student: which
output is wrong, where, expected versus got, and -- when the wrong value matches a known
mistake -- the likely cause by name. Jupyter shows a ``CheckFailure`` as that message
alone, without a traceback, so a failing hidden test never prints its own code.

A test cell looks like this::

    with exercise("linear_forward"):
        out, cache = linear_forward(x, W, b)
        check_close("out", out, x @ W + b,
                    mistakes={"forgot to add the bias b": x @ W})

``exercise`` turns anything else that goes wrong inside the block (the student's
function raising, a missing name, ``NotImplementedError``) into a clear message too.
A multiple-choice question's visible test runs in ``with question("question 7.1"):``, which
reports the same way but says "answer recorded" instead of ✓: it can check only the format.
"""

from __future__ import annotations

import contextlib
import numbers
import sys
import traceback
from collections.abc import Mapping

import numpy as np

__all__ = [
    "CheckFailure",
    "NotAttempted",
    "exercise",
    "question",
    "check_close",
    "check_equal",
    "check_shape",
    "check_returns",
    "check_keys",
    "check_unchanged",
    "check_raises",
    "substituted",
    "active_substitutes",
    "clear_substitutes",
]


KINDS = ("wrong_value", "wrong_shape", "exception", "not_attempted", "other")


class CheckFailure(AssertionError):
    """A failed check. Jupyter renders it as its message only (no traceback).

    Besides the message, for the grader's records (never parsed from the message):
    ``kind`` (one of :data:`KINDS`), ``mistake`` (the named mistake that
    ``check_close(..., mistakes=...)`` recognised, else None) and ``exception`` (the
    type name of what the student's code raised, else None).
    """

    def __init__(self, message: str = "", *, kind: str = "other", mistake: str | None = None,
                 exception: str | None = None):
        super().__init__(message)
        self.kind, self.mistake, self.exception = kind, mistake, exception

    def with_message(self, message: str) -> CheckFailure:
        """The same failure (same type and attributes) with another message. A subclass
        from elsewhere (the student's code) becomes a plain CheckFailure: its constructor
        never runs in the grader."""
        cls = type(self) if type(self) in (CheckFailure, NotAttempted) else CheckFailure
        return cls(message, kind=self.kind, mistake=self.mistake, exception=self.exception)

    def _render_traceback_(self):  # IPython hook: the lines shown for this exception
        red, reset = "\x1b[0;31m", "\x1b[0m"
        return [f"{red}{type(self).__name__}{reset}: {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines() or [""])]


class NotAttempted(CheckFailure):
    """The exercise still raises ``NotImplementedError`` (or its answer is undefined)."""

    def __init__(self, message: str = "", *, kind: str = "not_attempted", mistake: str | None = None,
                 exception: str | None = None):
        super().__init__(message, kind=kind, mistake=mistake, exception=exception)


# --------------------------------------------------------------------------- exercise


def _student_frames(tb, skip_files):
    """The traceback entries that belong to the student's code, innermost last."""
    entries = traceback.extract_tb(tb)
    here = __file__.rsplit(".", 1)[0]
    return [e for e in entries
            if e.filename not in skip_files and not e.filename.startswith(here)
            and "course_utils" not in e.filename and "site-packages" not in e.filename]


def _location(err: BaseException, caller: str) -> str:
    """``"\\n  in your code, function f, line: ..."`` for the innermost student frame, or ``""``."""
    where = _student_frames(err.__traceback__, {caller})
    if not where:
        return ""
    e = where[-1]
    return f"\n  in your code, function {e.name}" + (f", line: {e.line}" if e.line else "")


class _Reported:
    """The ``with`` block of one exercise: turns whatever goes wrong inside it into a
    message in the student's terms (shared by :func:`exercise` and :func:`question`)."""

    def __init__(self, name: str, caller: str):
        self.name, self.caller = name, caller

    def __enter__(self):
        return self

    def __exit__(self, kind, err, tb):
        name = self.name
        if err is None:
            return False
        if isinstance(err, CheckFailure):
            msg = str(err)
            prefix = f"{name}: "
            raise err.with_message(msg if msg.startswith(prefix) else prefix + msg) from None
        if isinstance(err, NotImplementedError):
            raise NotAttempted(
                f"{name}: not attempted yet -- it still raises NotImplementedError. "
                "Replace the `raise NotImplementedError()` line with your code.",
                exception="NotImplementedError") from None
        if isinstance(err, NameError):
            failure = NotAttempted(
                f"{name}: {err}. Run the cell that defines it first (and make sure the "
                "exercise is filled in).", exception="NameError")
            failure.missing_name = getattr(err, "name", None)
            raise failure from None
        if isinstance(err, Exception):   # the student's code crashed inside the test
            raise CheckFailure(
                f"{name}: calling your code raised {type(err).__name__}: {err}"
                f"{_location(err, self.caller)}", kind="exception", exception=type(err).__name__
            ) from None
        return False                     # KeyboardInterrupt, SystemExit: not ours to rename


def _check_name(function: str, name) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{function}: name must be a non-empty string, e.g. 'linear_forward'")


@contextlib.contextmanager
def exercise(name: str, quiet: bool = False):
    """Run the checks of one exercise and report the outcome in the student's terms.

    Args:
        name: the exercise, as the student knows it (e.g. ``"linear_forward"``).
        quiet: if False, print ``"✓ <name>: tests passed"`` when the block succeeds.

    Raises:
        NotAttempted: the block hit ``NotImplementedError`` or a ``NameError`` (the
            exercise has not been done yet, or its cell has not been run).
        CheckFailure: any check failed, or the student's code raised; the message
            says which exercise, what went wrong, and where in the student's code.
    """
    _check_name("exercise", name)
    caller = sys._getframe(2).f_code.co_filename  # the test cell running this block
    with _Reported(name, caller):
        yield
    if not quiet:
        print(f"\u2713 {name}: tests passed")


RECORDED = "answer recorded"


@contextlib.contextmanager
def question(name: str):
    """The visible test of a multiple-choice question: it can check the answer's *format*
    only (the right choice is in the hidden tests), so it never says ✓.

    On success it prints ``"<name>: answer recorded -- it is graded when you submit ..."``;
    ``course check`` shows such points apart and never counts them as earned.

    Raises:
        NotAttempted, CheckFailure: as :func:`exercise` (no answer yet, a malformed one).
    """
    _check_name("question", name)
    caller = sys._getframe(2).f_code.co_filename
    with _Reported(name, caller):
        yield
    print(f"{name}: {RECORDED} -- it is graded when you submit (this test checks only "
          "that it is one of the choices, not whether it is right).")


# --------------------------------------------------------------------------- arrays


def _describe_positions(bad: np.ndarray) -> str:
    """Say where the True entries of a boolean array are, e.g. 'rows 3..7'."""
    idx = np.argwhere(bad)
    if bad.ndim == 0:
        return ""
    if bad.ndim == 1:
        return "at " + _ranges("index", "indices", np.unique(idx[:, 0]))
    rows = np.unique(idx[:, 0])
    if len(rows) == bad.shape[0]:
        cols = np.unique(idx[:, 1])
        if len(cols) < bad.shape[1]:
            return "in " + _ranges("column", "columns", cols)
        return "in every row"
    return "in " + _ranges("row", "rows", rows)


def _ranges(one: str, many: str, values: np.ndarray) -> str:
    values = [int(v) for v in values]
    if len(values) == 1:
        return f"{one} {values[0]}"
    if values == list(range(values[0], values[-1] + 1)):
        return f"{many} {values[0]}..{values[-1]}"
    shown = ", ".join(map(str, values[:6]))
    return f"{many} {shown}" + (", ..." if len(values) > 6 else "")


def _as_array(name: str, value) -> np.ndarray:
    if value is None:
        raise CheckFailure(f"{name} is None -- did you forget a `return`?", kind="wrong_value")
    if isinstance(value, tuple) and len(value) > 0:
        raise CheckFailure(
            f"{name} is a tuple of {len(value)} items, expected an array. Did you return "
            "(value, cache) where only the value belongs, or unpack one level too few?", kind="wrong_shape")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailure(
            f"{name} should be a number or a NumPy array, got {type(value).__name__}",
            kind="wrong_value") from None
    return arr


def _close(a, b, rtol, atol) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _known_mistake(got, expected, mistakes, rtol, atol) -> tuple[str | None, str | None]:
    """``(sentence, name)``: the sentence that explains ``got``, if any, and the name of
    the mistake from ``mistakes`` when it is one of those (None for the generic ones)."""
    for description, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if _close(got, wrong, rtol, atol):
            return f"This is exactly what you get if you {description}.", description
    return _generic_mistake(got, expected, rtol, atol), None


def _generic_mistake(got, expected, rtol, atol) -> str | None:
    """A sign flip or a constant factor, described, or None."""
    if _close(got, -expected, rtol, atol) and np.any(np.abs(expected) > atol):
        return "The sign is flipped."
    nonzero = np.abs(expected) > 1e-12
    if np.any(nonzero) and np.all(np.abs(got[~nonzero]) <= atol):
        ratios = got[nonzero] / expected[nonzero]
        if np.allclose(ratios, ratios.flat[0], rtol=1e-6) and not np.isclose(ratios.flat[0], 1):
            k = float(ratios.flat[0])
            return (f"Every element is off by the same factor {k:.4g}"
                    " (a missing or extra division by the batch size, or a wrong constant?).")
    return None


def _non_finite_causes(got: np.ndarray) -> str:
    """Where the NaN and inf found in ``got`` usually come from: NaN and inf have different causes."""
    causes = []
    if np.any(np.isnan(got)):
        causes.append("NaN comes from 0/0 (e.g. w / np.abs(w) where w is 0), inf - inf or 0 * inf.")
    if np.any(np.isinf(got)):
        causes.append("inf comes from an overflow (exp of a large number?) or a non-zero number divided by 0.")
    return " ".join(causes)


def _two_numbers(expected: float, got: float) -> tuple[str, str]:
    """Both numbers with 6 significant digits, or with as many as it takes to tell them apart."""
    for digits in (6, 10, 17):
        a, b = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if a != b:
            break
    return a, b


def check_shape(name: str, got, expected_shape: tuple) -> None:
    """Check ``np.shape(got) == expected_shape`` with a hint for the usual shape mistakes."""
    arr = _as_array(name, got)
    expected_shape = tuple(expected_shape)
    if arr.shape == expected_shape:
        return
    msg = f"{name} has shape {arr.shape}, expected {expected_shape}."
    if arr.shape == expected_shape[::-1] and len(expected_shape) == 2:
        msg += " It looks transposed."
    elif arr.size == int(np.prod(expected_shape)):
        msg += " Same number of elements: a reshape or transpose went wrong?"
    elif arr.shape == ():
        msg += " You returned a single number: did you sum over all axes?"
    elif len(arr.shape) == len(expected_shape) - 1:
        msg += " One dimension is missing: did you sum or average over the wrong axis?"
    raise CheckFailure(msg, kind="wrong_shape")


def check_close(name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-8,
                mistakes: Mapping[str, object] | None = None, hint: str | None = None) -> None:
    """Check that an array (or number) matches the expected one, elementwise.

    Args:
        name: what the value is called in the exercise (``"dW"``, ``"loss"``).
        got: the student's value: array of any shape, or a number.
        expected: the reference value, same shape.
        rtol, atol: tolerances, as in ``np.allclose``.
        mistakes: optional ``{description: wrong_value}``; when ``got`` equals one of
            the wrong values the message names that mistake ("... if you forgot to
            transpose x").
        hint: optional advice appended to any failure message.

    Raises:
        CheckFailure: with the shape problem, the non-finite entries, or where the
            values differ (positions, first mismatch expected vs got, largest error).
    """
    expected = np.asarray(expected, dtype=np.float64)
    check_shape(name, got, expected.shape)
    got = _as_array(name, got)
    suffix = f"\n  Hint: {hint}" if hint else ""
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        where = _describe_positions(~np.isfinite(got))
        raise CheckFailure(
            f"{name} contains NaN or inf{' ' + where if where else ''}. {_non_finite_causes(got)}{suffix}",
            kind="wrong_value")
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if not np.any(bad):
        return
    if bad.ndim == 0:
        want, have = _two_numbers(float(expected), float(got))
        msg = f"{name} is wrong: expected {want}, got {have}."
    else:
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        err = float(np.max(np.abs(got - expected)))
        want, have = _two_numbers(float(expected[first]), float(got[first]))
        msg = (f"{name} is wrong in {int(bad.sum())} of {bad.size} elements "
               f"{_describe_positions(bad)}.\n"
               f"  At index {first}: expected {want}, got {have}"
               f" (largest absolute error {err:.3g}).")
    known, named = _known_mistake(got, expected, mistakes, rtol, atol)
    if known:
        msg += "\n  " + known
    raise CheckFailure(msg + suffix, kind="wrong_value", mistake=named)


def check_equal(name: str, got, expected, hint: str | None = None) -> None:
    """Check exact equality (labels, counts, strings, booleans).

    A string or boolean is compared as a real ``str`` / ``bool``: an object that merely
    claims equality (a custom ``__eq__``) does not pass.
    """
    if isinstance(expected, np.ndarray):
        same = np.array_equal(np.asarray(got), expected)
    elif isinstance(expected, str):
        same = isinstance(got, str) and str.__str__(got) == expected
    elif isinstance(expected, (bool, np.bool_)):
        same = isinstance(got, (bool, np.bool_)) and bool(got) is bool(expected)
    elif isinstance(expected, (numbers.Number, np.generic)):
        value = np.asarray(got).item() if isinstance(got, (numbers.Number, np.generic)) else None
        same = type(value) in (int, float, complex, bool) and value == expected
    else:
        same = type(got) is type(expected) and bool(expected == got)
    if not same:
        suffix = f"\n  Hint: {hint}" if hint else ""
        raise CheckFailure(f"{name}: expected {expected!r}, got {got!r}.{suffix}", kind="wrong_value")


def check_returns(name: str, result, n: int, what: str) -> tuple:
    """Check that a function returned a tuple of ``n`` items and hand it back.

    ``what`` describes the expected tuple, e.g. ``"(out, cache)"``.
    """
    if not isinstance(result, tuple) or len(result) != n:
        got = (f"a tuple of {len(result)} items" if isinstance(result, tuple)
               else type(result).__name__)
        raise CheckFailure(f"{name} must return {what} ({n} items), got {got}.", kind="wrong_shape")
    return result


def check_keys(name: str, got, expected_keys) -> None:
    """Check that a dict has exactly the expected keys."""
    if not isinstance(got, Mapping):
        raise CheckFailure(f"{name} must be a dict, got {type(got).__name__}.", kind="wrong_shape")
    missing = sorted(set(expected_keys) - set(got))
    extra = sorted(set(got) - set(expected_keys))
    if missing or extra:
        raise CheckFailure(
            f"{name} has the wrong keys: missing {missing}, unexpected {extra}. "
            f"Expected exactly {sorted(expected_keys)}.", kind="wrong_shape")


def check_unchanged(name: str, before: np.ndarray, after: np.ndarray) -> None:
    """Check that an input array was not modified in place by the student's function."""
    if not np.array_equal(before, after, equal_nan=True):
        raise CheckFailure(
            f"your function modified its input {name} in place. Work on a copy "
            f"(e.g. `{name}.copy()` or `np.maximum`, `np.where`) instead of assigning into it.",
            kind="wrong_value")


def check_raises(what: str, call, exception=ValueError, *, message_contains: str | None = None,
                 hint: str | None = None) -> BaseException:
    """Check that ``call()`` raises ``exception``, as a function's ``Raises:`` clause promises.

    Args:
        what: the call as the student would write it, e.g.
            ``"dropout_forward(x, p=1.5, ...)"``; every message starts with it.
        call: a function of no arguments that makes the call, e.g.
            ``lambda: dropout_forward(x, 1.5, True, rng)``.
        exception: the exception type expected, or a tuple of types (any of them passes).
        message_contains: optional text the exception's message must contain (say, the
            bad value, so the student's error message names it).
        hint: optional advice appended to any failure message.

    Returns:
        the exception raised, for further checks.

    Raises:
        CheckFailure: ``"<what> did not raise ValueError (it returned normally)"``;
            ``"<what> raised ZeroDivisionError: <its message> instead of ValueError"``
            (with the line of the student's code that raised it); or, with
            ``message_contains``, a message that does not contain that text.
        NotImplementedError, NameError: passed through unless expected, so that
            :func:`exercise` reports an exercise that is not attempted yet as such.
    """
    if not callable(call):
        raise TypeError(f"check_raises: call must be a function of no arguments (e.g. a lambda), "
                        f"got {type(call).__name__}")
    types = exception if isinstance(exception, tuple) else (exception,)
    if not types or not all(isinstance(t, type) and issubclass(t, BaseException) for t in types):
        raise TypeError(f"check_raises: exception must be an exception type or a tuple of them, "
                        f"got {exception!r}")
    expected = " or ".join(t.__name__ for t in types)          # "ValueError or TypeError"
    suffix = f"\n  Hint: {hint}" if hint else ""
    caller = sys._getframe(1).f_code.co_filename     # the test cell: its lambda is not the student's code
    try:
        call()
    except types as err:
        if message_contains is not None and message_contains not in str(err):
            raise CheckFailure(
                f"{what} raised {type(err).__name__}({str(err)!r}), whose message does not mention "
                f"{message_contains!r}.{suffix}", kind="exception", exception=type(err).__name__) from None
        return err
    except (CheckFailure, NotImplementedError, NameError):
        raise
    except Exception as err:  # noqa: BLE001 -- any other exception is the wrong one
        raised = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        raise CheckFailure(
            f"{what} raised {raised} instead of {expected}.{_location(err, caller)}{suffix}",
            kind="exception", exception=type(err).__name__) from None
    raise CheckFailure(f"{what} did not raise {expected} (it returned normally).{suffix}", kind="other")


# --------------------------------------------------------------------------- isolation


@contextlib.contextmanager
def substituted(func, **replacements):
    """Temporarily replace names that ``func`` looks up in its module (notebook) globals.

    Used so that a test of a composite function (``two_layer_net``) runs on reference
    layers: a mistake in ``linear_backward`` then costs the points of
    ``linear_backward`` only, not those of every function built on it.
    """
    if not callable(func) or not hasattr(func, "__globals__"):
        raise CheckFailure(f"expected a Python function, got {type(func).__name__}.", kind="wrong_value")
    namespace = func.__globals__
    missing = object()
    saved = {key: namespace.get(key, missing) for key in replacements}
    namespace.update(replacements)
    _ACTIVE_SUBSTITUTES.extend(replacements.values())
    try:
        yield
    finally:
        for value in replacements.values():
            # gone already if clear_substitutes() ran inside this block
            if any(active is value for active in _ACTIVE_SUBSTITUTES):
                _ACTIVE_SUBSTITUTES.remove(value)
        for key, value in saved.items():
            if value is missing:
                namespace.pop(key, None)
            else:
                namespace[key] = value


_ACTIVE_SUBSTITUTES: list = []


def active_substitutes() -> tuple:
    """The reference functions :func:`substituted` has swapped in at this moment.

    The autograder lets them call PyTorch on the student's behalf (see guard.TorchWatch).
    """
    return tuple(_ACTIVE_SUBSTITUTES)


def clear_substitutes() -> None:
    """Forget every substitute that :func:`substituted` has swapped in.

    For a runner about to start a new test cell after one that was cut short (a timeout,
    an interrupt), whose ``with substituted(...)`` block never reached its own cleanup.
    It does not put the replaced names back: the runner gives each test cell a fresh
    namespace. Call it between test cells, never inside a ``substituted`` block.
    """
    _ACTIVE_SUBSTITUTES.clear()
