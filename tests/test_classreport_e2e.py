"""``course autograde`` then ``course report`` on the test class of tests/report_class.py,
end to end: the report's counts are the class's known truth, and compare50 puts both copied
pairs first. The class is graded once per session (two notebooks at a time)."""

import json
from collections import Counter

import pytest

from course_utils import cli
from course_utils.grading.autograde import autograde
from tests import report_class
from tests.conftest import ROOT, course, solved

NAME = report_class.NAME
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("class_report")]  # one run, one worker


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report_class")
    expected = report_class.build(tmp / "submissions")
    grading = course("autograde", tmp / "submissions", "--assignment", NAME, "--out", tmp / "grades",
                     "--course-dir", tmp / "book", "--jobs", 2, "--timeout", 8, "--notebook-timeout", 60,
                     "--quiet")
    reporting = course("report", "--assignment", NAME, "--from", tmp / "grades",
                       "--submissions", tmp / "submissions", "--out", tmp / "report")
    assert reporting.returncode == 0, reporting.stdout + reporting.stderr
    summary = json.loads((tmp / "report" / "report.json").read_text())
    return tmp, expected, grading, summary


def test_named_mistakes_are_counted_as_the_class_made_them(graded):
    _, _, grading, summary = graded
    counted = {e["test"]: {m["mistake"]: m["count"] for m in e["mistakes"]} for e in summary["exercises"]}
    assert {t: m for t, m in counted.items() if m} == report_class.TRUTH, grading.stdout
    graded_here = sum(s != "missing" and s != "invalid_notebook" for s in graded[1].values())
    for e in summary["exercises"]:
        assert e["submissions"] == graded_here
        for m in e["mistakes"]:
            assert m["percent"] == pytest.approx(100 * m["count"] / graded_here)


def test_statuses_and_the_submissions_that_need_attention(graded):
    _, expected, _, summary = graded
    assert summary["status_counts"] == dict(Counter(expected.values()))
    assert {a["student"]: a["status"] for a in summary["attention"]} == report_class.STATUS
    assert all(a["detail"] for a in summary["attention"])


def test_exceptions_name_who_raised_what(graded):
    _, _, _, summary = graded
    for student, kind in report_class.RAISES.items():
        assert any(g["exception"] == kind and student in g["students"] for g in summary["exceptions"])
    assert not any(g["exception"] == "NotImplementedError" for g in summary["exceptions"])


def test_grading_time_per_submission_adds_up_to_the_class(graded):
    _, _, _, summary = graded
    seconds = [s["seconds"] for s in summary["students"]]
    assert summary["grading_seconds"]["total"] == pytest.approx(sum(seconds))
    assert all(s["seconds"] > 0 for s in summary["students"] if s["status"] == "graded")


def test_both_copied_pairs_come_first_and_the_page_links_them(graded):
    tmp, _, _, summary = graded
    pairs = summary["similarity"]["pairs"]
    copied = {frozenset(p) for p in report_class.COPIED}
    assert {frozenset((p["student_a"], p["student_b"])) for p in pairs[:2]} == copied
    assert all(p["flagged"] for p in pairs[:2]) and not any(p["flagged"] for p in pairs[2:])
    html = (tmp / "report" / "report.html").read_text()
    assert pairs[0]["link"] in html and (tmp / "report" / pairs[0]["link"]).is_file()
    assert 'id="mistakes"' in html and "a reason to look, not a verdict" in html


def test_a_later_run_replaces_a_students_earlier_record_in_the_runs_and_in_the_gradebook(graded):
    """In-process (the commands themselves ran in the fixture)."""
    tmp, _, _, _ = graded
    (tmp / "resubmitted" / "carol").mkdir(parents=True)
    (tmp / "resubmitted" / "carol" / f"{NAME}.ipynb").write_text(solved(NAME))
    autograde(ROOT, tmp / "resubmitted", NAME, tmp / "grades2", course_dir=tmp / "book")
    from_runs = ["--from", str(tmp / "grades"), str(tmp / "grades2"), "--out", str(tmp / "report2")]
    from_gradebook = ["--course-dir", str(tmp / "book")]
    for args, folder in ((from_runs, tmp / "report2"), (from_gradebook, tmp / "book" / "reports" / NAME)):
        assert cli.main(["report", "--assignment", NAME, "--no-similarity", "--root", str(ROOT), *args]) == 0
        summary = json.loads((folder / "report.json").read_text())
        assert len(summary["students"]) == len(graded[3]["students"])     # the whole class, once
        carol = next(s for s in summary["students"] if s["student"] == "carol")
        assert carol["score"] == carol["max_score"] == report_class.FULL
        linear = next(e for e in summary["exercises"] if e["test"] == "test_linear")
        assert "forgot to add the bias b" not in {m["mistake"] for m in linear["mistakes"]}   # carol's, fixed
        assert summary["similarity"] is None
