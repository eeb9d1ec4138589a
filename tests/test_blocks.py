"""course_utils.grading.blocks and cells.block_weights: a test cell runs block by block,
every block runs, each earns its share of the cell's points."""

import numpy as np
import pytest

from course_utils import checks
from course_utils.cells import block_parts, block_points, block_weights
from course_utils.grading.blocks import complete, outcome, run_steps, score, split

CELL = '''
x = np.arange(3.0)
with exercise("f"):
    check_close("out", f(x), x + 1, mistakes={"forgot to add 1": x})
with exercise("f (raises)"):
    check_raises("f(None)", lambda: f(None), TypeError)
with exercise("f (hidden)", quiet=True):
    y = f(x * 2)
    check_close("out", y, x * 2 + 1)
with exercise("g (hidden)", quiet=True):
    check_equal("len(y)", len(y), 3)
'''


def run(f, source=CELL):
    namespace = {"np": np, "f": f, **{name: getattr(checks, name) for name in checks.__all__}}
    found, failures = [], []
    stopped = run_steps(split(source, "<test cell t>"), namespace, found, failures)
    return found, failures, stopped


def test_weights_follow_the_rule_core_6_hidden_2_raises_1_question_1():
    assert block_weights(CELL) == [("f", 6.0), ("f (raises)", 1.0), ("f (hidden)", 2.0), ("g (hidden)", 2.0)]
    assert block_weights('with question("question 7.1"):\n    pass') == [("question 7.1", 1.0)]
    assert block_weights('with exercise("f (raises, hidden)"):\n    pass') == [("f (raises, hidden)", 1.0)]
    assert block_parts("adam (raises, hidden)") == ("adam", {"raises", "hidden"})
    assert [p for _, p in block_points(CELL, 11)] == pytest.approx([6, 1, 2, 2])
    assert block_points("x = 1", 3) == []


def test_every_block_runs_and_each_failure_is_recorded_from_the_failure_itself():
    found, failures, stopped = run(lambda x: x)          # forgets the + 1, raises nothing
    assert stopped is None and len(failures) == 3
    by_block = {c.block: c for c in found}
    assert list(by_block) == ["f", "f (raises)", "f (hidden)", "g (hidden)"]
    assert (by_block["f"].outcome, by_block["f"].kind, by_block["f"].mistake) == \
        ("failed", "wrong_value", "forgot to add 1")
    assert (by_block["f (raises)"].outcome, by_block["f (raises)"].kind) == ("failed", "other")
    assert by_block["f (hidden)"].mistake is None
    assert by_block["g (hidden)"].outcome == "passed"
    assert all(c.message.startswith(c.block + ": ") for c in found if c.outcome != "passed")


def test_a_block_that_needs_a_failed_blocks_value_says_so():
    def f(x):
        if x is None:
            raise TypeError("no input")
        if len(x) == 3 and x[1] == 2:                   # fails on the hidden input only, by raising
            raise RuntimeError("boom")
        return x + 1
    found, _, _ = run(f)
    hidden, g = found[2], found[3]
    assert (hidden.outcome, hidden.kind, hidden.exception) == ("failed", "exception", "RuntimeError")
    assert g.outcome == "failed" and "needs `y` from 'f (hidden)'" in g.message


def test_points_are_split_by_weight_and_a_block_that_did_not_run_is_an_error():
    found, _, _ = run(lambda x: x + 1 if x is not None else None + 1)
    checks_ = complete(CELL, [c.to_dict() for c in found], 11.0, None)
    assert [c.outcome for c in checks_] == ["passed"] * 4 and score(checks_) == 11.0
    assert outcome([c.outcome for c in checks_]) == "passed"
    cut_short = complete(CELL, [c.to_dict() for c in found[:1]], 11.0, ("timeout", "the cell ran past the time limit"))
    assert [(c.outcome, c.kind) for c in cut_short[1:]] == [("error", "timeout")] * 3
    assert score(cut_short) == pytest.approx(6.0)
    assert outcome([c.outcome for c in cut_short], crashed=True) == "error"


def test_a_failure_outside_any_block_stops_the_cell():
    found, _, stopped = run(lambda x: x + 1, "undefined_name\n" + CELL)
    assert isinstance(stopped, NameError) and found == []
    assert outcome(["not_attempted", "not_attempted"]) == "not_attempted"
    assert outcome(["passed", "failed"]) == "failed"


def test_a_block_that_needs_an_unattempted_blocks_value_is_not_attempted_either():
    def f(x):
        raise NotImplementedError()
    found, _, _ = run(f)
    assert [c.outcome for c in found] == ["not_attempted"] * 4
    assert "needs `y` from 'f (hidden)', which was not attempted" in found[3].message


# ------------------------------------------------- the runner's checks reach nbgrader's score

def _graded_notebook():
    from nbformat.v4 import new_code_cell, new_notebook
    test = new_code_cell('with exercise("f"):\n    pass\nwith exercise("f (raises)"):\n    pass\n'
                         'with exercise("f (hidden)"):\n    pass\n')
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_f", "points": 9}
    return new_notebook(cells=[new_code_cell("def f(): pass"), test])


def _applied(checks_, error=None, findings=(), timed_out=False):
    from nbgrader.utils import determine_grade

    from course_utils.grading.sandbox import RunResult
    from course_utils.grading.sandboxed_execute import apply_events, build_job
    nb = _graded_notebook()
    job = build_job(nb, {"setup": [], "answer_names": ["f"], "torch_allowed": {}})
    events = [{"event": "cell", "index": 0, "kind": "student", "output": "", "error": None, "findings": []}]
    if checks_ is not None:
        events.append({"event": "cell", "index": 1, "kind": "test", "output": "", "error": error,
                       "findings": list(findings), "passed": error is None, "checks": checks_})
    report = apply_events(nb, job, RunResult(events=events, timed_out=timed_out))
    return determine_grade(nb.cells[1])[0], report.tests["test_f"], nb.cells[1].outputs


FAILED = {"ename": "CheckFailure", "evalue": "f (raises): did not raise", "traceback": ["x"]}


def test_a_failed_block_costs_its_share_in_nbgraders_own_score():
    ran = [{"block": "f", "outcome": "passed"},
           {"block": "f (raises)", "outcome": "failed", "kind": "other", "message": "f (raises): did not raise"},
           {"block": "f (hidden)", "outcome": "passed"}]
    score_, record, outputs = _applied(ran, FAILED)
    assert score_ == pytest.approx(9 * 8 / 9, abs=1e-3)            # weights 6 + 2 of 6 + 1 + 2
    assert record["points"] == pytest.approx(score_) and not record["crashed"]
    assert [o.output_type for o in outputs] == ["stream", "execute_result", "error"]
    assert "FAILED  0 / 1  f (raises)  -- f (raises): did not raise" in outputs[0].text


def test_tampering_or_a_cell_that_never_ran_earns_nothing():
    ran = [{"block": "f", "outcome": "passed"}, {"block": "f (raises)", "outcome": "failed"}]
    tampered, record, _ = _applied(ran, FAILED, findings=["numpy.isclose was replaced"])
    assert tampered == 0 and {c["kind"] for c in record["checks"]} == {"tampered"}
    never, record, _ = _applied(None, timed_out=True)
    assert never == 0 and record["crashed"] and {c["kind"] for c in record["checks"]} == {"timeout"}


def test_a_forged_record_for_a_block_the_cell_does_not_have_is_ignored():
    ran = [{"block": "f", "outcome": "failed"}, {"block": "bonus", "outcome": "passed"}]
    score_, record, _ = _applied(ran, FAILED)
    assert score_ == 0 and [c["block"] for c in record["checks"]] == ["f", "f (raises)", "f (hidden)"]
