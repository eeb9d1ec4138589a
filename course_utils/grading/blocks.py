"""Run a test cell block by block, so that every block runs and each earns its share.

A test cell is a sequence of top-level statements; each ``with exercise(...)`` /
``with question(...)`` statement is a *block*. :func:`split` compiles the cell into
steps (a block, or the plain statements between blocks); :func:`run_steps` runs them
in one namespace, catching each block's :class:`~course_utils.checks.CheckFailure` and
recording it as a :class:`Check` (from the failure's own attributes, never from its
message). A failure outside any block stops the cell, as in Jupyter.

The runner (inside the sandbox) and tests/harness.py both run test cells this way;
:func:`score` turns the checks into the cell's partial score with
:func:`course_utils.cells.block_points`.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass

from ..cells import block_points
from ..checks import CheckFailure

MAX_MESSAGE = 500
OUTCOMES = ("passed", "failed", "not_attempted", "error")


@dataclass
class Check:
    """The outcome of one block of a test cell (a record of results-schema's ``checks``)."""
    block: str
    outcome: str = "passed"            # one of OUTCOMES
    kind: str | None = None            # checks.KINDS, or "timeout" / "tampered"
    mistake: str | None = None
    exception: str | None = None
    message: str = ""
    points: float = 0.0
    max_points: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Step:
    """A compiled part of a test cell: a block (``block`` is its name) or plain code."""
    block: str | None
    code: object
    binds: frozenset = frozenset()     # the names the block assigns


def _block_name(statement) -> str | None:
    if not isinstance(statement, ast.With):      # `with exercise(...)[, substituted(...)]:`
        return None
    call = statement.items[0].context_expr
    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in ("exercise", "question") and call.args
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
        return call.args[0].value
    return None


def split(source: str, filename: str) -> list[Step]:
    """The steps of a test cell, in order. Raises SyntaxError as ``compile`` does."""
    tree = ast.parse(source, filename)
    steps, plain = [], []

    def flush():
        if plain:
            steps.append(Step(None, compile(ast.Module(plain[:], []), filename, "exec")))
            plain.clear()

    for statement in tree.body:
        name = _block_name(statement)
        if name is None:
            plain.append(statement)
            continue
        flush()
        binds = frozenset(n.id for n in ast.walk(statement)
                          if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
        steps.append(Step(name, compile(ast.Module([statement], []), filename, "exec"), binds))
    flush()
    return steps


def _failed(block: str, err: CheckFailure, failed_binds: dict) -> Check:
    """The check of a block that raised ``err``; ``failed_binds``: name -> the earlier
    check (of this cell) that failed before binding it."""
    missing = getattr(err, "missing_name", None)
    if err.exception == "NameError" and missing in failed_binds:
        # it needs a value that an earlier, failed block of this cell was to compute
        earlier = failed_binds[missing]
        why = "was not attempted" if earlier.outcome == "not_attempted" else "failed"
        return Check(block, earlier.outcome, earlier.kind if earlier.outcome == "not_attempted" else "other",
                     message=f"{block}: not checked, because it needs `{missing}` from "
                             f"'{earlier.block}', which {why}"[:MAX_MESSAGE])
    outcome = "not_attempted" if err.kind == "not_attempted" else "failed"
    return Check(block, outcome, err.kind, err.mistake, err.exception, str(err)[:MAX_MESSAGE])


def run_steps(steps: list[Step], namespace: dict, checks: list[Check], failures: list) -> BaseException | None:
    """Run ``steps`` in ``namespace``; append a :class:`Check` per block that finished to
    ``checks`` and each block's exception to ``failures`` (both filled as it goes, so
    that a time limit cutting the cell short keeps what finished). Return the exception
    that stopped the cell outside any block, or None. BaseExceptions other than
    Exception (a time limit, an interrupt) propagate."""
    failed_binds = {}
    for step in steps:
        try:
            exec(step.code, namespace)
        except CheckFailure as err:
            if step.block is None:
                return err
            checks.append(_failed(step.block, err, failed_binds))
            failures.append(err)
            failed_binds.update(dict.fromkeys(step.binds - set(failed_binds), checks[-1]))
            continue
        except Exception as err:  # noqa: BLE001 -- outside a block, it stops the cell
            if step.block is None:
                return err
            checks.append(Check(step.block, "error", "exception", exception=type(err).__name__,
                                message=f"{step.block}: {type(err).__name__}: {err}"[:MAX_MESSAGE]))
            failures.append(err)
            continue
        if step.block is not None:
            checks.append(Check(step.block))
    return None


def complete(source: str, checks: list[dict], points: float, why_not_run: tuple[str, str] | None) -> list[Check]:
    """Every block of the (trusted) test cell ``source`` with its outcome and points.

    ``checks``: what the run reported (dicts of :class:`Check` fields), in order. A block
    the run did not report gets outcome ``error``: ``why_not_run`` is ``(kind, reason)``
    (e.g. ``("timeout", "the cell ran past the time limit")``); the first such block is
    the one that was running. A reported block name that is not in the cell is ignored.
    """
    reported = {c.get("block"): c for c in checks if isinstance(c, dict)}
    done = []
    kind, reason = why_not_run or ("other", "the cell stopped before this block")
    for name, share in block_points(source, points):
        record = reported.get(name)
        if record is None:
            check = Check(name, "error", kind, message=f"{name}: did not run: {reason}"[:MAX_MESSAGE])
        else:
            fields = {key: record.get(key) for key in ("outcome", "kind", "mistake", "exception")}
            if fields["outcome"] not in OUTCOMES:
                fields["outcome"] = "error"
            check = Check(name, **fields, message=str(record.get("message") or "")[:MAX_MESSAGE])
        check.max_points = share
        check.points = share if check.outcome == "passed" else 0.0
        done.append(check)
    return done


def score(checks: list[Check]) -> float:
    """The cell's partial score: the points of its passed blocks, to 1/1000 of a point."""
    return round(sum(c.points for c in checks), 3)


def outcome(outcomes: list[str], crashed: bool = False) -> str:
    """An exercise's outcome from its checks' outcomes: passed if all passed; not_attempted
    if none was attempted; error if the cell crashed or timed out outside any block (or
    was tampered with); else failed."""
    if outcomes and all(o == "passed" for o in outcomes) and not crashed:
        return "passed"
    if outcomes and all(o == "not_attempted" for o in outcomes):
        return "not_attempted"
    return "error" if crashed else "failed"
