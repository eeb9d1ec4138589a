"""``course autograde`` writes OUT/results/<student>.json: per test cell, each block's
outcome, points, kind of failure, named mistake and exception, recorded by the checks
themselves; and a wrong block costs that block's share of the cell only (partial credit).

A small class of 01_backprop: a perfect student, an untouched release, a student whose
``linear_backward`` averages ``dout`` (a named mistake of the ``db`` check), and a missing one.
"""

import csv
import json

import pytest

from course_utils.cells import exercises, read_notebook
from tests.conftest import course, release_of, solved, source_of

NAME = "01_backprop"
FULL, LINEAR = 23, 3
# test_linear's blocks: linear_forward (core, 6), linear_backward (core, 6), linear (hidden) (2)
LINEAR_FORWARD_SHARE = LINEAR * 6 / (6 + 6 + 2)
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("results_01")]


def averaged_db() -> str:
    nb = json.loads(solved(NAME))
    cell = next(c for c in nb["cells"] if "def linear_backward" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")
    return json.dumps(nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("results")
    subs = tmp / "submissions"
    for student, text in {"alice": solved(NAME), "bob": release_of(NAME).read_text(),
                          "carol": averaged_db(), "dave": None}.items():
        (subs / student).mkdir(parents=True)
        if text is not None:
            (subs / student / f"{NAME}.ipynb").write_text(text)
    proc = course("autograde", subs, "--assignment", NAME, "--out", tmp / "out", "--jobs", 2,
                  "--course-dir", tmp / "gradebook")
    rows = {r["student"]: r for r in csv.DictReader(open(tmp / "out" / "grades.csv"))}
    records = {p.stem: json.loads(p.read_text()) for p in (tmp / "out" / "results").glob("*.json")}
    return proc, rows, records


def test_every_student_has_a_record_that_agrees_with_grades_csv(graded):
    proc, rows, records = graded
    assert set(records) == set(rows) == {"alice", "bob", "carol", "dave"}, proc.stdout + proc.stderr
    tests = [ex.grade_id for ex in exercises(read_notebook(source_of(NAME)))]
    for student, record in records.items():
        row = rows[student]
        assert (record["version"], record["student"], record["assignment"]) == (1, student, NAME)
        assert (record["status"], record["score"], record["max_score"]) == \
            (row["status"], float(row["score"]), float(row["max_score"]))
        assert record["seconds"] >= 0
        if record["status"] == "missing":
            assert record["exercises"] == []
            continue
        assert [ex["test"] for ex in record["exercises"]] == tests
        assert sum(ex["points"] for ex in record["exercises"]) == pytest.approx(record["score"])
        for ex in record["exercises"]:
            assert sum(c["max_points"] for c in ex["checks"]) == pytest.approx(ex["max_points"])
            assert sum(c["points"] for c in ex["checks"]) == pytest.approx(ex["points"], abs=1e-3)


def test_the_perfect_student_passes_every_check(graded):
    _, _, records = graded
    alice = records["alice"]
    assert alice["score"] == FULL
    assert {c["outcome"] for ex in alice["exercises"] for c in ex["checks"]} == {"passed"}
    assert {ex["outcome"] for ex in alice["exercises"]} == {"passed"}


def test_a_wrong_block_costs_its_share_and_names_the_mistake(graded):
    _, _, records = graded
    carol = records["carol"]
    assert carol["score"] == pytest.approx(FULL - LINEAR + LINEAR_FORWARD_SHARE, abs=1e-3)
    linear = next(ex for ex in carol["exercises"] if ex["test"] == "test_linear")
    assert (linear["exercise"], linear["outcome"]) == ("linear_forward", "failed")
    assert linear["points"] == pytest.approx(LINEAR_FORWARD_SHARE, abs=1e-3)
    checks = {c["block"]: c for c in linear["checks"]}
    assert checks["linear_forward"]["outcome"] == "passed"
    backward = checks["linear_backward"]
    assert (backward["outcome"], backward["kind"], backward["points"]) == ("failed", "wrong_value", 0.0)
    assert backward["mistake"] == "averaged dout over the batch instead of summing it"
    assert backward["message"].startswith("linear_backward: db is wrong")
    assert checks["linear (hidden)"]["outcome"] == "failed" and checks["linear (hidden)"]["mistake"] is None


def test_an_untouched_release_is_not_attempted(graded):
    _, _, records = graded
    bob = records["bob"]
    linear = next(ex for ex in bob["exercises"] if ex["test"] == "test_linear")
    assert linear["outcome"] == "not_attempted" and linear["points"] == 0
    assert {c["kind"] for c in linear["checks"]} == {"not_attempted"}
    assert linear["checks"][0]["exception"] == "NotImplementedError"


def test_feedback_lists_each_check_with_its_points_and_message(graded):
    proc, _, _ = graded
    out = next(p for p in map(str, proc.args) if p.endswith("/out"))
    page = open(f"{out}/feedback/carol.html").read()
    summary = page[:page.index("</table>")]
    share = f"{LINEAR_FORWARD_SHARE:.3g}"
    assert f'linear_forward</td><td>{share} / {share}</td><td style="white-space:pre-wrap">passed</td>' in summary
    assert f"linear_backward</td><td>0 / {share}</td>" in summary
    assert "averaged dout over the batch instead of summing it" in summary
