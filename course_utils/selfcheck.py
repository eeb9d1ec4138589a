"""``course check NOTEBOOK``: a student's self-check.

Runs the notebook top to bottom in a fresh kernel (continuing past errors, with long
experiments shortened as during grading), then reports each exercise as passed, failed
(with the test's message) or not attempted. Unlike ``nbgrader validate``, the exit code
says whether everything passed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbclient

from .cells import exercises, read_notebook, written_answers

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"


@dataclass
class Result:
    title: str
    points: float
    status: str
    message: str = ""


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
    """Execute the notebook ``nb`` read from ``path`` (errors do not stop the run)."""
    os.environ.setdefault("NBGRADER_EXECUTION", "validate")  # keep experiments short
    client = nbclient.NotebookClient(nb, timeout=timeout, allow_errors=True,
                                     kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def grade_results(nb) -> list[Result]:
    """The status of each autograded exercise of an executed notebook."""
    results = []
    for ex in exercises(nb):
        test_err = _error(nb.cells[ex.test_index])
        solution_errs = [e for i in ex.solution_indices if (e := _error(nb.cells[i]))]
        unfinished = any(e.get("ename") == "NotImplementedError" for e in solution_errs)
        if test_err is None:
            results.append(Result(ex.title, ex.points, PASSED))
        elif unfinished or test_err.get("ename") == "NotAttempted":
            results.append(Result(ex.title, ex.points, NOT_ATTEMPTED, _message(test_err)))
        else:
            results.append(Result(ex.title, ex.points, FAILED, _message(test_err)))
    return results


def report(results: list[Result], manual: list[tuple[str, float]]) -> str:
    marks = {PASSED: "\u2713", FAILED: "\u2717", NOT_ATTEMPTED: "\u00b7"}
    width = max((len(r.title) for r in results), default=10)
    lines = []
    for r in results:
        lines.append(f"{marks[r.status]} {r.title:<{width}}  {r.status:<13} ({r.points:g} pt)")
        if r.status == FAILED:
            lines += ["      " + line for line in r.message.splitlines()]
    earned = sum(r.points for r in results if r.status == PASSED)
    total = sum(r.points for r in results)
    counts = {s: sum(r.status == s for r in results) for s in (PASSED, FAILED, NOT_ATTEMPTED)}
    lines.append("")
    lines.append(f"{counts[PASSED]} passed, {counts[FAILED]} failed, "
                 f"{counts[NOT_ATTEMPTED]} not attempted: {earned:g} / {total:g} points "
                 "from the visible tests.")
    if manual:
        pts = sum(p for _, p in manual)
        lines.append(f"Not checked here: {len(manual)} written answer(s) worth {pts:g} "
                     "point(s), graded by hand. Hidden tests add more cases when graded.")
    return "\n".join(lines)


def check(path, timeout: int = 120) -> int:
    """Run the self-check on one notebook, print the report, return the exit code."""
    path = Path(path)
    nb = read_notebook(path)
    if not exercises(nb):
        print(f"{path.name}: no autograded exercises found (is this a course notebook?)")
        return 2
    results = grade_results(run_notebook(nb, path, timeout=timeout))
    print(f"Self-check of {path.name}\n")
    print(report(results, written_answers(nb)))
    return 0 if all(r.status == PASSED for r in results) else 1
