"""The same class handed in through Canvas and through Moodle grades to the same final grades.

Two roster students (LMS ids 101 and 102) and one file no LMS pattern recognises arrive
as a Canvas "Download Submissions" zip and as a Moodle "Download all submissions" zip (the
file names of course_utils/grading/lms.py). Each zip goes through ``course autograde``
(in-process) into its own course gradebook, a written answer is graded through nbgrader's
API (as formgrader does), and ``course grades`` of both must agree, to the number.
Alice hands in the instructor's answers, Bob the blank release: the notebooks are the
same in both zips, only their names differ.
"""

import csv
import zipfile

import pytest
from nbgrader.api import Gradebook

from course_utils import cells, cli
from course_utils.grading import gradebook
from course_utils.grading.autograde import autograde
from course_utils.grading.contracts import Status
from tests.conftest import ROOT, release_of, solved, source_of

NAME = "01_backprop"
pytestmark = pytest.mark.nbgrader

ROSTER = ("id,first_name,last_name,email,lms_user_id\n"
          "alice,Alice,Adams,alice@uni.edu,101\nbob,Bob,Brown,bob@uni.edu,102\n")
UNRECOGNISED = {"canvas": "Final version!!.ipynb", "moodle": "alice notes.ipynb"}


def downloads() -> dict[str, dict[str, str]]:
    """LMS -> {file name in its zip: notebook text}. Alice re-uploaded on Canvas (``(1)``,
    her earlier upload was blank: the re-upload counts); Moodle puts Bob in a folder."""
    full, blank = solved(NAME), release_of(NAME).read_text()
    return {
        "canvas": {f"adamsalice_101_9001_{NAME}.ipynb": blank,
                   f"adamsalice_101_9001_{NAME} (1).ipynb": full,
                   f"brownbob_102_9002_{NAME}.ipynb": blank,
                   UNRECOGNISED["canvas"]: full},
        "moodle": {f"Alice Adams_101_assignsubmission_file_{NAME}.ipynb": full,
                   f"Bob Brown_102_assignsubmission_file_/{NAME}.ipynb": blank,
                   UNRECOGNISED["moodle"]: full},
    }


def term_from(lms: str, files: dict[str, str], tmp_path) -> tuple[list, dict]:
    """Roster import, ``course autograde`` of the LMS zip, Alice's written answer graded
    (2 points), ``course grades``: (the autograde result, the final CSV's rows)."""
    book, archive = tmp_path / lms / "course", tmp_path / f"{lms}.zip"
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text(ROSTER)
    assert cli.main(["roster", "import", str(roster_csv), "--course-dir", str(book), "--root", str(ROOT)]) == 0
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    grades = autograde(ROOT, archive, NAME, tmp_path / lms / "out", course_dir=book)
    with Gradebook(f"sqlite:///{book / gradebook.DATABASE}", course_id=gradebook.course_id(ROOT)) as gb:
        gb.find_grade("answer_xor", NAME, NAME, "alice").manual_score = 2.0
        gb.db.commit()
    final = tmp_path / lms / "final.csv"
    assert cli.main(["grades", "--out", str(final), "--course-dir", str(book), "--root", str(ROOT)]) == 0
    with open(final, newline="") as f:
        return grades, list(csv.DictReader(f))


def test_the_same_class_from_a_canvas_zip_and_a_moodle_zip_gets_the_same_final_grades(tmp_path):
    full_points = sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(NAME))))
    results = {lms: term_from(lms, files, tmp_path) for lms, files in downloads().items()}

    for lms, (grades, _) in results.items():
        by_student = {g.student: g for g in grades}
        assert sorted(by_student) == sorted(["alice", "bob", UNRECOGNISED[lms]]), lms
        assert (by_student["alice"].status, by_student["alice"].score) == (Status.GRADED, full_points), lms
        assert (by_student["bob"].status, by_student["bob"].score) == (Status.GRADED, 0), lms
        stranger = by_student[UNRECOGNISED[lms]]
        assert stranger.status == Status.UNRECOGNISED and stranger.score == 0, lms
        assert "nor a Canvas or Moodle file name" in stranger.detail, stranger.detail

    canvas, moodle = results["canvas"][1], results["moodle"][1]
    assert canvas == moodle
    numbers = {r["student"]: [r[f"{NAME} {c}"] for c in ("autograded", "manual", "late penalty", "total")]
               for r in canvas}
    assert numbers == {"alice": [f"{full_points:g}", "2", "0", f"{full_points + 2:g}"],
                       "bob": ["0", "0", "0", "0"]}
    assert [r["lms_user_id"] for r in canvas] == ["101", "102"]
