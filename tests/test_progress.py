"""course progress and the notebooks' progress cell: every exercise of the course as passed,
failed, not attempted (or, for multiple choice, answer recorded), read from a student's own
notebooks: run afresh (the command) or as last saved (the cell)."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest

from course_utils import cells, progress, selfcheck
from course_utils.course import CourseError
from tests.conftest import ASSIGNMENTS, course, release_of, source_of

NAME = "01_backprop"
SOLVED = {"graph_gradients", "neuron_gradients", "linear", "relu"}
WRONG_SIGMOID = ("def sigmoid_forward(x):\n    out = 1.0 / (1.0 + np.exp(x))     # the sign of x is wrong\n"
                 "    return out, out\n\n\ndef sigmoid_backward(dout, cache):\n    s = cache\n"
                 "    return dout * s * (1.0 - s)\n")


def half_done():
    """Notebook 01 as a student has it halfway: four exercises solved, sigmoid wrong, the
    multiple-choice answer wrong, the rest untouched."""
    nb = cells.read_notebook(release_of(NAME))
    source = cells.read_notebook(source_of(NAME))
    solutions = {cells.meta(c)["grade_id"]: c.source for c in source.cells if cells.is_solution_cell(c)}
    for cell in nb.cells:
        gid = cells.meta(cell).get("grade_id")
        if gid in SOLVED:
            cell.source = "\n".join(line for line in solutions[gid].splitlines() if "### " not in line)
        elif gid == "sigmoid":
            cell.source = WRONG_SIGMOID
        elif gid == "answer_gate":
            cell.source = 'answer_gate = "a"      # the wrong choice (it is "c")'
    return nb


def expected_lines() -> list[tuple[str, str]]:
    titles = [ex.title for ex in cells.exercises(cells.read_notebook(release_of(NAME)))]
    status = [selfcheck.PASSED] * 4 + [selfcheck.FAILED] + [selfcheck.NOT_ATTEMPTED] * 4 + [selfcheck.RECORDED]
    return list(zip(titles, status))


def listed(text: str) -> list[tuple[str, str]]:
    """(title, status) of every exercise line of a report."""
    pattern = r"^\s*[\u2713\u2717\u00b7?] (.+?)\s{2,}(passed|failed|not attempted|answer recorded)\s+\("
    return [(m.group(1).strip(), m.group(2)) for m in re.finditer(pattern, text, re.M)]


def test_course_progress_on_a_half_done_course_lists_exactly_what_was_done(tmp_path):
    folder = tmp_path / "my-notebooks"
    (folder / NAME).mkdir(parents=True)
    nbformat.write(half_done(), folder / NAME / f"{NAME}.ipynb")
    proc = course("progress", folder, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert listed(proc.stdout) == expected_lines(), proc.stdout
    assert f"{NAME}: 4 of 10 passed, 1 failed, 4 not attempted, 1 answer(s) recorded" in proc.stdout
    for other in ASSIGNMENTS[1:]:
        assert f"{other}: no notebook" in proc.stdout
    assert "Kernel is running over TCP" not in proc.stdout + proc.stderr


def test_a_wrong_multiple_choice_answer_is_recorded_never_passed():
    nb = half_done()
    selfcheck.run_notebook(nb, release_of(NAME))
    mc = next(ex for ex in cells.exercises(nb) if ex.format_only)
    shown = "".join(o.get("text", "") for o in nb.cells[mc.test_index].outputs)
    assert "question 5.1: answer recorded -- it is graded when you submit" in shown
    assert "\u2713" not in shown
    results = selfcheck.grade_results(nb)
    assert [(r.title, r.status) for r in results] == expected_lines()
    text = selfcheck.report(results, [])
    passed_points = sum(r.points for r in results if r.status == selfcheck.PASSED)
    assert f"4 passed, 1 failed, 4 not attempted: {passed_points:g} / 22 points" in text
    assert "question 5.1" not in " ".join(line for line in text.splitlines() if "passed  " in line)


# --------------------------------------------------------------------------- the notebook cell


def saved_notebook(statuses: dict[str, str]):
    """The blank 01 as saved after running some test cells: ``{grade_id: passed | failed |
    recorded}``; the others never ran."""
    nb = copy.deepcopy(cells.read_notebook(release_of(NAME)))
    for cell in nb.cells:
        gid = cells.meta(cell).get("grade_id")
        if cells.is_test_cell(cell) and gid in statuses:
            cell.execution_count = 3
            if statuses[gid] == "failed":
                cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailure", evalue="out is wrong",
                                                       traceback=["CheckFailure: out is wrong"])]
            else:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="fine\n")]
    return nb


def test_the_progress_cell_reads_the_notebooks_as_saved(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    here = tmp_path / "notebooks" / NAME
    here.mkdir(parents=True)
    nbformat.write(saved_notebook({"test_graph_gradients": "passed", "test_linear": "failed",
                                   "test_answer_gate": "recorded"}), here / f"{NAME}.ipynb")
    progress.show_progress(start=here)           # the cell runs in the notebook's folder
    out = capsys.readouterr().out
    statuses = dict(listed(out))
    assert statuses["graph gradients"] == selfcheck.PASSED
    assert statuses["linear_forward / linear_backward"] == selfcheck.FAILED
    assert statuses["question 5.1"] == selfcheck.RECORDED
    assert statuses["two_layer_net"] == selfcheck.NOT_ATTEMPTED          # its test cell never ran
    assert f"the notebooks in {tmp_path / 'notebooks'}, as last saved" in out
    assert "02_initialization: no notebook" in out
    assert "Save this notebook (Ctrl+S)" in out


def test_the_progress_cell_does_nothing_while_grading(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    progress.show_progress(start=tmp_path)
    assert capsys.readouterr().out == ""


def test_the_progress_cell_explains_itself_where_no_notebooks_are_on_disk(tmp_path, monkeypatch, capsys):
    """On Colab a notebook is opened on its own: there is no course folder to read."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def no_course(start=None):
        raise CourseError("no course found")

    monkeypatch.setattr(progress, "find_root", no_course)
    progress.show_progress(start=tmp_path)
    assert "there are none here (a notebook opened on its own, e.g. on Colab" in capsys.readouterr().out


def test_progress_command_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CourseError, match="no course notebooks found"):
        progress.progress_command(tmp_path / "missing", saved=True)
