"""course_utils.grading.releases with integrity.repair: a submission of an earlier release
(before a mid-term correction added an exercise) is judged against that release, so the
cells added since are graded, not reported as deleted; tampering is still found."""

import copy
import json

import pytest

from course_utils import cells
from course_utils.grading import releases
from course_utils.grading.integrity import repair
from tests.conftest import ROOT, release_of

NAME = "01_backprop"
ADDED = "test_tanh"          # pretend the tanh exercise was added mid-term


def without(nb, grade_ids):
    old = copy.deepcopy(nb)
    old.cells = [c for c in old.cells if cells.meta(c).get("grade_id") not in grade_ids]
    return old


@pytest.fixture(scope="module")
def term():
    """(the first release, the corrected one, their history)."""
    new = cells.read_notebook(release_of(NAME))
    tanh = [cells.meta(c)["grade_id"] for c in new.cells if cells.meta(c).get("grade_id") in ("tanh", ADDED)]
    assert ADDED in tanh
    old = without(new, tanh)
    return old, new, [releases.fingerprint(old), releases.fingerprint(new)]


def test_the_committed_history_ends_with_the_committed_release():
    for name in ("01_backprop", "07_data_and_batches"):
        history = releases.history(ROOT, name)
        assert history and history[-1] == releases.fingerprint(cells.read_notebook(release_of(name)))


def test_remember_appends_only_a_changed_release(tmp_path, term):
    old, new, _ = term
    (tmp_path / "solutions").mkdir()
    assert releases.remember(tmp_path, NAME, old) and not releases.remember(tmp_path, NAME, old)
    assert releases.remember(tmp_path, NAME, new)
    assert releases.history(tmp_path, NAME) == term[2]
    assert list(json.loads((tmp_path / "solutions" / "releases.json").read_text())) == [NAME]


def test_an_earlier_release_is_graded_with_the_cells_added_since(term):
    old, new, history = term
    assert releases.fetched(new, history) is None                     # the latest: as before
    number, fetched = releases.fetched(old, history)
    assert number == 1 and fetched == history[0]
    notes = []
    repaired, findings = repair(old, new, fetched, notes)
    assert findings == []
    assert ADDED in releases.fingerprint(repaired)
    assert notes == [f"handed in an earlier release (test cells added since, graded: {ADDED})"]
    # without the history, the same submission looks tampered with
    assert any(f"{ADDED!r} was deleted" in f for f in repair(old, new)[1])


def test_tampering_with_an_earlier_release_is_still_found(term):
    old, new, history = term
    edited = copy.deepcopy(old)
    test = next(c for c in edited.cells if cells.meta(c).get("grade_id") == "test_relu")
    test.source += "\nassert True"
    _, fetched = releases.fetched(edited, history)
    repaired, findings = repair(edited, new, fetched, [])
    assert findings == ["test cell 'test_relu' was edited (graded with the original)"]
    deleted = without(old, {"test_relu"})                         # matches no release: judged as now
    assert releases.fetched(deleted, history) is None
    assert "test cell 'test_relu' was deleted (put back for grading)" in repair(deleted, new)[1]


@pytest.mark.nbgrader
def test_a_submission_from_before_the_correction_is_graded_not_tampered(tmp_path, term):
    """End to end: `course autograde` on a course whose history has two releases; the
    student solved the first one (without tanh). tanh's cells are put in and score 0."""
    import shutil

    from course_utils.course import CONFIG, release_path, source_path
    from course_utils.grading.autograde import autograde
    from tests.conftest import source_of

    old, new, history = term
    root = tmp_path / "course"
    for path in (source_path(ROOT, NAME).parent, release_path(ROOT, NAME).parent):
        shutil.copytree(path, root / path.relative_to(ROOT))
    shutil.copy2(ROOT / CONFIG, root / CONFIG)
    (root / "solutions" / "releases.json").write_text(json.dumps({NAME: history}))
    source = cells.read_notebook(source_of(NAME))
    handed_in = cells.fill_in(old, source)
    (tmp_path / "subs" / "early").mkdir(parents=True)
    (tmp_path / "subs" / "early" / f"{NAME}.ipynb").write_text(json.dumps(handed_in))
    (grade,) = autograde(root, tmp_path / "subs", NAME, tmp_path / "out")
    full = sum(ex.points for ex in cells.exercises(source))
    tanh = next(ex.points for ex in cells.exercises(source) if ex.grade_id == ADDED)
    assert grade.status == "graded", grade.detail
    assert grade.score == full - tanh
    assert f"handed in release 1 of 2 (test cells added since, graded: {ADDED})" in grade.detail
