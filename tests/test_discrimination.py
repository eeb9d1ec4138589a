"""The autograder tests discriminate: wrong answers lose points, correct ones keep them.

For every assignment listed in ASSIGNMENTS, through the notebook's own test cells (see
tests/harness.py):

- the solution passes every test cell, hidden and visible;
- each wrong variant loses the points of the exercise it breaks, and only those
  (a mistake is not punished twice); where it says which blocks it fails (``fails=``),
  exactly those blocks lose their share of the cell's points (partial credit);
- each "common" wrong variant is caught by the visible tests alone;
- each correct variant in another style keeps full marks;
- failure messages name the mistake where the variant says so, and never show hidden
  test code.
"""

import importlib

import pytest

from course_utils.cells import block_parts
from tests.conftest import ASSIGNMENTS, variants_module
from tests.harness import NotebookTests, score

MIN_WRONG_PER_EXERCISE = 3


def _variants(name):
    return importlib.import_module(variants_module(name)).variants


CASES = [(name, v) for name in ASSIGNMENTS for v in _variants(name)]


@pytest.fixture(scope="module")
def full():
    return {name: NotebookTests(name) for name in ASSIGNMENTS}


@pytest.fixture(scope="module")
def visible():
    return {name: NotebookTests(name, visible_only=True) for name in ASSIGNMENTS}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_passes_every_test_cell(full, visible, name):
    for tests in (full[name], visible[name]):
        outcomes = tests.run()
        failed = {gid: o.message for gid, o in outcomes.items() if not o.passed}
        assert not failed, f"the solution fails: {failed}"
        assert score(outcomes) == tests.max_score > 0


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_exercise_has_wrong_and_correct_variants(full, name):
    variants = _variants(name)
    for _, names, _, _ in full[name].tests:
        for exercise in names:
            if block_parts(exercise)[1]:        # "(hidden)", "(raises)": checked with the core block
                continue
            wrong = [v for v in variants if v.target == exercise and not v.correct]
            right = [v for v in variants if v.target == exercise and v.correct]
            assert wrong, f"{exercise}: no wrong variants"
            if not exercise.startswith("question"):  # a visible test cannot reveal an answer
                assert any(v.common for v in wrong), f"{exercise}: no variant marked common"
            cell_wrong = [v for v in variants if not v.correct
                          and full[name].cells_of(v.target) == full[name].cells_of(exercise)]
            assert len(cell_wrong) >= MIN_WRONG_PER_EXERCISE, \
                f"{exercise}: only {len(cell_wrong)} wrong variants for its test cell"
            assert right or any(v.correct for v in variants
                                if full[name].cells_of(v.target) == full[name].cells_of(exercise)), \
                f"{exercise}: no correct variant in another style"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_skipping_the_cells_a_variant_cannot_reach_changes_no_outcome(full, name):
    """The harness's shortcut (cells that cannot reach the variant keep the solution's
    outcome) against a full run, for the first and the last wrong variant of each assignment."""
    wrong = [v for v in _variants(name) if not v.correct]
    for variant in (wrong[0], wrong[-1]):
        short, every = full[name].run(variant), full[name].run(variant, every_cell=True)
        assert {gid: (o.passed, o.score, o.failed_blocks) for gid, o in short.items()} == \
               {gid: (o.passed, o.score, o.failed_blocks) for gid, o in every.items()}, variant.id


def test_the_shortcut_runs_a_cell_that_reaches_a_variant_through_the_notebooks_objects():
    """A test cell reaches a student's function through a helper, a dict, a default argument
    and an object; a cell that reads only data does not; a cell that binds a name a later
    running cell reads runs too."""
    import numpy as np

    from tests.harness import cells_to_run
    exec_ns = {"__name__": "__main__", "np": np}
    exec("def sgd(w): return w\n"
         "def helper(w): return sgd(w)\n"
         "TABLE = {'sgd': sgd}\n"
         "def by_default(w, step=sgd): return step(w)\n"
         "class Box:\n    def __init__(self, f): self.f = f\n"
         "box = Box(sgd)\n"
         "X = np.ones(3)\n", exec_ns)
    sources = ["helper(X)", "TABLE['sgd'](X)", "by_default(X)", "box.f(X)", "y = X.sum()", "np.mean(X)",
               "y + sgd(X)"]
    assert cells_to_run(sources, exec_ns, {"sgd"}) == [True, True, True, True, True, False, True]
    assert cells_to_run(sources[4:6], exec_ns, {"sgd"}) == [False, False]


@pytest.mark.parametrize("name,variant", CASES, ids=[f"{n}|{v.id}" for n, v in CASES])
def test_variant_is_graded_as_it_deserves(full, visible, name, variant):
    tests = full[name]
    outcomes = tests.run(variant)
    failed = {gid for gid, o in outcomes.items() if not o.passed}
    if variant.correct:
        messages = {gid: outcomes[gid].message for gid in failed}
        assert not failed, f"a correct implementation lost points: {messages}"
        return
    own = tests.cells_of(variant.target)
    assert failed & own, f"wrong variant kept full marks on {sorted(own)}"
    assert failed <= own, f"one mistake punished in other cells too: {sorted(failed - own)}"
    assert score(outcomes) < tests.max_score
    if variant.fails:           # the exact partial score: these blocks lose their share, no other does
        failed_blocks = set().union(*(o.failed_blocks for o in outcomes.values()))
        assert failed_blocks == set(variant.fails)
        assert score(outcomes) == pytest.approx(tests.expected_score(variant.fails), abs=1e-3 * len(own))
    message = " ".join(outcomes[gid].message for gid in failed)
    if variant.message:
        assert variant.message in message, f"message does not name the mistake: {message}"
    assert "HIDDEN TESTS" not in message
    if variant.common:
        seen = visible[name].run(variant)
        assert any(not seen[gid].passed for gid in own), \
            "the most common mistake is not caught by the visible tests alone"
