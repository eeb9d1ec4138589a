"""course_utils.grading.final: final grades from a course gradebook filled through
nbgrader's API (no notebook runs): Canvas' LATE mark, an answer not graded yet, a missing
submission and a stranger."""

import contextlib
import csv
import sqlite3
from datetime import datetime

import pytest

from course_utils.grading import final, gradebook, roster
from tests.conftest import ROOT

NAME = "01_backprop"
pytestmark = pytest.mark.nbgrader


def submit(gb, book, student, auto_fraction, late=False, manual=None):
    """A graded submission: every test cell at ``auto_fraction`` of its points."""
    gb.update_or_create_student(student)
    gb.add_submission(NAME, student)
    for g in gb.find_submission_notebook(NAME, NAME, student).grades:
        if g.cell.cell_type == "code":
            g.auto_score = g.max_score * auto_fraction
        elif manual is not None:
            g.manual_score = manual
    gb.db.commit()
    with contextlib.closing(sqlite3.connect(book / "gradebook.db")) as con:
        con.execute("INSERT INTO course_status VALUES (?, ?, 'graded', '', 0, 0, ?)", (NAME, student, int(late)))
        con.commit()


def test_final_grades_from_the_gradebook(tmp_path):
    book = tmp_path / "gradebook"
    cid = gradebook.prepare(ROOT, NAME, book)
    (tmp_path / "r.csv").write_text("id,first_name,last_name,email,lms_user_id\n"
                                    "ann,Ann,Ash,a@x,1\nben,Ben,Bay,b@x,2\ncat,Cat,Cole,c@x,3\n")
    class_list = roster.import_csv(book, cid, tmp_path / "r.csv")
    with gradebook.open_gradebook(book, cid) as gb:
        gb.update_or_create_assignment(NAME, duedate=datetime(2026, 10, 1, 12))
        full = sum(g.max_score for g in gb.find_assignment(NAME).notebooks[0].grade_cells
                   if g.cell_type == "code")
        submit(gb, book, "ann", 1.0, late=True, manual=2.0)     # Canvas said LATE, no time
        submit(gb, book, "ben", 0.5)                              # written answer not graded
        submit(gb, book, "zed", 1.0)                              # not on the roster
    names, table, strangers = final.marks(book, cid, class_list, gradebook.settings(ROOT))
    assert names == [NAME] and strangers == [f"zed ({NAME})"]
    ann, ben, cat = (table[s, NAME] for s in ("ann", "ben", "cat"))
    assert (ann.autograded, ann.manual) == (full, 2.0)
    assert ann.late_penalty == pytest.approx((full + 2) / 10)   # one started day: 10 %
    assert (ben.autograded, ben.manual, ben.late_penalty) == (full / 2, 0.0, 0.0)
    assert ben.notes == [f"{NAME}: 1 written answer(s) not graded yet"]
    assert cat.total == 0 and cat.notes == [f"{NAME}: missing, 0 points"]

    final.write(tmp_path / "final.csv", class_list, names, table)
    rows = list(csv.DictReader(open(tmp_path / "final.csv")))
    assert [r["student"] for r in rows] == ["ann", "ben", "cat"]             # the roster, in order
    assert float(rows[0]["total"]) == pytest.approx((full + 2) * 0.9)
    with pytest.raises(Exception, match="unknown format"):
        final.write(tmp_path / "x.csv", class_list, names, table, "moodle")
