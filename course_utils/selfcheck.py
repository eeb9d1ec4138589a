"""``course check NOTEBOOK``: a student's self-check.

Runs the notebook top to bottom in a fresh kernel (continuing past errors, with long
experiments shortened as during grading), then reports each exercise as passed, failed
(with the test's message) or not attempted. A multiple-choice question, whose visible test
sees only the answer's format, is *answer recorded*: shown apart, never counted as earned.
Unlike ``nbgrader validate``, the exit code says whether everything passed.

:func:`grade_results` reads the verdicts from a notebook's outputs, so ``course progress``
uses it too, on freshly executed notebooks or on notebooks as the student last saved them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .cells import exercises, read_notebook, written_answers

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PASSED, FAILED, NOT_ATTEMPTED, RECORDED = "passed", "failed", "not attempted", "answer recorded"
MARKS = {PASSED: "\u2713", FAILED: "\u2717", NOT_ATTEMPTED: "\u00b7", RECORDED: "?"}


@dataclass
class Result:
    title: str
    points: float
    status: str
    message: str = ""
    question: bool = False    # multiple choice: the visible test sees only the format


def _error(cell) -> dict | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out
    return None


def _message(err: dict) -> str:
    lines = [ANSI.sub("", line) for line in err.get("traceback", [])]
    text = "\n".join(lines).strip()
    # A CheckFailure renders as its message; anything else: keep the last lines only.
    if err.get("ename") in ("CheckFailure", "NotAttempted"):
        return text
    return "\n".join(text.splitlines()[-3:]) or f"{err.get('ename')}: {err.get('evalue')}"


def run_notebook(nb, path: Path, timeout: int = 120):
    """Execute the notebook ``nb`` read from ``path`` (errors do not stop the run).

    The kernel's transport is encrypted (CurveZMQ keys provisioned by jupyter_client where
    the kernel supports them), so it does not warn that it "is running over TCP without
    encryption"."""
    # Imported here, not at the top: the notebooks' progress cell only reads saved outputs.
    import nbclient
    from traitlets.config import Config

    os.environ.setdefault("NBGRADER_EXECUTION", "validate")  # keep experiments short
    config = Config()
    config.KernelManager.transport_encryption = "auto"
    client = nbclient.NotebookClient(nb, timeout=timeout, allow_errors=True,
                                     kernel_name="python3", config=config,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def grade_results(nb) -> list[Result]:
    """The status of each autograded exercise of an executed (or saved) notebook.

    A test cell that never ran (no execution count) is *not attempted*; a multiple-choice
    question whose format check passed is *answer recorded*, not passed."""
    results = []
    for ex in exercises(nb):
        test = nb.cells[ex.test_index]
        test_err = _error(test)
        solution_errs = [e for i in ex.solution_indices if (e := _error(nb.cells[i]))]
        unfinished = any(e.get("ename") == "NotImplementedError" for e in solution_errs)
        if test.get("execution_count") is None:
            status, message = NOT_ATTEMPTED, "its test cell has not been run"
        elif test_err is None:
            status, message = (RECORDED if ex.format_only else PASSED), ""
        elif unfinished or test_err.get("ename") == "NotAttempted":
            status, message = NOT_ATTEMPTED, _message(test_err)
        else:
            status, message = FAILED, _message(test_err)
        results.append(Result(ex.title, ex.points, status, message, ex.format_only))
    return results


def result_lines(results: list[Result], indent: str = "") -> list[str]:
    """One line per exercise (and a failure's message under it)."""
    width = max((len(r.title) for r in results), default=10)
    lines = []
    for r in results:
        note = f"{r.points:g} pt, graded when you submit" if r.status == RECORDED else f"{r.points:g} pt"
        lines.append(f"{indent}{MARKS[r.status]} {r.title:<{width}}  {r.status:<15} ({note})")
        if r.status == FAILED:
            lines += [f"{indent}      " + line for line in r.message.splitlines()]
    return lines


def counts(results: list[Result]) -> dict[str, int]:
    return {s: sum(r.status == s for r in results) for s in (PASSED, FAILED, NOT_ATTEMPTED, RECORDED)}


def summary(results: list[Result]) -> list[str]:
    """The totals: points only from exercises the visible tests really check; the
    multiple-choice answers apart, never counted as earned."""
    checked = [r for r in results if not r.question]
    earned = sum(r.points for r in checked if r.status == PASSED)
    n = counts(results)
    lines = [f"{n[PASSED]} passed, {n[FAILED]} failed, {n[NOT_ATTEMPTED]} not attempted: "
             f"{earned:g} / {sum(r.points for r in checked):g} points from the visible tests."]
    questions = [r for r in results if r.question]
    if questions:
        lines.append(f"Multiple choice: {n[RECORDED]} of {len(questions)} answer(s) recorded "
                     f"({sum(r.points for r in questions):g} point(s) in all), not counted above: "
                     "the visible test checks only the format, the answer is graded when you submit.")
    return lines


def report(results: list[Result], manual: list[tuple[str, float]]) -> str:
    lines = result_lines(results) + [""] + summary(results)
    if manual:
        pts = sum(p for _, p in manual)
        lines.append(f"Not checked here: {len(manual)} written answer(s) worth {pts:g} "
                     "point(s), graded by hand. Hidden tests add more cases when graded.")
    return "\n".join(lines)


def all_done(results: list[Result]) -> bool:
    """Every exercise passed its visible tests and every question has a recorded answer."""
    return all(r.status in (PASSED, RECORDED) for r in results)


def check(path, timeout: int = 120) -> int:
    """Run the self-check on one notebook, print the report, return the exit code."""
    path = Path(path).resolve()
    nb = read_notebook(path)
    if not exercises(nb):
        print(f"{path}: no autograded exercises found (is this a course notebook?)")
        return 2
    print(f"Self-check of {path}\n", flush=True)
    results = grade_results(run_notebook(nb, path, timeout=timeout))
    print(report(results, written_answers(nb)))
    return 0 if all_done(results) else 1
