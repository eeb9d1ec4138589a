"""``course report``: what the class got wrong, and which submissions are similar.

In-process, on records written here (no grading): the counts, rates, groups and tables of
classreport.py, and its clear errors; the page (reportpage.py) opens offline. Then
compare50 (similarity.py) on the test class of tests/report_class.py, whose copying is
known: both copied pairs rank above every independent pair, the correct notebooks in
different styles stay under the flag threshold. The whole chain on a class graded for real
is in test_classreport_e2e.py.
"""

import base64
import csv
import json
import re

import pytest

from course_utils.course import CourseError
from course_utils.grading import classreport, reportpage
from course_utils.grading.similarity import FLAG_PERCENT, answers, similarity
from course_utils.grading.submissions import collect
from tests import report_class
from tests.conftest import ROOT, release_of
from tests.report_class import check, exercise, record, write_records

M1 = "averaged dout over the batch instead of summing it"
M2 = "multiplied dout by x instead of by the 0/1 mask (x > 0)"


def linear(forward="passed", backward="passed", **kw):
    return exercise("test_linear", "linear_forward",
                    check("linear_forward", forward, 1, 1, **kw.get("f", {})),
                    check("linear_backward", backward, 2, 2, **kw.get("b", {})))


def relu(outcome="passed", **kw):
    return exercise("test_relu", "relu_forward", check("relu_backward", outcome, 2, 2, **kw))


WRONG_DB = {"b": {"kind": "wrong_value", "mistake": M1, "message": "db: ..."}}


@pytest.fixture
def runs(tmp_path):
    """Two grading runs of a class of six; ben is graded again in the second, correctly."""
    first = write_records(
        tmp_path / "run1",
        record("ann", linear(), relu()),
        record("ben", linear(backward="failed", **WRONG_DB), relu()),
        record("cat", linear(backward="failed", **WRONG_DB),
               relu("failed", kind="wrong_value", mistake=M2, message="dx: ...")),
        record("dan", linear("error", f={"kind": "exception", "exception": "ValueError",
                                         "message": "linear_forward raised ValueError: shapes"}),
               relu("not_attempted", kind="not_attempted", exception="NotImplementedError")),
        record("eve", status="missing", detail="no 01_backprop.ipynb", max_score=5, seconds=0.0),
        record("x", linear(), assignment="02_initialization"),      # another assignment: not read
    )
    second = write_records(tmp_path / "run2",
                           record("ben", linear(), relu(), seconds=4.0),
                           record("fay", linear(),
                                  exercise("test_relu", "relu_forward", outcome="error"),
                                  status="timeout", detail="a cell ran past the time limit"))
    return [first, second]


def test_later_records_replace_earlier_ones_and_other_assignments_are_left_out(runs):
    records = classreport.load_records(runs, "01_backprop")
    assert sorted(records) == ["ann", "ben", "cat", "dan", "eve", "fay"]
    assert records["ben"]["seconds"] == 4.0 and records["ben"]["score"] == 5


def test_pass_rates_mean_points_and_ranked_mistakes(runs):
    summary = classreport.summarize(classreport.load_records(runs, "01_backprop"), "01_backprop")
    lin, rel = summary["exercises"]
    # eve (missing) has no notebook: 5 submissions were graded for each exercise
    assert (lin["test"], lin["submissions"], rel["submissions"]) == ("test_linear", 5, 5)
    assert lin["outcomes"] == {"passed": 3, "failed": 2, "not_attempted": 0, "error": 0}   # ann ben fay | cat dan
    assert lin["pass_rate"] == pytest.approx(3 / 5)
    assert lin["mean_points"] == pytest.approx((3 + 3 + 1 + 2 + 3) / 5)     # dan's backward passed
    assert lin["mistakes"] == [{"mistake": M1, "count": 1, "percent": 20.0}]   # cat only: ben was regraded
    assert rel["mistakes"] == [{"mistake": M2, "count": 1, "percent": 20.0}]
    assert rel["outcomes"] == {"passed": 2, "failed": 1, "not_attempted": 1, "error": 1}
    assert rel["kinds"] == {"wrong_value": 1, "not_attempted": 1}
    assert rel["mean_points"] == pytest.approx((2 + 2 + 0 + 0 + 0) / 5)


def test_a_student_counts_once_per_mistake_and_mistakes_rank_by_count(tmp_path):
    twice = linear(backward="failed", **WRONG_DB)
    twice["checks"].append(check("linear (hidden)", "failed", 0, 1, kind="wrong_value", mistake=M1))
    other = "forgot to add the bias b"
    run = write_records(tmp_path, record("a", twice), record("b", linear(backward="failed", **WRONG_DB)),
                        record("c", linear("failed", f={"mistake": other})), record("d", linear()))
    [lin] = classreport.summarize(classreport.load_records([run], "01_backprop"), "01_backprop")["exercises"]
    assert lin["mistakes"] == [{"mistake": M1, "count": 2, "percent": 50.0},
                               {"mistake": other, "count": 1, "percent": 25.0}]


def test_statuses_attention_exceptions_and_time(runs):
    # dan's NotImplementedError (relu not attempted) is not an exception to re-teach
    summary = classreport.summarize(classreport.load_records(runs, "01_backprop"), "01_backprop")
    assert summary["status_counts"] == {"graded": 4, "missing": 1, "timeout": 1}
    assert [(a["student"], a["status"]) for a in summary["attention"]] == [("eve", "missing"), ("fay", "timeout")]
    assert summary["attention"][1]["detail"] == "a cell ran past the time limit"
    assert summary["exceptions"] == [{"exception": "ValueError", "message": "linear_forward raised ValueError: shapes",
                                      "count": 1, "exercises": ["linear_forward"], "students": ["dan"]}]
    assert summary["grading_seconds"] == {"total": 2.0 * 4 + 4.0, "mean": 12.0 / 6, "max": 4.0}


@pytest.mark.parametrize("make, says", [
    (lambda p: p.mkdir(), "no results/ folder"),
    (lambda p: (p / "results").mkdir(parents=True), "no graded submissions of 01_backprop"),
    (lambda p: write_records(p, record("a", assignment="03_optimizers")), "no graded submissions of 01_backprop"),
    (lambda p: (write_records(p), (p / "results" / "a.json").write_text("{oops")), "a.json: not a readable"),
    (lambda p: write_records(p, {**record("a"), "version": 0}), "not a version-1 results record"),
    (lambda p: write_records(p, {k: v for k, v in record("a").items() if k != "status"}), "lacks status"),
])
def test_bad_input_is_a_clear_error(tmp_path, make, says):
    run = tmp_path / "run"
    make(run)
    with pytest.raises(CourseError, match=re.escape(says)):
        classreport.load_records([run], "01_backprop")


def test_csv_files_hold_the_json_data(runs, tmp_path):
    summary = classreport.summarize(classreport.load_records(runs, "01_backprop"), "01_backprop")
    written = classreport.write_tables(summary, tmp_path / "out")
    assert {p.name for p in written} == {"report.json", "students.csv", "exercises.csv", "mistakes.csv",
                                         "exceptions.csv"}
    assert json.loads((tmp_path / "out" / "report.json").read_text()) == json.loads(json.dumps(summary))
    mistakes = list(csv.DictReader(open(tmp_path / "out" / "mistakes.csv")))
    assert [(m["test"], m["mistake"], m["count"]) for m in mistakes] == [("test_linear", M1, "1"),
                                                                         ("test_relu", M2, "1")]
    exercises = {e["test"]: e for e in csv.DictReader(open(tmp_path / "out" / "exercises.csv"))}
    assert exercises["test_linear"]["passed"] == "3" and exercises["test_relu"]["not_attempted"] == "1"
    students = {s["student"]: s for s in csv.DictReader(open(tmp_path / "out" / "students.csv"))}
    assert students["fay"]["status"] == "timeout" and len(students) == 6


def test_the_page_is_self_contained_and_escapes_what_students_wrote(runs):
    summary = classreport.summarize(classreport.load_records(runs, "01_backprop"), "01_backprop")
    summary["exceptions"][0]["message"] = "<script>alert(1)</script>"
    html = reportpage.render({**summary, "similarity": None})
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html), "an external URL: the page must open offline"
    images = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(images) == 4          # scores, statuses, pass rates, grading time
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'id="mistakes"' in html and M1 in html
    assert "relu_forward</b>: 20% " + M2.replace(">", "&gt;") in html


# ------------------------------------------------------------------ similarity (compare50)

@pytest.fixture(scope="module")
def the_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    expected = report_class.build(folder / "submissions")
    notebooks = collect(folder / "submissions", report_class.NAME, folder / "scratch")
    result = similarity(ROOT, report_class.NAME, notebooks, folder / "report" / "similarity", pairs=200)
    return folder, expected, result


def _pair(row):
    return frozenset((row["student_a"], row["student_b"]))


def test_copied_pairs_rank_above_every_independent_pair(the_class):
    _, _, result = the_class
    ranked = [_pair(p) for p in result["pairs"]]
    copied = [frozenset(p) for p in report_class.COPIED]
    assert set(ranked[:len(copied)]) == set(copied), ranked[:5]
    rows = {_pair(p): p for p in result["pairs"]}
    for pair in copied:
        assert rows[pair]["flagged"] and rows[pair]["shared"] >= FLAG_PERCENT
    independent = [p for p in result["pairs"] if _pair(p) not in copied]
    assert independent, "no independent pair was compared"
    assert max(p["shared"] for p in independent) < min(rows[c]["shared"] for c in copied)


def test_correct_solutions_in_different_styles_are_not_flagged(the_class):
    _, _, result = the_class
    pair = next(p for p in result["pairs"] if _pair(p) == frozenset(report_class.INDEPENDENT_CORRECT))
    assert not pair["flagged"] and pair["shared"] < FLAG_PERCENT


def test_compare50_links_and_what_was_left_out(the_class):
    folder, expected, result = the_class
    assert sorted(result["skipped"]) == ["nia", "pat"]          # not a notebook; no notebook
    assert result["compared"] == len(expected) - 2
    for p in result["pairs"]:
        page = folder / "report" / p["link"]
        assert page.is_file(), p
        text = page.read_text()
        assert p["student_a"] in text and p["student_b"] in text


def test_only_answer_cells_are_compared():
    text = answers(release_of(report_class.NAME))
    assert "def linear_forward" in text and "raise NotImplementedError" in text
    assert "with exercise(" not in text and "check_close" not in text     # no test cell


def test_exercises_are_listed_in_notebook_order_whoever_comes_first(tmp_path):
    run = write_records(tmp_path, record("a", relu()), record("b", linear(), relu()))
    summary = classreport.summarize(classreport.load_records([run], "01_backprop"), "01_backprop")
    assert [e["test"] for e in summary["exercises"]] == ["test_linear", "test_relu"]


def test_the_same_class_gets_the_same_ranking(the_class, tmp_path):
    folder, _, result = the_class
    notebooks = collect(folder / "submissions", report_class.NAME, tmp_path / "scratch")
    again = similarity(ROOT, report_class.NAME, notebooks, tmp_path / "similarity", pairs=200)
    assert again["pairs"] == result["pairs"]          # links too: the same match pages


def test_past_years_archive_is_compared_with_the_class(the_class, tmp_path):
    folder, _, _ = the_class
    archive = tmp_path / "archive"
    (archive / "past_student").mkdir(parents=True)
    (archive / "past_student" / f"{report_class.NAME}.ipynb").write_bytes(
        (folder / "submissions" / "carol" / f"{report_class.NAME}.ipynb").read_bytes())
    notebooks = collect(folder / "submissions", report_class.NAME, tmp_path / "scratch")
    result = similarity(ROOT, report_class.NAME, notebooks, tmp_path / "similarity", archive=archive, pairs=200)
    past = next(p for p in result["pairs"] if _pair(p) == frozenset(("carol", "past_student")))
    assert past["shared"] == 100 and past["flagged"]
    assert (past["archive_a"], past["archive_b"]) in {(True, False), (False, True)}
    assert not any(p["archive_a"] and p["archive_b"] for p in result["pairs"])


def test_compare50_missing_or_bad_arguments_are_clear_errors(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_COMPARE50", str(tmp_path / "nowhere" / "python"))
    with pytest.raises(CourseError, match=r"compare50 is not installed .* run `make setup`, or pass --no-similarity"):
        similarity(ROOT, report_class.NAME, {}, tmp_path / "out")
    monkeypatch.delenv("COURSE_COMPARE50")
    with pytest.raises(CourseError, match="--pairs must be at least 1, got 0"):
        similarity(ROOT, report_class.NAME, {}, tmp_path / "out", pairs=0)


def test_course_report_command_says_what_is_wrong(tmp_path, capsys):
    from course_utils.cli import main
    assert main(["report", "--assignment", "01_backprop", "--from", str(tmp_path / "nope")]) == 2
    assert f"{tmp_path / 'nope'}: no results/ folder" in capsys.readouterr().err
    assert main(["report", "--assignment", "99_nope", "--from", str(tmp_path)]) == 2
    assert "unknown assignment '99_nope'" in capsys.readouterr().err


def test_course_report_command_writes_the_page_and_the_tables(runs, tmp_path, capsys):
    from course_utils.cli import main
    assert main(["report", "--assignment", "01_backprop", "--from", *map(str, runs)]) == 0
    out = runs[-1] / "report"
    assert {p.name for p in out.iterdir()} >= {"report.html", "report.json", "mistakes.csv"}
    said = capsys.readouterr().out
    assert str(out / "report.html") in said and "similarity not checked: pass --submissions" in said


def test_fewer_than_two_notebooks_is_an_empty_list_not_an_error(tmp_path):
    notebooks = {"ann": release_of(report_class.NAME), "bea": None}
    result = similarity(ROOT, report_class.NAME, notebooks, tmp_path / "similarity")
    assert (result["pairs"], result["skipped"], result["compared"]) == ([], ["bea"], 1)
    page = reportpage.render({**classreport.summarize({"ann": record("ann")}, report_class.NAME),
                              "similarity": result})
    assert "No pair to show" in page
