"""course check's verdicts, on hand-made executed notebooks (no kernel needed), and how it
finds the notebook a student names."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils import cli
from course_utils.course import CourseError, student_notebook
from course_utils.selfcheck import FAILED, NOT_ATTEMPTED, PASSED, RECORDED, all_done, grade_results, report
from tests.conftest import ROOT, release_of


def solution(gid, error=None):
    cell = new_code_cell("def f(): ...", metadata={"nbgrader": {
        "grade": False, "solution": True, "grade_id": gid, "locked": False, "schema_version": 3}})
    if error:
        cell.outputs = [new_output("error", ename=error, evalue="", traceback=[f"{error}: boom"])]
    return cell


def graded_cell(gid, names, error=None, message="", block="exercise", ran=True):
    src = "\n".join(f'with {block}("{n}"):\n    pass' for n in names)
    cell = new_code_cell(src, execution_count=1 if ran else None, metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": gid, "points": 2, "locked": True,
        "schema_version": 3}})
    if error:
        cell.outputs = [new_output("error", ename=error, evalue=message,
                                   traceback=[f"\x1b[0;31m{error}\x1b[0m: {message}"])]
    return cell


def notebook():
    answer = new_markdown_cell("answer", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": "q", "points": 3, "locked": False,
        "schema_version": 3}})
    return new_notebook(cells=[
        solution("s1"), graded_cell("t1", ["f_forward", "f_backward", "f (hidden)"]),
        solution("s2"), graded_cell("t2", ["g"], "CheckFailure", "g: out is wrong in row 3"),
        solution("s3", "NotImplementedError"), graded_cell("t3", ["h"], "NotAttempted", "h: not attempted"),
        solution("s4"), graded_cell("t4", ["k"], "ValueError", "shapes do not match"),
        answer])


def test_each_exercise_gets_its_verdict_and_message():
    results = grade_results(notebook())
    assert [(r.title, r.status) for r in results] == [
        ("f_forward / f_backward", PASSED), ("g", FAILED), ("h", NOT_ATTEMPTED), ("k", FAILED)]
    assert "g: out is wrong in row 3" in results[1].message
    assert "CheckFailure" in results[1].message and "\x1b" not in results[1].message
    assert "shapes do not match" in results[3].message


def test_report_counts_points_and_mentions_written_answers():
    text = report(grade_results(notebook()), [("q", 3.0)])
    assert "1 passed, 2 failed, 1 not attempted: 2 / 8 points" in text
    assert "1 written answer(s) worth 3 point(s)" in text
    assert "      g: out is wrong in row 3" in text.replace("CheckFailure: ", "")


def test_a_format_only_question_is_recorded_never_passed():
    nb = new_notebook(cells=[solution("a1"), graded_cell("q1", ["question 7.1"], block="question"),
                             solution("a2"), graded_cell("q2", ["question 7.2"], "NotAttempted",
                                                         "question 7.2: name 'answer' is not defined",
                                                         block="question"),
                             solution("s1"), graded_cell("t1", ["f"])])
    results = grade_results(nb)
    assert [(r.title, r.status, r.question) for r in results] == [
        ("question 7.1", RECORDED, True), ("question 7.2", NOT_ATTEMPTED, True), ("f", PASSED, False)]
    text = report(results, [])
    assert "? question 7.1" in text and "answer recorded (2 pt, graded when you submit)" in text
    assert "1 passed, 0 failed, 1 not attempted: 2 / 2 points from the visible tests." in text
    assert "Multiple choice: 1 of 2 answer(s) recorded (4 point(s) in all), not counted above" in text
    assert "question 7.1  passed" not in text


def test_a_test_cell_that_never_ran_is_not_attempted():
    """A notebook as saved: a test cell without an execution count has no verdict yet."""
    nb = new_notebook(cells=[solution("s1"), graded_cell("t1", ["f"], ran=False),
                             solution("s2"), graded_cell("t2", ["g"])])
    assert [r.status for r in grade_results(nb)] == [NOT_ATTEMPTED, PASSED]
    assert grade_results(nb)[0].message == "its test cell has not been run"


def test_everything_is_done_when_exercises_pass_and_questions_are_answered():
    nb = new_notebook(cells=[solution("a1"), graded_cell("q1", ["question 1.1"], block="question"),
                             solution("s1"), graded_cell("t1", ["f"])])
    assert all_done(grade_results(nb))
    assert not all_done(grade_results(notebook()))


def test_student_notebook_from_any_folder_by_path_or_assignment_name(tmp_path, monkeypatch):
    blank = release_of("04_regularization")
    monkeypatch.chdir(tmp_path)                  # outside the course: the package's checkout is found
    for given in ["04_regularization", "04_regularization.ipynb", "04", str(blank), str(blank.parent)]:
        assert student_notebook(given) == blank, given
    assert student_notebook("notebooks/04_regularization/04_regularization.ipynb", start=ROOT) == blank
    own = tmp_path / "04_regularization.ipynb"   # the student's own copy, in the current folder, wins
    own.write_text(blank.read_text())
    assert student_notebook("04_regularization") == own
    with pytest.raises(CourseError, match=r"no notebook '04_regularisation'.*The course's assignments: 01_backprop"):
        student_notebook("04_regularisation")


def test_check_names_the_notebook_it_checked_and_refuses_an_unknown_name(capsys):
    assert cli.main(["check", "no_such_assignment"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("course check: no notebook 'no_such_assignment'") and "assignment's name" in err


def test_check_refuses_a_file_that_is_not_a_notebook(tmp_path, capsys):
    bad = tmp_path / "homework.ipynb"
    bad.write_text("not json")
    assert cli.main(["check", str(bad)]) == 2
    assert "homework.ipynb is not a valid notebook" in capsys.readouterr().err


def test_check_says_when_a_notebook_has_no_exercises(tmp_path, capsys):
    path = tmp_path / "empty.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("hi")]), path)
    assert cli.main(["check", str(path)]) == 2
    assert "no autograded exercises" in capsys.readouterr().out
