"""``course autograde`` on a small class of 01_backprop: one grade per student, always.

alice hands in the solution, bob the untouched release, carol the solution with one
realistic mistake (db averaged instead of summed), dave nothing, erin a truncated file,
frank a test cell deleted, gina an infinite loop, hank a notebook that kills its kernel.
Every row of grades.csv must say what happened.
"""

import csv
import json

import pytest

from tests.harness import ROOT
from tests.test_pipeline import course, release_of, source_of

NAME = "01_backprop"
pytestmark = [pytest.mark.nbgrader, pytest.mark.xdist_group("class_01")]  # one worker: one class run


def edited_solution(edit):
    nb = json.loads(source_of(NAME).read_text())
    edit(nb["cells"])
    return json.dumps(nb)


def average_db(nb_cells):
    for c in nb_cells:
        src = "".join(c["source"])
        if "def linear_backward" in src:
            c["source"] = src.replace("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")


def prepend_to_relu_cell(code):
    def edit(nb_cells):
        for c in nb_cells:
            src = "".join(c["source"])
            if "def relu_forward" in src:
                c["source"] = code + src
    return edit


def delete_linear_test(nb_cells):
    nb_cells[:] = [c for c in nb_cells
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "test_linear"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    subs = tmp / "submissions"
    files = {"alice": source_of(NAME).read_text(), "bob": release_of(NAME).read_text(),
             "carol": edited_solution(average_db), "erin": '{"cells": [',
             "frank": edited_solution(delete_linear_test),
             "gina": edited_solution(prepend_to_relu_cell("while True:\n    pass\n")),
             "hank": edited_solution(prepend_to_relu_cell("import os\nos._exit(1)\n"))}
    for student, text in files.items():
        (subs / student).mkdir(parents=True)
        (subs / student / f"{NAME}.ipynb").write_text(text)
    (subs / "dave").mkdir()
    proc = course("autograde", subs, "--assignment", NAME, "--out", tmp / "out", "--timeout", 30)
    rows = {r["student"]: r for r in csv.DictReader(open(tmp / "out" / "grades.csv"))}
    return proc, rows, tmp / "out"


def test_every_student_gets_a_row_with_an_explicit_status(graded):
    _, rows, _ = graded
    assert {s: r["status"] for s, r in rows.items()} == {
        "alice": "graded", "bob": "graded", "carol": "graded", "dave": "missing",
        "erin": "invalid_notebook", "frank": "graded", "gina": "timeout", "hank": "crashed"}
    assert list(rows["alice"].keys()) == ["student", "assignment", "score", "max_score",
                                          "status", "detail"]
    assert "not a valid notebook" in rows["erin"]["detail"]
    assert "time limit" in rows["gina"]["detail"]
    assert "kernel died" in rows["hank"]["detail"]


def test_scores(graded):
    _, rows, _ = graded
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) == 23
    assert float(rows["bob"]["score"]) == 0
    assert float(rows["carol"]["score"]) == 23 - 3      # loses exactly the linear layer's points
    assert float(rows["frank"]["score"]) == 23          # the deleted test cell was re-added and run
    assert float(rows["dave"]["score"]) == float(rows["erin"]["score"]) == 0
    assert float(rows["gina"]["score"]) == 23 - 2       # the interrupted cell loses relu only
    assert float(rows["hank"]["score"]) == 0


def test_exit_code_flags_submissions_needing_attention(graded):
    proc, _, _ = graded
    assert proc.returncode == 1
    assert "4 submission(s) need your attention" in proc.stdout


def test_feedback_names_the_mistake_without_hidden_tests(graded):
    _, _, out = graded
    assert sorted(p.stem for p in (out / "feedback").glob("*.html")) == \
        ["alice", "bob", "carol", "frank", "gina"]
    html = (out / "feedback" / "carol.html").read_text()
    assert "averaged dout over the batch instead of summing it" in html
    assert "HIDDEN TESTS" not in html
    assert "x1, x2 = rng.normal" not in html            # a line of hidden test code


def test_unknown_assignment_is_a_clear_error(tmp_path):
    (tmp_path / "s" / "alice").mkdir(parents=True)
    proc = course("autograde", tmp_path / "s", "--assignment", "99_nope", "--out", tmp_path / "o")
    assert proc.returncode == 2
    assert "unknown assignment '99_nope'" in proc.stderr
