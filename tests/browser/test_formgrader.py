"""Written answers graded by hand in JupyterLab's Formgrader, blind, into the final grades.

A class of two (Alice hands in the instructor's answers, Bob the blank release) is graded
with ``course autograde`` (in-process) into a course gradebook with a roster. JupyterLab is
started in that course directory; the instructor opens Nbgrader > Formgrader, finds the
submission by its autograded score (names are hidden), gives its written answer points and
a comment, and ``course grades`` (in-process) then shows those points in the final CSV.
"""

from __future__ import annotations

import csv

import nbformat
import pytest

from course_utils import cli
from course_utils.cells import meta, read_notebook
from course_utils.grading import gradebook, roster
from course_utils.grading.autograde import autograde
from tests.browser.jupyterlab import LabServer, open_formgrader
from tests.conftest import ROOT, release_of, solved, source_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NAME = "01_backprop"
WRITTEN = "answer_xor"                       # 01_backprop's written answer (2 points)
ALICE_ANSWER = "XOR is not linearly separable, so one layer cannot draw its boundary."
MANUAL, COMMENT = 1.5, "Right idea; say which hidden features make it separable."
ROSTER = ("id,first_name,last_name,email,lms_user_id\n"
          "alice,Alice,Adams,alice@uni.edu,101\nbob,Bob,Brown,bob@uni.edu,102\n")
NAMES = ("alice", "Alice", "Adams", "bob", "Bob", "Brown")


def written_points() -> float:
    (cell,) = [c for c in read_notebook(source_of(NAME)).cells if meta(c).get("grade_id") == WRITTEN]
    return float(meta(cell)["points"])


def _with_written_answer(text: str, answer: str) -> str:
    nb = nbformat.reads(text, as_version=4)
    (cell,) = [c for c in nb.cells if meta(c).get("grade_id") == WRITTEN]
    cell.source = answer
    return nbformat.writes(nb)


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory):
    """The course gradebook after ``course roster import`` and ``course autograde``."""
    tmp = tmp_path_factory.mktemp("formgrader")
    book, handed_in = tmp / "course", tmp / "class"
    (tmp / "roster.csv").write_text(ROSTER)
    gradebook.init(ROOT, book)
    roster.import_csv(book, gradebook.course_id(ROOT), tmp / "roster.csv")
    for student, text in (("alice", _with_written_answer(solved(NAME), ALICE_ANSWER)),
                          ("bob", release_of(NAME).read_text())):
        (handed_in / student).mkdir(parents=True)
        (handed_in / student / f"{NAME}.ipynb").write_text(text)
    grades = {g.student: g for g in autograde(ROOT, handed_in, NAME, tmp / "out", course_dir=book)}
    assert grades["alice"].score == grades["alice"].max_score > 0, grades["alice"].detail
    assert grades["bob"].score < grades["alice"].score, grades["bob"].detail
    return book, tmp, grades


@pytest.fixture(scope="module")
def course_lab(course_dir, artifacts):
    """``jupyter lab`` started in the course directory, as the README says."""
    book, tmp, _ = course_dir
    (tmp / "lab").mkdir()
    server = LabServer(book, tmp / "lab", artifacts / "formgrader-server.log")
    server.start()
    yield server
    server.stop()


_GRADES_LOADED = ("() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
                  " && formgrader.comments && formgrader.comments.loaded")


def final_grades(book, out) -> dict[str, dict]:
    assert cli.main(["grades", "--out", str(out), "--course-dir", str(book), "--root", str(ROOT)]) == 0
    with open(out, newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_a_written_answer_graded_blind_in_formgrader_reaches_the_final_grades(course_dir, course_lab, browser,
                                                                              artifacts):
    book, tmp, grades = course_dir
    before = final_grades(book, tmp / "before.csv")
    assert before["alice"][f"{NAME} manual"] == "0" and "not graded yet" in before["alice"]["notes"]

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        frame = open_formgrader(page, course_lab)
        frame.locator("a", has_text="Manual Grading").first.click()
        frame.wait_for_url("**/formgrader/gradebook")
        frame.locator("#main-table a", has_text=NAME).first.click()      # the assignment
        frame.wait_for_url(f"**/formgrader/gradebook/{NAME}")
        frame.locator("#main-table a", has_text=NAME).first.click()      # its notebook
        frame.wait_for_url(f"**/formgrader/gradebook/{NAME}/{NAME}")
        rows = frame.locator("#main-table tr").filter(has=frame.locator("a.name-hidden"))
        rows.first.wait_for(timeout=60_000)
        page.screenshot(path=artifacts / "formgrader-submissions.png")

        # Blind: each submission is "Submission #k"; no student name is on the screen.
        listing = frame.locator("#main-table").inner_text()
        assert not [n for n in NAMES if n in listing], listing
        assert rows.count() == 2
        full = f"{grades['alice'].score:g} / {grades['alice'].max_score + written_points():g}"
        alice_row = rows.filter(has_text=full)
        assert alice_row.count() == 1, listing        # found by its autograded score
        alice_row.locator("a.name-hidden").click()

        answer = frame.locator(f"#{WRITTEN}")
        answer.wait_for(timeout=60_000)
        text = frame.locator("body").inner_text()
        assert ALICE_ANSWER in text                    # the submission graded is Alice's
        assert not [n for n in NAMES if n in text], "a student's name shows on the grading page"
        assert frame.locator(".name-shown").first.is_hidden()
        # A score is saved by a handler the page binds once it has fetched the submission's
        # grades and comments: typing before that is lost (seen in a run on an idle machine).
        frame.wait_for_function(_GRADES_LOADED, timeout=60_000)

        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url
                                  and r.request.method == "PUT") as saved_grade:
            answer.fill(str(MANUAL))
            answer.press("Tab")                        # a score is saved when it changes
        assert saved_grade.value.ok
        with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url
                                  and r.request.method == "PUT") as saved_comment:
            frame.locator(f"#{WRITTEN}-comment").fill(COMMENT)
            frame.locator(f"#{WRITTEN}-comment").press("Tab")
        assert saved_comment.value.ok
        page.screenshot(path=artifacts / "formgrader-graded.png")
    finally:
        context.close()

    after = final_grades(book, tmp / "final.csv")
    assert float(after["alice"][f"{NAME} manual"]) == MANUAL
    assert float(after["alice"][f"{NAME} total"]) == grades["alice"].score + MANUAL
    assert "not graded yet" not in after["alice"]["notes"]
    assert after["bob"] == before["bob"]               # only the graded submission changed
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{book / gradebook.DATABASE}", course_id=gradebook.course_id(ROOT)) as gb:
        assert gb.find_comment(WRITTEN, NAME, NAME, "alice").manual_comment == COMMENT
