"""course_utils.grading.feedback: students' feedback pages written from the course gradebook,
which is filled through nbgrader's API (no notebook runs): one header, the written answer
"not graded yet" until graded by hand, then its points and comment; the late penalty of
`course grades`; formulas as MathML, no MathJax from a CDN; long lines wrap; the pages for
an LMS upload; and an `--out` folder of another assignment refused."""

import contextlib
import csv
import json
import re
import sqlite3
from datetime import datetime, timedelta

import pytest

from course_utils import cells, cli
from course_utils.course import CourseError
from course_utils.grading import feedback, gradebook, roster
from course_utils.grading.autograde import autograde, check_out
from tests.conftest import ROOT, solved, source_of

NAME = "01_backprop"
ANSWER = "answer_xor"
DUE = datetime(2026, 10, 1, 12)
pytestmark = pytest.mark.nbgrader


def hand_in(gb, book, student, auto_fraction, stamp=None, status="graded"):
    """A graded submission of the solved notebook: every test cell at ``auto_fraction`` of
    its points, as `course autograde` records it (the autograded notebook, the status)."""
    gb.update_or_create_student(student)
    gb.add_submission(NAME, student, timestamp=stamp)
    for g in gb.find_submission_notebook(NAME, NAME, student).grades:
        if g.cell.cell_type == "code":
            g.auto_score = g.max_score * auto_fraction
    gb.db.commit()
    graded = book / "autograded" / student / NAME
    graded.mkdir(parents=True)
    (graded / f"{NAME}.ipynb").write_text(solved(NAME))
    with contextlib.closing(sqlite3.connect(book / "gradebook.db")) as con:
        con.execute("INSERT INTO course_status VALUES (?, ?, ?, 'a detail', 0, 0, 0)", (NAME, student, status))
        con.commit()


@pytest.fixture
def book(tmp_path):
    """A course gradebook with ann (full marks, on time) and ben (half, an hour late)."""
    folder = tmp_path / "gradebook"
    cid = gradebook.prepare(ROOT, NAME, folder)
    (tmp_path / "r.csv").write_text("id,first_name,last_name,email,lms_user_id\n"
                                    "ann,Ann,Ash,a@x,101\nben,Ben,Bay,b@x,\n")
    roster.import_csv(folder, cid, tmp_path / "r.csv")
    with gradebook.open_gradebook(folder, cid) as gb:
        gb.update_or_create_assignment(NAME, duedate=DUE)
        hand_in(gb, folder, "ann", 1.0, DUE - timedelta(hours=2))
        hand_in(gb, folder, "ben", 0.5, DUE + timedelta(hours=1), status="timeout")
    return folder


def grade_by_hand(book, student, points, comment):
    """What formgrader does when the instructor saves a written answer's grade."""
    with gradebook.open_gradebook(book, gradebook.course_id(ROOT)) as gb:
        gb.find_grade(ANSWER, NAME, NAME, student).manual_score = points
        gb.find_comment(ANSWER, NAME, NAME, student).manual_comment = comment
        gb.db.commit()


def header(page: str) -> str:
    """The text of the page's one summary heading."""
    (title,) = re.findall(rf"<h2>{NAME}: (.*?)</h2>", page)
    return title


def written_cell(page: str) -> str:
    """The panel of the written answer's cell."""
    at = page.index(f'<a name="{ANSWER}"></a>')
    return page[at:page.index("</div>", page.index("panel-body", at))]


def autograded_points() -> float:
    return sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(NAME))))


def test_before_and_after_the_written_answer_is_graded(book):
    full = autograded_points()
    (manual_max,) = [p for gid, p in cells.written_answers(cells.read_notebook(source_of(NAME))) if gid == ANSWER]
    done = feedback.feedback(ROOT, book, NAME)
    assert sorted(done.pages) == ["ann", "ben"] and not done.failed
    assert done.pages["ann"] == book / "feedback" / "ann" / NAME / f"{NAME}.html"   # nbgrader's layout
    page = done.pages["ann"].read_text()
    assert header(page) == (f"{full:g} / {full:g} autograded points; written answers "
                            f"({manual_max:g} points): not graded yet")
    assert "not graded yet" in written_cell(page) and "Score: 0.0" not in written_cell(page)
    assert f"<td><b>written answer {ANSWER}</b></td><td><b>not graded yet / {manual_max:g}</b></td>" in page
    assert "(Score:" not in page and "<h4>" not in page        # nbgrader's own header is gone

    grade_by_hand(book, "ann", 1.5, "Right idea; say *why* XOR is not linearly separable.")
    page = feedback.feedback(ROOT, book, NAME).pages["ann"].read_text()
    assert header(page) == f"{full + 1.5:g} / {full + manual_max:g} points ({full:g} autograded, 1.5 written)"
    assert (f"<td><b>written answer {ANSWER}</b></td><td><b>1.5 / {manual_max:g}</b></td>"
            '<td style="white-space:pre-wrap">Right idea; say *why*') in page      # the comment, too
    assert "not graded yet" not in page
    assert "Score: 1.5 / 2.0" in written_cell(page)
    assert "linearly separable" in page


def test_each_check_from_the_results_record(book):
    first = cells.exercises(cells.read_notebook(source_of(NAME)))[0]
    check = {"block": "relu_forward (hidden)", "outcome": "failed", "message": "the <mask> is x > 0",
             "points": 0.25, "max_points": 1.0}
    (book / "results" / NAME).mkdir(parents=True)
    (book / "results" / NAME / "ann.json").write_text(json.dumps({"exercises": [{"test": first.grade_id,
                                                                                  "checks": [check]}]}))
    pages = feedback.feedback(ROOT, book, NAME).pages
    assert ('<td style="padding-left:2em">relu_forward (hidden)</td><td>0.25 / 1</td>'
            '<td style="white-space:pre-wrap">the &lt;mask&gt; is x &gt; 0</td>') in pages["ann"].read_text()
    assert "relu_forward (hidden)" not in pages["ben"].read_text()          # ben has no record


def test_late_penalty_status_and_the_page_works_offline(book):
    grade_by_hand(book, "ben", 2.0, "")
    page = feedback.feedback(ROOT, book, NAME).pages["ben"].read_text()
    full = autograded_points()
    total = full / 2 + 2                       # an hour late: one started day, 10 % of the total
    assert header(page) == (f"{total * 0.9:g} / {full + 2:g} points "
                            f"({full / 2:g} autograded, 2 written, late penalty -{total / 10:g})")
    assert f"<td><b>late penalty</b></td><td><b>-{total / 10:g}</b></td>" in page
    assert "Status: <b>timeout</b> (a detail)" in page
    assert not re.search(r"<script[^>]+src=", page) and "mathjax" not in page.lower()
    assert "white-space: pre-wrap" in page
    assert len(re.findall(r'<math [^>]*display="block"', page)) >= 2
    assert "$$" not in page and "\\frac" not in page          # every formula of 01_backprop as MathML


def test_pages_for_an_lms_upload(book, tmp_path):
    done = feedback.feedback(ROOT, book, NAME, out=tmp_path / "plain")
    assert sorted(p.name for p in (tmp_path / "plain").iterdir()) == \
        [f"{NAME}_feedback.zip", f"ann_{NAME}_feedback.html", f"ben_{NAME}_feedback.html"]
    assert done.copies["ann"].read_text() == done.pages["ann"].read_text()
    with pytest.raises(CourseError, match="no LMS id for 'ben'"):      # ben has none in the roster
        feedback.feedback(ROOT, book, NAME, out=tmp_path / "moodle", naming="moodle")
    person = {"first_name": "Ann", "last_name": "Ash", "lms_user_id": "101"}
    assert feedback.upload_name("ann", NAME, "moodle", person) == \
        f"Ann Ash_101_assignsubmission_file_{NAME}_feedback.html"
    assert feedback.upload_name("ann", NAME, "canvas", person) == f"ann_101_{NAME}_feedback.html"


def test_only_exchange_submissions_are_released(book, tmp_path):
    done = feedback.feedback(ROOT, book, NAME, exchange=tmp_path / "exchange")
    assert done.released == [] and sorted(done.not_released) == ["ann", "ben"]
    assert "handed in outside nbgrader's exchange" in done.not_released["ann"]


def test_unknown_assignment_or_no_gradebook_is_a_clear_error(book, tmp_path):
    with pytest.raises(CourseError, match="no gradebook in"):
        feedback.feedback(ROOT, tmp_path / "nothing", NAME)
    with pytest.raises(CourseError, match="02_mlp is not in the gradebook"):
        feedback.feedback(ROOT, book, "02_mlp")


def test_an_out_folder_of_another_assignment_is_refused(tmp_path):
    out = tmp_path / "grades"
    out.mkdir()
    with open(out / "grades.csv", "w", newline="") as f:
        csv.writer(f).writerows([["student", "assignment", "score", "max_score", "status", "detail"],
                                 ["ann", "02_mlp", "3", "20", "graded", ""]])
    before = (out / "grades.csv").read_text()
    with pytest.raises(CourseError, match=f"holds the results of 02_mlp; grading {NAME} there"):
        autograde(ROOT, tmp_path, NAME, out)
    assert (out / "grades.csv").read_text() == before and not (out / "feedback").exists()
    check_out(out, "02_mlp")                               # the same assignment: a re-grade

    (out / "grades.csv").unlink()
    (out / "results").mkdir()
    (out / "results" / "ann.json").write_text(json.dumps({"assignment": "03_optimizers"}))
    with pytest.raises(CourseError, match="holds the results of 03_optimizers"):
        check_out(out, NAME)
    check_out(tmp_path / "new", NAME)                      # a fresh folder


def test_the_command(book, tmp_path, capsys):
    common = ["feedback", "--assignment", NAME, "--root", str(ROOT), "--course-dir", str(book)]
    assert cli.main(common + ["--out", str(tmp_path / "up")]) == 0
    said = capsys.readouterr().out
    assert "feedback on 01_backprop for 2 student(s)" in said and "copied for an LMS upload" in said
    assert cli.main(common) == 0
    assert "not handed out: add --exchange DIR" in capsys.readouterr().out
    assert cli.main(common + ["--naming", "moodle"]) == 2
    assert "--naming names the files of --out" in capsys.readouterr().err
    assert cli.main(["feedback", "--assignment", NAME, "--root", str(ROOT), "--course-dir", str(tmp_path / "x")]) == 2
    assert "no gradebook in" in capsys.readouterr().err



def test_a_page_nbgrader_cannot_write_is_named_in_the_grade(tmp_path, monkeypatch):
    """The grade stands without its feedback page, and its detail says why there is none."""
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / f"{NAME}.ipynb").write_text(solved(NAME))
    monkeypatch.setattr(feedback, "generate", lambda *args: {"success": False, "error": "Traceback\nKeyError: 'x'"})
    (grade,) = autograde(ROOT, tmp_path / "subs", NAME, tmp_path / "out")
    assert (grade.status, grade.score) == ("graded", autograded_points())
    assert grade.detail.endswith("no feedback page: nbgrader could not write it (KeyError: 'x')"), grade.detail
    assert not (tmp_path / "out" / "feedback" / "ann.html").exists()
