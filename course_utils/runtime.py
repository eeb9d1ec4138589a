"""Run-time helpers shared by the notebooks' experiment cells.

- ``quick(full, grading)``: shorter experiments while grading;
- ``needs(name="2.1", ...)``: the first line of an experiment or plot cell that uses the
  student's functions. When one of them is not done yet, the cell stops there with one
  line naming the exercise to finish, instead of a traceback from deep inside the
  experiment (and the cells after it, which declare the same needs, stop the same way
  instead of failing with a ``NameError`` or drawing a half-empty figure).
"""

from __future__ import annotations

import os
import sys
import types


def is_grading() -> bool:
    """True while nbgrader validates or autogrades (and during ``course check``).

    nbgrader sets ``NBGRADER_EXECUTION`` then; notebooks use it to keep long experiments
    short, so grading time is spent on the tests.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def quick(full, grading):
    """``full`` normally, ``grading`` while grading: ``epochs = quick(30, 2)``."""
    return grading if is_grading() else full


class Unfinished(Exception):
    """An experiment cell needs an exercise that is not done yet. Jupyter shows it as its
    one-line message, without a traceback (it is not a bug in the experiment)."""

    def _render_traceback_(self):  # IPython hook: the lines shown for this exception
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def _raises_not_implemented(code: types.CodeType) -> bool:
    """Whether ``code`` (or a function nested in it) still mentions NotImplementedError:
    the ``raise NotImplementedError()`` of an exercise that is not filled in."""
    if "NotImplementedError" in code.co_names:
        return True
    return any(isinstance(c, types.CodeType) and _raises_not_implemented(c) for c in code.co_consts)


def unfinished(value) -> bool:
    """Whether the student's answer ``value`` is still the unfinished template: a function
    (or a class with a method) that raises NotImplementedError. Nothing is run."""
    if isinstance(value, type):
        members = [getattr(m, "__func__", m) for m in vars(value).values()]
        members += [m.fget for m in vars(value).values() if isinstance(m, property)]
        return any(unfinished(m) for m in members if isinstance(m, types.FunctionType))
    code = getattr(value, "__code__", None)
    return isinstance(code, types.CodeType) and _raises_not_implemented(code)


def needs(**exercises: str) -> None:
    """Stop the calling cell, with one line, unless the exercises it uses are done.

    ``needs(dropout_forward="2.1", EarlyStopping="4.1")`` names each function, class or
    answer the cell uses (directly or through an earlier experiment cell) with the number
    of its exercise. It runs nothing of the student's: an answer is missing if the name is
    not defined (its cell has not been run), unfinished if its code still raises
    ``NotImplementedError``.

    Raises:
        Unfinished: "finish Exercise 2.1 `dropout_forward` first: ...", naming every
            exercise that is missing or unfinished, in one line.
        TypeError: called without exercises, or with a label that is not a string.
    """
    if not exercises:
        raise TypeError('needs: name the exercises the cell uses, e.g. needs(dropout_forward="2.1")')
    for name, label in exercises.items():
        if not isinstance(label, str) or not label:
            raise TypeError(f"needs: the exercise of {name} must be its number as a string, "
                            f'e.g. {name}="2.1", got {label!r}')
    namespace = sys._getframe(1).f_globals            # the notebook's (the calling cell's) names
    missing = [(label, name) for name, label in exercises.items() if name not in namespace]
    todo = [(label, name) for name, label in exercises.items()
            if name in namespace and unfinished(namespace[name])]
    if not missing and not todo:
        return
    raise Unfinished(f"this cell uses your code: finish {_exercises(todo + missing)} first "
                     f"({_why(todo, missing)}), then run this cell again.")


def _exercises(pairs: list[tuple[str, str]]) -> str:
    """``Exercise 2.1 `dropout_forward`, `dropout_backward` and Exercise 4.1 `EarlyStopping```."""
    by_label: dict[str, list[str]] = {}
    for label, name in pairs:
        by_label.setdefault(label, []).append(f"`{name}`")
    return " and ".join(f"Exercise {label} {', '.join(names)}" for label, names in by_label.items())


def _why(todo: list, missing: list) -> str:
    if todo and missing:
        return "some of it still raises NotImplementedError, and some cells have not been run yet"
    if todo:
        return "it still raises NotImplementedError"
    return "its cell has not been run yet"
