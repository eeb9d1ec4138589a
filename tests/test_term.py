"""A term in real nbgrader, end to end (one assignment, a class of three on the roster and
one stranger): roster import, release through a real exchange directory, students fetch
and submit (bob late, carol never), collect, `course autograde`, written answers graded
through nbgrader's API (as formgrader does), `course grades`. The expected numbers are
worked out by hand below."""

import csv
import time
from datetime import timedelta

import pytest
from nbgrader.api import Gradebook

from course_utils import cells
from course_utils.grading.submissions import read_timestamp
from tests.conftest import ROOT, course, solved, source_of

NAME = "01_backprop"
COURSE = "deep-training-tricks"
FULL = 23          # 01_backprop's autograded points; the written answer is worth 2 more
pytestmark = pytest.mark.nbgrader


def exchange(kind, cwd, root, student=""):
    """Run one of nbgrader's exchange steps in-process, as its command would."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config
    cfg = Config()
    cfg.CourseDirectory.root, cfg.CourseDirectory.course_id = str(cwd), COURSE
    cfg.CourseDirectory.assignment_id, cfg.CourseDirectory.release_directory = NAME, "notebooks"
    if student:
        cfg.CourseDirectory.student_id = student
    cfg.Exchange.root, cfg.Exchange.assignment_dir = str(root), str(cwd)
    app = getattr(ExchangeFactory(config=cfg), kind)(
        coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg)
    app.start()


def test_a_whole_term_in_real_nbgrader(tmp_path):
    assert FULL == sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(NAME))))
    book, ex = tmp_path / "gradebook", tmp_path / "exchange"
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email,lms_user_id\n"
                      "alice,Alice,Adams,alice@uni.edu,101\nbob,Bob,Brown,bob@uni.edu,102\n"
                      "carol,Carol,Clark,carol@uni.edu,103\n")
    proc = course("roster", "import", roster, "--course-dir", book)
    assert proc.returncode == 0, proc.stderr
    assert "roster of 3 student(s) (3 with an LMS id)" in proc.stdout

    exchange("ReleaseAssignment", ROOT, ex)                       # the committed release
    for student in ("alice", "bob", "dave"):                        # carol never hands in
        home = tmp_path / "home" / student
        home.mkdir(parents=True)
        exchange("FetchAssignment", home, ex, student)
        (home / NAME / f"{NAME}.ipynb").write_text(solved(NAME))
        exchange("Submit", home, ex, student)
        time.sleep(1.1)                                             # distinct hand-in times
    exchange("Collect", book, ex)

    # due between alice's and bob's hand-in: bob is late (by under a day: one day's 10%)
    handed = {s: read_timestamp(book / "submitted" / s / NAME) for s in ("alice", "bob")}
    due = handed["alice"] + (handed["bob"] - handed["alice"]) / 2
    assert timedelta(0) < handed["bob"] - due < timedelta(days=1)
    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id=COURSE) as gb:
        gb.update_or_create_assignment(NAME, duedate=due)

    proc = course("autograde", book, "--assignment", NAME, "--out", tmp_path / "out",
                  "--course-dir", book, "--jobs", 1, "--quiet")
    assert (tmp_path / "out" / "grades.csv").is_file(), proc.stdout + proc.stderr
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert proc.returncode == 1, proc.stdout + proc.stderr         # dave needs attention
    assert {s: (r["status"], r["score"]) for s, r in rows.items() if s != "dave/01_backprop/01_backprop.ipynb"} \
        == {"alice": ("graded", f"{FULL}"), "bob": ("graded", f"{FULL}"), "carol": ("missing", "0")}
    (stranger,) = [r for r in rows.values() if r["status"] == "unrecognised"]
    assert "'dave' is not on the roster" in stranger["detail"]

    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id=COURSE) as gb:   # formgrader's part
        gb.find_grade("answer_xor", NAME, NAME, "alice").manual_score = 2.0
        gb.find_grade("answer_xor", NAME, NAME, "bob").manual_score = 1.0
        gb.db.commit()

    proc = course("grades", "--out", tmp_path / "final.csv", "--course-dir", book)
    assert proc.returncode == 0, proc.stderr
    final = {r["student"]: r for r in csv.DictReader(open(tmp_path / "final.csv"))}
    numbers = {s: [r[f"{NAME} {c}"] for c in ("autograded", "manual", "late penalty", "total")] + [r["total"]]
               for s, r in final.items()}
    # alice: 23 + 2, on time; bob: 23 + 1, 10% of 24 = 2.4 off -> 21.6; carol: nothing
    assert numbers == {"alice": ["23", "2", "0", "25", "25"], "bob": ["23", "1", "2.4", "21.6", "21.6"],
                       "carol": ["0", "0", "0", "0", "0"]}
    assert final["carol"]["notes"] == f"{NAME}: missing, 0 points"
    assert "late by" in final["bob"]["notes"] and final["alice"]["notes"] == ""
    assert final["bob"]["lms_user_id"] == "102"

    proc = course("grades", "--out", tmp_path / "canvas.csv", "--course-dir", book, "--format", "canvas")
    assert proc.returncode == 0, proc.stderr
    canvas = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NAME]
    assert canvas[1:] == [["Adams, Alice", "101", "alice", "alice@uni.edu", "", "25"],
                          ["Brown, Bob", "102", "bob", "bob@uni.edu", "", "21.6"],
                          ["Clark, Carol", "103", "carol", "carol@uni.edu", "", "0"]]
