"""The test class of ``course report``: 01_backprop handed in by twelve students whose
mistakes, crashes and copying are known in advance.

Independent students write independently: each wrong one starts from the blank release and
answers only the cells named (the instructor's answer there, with the variant of
tests/variants/backprop.py spliced in, see harness.splice), so two of them share only what
two students writing the same short function would. Two students hand in full, correct
notebooks in different styles (alice: the instructor's; bob: every correct variant). Two
pairs copied: jack hands in ivy's notebook verbatim; hana hands in bob's with renamed
variables, the helpers of each cell in the opposite order and her own comments.

``TRUTH`` is what the report must count: per test cell, how many students made each named
mistake (the description the test's ``check_close(..., mistakes=...)`` gives it).
"""

from __future__ import annotations

import ast
import copy
import importlib
import re
from pathlib import Path

import nbformat

from course_utils import cells
from tests.conftest import release_of, source_of
from tests.harness import splice

NAME = "01_backprop"
FULL = 23
VARIANTS = importlib.import_module("tests.variants.backprop").variants

COPIED = [("ivy", "jack"), ("bob", "hana")]          # verbatim; disguised
INDEPENDENT_CORRECT = ("alice", "bob")               # full marks, different styles

# test cell -> {named mistake: students who made it}
TRUTH = {
    "test_linear": {"forgot to add the bias b": 1,                                  # carol
                    "averaged dout over the batch instead of summing it": 2},        # ivy, jack
    "test_relu": {"multiplied dout by x instead of by the 0/1 mask (x > 0)": 2},     # ivy, jack
    "test_sigmoid": {"used x instead of sigmoid(x) in s * (1 - s)": 1},              # dave
    "test_softmax_ce": {"summed the loss over the batch instead of averaging": 1},   # erin
    # kim: forward hard-codes 0.01 and caches it, so the backward uses 0.01 too
    "test_leaky_relu": {"ignored the alpha argument (always 0.01)": 1,                # kim
                        "used alpha = 0.01 in backward instead of the alpha given to forward": 1},
}
# student -> expected status (the rest are graded)
STATUS = {"nia": "invalid_notebook", "oz": "timeout", "pat": "missing"}
RAISES = {"mo": "ValueError"}       # mo's linear_forward raises ValueError in the tests


def variant(target: str, description: str):
    return next(v for v in VARIANTS if v.target == target and v.description == description)


def _notebooks():
    release = cells.read_notebook(release_of(NAME))
    solved = cells.fill_in(release, cells.read_notebook(source_of(NAME)))
    return release, solved


def answered(release, solved, *grade_ids, variants=()):
    """The blank release with the instructor's answer in the cells ``grade_ids`` and then
    ``variants`` spliced in."""
    nb = copy.deepcopy(release)
    answers = {cells.meta(c).get("grade_id"): c.source for c in solved.cells}
    for cell in nb.cells:
        if cells.meta(cell).get("grade_id") in grade_ids:
            cell.source = answers[cells.meta(cell)["grade_id"]]
    for v in variants:
        splice(nb, v)
    return nb


RENAMES = {"dout": "upstream", "cache": "memo", "out": "result", "shifted": "centred",
           "scores": "raw_scores", "cache1": "memo1", "cache2": "memo2", "cache3": "memo3"}


def disguised(nb):
    """A copy of ``nb`` as a student hides copying: renamed variables, the functions of
    each answer cell in the opposite order, every comment replaced."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if not (cells.is_solution_cell(cell) and cell.cell_type == "code"):
            continue
        source = cell.source
        for old, new in RENAMES.items():
            source = re.sub(rf"\b{old}\b", new, source)
        source = re.sub(r"#.*", "# worked this out myself", source)
        body = ast.parse(source).body
        if len(body) > 1 and all(isinstance(node, ast.FunctionDef) for node in body):
            source = "\n\n\n".join(ast.get_source_segment(source, f) for f in reversed(body)) + "\n"
        cell.source = source
    return nb


def build(folder: Path) -> dict[str, str]:
    """Write the class into ``folder/<student>/01_backprop.ipynb``; return student ->
    expected status."""
    release, solved = _notebooks()
    correct = [v for v in VARIANTS if v.correct and v.source]
    bob = copy.deepcopy(solved)
    for v in correct:
        splice(bob, v)
    ivy = answered(release, solved, "linear", "relu", variants=[
        variant("linear_backward", "averages db over the batch"),
        variant("relu_backward", "multiplies dout by x")])
    timeout = copy.deepcopy(release)            # oz: a loop that never ends, nothing else
    relu = next(c for c in timeout.cells if cells.meta(c).get("grade_id") == "relu")
    # it waits rather than spins (the cell's limit stops both; tests/test_autograde.py's gina spins)
    relu.source = "import time\nwhile True:\n    time.sleep(0.1)\n" + relu.source
    notebooks = {
        "alice": solved,
        "bob": bob,
        "hana": disguised(bob),
        "carol": answered(release, solved, "linear",
                          variants=[variant("linear_forward", "forgets the bias")]),
        "ivy": ivy,
        "jack": copy.deepcopy(ivy),
        "dave": answered(release, solved, "sigmoid",
                         variants=[variant("sigmoid_backward", "uses x instead of sigmoid(x)")]),
        "erin": answered(release, solved, "softmax_ce", variants=[
            variant("softmax_cross_entropy", "sums over the batch instead of averaging")]),
        "kim": answered(release, solved, "leaky_relu",
                        variants=[variant("leaky_relu_forward", "ignores alpha (hard-coded 0.01)")]),
        "mo": answered(release, solved, "tanh", "linear", variants=[
            variant("tanh_forward", "exponential formula, cache x, 1/cosh^2 in backward"),
            variant("linear_backward", "einsum and a dict cache"),
            variant("linear_forward", "adds the bias along the wrong axis")]),
        "oz": timeout,
    }
    for student, nb in notebooks.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / student / f"{NAME}.ipynb")
    (folder / "nia").mkdir(parents=True, exist_ok=True)
    (folder / "nia" / f"{NAME}.ipynb").write_text('{"cells": [')
    (folder / "pat").mkdir(parents=True, exist_ok=True)
    return {student: STATUS.get(student, "graded") for student in [*notebooks, "nia", "pat"]}


# ------------------------------------------------------------ records, without grading

def check(block, outcome="passed", points=1.0, max_points=1.0, kind=None, mistake=None,
          exception=None, message=""):
    """One check of a results record (the format of `course autograde`'s results/*.json)."""
    return {"block": block, "points": points if outcome == "passed" else 0.0, "max_points": max_points,
            "outcome": outcome, "kind": kind, "mistake": mistake, "exception": exception,
            "message": message}


def exercise(test, name, *checks, outcome=None):
    """A test cell's record; its outcome follows from the checks' unless given ("error":
    the cell itself crashed or timed out)."""
    points = sum(c["points"] for c in checks)
    outcomes = {c["outcome"] for c in checks}
    outcome = outcome or ("passed" if outcomes == {"passed"} else
                          "not_attempted" if outcomes == {"not_attempted"} else "failed")
    return {"test": test, "exercise": name, "points": points,
            "max_points": sum(c["max_points"] for c in checks), "outcome": outcome, "checks": list(checks)}


def record(student, *exercises, status="graded", detail="", seconds=2.0, assignment=NAME, max_score=None):
    return {"version": 1, "student": student, "assignment": assignment, "status": status,
            "detail": detail, "score": sum(e["points"] for e in exercises),
            "max_score": max_score if max_score is not None else sum(e["max_points"] for e in exercises),
            "seconds": seconds, "exercises": list(exercises)}


def write_records(run: Path, *records) -> Path:
    """A grading run's output folder holding ``records`` in results/."""
    import json

    (run / "results").mkdir(parents=True, exist_ok=True)
    for r in records:
        (run / "results" / f"{r['student']}.json").write_text(json.dumps(r))
    return run
