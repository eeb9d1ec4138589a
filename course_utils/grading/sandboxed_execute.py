"""nbgrader's execution step, replaced: run a submission in the sandbox with runner.py.

``course autograde`` configures nbgrader's ``Autograde`` converter to use
:class:`SandboxedExecute` instead of ``Execute``. nbgrader still does everything else: it
restores the instructor's test cells (with the hidden tests) before this step, and scores
the test cells from the outputs written here (a test cell with an error output gets 0).

This step builds the runner's job from the notebook nbgrader prepared and from the
assignment's source notebook (the trusted setup cells, the names the solution cells define,
which exercises may use torch), runs it, turns the runner's events into cell outputs, and
writes a :class:`~course_utils.grading.contracts.RunReport` (``<report_dir>/<student>.json``)
that autograde.py turns into a status.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, List, Unicode

from .. import cells
from ..course import source_path
from . import blocks
from .contracts import CellErrorName, RunReport, cell_error
from .sandbox import Limits, run_sandboxed
from .warm import warm_sandbox


def defined_names(source: str) -> set[str]:
    """Top-level names a cell binds (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _uses_torch(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any((isinstance(n, ast.Name) and n.id == "torch")
               or (isinstance(n, (ast.Import, ast.ImportFrom)) and "torch" in ast.unparse(n))
               for n in ast.walk(tree))


def grading_plan(source_nb) -> dict:
    """What the runner needs from the assignment's source notebook.

    - ``setup``: the setup cells (see :func:`course_utils.cells.setup_sources`);
    - ``answer_names``: every name the solution cells define (the student's answers);
    - ``torch_allowed``: test grade_id -> whether its exercise may use torch: only when the
      instructor's own solution does (the capstone); NumPy exercises may not;
    - ``experiments``: the instructor's experiment cells, which grading does not run (no test
      depends on them; a cell the student wrote or changed still runs);
    - ``preload``: what the warm start's zygote imports for its children (:func:`preloads`).
    """
    answers = set()
    for source in cells.solution_sources(source_nb):
        answers |= defined_names(source)
    torch_allowed = {ex.grade_id: any(_uses_torch(source_nb.cells[i].source) for i in ex.solution_indices)
                     for ex in cells.exercises(source_nb)}
    return {"setup": cells.setup_sources(source_nb), "answer_names": sorted(answers),
            "torch_allowed": torch_allowed,
            "experiments": {_normal(s) for s in cells.experiment_sources(source_nb)},
            "preload": preloads(source_nb)}


OPTIMIZERS = re.compile(r"\boptim\b")


def preloads(source_nb) -> list[str]:
    """Modules that torch imports on first use and grading would import in every child:
    ``torch._dynamo`` (seconds), imported when the first optimizer is built, for an
    assignment whose setup, solution or test cells use ``torch.optim``."""
    graded = cells.setup_sources(source_nb) + cells.solution_sources(source_nb) + \
        [source_nb.cells[ex.test_index].source for ex in cells.exercises(source_nb)]
    return ["torch._dynamo"] if any(OPTIMIZERS.search(source) for source in graded) else []


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def build_job(nb, plan: dict) -> dict:
    """The runner's job for notebook ``nb`` (after nbgrader restored its test cells)."""
    job_cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cells.is_test_cell(cell):
            grade_id = cells.meta(cell)["grade_id"]
            job_cells.append({"index": index, "kind": "test", "source": cell.source, "grade_id": grade_id,
                              "torch_allowed": plan["torch_allowed"].get(grade_id, False)})
        elif _normal(cell.source) not in plan.get("experiments", ()):
            job_cells.append({"index": index, "kind": "student", "source": cell.source})
    return {"setup": plan["setup"], "answer_names": plan["answer_names"], "cells": job_cells,
            "preload": plan.get("preload", [])}


def apply_events(nb, job: dict, result) -> RunReport:
    """Write the runner's events into ``nb`` as outputs; return what the run found."""
    by_index = {}
    expected = [c["index"] for c in job["cells"]]
    forged = result.corrupted
    for event in result.events:
        if event.get("event") != "cell":
            continue
        position = len(by_index)
        if position >= len(expected) or event.get("index") != expected[position]:
            forged = "the grader's result stream was tampered with (events out of order or repeated)"
            break
        by_index[event["index"]] = event
    findings, tests = [], {}
    for job_cell in job["cells"]:
        cell = nb.cells[job_cell["index"]]
        cell.outputs = []
        event = by_index.get(job_cell["index"])
        if event is None:
            if job_cell["kind"] == "test":
                reason = result.problem or forged or "the notebook stopped before this cell"
                cell.outputs.append(new_output("error", **cell_error(
                    CellErrorName.NOT_RUN, reason, [f"{CellErrorName.NOT_RUN}: these tests did not run: {reason}"])))
                why = ("timeout" if result.timed_out else "other", reason)
                tests[job_cell["grade_id"]] = _test_record(cell, {}, why)
            continue
        text = str(event.get("output", ""))
        if text:
            cell.outputs.append(new_output("stream", name="stdout", text=text))
        error = event.get("error")
        if job_cell["kind"] == "test":
            record = _test_record(cell, event, _why_not_run(error))
            tests[job_cell["grade_id"]] = record
            if error and record["checks"] and not record["tampered"]:
                _partial_credit(cell, record)       # before the error: nbgrader reads outputs in order
        if error:
            cell.outputs.append(new_output("error", **cell_error(
                error.get("ename", "Error"), error.get("evalue", ""), list(error.get("traceback", [])))))
        where = f"test cell {job_cell.get('grade_id')}" if job_cell["kind"] == "test" else \
            f"cell {job_cell['index']}"
        findings += [f"{where}: {f}" for f in event.get("findings", [])]
    done = next((e for e in result.events if e.get("event") == "done"), None)

    def failed_with(ename):
        return [c["index"] for c in job["cells"]
                if (by_index.get(c["index"], {}).get("error") or {}).get("ename") == ename]

    return RunReport(sandboxed=result.sandboxed, findings=findings,
                     refused=list(done.get("refused", [])) if done else [], forged=forged,
                     timed_out=result.timed_out, problem=result.problem,
                     cell_timeouts=failed_with(CellErrorName.TIMEOUT),
                     out_of_memory=failed_with(CellErrorName.OUT_OF_MEMORY), tests=tests)


def _why_not_run(error: dict | None) -> tuple[str, str]:
    """``(kind, reason)`` for the blocks of a test cell that did not run."""
    ename = (error or {}).get("ename")
    if ename == CellErrorName.TIMEOUT:
        return "timeout", "the cell ran past the time limit"
    if ename == CellErrorName.SKIPPED:
        return "other", "this cell stopped the notebook's process"
    return "other", "the cell stopped before this block"


def _test_record(cell, event: dict, why_not_run: tuple[str, str]) -> dict:
    """The RunReport's record of one test cell: every block of the instructor's cell with
    its outcome and points (a block the runner did not report did not run)."""
    points = float(cells.meta(cell).get("points", 0))
    checks = blocks.complete(cell.source, event.get("checks") or [], points, why_not_run)
    tampered = [str(f) for f in event.get("findings", [])]
    for check in checks if tampered else []:
        check.outcome, check.kind, check.points = "error", "tampered", 0.0
        check.message = ("these tests do not count, because " + "; ".join(tampered))[:blocks.MAX_MESSAGE]
    crashed = not event or any(c.outcome == "error" for c in checks)
    return {"checks": [c.to_dict() for c in checks], "points": 0.0 if tampered else blocks.score(checks),
            "max_points": points, "crashed": crashed, "tampered": tampered}


def _partial_credit(cell, record: dict) -> None:
    """Add the per-check table and the cell's partial score (an ``execute_result``, which
    nbgrader reads as the score) to a failed test cell's outputs."""
    rows = [f"  {'passed' if c['outcome'] == 'passed' else 'FAILED'}  {c['points']:.3g} / "
            f"{c['max_points']:.3g}  {c['block']}"
            + ("" if c["outcome"] == "passed" else f"  -- {(c['message'] or c['outcome']).splitlines()[0][:120]}")
            for c in record["checks"]]
    score = min(record["points"], record["max_points"])
    table = f"Partial credit: {score:g} of {record['max_points']:g} points\n" + "\n".join(rows) + "\n"
    cell.outputs.append(new_output("stream", name="stdout", text=table))
    cell.outputs.append(new_output("execute_result", data={"text/plain": f"{score:g}"},
                                   execution_count=None))


def _stopped_at(job: dict, result):
    """The job cell during which the runner's process died, or None (it finished, or the
    result stream is unusable)."""
    if not result.problem or result.corrupted or result.failed_to_start:
        return None
    done = {e.get("index") for e in result.events if e.get("event") == "cell"}
    return next((c for c in job["cells"] if c["index"] not in done), None)


class SandboxedExecute(NbGraderPreprocessor):
    """Execute the notebook with runner.py in the sandbox (instead of nbgrader's Execute)."""

    course_root = Unicode(help="the (scratch) course directory holding solutions/").tag(config=True)
    report_dir = Unicode(help="where to write <student>.json reports").tag(config=True)
    work_dir = Unicode(help="where the sandboxes' private working folders go").tag(config=True)
    protected = List(Unicode(), help="paths student code must never read").tag(config=True)
    cell_timeout = Integer(120, help="seconds one cell may run").tag(config=True)
    notebook_timeout = Integer(600, help="seconds the whole notebook may run").tag(config=True)
    memory_mb = Integer(4096, help="memory limit of the notebook's process (MB)").tag(config=True)
    crash_retries = Integer(2, help="times to re-run a notebook without the cell that "
                                    "killed its process").tag(config=True)

    warm = Bool(True, help="grade in a child forked from a prepared runner (warm.py); False, or "
                           "COURSE_COLD_START=1 in the environment: a new sandbox per notebook").tag(config=True)

    def _run(self, job: dict, workdir: Path, limits: Limits):
        if self.warm and not os.environ.get("COURSE_COLD_START"):
            box = warm_sandbox(Path(self.work_dir), job["setup"], limits, self.protected, self.log,
                               job.get("preload", ()))
            return box.run(job, workdir, limits)
        return run_sandboxed(job, workdir, limits, protected=self.protected, log=self.log)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        source = nbformat.read(source_path(Path(self.course_root), assignment, notebook), as_version=4)
        job = build_job(nb, grading_plan(source))
        limits = Limits(cell_timeout=self.cell_timeout, notebook_timeout=self.notebook_timeout,
                        memory_mb=self.memory_mb)
        workdir = Path(self.work_dir) / student
        crashed = []
        for attempt in range(1 + self.crash_retries):
            result = self._run(job, workdir / f"run{attempt}", limits)
            stopped = _stopped_at(job, result)
            if stopped is None or stopped.get("skip") or result.timed_out or attempt == self.crash_retries:
                break
            # The process died in this cell: grade the rest as if it had raised an error.
            crashed.append(stopped["index"])
            stopped["skip"] = (f"this cell stopped the notebook's process ({result.problem}); "
                               "it was skipped so that the other exercises could be graded")
        report = apply_events(nb, job, result)
        report.crashed_cells = crashed
        report.phases = result.phases
        report_path = Path(self.report_dir) / f"{student}.json"
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(report.to_json())
        return nb, resources


def autograde_preprocessors() -> list:
    """nbgrader's own autograde steps, in its order, with its ``Execute`` swapped for
    :class:`SandboxedExecute`. Derived from nbgrader's default, so a step that a later
    nbgrader adds is kept (tests/test_contracts.py pins this)."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    steps = Autograde.class_traits()["autograde_preprocessors"].default()
    if Execute not in steps:
        raise RuntimeError("nbgrader's autograde no longer runs its Execute step: "
                           "course autograde cannot put its sandbox in its place")
    return [SandboxedExecute if step is Execute else step for step in steps]


def use_sandbox(settings: dict, timeout: int | None = None):
    """A ``configure`` for :func:`course_utils.course.nbgrader_api`: autograde executes
    with :class:`SandboxedExecute` (with these trait ``settings``) instead of ``Execute``.
    ``timeout``: seconds a cell may run (default: ``Execute.timeout`` of the config)."""
    def configure(config) -> None:
        config.Autograde.autograde_preprocessors = autograde_preprocessors()
        execute = config.SandboxedExecute
        execute.course_root = str(config.CourseDirectory.root)
        if timeout is not None:
            execute.cell_timeout = int(timeout)
        elif "Execute" in config and "timeout" in config.Execute:
            execute.cell_timeout = int(config.Execute.timeout)
        for key, value in settings.items():
            execute[key] = value
    return configure
