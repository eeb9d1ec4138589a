"""course_utils.grading.contracts: the statuses, the run report and cell errors, and the
autograde steps taken from nbgrader's own default."""

import json
import re

import nbformat
import pytest
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, LimitOutput

from course_utils import cells
from course_utils.grading.contracts import CellErrorName, Grade, RunReport, Status, cell_error
from course_utils.grading.sandboxed_execute import SandboxedExecute, autograde_preprocessors, build_job, grading_plan
from tests.conftest import ROOT, solved, source_of


def readme_status_table() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("| status | meaning | score |")
    return "\n".join(re.match(r"((?:\|.*\n)+)", text[start:]).group(1).strip().splitlines())


def test_the_readme_table_is_the_status_enum():
    assert readme_status_table() == Status.markdown_table()


def test_a_status_is_its_name_and_only_graded_needs_no_attention():
    assert Status.GRADED == "graded" and str(Status.TAMPERED) == "tampered"
    assert Status("timeout") is Status.TIMEOUT
    assert [s for s in Status if not s.needs_attention] == [Status.GRADED]


def test_the_worst_problem_names_the_status_and_every_problem_is_in_the_detail():
    report = RunReport(cell_timeouts=[4], findings=["test cell t: numpy.allclose was replaced"],
                       crashed_cells=[7])
    status, detail = report.verdict(["test cell 'a' was deleted (put back for grading)"])
    assert status is Status.CRASHED
    assert detail.index("cell(s) 7 stopped") < detail.index("cell(s) 4 ran past") < detail.index("'a' was deleted")
    assert "numpy.allclose was replaced" in detail
    assert RunReport(cell_timeouts=[1], refused=["use the network"]).verdict([])[0] is Status.TIMEOUT
    assert RunReport(refused=["use the network (socket.connect)"]).verdict([]) == \
        (Status.TAMPERED, "tried to use the network (socket.connect) (refused)")
    assert RunReport(forged="stream forged").verdict([])[0] is Status.TAMPERED


def test_a_clean_run_is_graded_and_the_fallback_is_said():
    assert RunReport().verdict([]) == (Status.GRADED, "")
    assert RunReport(sandboxed=False).verdict([]) == \
        (Status.GRADED, "graded WITHOUT the sandbox (bubblewrap unavailable)")


def test_a_timed_out_notebook_is_a_timeout_and_another_problem_a_crash():
    assert RunReport(timed_out=True, problem="ran longer than 60 s").verdict([])[0] is Status.TIMEOUT
    assert RunReport(problem="killed by signal SIGKILL").verdict([])[0] is Status.CRASHED
    assert RunReport(out_of_memory=[3]).verdict([])[0] is Status.CRASHED


def test_the_run_report_survives_its_json_round_trip():
    report = RunReport(sandboxed=False, findings=["x"], refused=["y"], forged="f", timed_out=True,
                       problem="p", cell_timeouts=[1], out_of_memory=[2], crashed_cells=[3],
                       tests={"test_f": {"checks": [{"block": "f", "outcome": "passed"}], "points": 1.0,
                                         "max_points": 1.0, "crashed": False, "tampered": []}})
    assert RunReport.from_json(report.to_json()) == report
    with pytest.raises(TypeError):
        RunReport.from_json('{"unknown_key": 1}')


def test_cell_error_has_one_line_by_default_and_is_bounded():
    assert cell_error(CellErrorName.NOT_RUN, "stopped") == \
        {"ename": "NotRun", "evalue": "stopped", "traceback": ["NotRun: stopped"]}
    huge = cell_error("E", "v" * 10_000, ["x" * 10_000] * 100)
    assert len(huge["evalue"]) == 2000 and len(huge["traceback"]) == 60
    assert all(len(line) == 4000 for line in huge["traceback"])
    assert cell_error("E", "v", [])["traceback"] == []


def test_a_grade_row_is_what_grades_csv_holds():
    grade = Grade("alice", "01_backprop", 20.0, 23.0, Status.TAMPERED, "edited")
    assert dict(zip(Grade.COLUMNS, grade.row())) == {
        "student": "alice", "assignment": "01_backprop", "score": "20", "max_score": "23",
        "status": "tampered", "detail": "edited"}


def test_autograde_steps_are_nbgraders_default_with_execute_sandboxed():
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    steps = autograde_preprocessors()
    assert Execute in default and Execute not in steps
    assert steps == [SandboxedExecute if step is Execute else step for step in default]


def test_a_step_a_later_nbgrader_adds_is_kept(monkeypatch):
    class NewStep(LimitOutput):
        pass
    trait = Autograde.class_traits()["autograde_preprocessors"]
    default = trait.default()
    monkeypatch.setattr(trait, "make_dynamic_default", lambda: [*default, NewStep])
    assert autograde_preprocessors() == [SandboxedExecute, *default[1:], NewStep]


def test_an_nbgrader_without_execute_is_refused(monkeypatch):
    trait = Autograde.class_traits()["autograde_preprocessors"]
    monkeypatch.setattr(trait, "make_dynamic_default", lambda: [LimitOutput])
    with pytest.raises(RuntimeError, match="no longer runs its Execute step"):
        autograde_preprocessors()


def test_grading_skips_the_instructors_experiments_but_runs_what_the_student_wrote():
    name = "04_regularization"
    source = cells.read_notebook(source_of(name))
    nb = nbformat.reads(solved(name), as_version=4)
    experiments = cells.experiment_sources(source)
    assert len(experiments) >= 5
    first = next(i for i, c in enumerate(nb.cells) if c.source == experiments[0])
    nb.cells[first].source += "\nprint('changed by the student')"
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell("helper = 1   # a cell the student added"))
    job = build_job(nb, grading_plan(source))
    ran = [c["source"] for c in job["cells"] if c["kind"] == "student"]
    assert not set(experiments[1:]) & set(ran)                 # untouched experiments: skipped
    assert nb.cells[first].source in ran and "helper = 1   # a cell the student added" in ran
    assert [c["grade_id"] for c in job["cells"] if c["kind"] == "test"] == \
        [e.grade_id for e in cells.exercises(source)]
    assert set(cells.setup_sources(source)) <= set(ran)        # the notebook's setup cells still run


def test_a_results_record_has_the_agreed_fields():
    exercises = [{"test": "test_f", "exercise": "f", "points": 0.0, "max_points": 2.0, "outcome": "failed",
                  "checks": []}]
    grade = Grade("alice", "01_backprop", 0.0, 23.0, Status.TIMEOUT, "cell(s) 4 ran past", 6.12345,
                  exercises)
    record = json.loads(json.dumps(grade.results_record()))
    assert record == {"version": 1, "student": "alice", "assignment": "01_backprop", "status": "timeout",
                      "detail": "cell(s) 4 ran past", "score": 0.0, "max_score": 23.0, "seconds": 6.123,
                      "exercises": exercises}
