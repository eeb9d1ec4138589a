"""course_utils.grading.integrity: a submission's structure is checked against the release and repaired."""

import copy

import nbformat
import pytest

from course_utils import cells
from course_utils.grading.integrity import repair
from tests.conftest import release_of

NAME = "01_backprop"


@pytest.fixture(scope="module")
def release():
    return cells.read_notebook(release_of(NAME))


def ids(nb):
    return [cells.meta(c).get("grade_id") for c in nb.cells if cells.meta(c).get("grade_id")]


def cell(nb, grade_id):
    return next(c for c in nb.cells if cells.meta(c).get("grade_id") == grade_id)


def test_an_untouched_release_has_no_findings(release):
    repaired, findings = repair(release, release)
    assert findings == []
    assert repaired == release


def test_answers_and_extra_student_cells_are_kept(release):
    nb = copy.deepcopy(release)
    cell(nb, "linear").source = "def linear_forward(x, W, b):\n    return x @ W + b, (x, W)\n"
    nb.cells.insert(5, nbformat.v4.new_code_cell("helper = 1"))
    repaired, findings = repair(nb, release)
    assert findings == []
    assert cell(repaired, "linear").source.startswith("def linear_forward")
    assert any(c.source == "helper = 1" for c in repaired.cells)


def test_deleted_test_cell_is_put_back_after_its_exercise(release):
    nb = copy.deepcopy(release)
    nb.cells.remove(cell(nb, "test_linear"))
    repaired, findings = repair(nb, release)
    assert findings == ["test cell 'test_linear' was deleted (put back for grading)"]
    assert ids(repaired) == ids(release)
    order = ids(repaired)
    assert order.index("test_linear") == order.index("linear") + 1


def test_deleted_exercise_and_test_still_get_the_test_back(release):
    nb = copy.deepcopy(release)
    for gid in ("linear", "test_linear"):
        nb.cells.remove(cell(nb, gid))
    repaired, findings = repair(nb, release)
    assert findings == ["test cell 'test_linear' was deleted (put back for grading)"]
    assert "test_linear" in ids(repaired)


def test_edited_test_cell_is_restored(release):
    nb = copy.deepcopy(release)
    cell(nb, "test_relu").source = "pass"
    repaired, findings = repair(nb, release)
    assert findings == ["test cell 'test_relu' was edited (graded with the original)"]
    assert cell(repaired, "test_relu").source == cell(release, "test_relu").source


def test_trailing_whitespace_is_not_an_edit(release):
    nb = copy.deepcopy(release)
    cell(nb, "test_relu").source += "\n\n   "
    assert repair(nb, release)[1] == []


def test_duplicated_test_cell_keeps_one_original(release):
    nb = copy.deepcopy(release)
    fake = copy.deepcopy(cell(nb, "test_relu"))
    fake.source = "print('fine')"
    nb.cells.insert(nb.cells.index(cell(nb, "test_relu")), fake)
    repaired, findings = repair(nb, release)
    assert "cell 'test_relu' appears more than once (the extra copy is not graded)" in findings
    assert ids(repaired).count("test_relu") == 1
    assert cell(repaired, "test_relu").source == cell(release, "test_relu").source


def test_changed_metadata_is_restored(release):
    nb = copy.deepcopy(release)
    cell(nb, "test_relu").metadata.nbgrader["points"] = 50
    cell(nb, "relu").metadata.nbgrader["grade"] = True
    cell(nb, "relu").metadata.nbgrader["points"] = 10
    repaired, findings = repair(nb, release)
    assert "the points of test cell 'test_relu' changed (restored)" in findings
    assert "the grade, points of cell 'relu' changed (restored)" in findings
    assert cells.meta(cell(repaired, "test_relu"))["points"] == cells.meta(cell(release, "test_relu"))["points"]
    assert cells.meta(cell(repaired, "relu")) == cells.meta(cell(release, "relu"))


def test_unknown_graded_cell_becomes_a_plain_cell(release):
    nb = copy.deepcopy(release)
    extra = copy.deepcopy(cell(nb, "test_relu"))
    extra.metadata.nbgrader["grade_id"] = "bonus"
    extra.metadata.nbgrader["points"] = 100
    nb.cells.append(extra)
    repaired, findings = repair(nb, release)
    assert findings == ["cell 'bonus' is marked as graded but is not part of the assignment"]
    assert "bonus" not in ids(repaired)
    assert "nbgrader" not in repaired.cells[-1].metadata
