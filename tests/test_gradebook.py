"""course_utils.grading.gradebook: `course autograde` records every graded submission in
nbgrader's own gradebook, and re-grading replaces one student's record, keeping the manual
grades of answers that did not change. Real nbgrader, one small class of 01_backprop."""

import contextlib
import json
import os
import sqlite3
import sys
import threading
from datetime import datetime

import pytest
from nbgrader.api import Gradebook

from course_utils import cells
from course_utils.grading import gradebook, roster
from course_utils.grading.autograde import autograde
from course_utils.grading.contracts import Status
from tests.conftest import ROOT, release_of, solved, source_of

NAME = "01_backprop"
ANSWER = "answer_xor"
pytestmark = pytest.mark.nbgrader


def with_answer(text: str, answer: str) -> str:
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == ANSWER:
            cell["source"] = answer
    return json.dumps(nb)


def hand_in(folder, student, text, stamp=None):
    """nbgrader's collect layout: submitted/<student>/NAME/NAME.ipynb (+ timestamp.txt)."""
    where = folder / student / NAME
    where.mkdir(parents=True)
    (where / f"{NAME}.ipynb").write_text(text)
    if stamp:
        (where / "timestamp.txt").write_text(stamp)


def give_manual(book, student, points, comment):
    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id="deep-training-tricks") as gb:
        gb.find_grade(ANSWER, NAME, NAME, student).manual_score = points
        gb.find_comment(ANSWER, NAME, NAME, student).manual_comment = comment
        gb.db.commit()


def recorded(book, student):
    """(auto scores by cell, manual score and comment of the written answer, timestamp)."""
    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id="deep-training-tricks") as gb:
        sub = gb.find_submission(NAME, student)
        nb = gb.find_submission_notebook(NAME, NAME, student)
        autos = {g.name: g.auto_score for g in nb.grades if g.auto_score is not None}
        manual = gb.find_grade(ANSWER, NAME, NAME, student)
        comment = gb.find_comment(ANSWER, NAME, NAME, student).manual_comment
        return autos, manual.manual_score, comment, sub.timestamp


def test_record_regrade_and_keep_unchanged_manual_grades(tmp_path):
    book = tmp_path / "gradebook"
    full = sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(NAME))))
    first = tmp_path / "first"
    hand_in(first, "alice", solved(NAME), "2026-10-01 09:30:00 UTC")
    hand_in(first, "bob", release_of(NAME).read_text())
    (first / "carol").mkdir()                                           # nothing handed in
    grades = {g.student: g for g in autograde(ROOT, first, NAME, tmp_path / "out1", course_dir=book)}
    assert grades["alice"].score == full and grades["bob"].score == 0

    autos, manual, _, stamp = recorded(book, "alice")
    assert sum(autos.values()) == full and manual is None
    assert stamp == datetime(2026, 10, 1, 9, 30)
    assert sum(recorded(book, "bob")[0].values()) == 0
    assert (book / "autograded" / "alice" / NAME / f"{NAME}.ipynb").is_file()
    assert (book / "submitted" / "alice" / NAME / "timestamp.txt").is_file()
    status = gradebook.statuses(book)
    assert status[(NAME, "alice")]["status"] == Status.GRADED and (NAME, "carol") not in status
    assert "written answers to grade by hand" in status[(NAME, "bob")]["detail"]
    give_manual(book, "alice", 2.0, "clear")
    give_manual(book, "bob", 1.0, "half right")

    # bob resubmits, solved, with a new written answer; alice re-graded with the same one
    second = tmp_path / "second"
    hand_in(second, "alice", solved(NAME), "2026-10-01 09:30:00 UTC")
    hand_in(second, "bob", with_answer(solved(NAME), "Because XOR is not linearly separable."))
    autograde(ROOT, second, NAME, tmp_path / "out2", course_dir=book)
    assert recorded(book, "alice")[1:3] == (2.0, "clear")               # same answer: kept
    autos, manual, comment, _ = recorded(book, "bob")
    assert sum(autos.values()) == full and manual is None and comment is None   # new answer
    assert gradebook.statuses(book)[(NAME, "bob")]["score"] == full

    # only carol, later: nobody else's record changes
    third = tmp_path / "third"
    hand_in(third, "carol", release_of(NAME).read_text())
    autograde(ROOT, third, NAME, tmp_path / "out3", course_dir=book)
    assert recorded(book, "alice")[1:3] == (2.0, "clear")
    assert sum(recorded(book, "bob")[0].values()) == full
    assert sorted(s for _, s in gradebook.statuses(book)) == ["alice", "bob", "carol"]


def test_concurrent_writers_do_not_corrupt_the_gradebook(tmp_path, monkeypatch):
    """Two runs' set-up at once (the lock and WAL serialise them); a source set up before
    is not set up again."""
    book = tmp_path / "gradebook"
    errors = []

    def prepare(name):
        try:
            gradebook.prepare(ROOT, name, book)
        except Exception as err:  # noqa: BLE001 -- reported below
            errors.append(err)

    threads = [threading.Thread(target=prepare, args=(n,)) for n in (NAME, "02_initialization")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id="deep-training-tricks") as gb:
        assert sorted(a.name for a in gb.assignments) == [NAME, "02_initialization"]

    def no_nbgrader(*args, **kwargs):
        raise AssertionError("nbgrader's set-up ran again for an unchanged source")

    monkeypatch.setattr(gradebook, "nbgrader_api", no_nbgrader)
    assert gradebook.prepare(ROOT, NAME, book) == "deep-training-tricks"


def course_without_tanh(tmp_path):
    """A copy of the course whose 01_backprop lacks the tanh exercise (its first release)."""
    import shutil

    from course_utils.course import CONFIG
    root = tmp_path / "first-release"
    shutil.copytree(source_of(NAME).parent, root / "solutions" / NAME)
    shutil.copy2(ROOT / CONFIG, root / CONFIG)
    path = root / "solutions" / NAME / f"{NAME}.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in ("tanh", "test_tanh")]
    path.write_text(json.dumps(nb))
    return root


def test_a_mid_term_correction_adds_its_cells_to_a_gradebook_with_submissions(tmp_path):
    """nbgrader itself refuses to add cells once there are submissions; the course gradebook
    gets them, with an empty grade for each earlier submission, manual grades kept."""
    book, first = tmp_path / "gradebook", course_without_tanh(tmp_path)
    cid = gradebook.prepare(first, NAME, book)
    with gradebook.open_gradebook(book, cid) as gb:
        gb.update_or_create_student("early")
        gb.add_submission(NAME, "early")
        gb.find_grade(ANSWER, NAME, NAME, "early").manual_score = 1.5
        gb.db.commit()
        before = {g.name for g in gb.find_notebook(NAME, NAME).grade_cells}
    gradebook.prepare(ROOT, NAME, book)                       # the corrected source
    with gradebook.open_gradebook(book, cid) as gb:
        after = {g.name for g in gb.find_notebook(NAME, NAME).grade_cells}
        grades = {g.name: g for g in gb.find_submission_notebook(NAME, NAME, "early").grades}
        assert after - before == {"test_tanh"} and set(grades) == after
        assert grades["test_tanh"].auto_score is None and grades[ANSWER].manual_score == 1.5
    with pytest.raises(gradebook.CourseError, match="test_tanh were removed from the source"):
        gradebook.prepare(first, NAME, book)                  # going back would drop cells


@pytest.mark.parametrize("first", ["roster import", "autograde set-up", "an earlier version"])
def test_the_course_gradebook_is_one_that_nbgrader_db_upgrade_accepts(tmp_path, monkeypatch, first):
    """nbgrader stamps its alembic revision only into a database it finds empty; the course's
    own tables come after, whichever command makes the gradebook first. `nbgrader db upgrade`
    (a new nbgrader's migrations) then starts from that revision instead of failing."""
    from nbgrader import dbutil
    book, cid = tmp_path / "gradebook", gradebook.course_id(ROOT)
    if first == "roster import":
        (tmp_path / "r.csv").write_text("id,first_name,last_name,email,lms_user_id\nann,Ann,Ash,a@x,1\n")
        roster.import_csv(book, cid, tmp_path / "r.csv")
    else:
        gradebook.prepare(ROOT, NAME, book)
    if first == "an earlier version":     # it made the gradebook without nbgrader's stamp
        with contextlib.closing(sqlite3.connect(book / "gradebook.db")) as con:
            con.execute("DROP TABLE alembic_version")
        gradebook.prepare(ROOT, NAME, book)
    with contextlib.closing(sqlite3.connect(book / "gradebook.db")) as con:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"alembic_version", "course_status"} <= tables
        assert con.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    dbutil.upgrade(f"sqlite:///{book / 'gradebook.db'}")        # raises if alembic cannot upgrade it
