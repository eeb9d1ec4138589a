"""A term in real nbgrader, end to end (two assignments, a class of three on the roster and
one stranger): roster import, release through a real exchange directory, students fetch
and submit, collect, `course autograde`, written answers graded through nbgrader's API (as
formgrader does), `course grades` (plain and Canvas), `course feedback` into the exchange
and the students' `nbgrader fetch_feedback`. The expected numbers are worked out by hand
below.

- 01_backprop: alice on time, bob late, carol never; dave, not on the roster, hands in too;
- 02_initialization (the cheaper of 02 and 07 to grade; measured about 32 s and 36 s for one
  solved notebook): alice hands in the blank release she fetched, carol late, bob never."""

import csv
import time
from datetime import timedelta

import pytest
from nbgrader.api import Gradebook

from course_utils import cells
from course_utils.grading.submissions import read_timestamp
from tests.conftest import ROOT, course, solved, source_of

NAME, SECOND = "01_backprop", "02_initialization"
COURSE = "deep-training-tricks"
FULL = 23          # 01_backprop's autograded points; the written answer is worth 2 more
FULL2 = 15         # 02_initialization's; its written answer is worth 2 more
pytestmark = pytest.mark.nbgrader


def exchange(kind, cwd, root, student="", name=NAME):
    """Run one of nbgrader's exchange steps in-process, as its command would."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config
    cfg = Config()
    cfg.CourseDirectory.root, cfg.CourseDirectory.course_id = str(cwd), COURSE
    cfg.CourseDirectory.assignment_id, cfg.CourseDirectory.release_directory = name, "notebooks"
    if student:
        cfg.CourseDirectory.student_id = student
    cfg.Exchange.root, cfg.Exchange.assignment_dir = str(root), str(cwd)
    cfg.Exchange.cache = str(root.parent / "cache" / (student or "instructor"))  # each student's own, not ~
    app = getattr(ExchangeFactory(config=cfg), kind)(
        coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg)
    app.start()


def hand_in(tmp_path, ex, name, students):
    """Each of ``students`` (student -> the notebook's text, or None for the release as
    fetched) fetches ``name`` from the exchange and submits it, a second apart."""
    for student, text in students.items():
        home = tmp_path / "home" / student
        home.mkdir(parents=True, exist_ok=True)
        exchange("FetchAssignment", home, ex, student, name)
        if text is not None:
            (home / name / f"{name}.ipynb").write_text(text)
        exchange("Submit", home, ex, student, name)
        time.sleep(1.1)                                             # distinct hand-in times


def set_due(book, name, early, late):
    """Due half-way between ``early``'s and ``late``'s hand-in of ``name``: ``late`` is late
    by under a day (one day's 10 % penalty)."""
    handed = {s: read_timestamp(book / "submitted" / s / name) for s in (early, late)}
    due = handed[early] + (handed[late] - handed[early]) / 2
    assert timedelta(0) < handed[late] - due < timedelta(days=1)
    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id=COURSE) as gb:
        gb.update_or_create_assignment(name, duedate=due)


def test_a_whole_term_in_real_nbgrader(tmp_path):
    assert FULL == sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(NAME))))
    assert FULL2 == sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(SECOND))))
    book, ex = tmp_path / "gradebook", tmp_path / "exchange"
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email,lms_user_id\n"
                      "alice,Alice,Adams,alice@uni.edu,101\nbob,Bob,Brown,bob@uni.edu,102\n"
                      "carol,Carol,Clark,carol@uni.edu,103\n")
    proc = course("roster", "import", roster, "--course-dir", book)
    assert proc.returncode == 0, proc.stderr
    assert "roster of 3 student(s) (3 with an LMS id)" in proc.stdout

    exchange("ReleaseAssignment", ROOT, ex)                       # the committed releases
    exchange("ReleaseAssignment", ROOT, ex, name=SECOND)
    hand_in(tmp_path, ex, NAME, {s: solved(NAME) for s in ("alice", "bob", "dave")})   # not carol
    hand_in(tmp_path, ex, SECOND, {"alice": None, "carol": solved(SECOND)})             # not bob
    exchange("Collect", book, ex)
    exchange("Collect", book, ex, name=SECOND)
    set_due(book, NAME, "alice", "bob")
    set_due(book, SECOND, "alice", "carol")

    proc = course("autograde", book, "--assignment", NAME, "--out", tmp_path / "out",
                  "--course-dir", book, "--jobs", 1, "--quiet")
    assert (tmp_path / "out" / "grades.csv").is_file(), proc.stdout + proc.stderr
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    assert proc.returncode == 1, proc.stdout + proc.stderr         # dave needs attention
    assert {s: (r["status"], r["score"]) for s, r in rows.items() if s != "dave/01_backprop/01_backprop.ipynb"} \
        == {"alice": ("graded", f"{FULL}"), "bob": ("graded", f"{FULL}"), "carol": ("missing", "0")}
    (stranger,) = [r for r in rows.values() if r["status"] == "unrecognised"]
    assert "'dave' is not on the roster" in stranger["detail"]

    proc = course("autograde", book, "--assignment", SECOND, "--out", tmp_path / "out2",
                  "--course-dir", book, "--jobs", 1, "--quiet")
    assert (tmp_path / "out2" / "grades.csv").is_file(), proc.stdout + proc.stderr
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out2" / "grades.csv"))}
    assert {s: (r["status"], r["score"]) for s, r in rows.items()} == \
        {"alice": ("graded", "0"), "bob": ("missing", "0"), "carol": ("graded", f"{FULL2}")}, proc.stdout

    with Gradebook(f"sqlite:///{book / 'gradebook.db'}", course_id=COURSE) as gb:   # formgrader's part
        gb.find_grade("answer_xor", NAME, NAME, "alice").manual_score = 2.0
        gb.find_grade("answer_xor", NAME, NAME, "bob").manual_score = 1.0
        gb.find_grade("answer_tanh_sigmoid", SECOND, SECOND, "carol").manual_score = 2.0
        assert gb.find_grade("answer_tanh_sigmoid", SECOND, SECOND, "alice").score == 0   # blank: nbgrader's 0
        gb.db.commit()

    proc = course("grades", "--out", tmp_path / "final.csv", "--course-dir", book)
    assert proc.returncode == 0, proc.stderr
    final = {r["student"]: r for r in csv.DictReader(open(tmp_path / "final.csv"))}
    numbers = {s: [r[f"{n} {c}"] for n in (NAME, SECOND) for c in ("autograded", "manual", "late penalty", "total")]
               + [r["total"]] for s, r in final.items()}
    # 01_backprop: alice 23 + 2, on time; bob 23 + 1, 10% of 24 = 2.4 off -> 21.6; carol nothing.
    # 02_initialization: alice the blank release, 0 + 0; bob nothing; carol 15 + 2, 1.7 off -> 15.3
    assert numbers == {"alice": ["23", "2", "0", "25", "0", "0", "0", "0", "25"],
                       "bob": ["23", "1", "2.4", "21.6", "0", "0", "0", "0", "21.6"],
                       "carol": ["0", "0", "0", "0", "15", "2", "1.7", "15.3", "15.3"]}
    notes = {s: r["notes"].split("; ") for s, r in final.items()}
    assert notes["alice"] == [""]
    assert notes["bob"][0].startswith(f"{NAME}: late by ") and notes["bob"][1:] == [f"{SECOND}: missing, 0 points"]
    assert notes["carol"][0] == f"{NAME}: missing, 0 points" and notes["carol"][1].startswith(f"{SECOND}: late by ")
    assert final["bob"]["lms_user_id"] == "102"

    proc = course("grades", "--out", tmp_path / "canvas.csv", "--course-dir", book, "--format", "canvas")
    assert proc.returncode == 0, proc.stderr
    canvas = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NAME, SECOND]
    assert canvas[1:] == [["Adams, Alice", "101", "alice", "alice@uni.edu", "", "25", "0"],
                          ["Brown, Bob", "102", "bob", "bob@uni.edu", "", "21.6", "0"],
                          ["Clark, Carol", "103", "carol", "carol@uni.edu", "", "0", "15.3"]]

    # feedback back through the exchange: the same numbers as the final grades, one header
    proc = course("feedback", "--assignment", NAME, "--course-dir", book, "--exchange", ex)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "released into the exchange" in proc.stdout and "for 2 student(s)" in proc.stdout
    for student, title in [("alice", "25 / 25 points (23 autograded, 2 written)"),
                           ("bob", "21.6 / 25 points (23 autograded, 1 written, late penalty -2.4)")]:
        home = tmp_path / "home" / student
        exchange("FetchFeedback", home, ex, student)
        (page,) = (home / NAME / "feedback").glob(f"*/{NAME}.html")
        html = page.read_text()
        assert f"<h2>{NAME}: {title}</h2>" in html and "not graded yet" not in html, student
        assert "(Score:" not in html and "cdnjs" not in html

