"""course check's verdicts, on hand-made executed notebooks (no kernel needed)."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_utils import cli
from course_utils.selfcheck import FAILED, NOT_ATTEMPTED, PASSED, grade_results, report


def solution(gid, error=None):
    cell = new_code_cell("def f(): ...", metadata={"nbgrader": {
        "grade": False, "solution": True, "grade_id": gid, "locked": False, "schema_version": 3}})
    if error:
        cell.outputs = [new_output("error", ename=error, evalue="", traceback=[f"{error}: boom"])]
    return cell


def graded_cell(gid, names, error=None, message=""):
    src = "\n".join(f'with exercise("{n}"):\n    pass' for n in names)
    cell = new_code_cell(src, metadata={"nbgrader": {
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
