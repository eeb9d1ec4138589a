"""Run one submission's cells for grading: ``python -m course_utils.grading.runner`` (in the sandbox).

The parent (sandbox.py) writes a *job* as JSON to this process's standard input and reads
one JSON line per *event* from the file descriptor named by ``COURSE_RESULTS_FD``. The job:

    {"setup": [source, ...],           # the instructor's setup cells (from solutions/)
     "cells": [{"index": i, "kind": "student" | "test", "source": str,
                "grade_id": str, "torch_allowed": bool}, ...],
     "answer_names": [name, ...],      # what the solution cells define (functions, answers)
     "preload": [module, ...],         # the warm start's zygote imports these (Runner.preload)
     "cell_timeout": seconds, "max_output": characters per cell, "memory_mb": int,
     "writable": [path, ...], "protected": [path, ...], "readable": [path, ...]}

How the tests are kept honest (see guard.py for the mechanisms):

- the instructor's setup cells run first, in a private namespace, before any student code;
- student cells run through IPython, as in Jupyter; after each one, anything it replaced
  in numpy, torch, course_utils or builtins is put back and reported;
- a test cell does not run through IPython (whose hooks the student can rewire) but with
  ``exec`` in a namespace reset for each test: the pristine setup names plus the student's
  answers (``answer_names``) and nothing else, so a student's global ``check_close`` or
  ``len`` never reaches a test (what the test defines is copied to the student's namespace
  afterwards, as in Jupyter);
- a test that finds state replaced *while it ran*, or PyTorch called by the student where
  the exercise forbids it, fails with a message saying so.

A job cell with ``"skip": reason`` is not run (it stopped the process in an earlier run).

Events: ``{"event": "started"}`` once the set-up is done, then ``{"event": "cell", "index",
"kind", "output", "error", "findings"}`` per cell (``"passed"`` too for a test, and
``"checks"``: each block's outcome, see blocks.py -- every block runs), then
``{"event": "done"}``. ``error`` is ``None`` or
``{"ename", "evalue", "traceback": [lines]}``; a test's traceback is only the failure
message, never the test's code.
"""

from __future__ import annotations

import builtins
import importlib
import io
import json
import os
import resource
import signal
import sys
import time
import types

from .contracts import CellErrorName, cell_error


class CellTimeout(BaseException):
    """A cell ran past the time limit (BaseException: ``except Exception`` does not catch it)."""


class _Capture(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters written to it."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
        self.size += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self) -> str:
        note = f"\n... [{self.dropped} more characters of output not kept]\n" if self.dropped else ""
        return "".join(self.parts) + note


def _on_alarm(signum, frame):
    raise CellTimeout()


class Runner:
    """Runs a job's cells one by one and emits an event per cell (see the module docstring)."""

    def __init__(self, job: dict, emit):
        self.job, self.emit = job, emit
        self.cell_timeout = int(job.get("cell_timeout", 120))
        self.max_output = int(job.get("max_output", 20000))

    # -- set-up, before any student code ------------------------------------------------
    def start(self):
        """The whole set-up of a cold run: :meth:`prepare`, then :meth:`arm`."""
        self.prepare()
        self.arm()

    def prepare(self):
        """The set-up that is the same for every student: the IPython shell, the setup
        cells in the tests' namespace, the runner's aliases, the state guard's snapshot.
        The warm start (:func:`serve`) runs it once and forks a child per submission."""
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        from .. import checks
        from ..cells import exercise_names
        from . import blocks, guard

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "NoColor"
        config.InteractiveShell.xmode = "Plain"
        self.shell = InteractiveShell.instance(config=config)
        # The tests' namespace. Functions the setup cells define (test helpers) have it as
        # their globals, so before each test it is reset to the pristine setup names plus
        # the student's answers.
        self.test_ns = {"__name__": "__main__", "__builtins__": builtins}
        setup_codes = []
        for i, source in enumerate(self.job["setup"]):
            code = compile(self.shell.transform_cell(source), f"<setup cell {i}>", "exec")
            setup_codes.append(code)
            exec(code, self.test_ns)
        self.setup_names = dict(self.test_ns)
        self._close_figures()
        # Aliases taken now, before student code runs: a student's patch of checks, cells or
        # guard cannot change what the runner calls (keep them when tidying up).
        self.clear_substitutes = checks.clear_substitutes
        self.split_blocks, self.run_steps = blocks.split, blocks.run_steps
        self.exercise_names, self.borrowed_answer = exercise_names, guard.borrowed_answer
        self.state = guard.StateGuard()
        self.shell_hooks = guard.ShellHooks(self.shell)
        self.torch = guard.TorchWatch(self._set_profile)
        for code in setup_codes:
            self.torch.trust(code)
        self.install_audit_hook = guard.install_audit_hook

    def preload(self):
        """The warm start's zygote only: import the job's ``preload`` modules, which the
        libraries import on first use and every forked child would otherwise import again
        (see sandboxed_execute.grading_plan). Called after :meth:`prepare`, so the state
        guard's snapshot, and with it what the guard watches, is the cold path's."""
        for name in self.job.get("preload", ()):
            importlib.import_module(name)

    def arm(self):
        """The set-up of one submission, just before its code runs: the process state it
        starts from (its working directory and environment) and the audit hook, with its
        own writable folder (the hook cannot be removed: in the warm start only the
        forked child has it)."""
        self.state.process = self.state.process_state()
        self.attempts: list[str] = []
        self.allow_hooks = self.install_audit_hook(
            self.job.get("writable", [os.getcwd()]), self.job.get("protected", []),
            self.job.get("readable", []), self.attempts)

    # -- helpers -------------------------------------------------------------------------
    def _timed(self, run):
        """Run ``run()`` under the cell time limit, capturing stdout and stderr; return
        ``(output, what run returned or CellTimeout)``. Nothing else happens until the
        builtins are restored: the student's code may have replaced ``isinstance``."""
        capture = _Capture(self.max_output)
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.cell_timeout)
        outcome = None
        try:
            outcome = run()
        except CellTimeout:
            outcome = CellTimeout
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.replaced_builtins = self.state.restore_builtins()
            sys.stdout, sys.stderr = saved
        return capture.text(), outcome

    def _timeout_error(self) -> dict:
        return cell_error(CellErrorName.TIMEOUT, f"the cell ran longer than {self.cell_timeout} s",
                          [f"{CellErrorName.TIMEOUT}: the cell ran longer than {self.cell_timeout} s "
                           "and was stopped (an infinite loop?)"])

    def _set_profile(self, hook) -> None:
        """The runner's own ``sys.setprofile``: the audit hook refuses anyone else's."""
        self.allow_hooks[0] = True
        try:
            sys.setprofile(hook)
        finally:
            self.allow_hooks[0] = False

    @staticmethod
    def _close_figures():
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")

    # -- the cells -------------------------------------------------------------------------
    def run_student_cell(self, cell: dict) -> dict:
        def run():
            result = self.shell.run_cell(cell["source"], store_history=False)
            return result.error_before_exec or result.error_in_exec

        output, err = self._timed(run)
        if err is CellTimeout or isinstance(err, CellTimeout):
            error = self._timeout_error()
        elif err is None:
            error = None
        else:
            error = cell_error(type(err).__name__, str(err), traceback=[])
        self._set_profile(None)
        findings = self.replaced_builtins + self.state.restore() + self.shell_hooks.changed()
        self._close_figures()
        return {"output": output, "error": error, "findings": findings}

    def _test_namespace(self, cell: dict) -> tuple[dict, dict, bool]:
        """Reset the tests' namespace to the setup names plus the student's answers
        (watched by the torch watch where the exercise must be NumPy); return it, the
        answers, and whether the watch must stay on for the whole cell (a class answer,
        whose methods run later)."""
        user = self.shell.user_ns
        answers = {name: user[name] for name in self.job["answer_names"] if name in user}
        namespace = self.test_ns
        namespace.clear()
        namespace.update(self.setup_names)
        namespace.update(answers)
        whole_cell = False
        if not cell.get("torch_allowed"):
            for name, value in answers.items():
                if isinstance(value, types.FunctionType):
                    namespace[name] = self.torch.watched(value)
                elif isinstance(value, type) and name in cell["source"]:
                    whole_cell = True
        return namespace, answers, whole_cell

    def _test_findings(self, cell: dict) -> list[str]:
        """What interfered with the test while it ran."""
        findings = [f"while the tests ran, {change}"
                    for change in self.replaced_builtins + self.state.restore()]
        if not cell.get("torch_allowed"):
            findings += [f"{call}, which this exercise forbids (write it in NumPy)"
                         for call in self.torch.calls]
            tested = set(self.exercise_names(cell["source"]))
            user = self.shell.user_ns
            findings += [why for name in self.job["answer_names"] if name in tested and name in user
                         and (why := self.borrowed_answer(name, user[name]))]
        return findings

    def run_test_cell(self, cell: dict) -> dict:
        self._set_profile(None)
        self.state.restore()                       # the student's cells were checked already
        self.clear_substitutes()
        steps = self.split_blocks(cell["source"], f"<test cell {cell['grade_id']}>")
        if not cell.get("torch_allowed"):
            self.torch.start(compile("", "<no code>", "exec"))
            for step in steps:
                self.torch.trust(step.code)
        namespace, answers, whole_cell = self._test_namespace(cell)
        before = dict(namespace)
        checks, failures = [], []      # every block runs; each failure is recorded

        def run():
            if whole_cell:
                self.torch.on()
            try:
                return self.run_steps(steps, namespace, checks, failures)
            except CellTimeout:
                raise
            except BaseException as err:  # noqa: BLE001 -- any failure fails the test
                return err
            finally:
                self.torch.off()

        output, err = self._timed(run)
        if err is CellTimeout:
            error = self._timeout_error()
        elif err is None and not failures:
            error = None
        else:
            error = _test_error(failures + ([err] if err is not None else []))
        # What the test defined stays visible to later cells, as in Jupyter (not the answers).
        self.shell.user_ns.update({k: v for k, v in namespace.items()
                                   if k not in answers and (k not in before or before[k] is not v)})
        findings = self._test_findings(cell)
        if findings and error is None:
            error = cell_error(CellErrorName.TAMPERING, "; ".join(findings),
                               [f"{CellErrorName.TAMPERING}: these tests do not count, because "
                                + "; ".join(findings) + "."])
        self._close_figures()
        return {"output": output, "error": error, "findings": findings, "passed": error is None,
                "checks": [check.to_dict() for check in checks]}

    def run(self):
        started = time.perf_counter()
        self.start()
        self.run_cells(setup_s=time.perf_counter() - started)

    def run_cells(self, setup_s: float = 0.0):
        """Emit ``started`` (with the seconds the set-up took here), then each cell's event
        (with the seconds it ran), then ``done``."""
        self.emit({"event": "started", "setup_s": round(setup_s, 3)})
        for cell in self.job["cells"]:
            if cell.get("skip"):             # this cell killed the process in an earlier run
                self.emit({"event": "cell", "index": cell["index"], "kind": cell["kind"], "output": "",
                           "error": cell_error(CellErrorName.SKIPPED, cell["skip"]), "findings": [],
                           "passed": False})
                continue
            run = self.run_test_cell if cell["kind"] == "test" else self.run_student_cell
            started = time.perf_counter()
            event = run(cell)
            self.emit({"event": "cell", "index": cell["index"], "kind": cell["kind"], **event,
                       "seconds": round(time.perf_counter() - started, 3)})
        self.emit({"event": "done", "refused": list(self.attempts)})


def _test_error(errors: list[BaseException]) -> dict:
    """A failed test's error, with every failure of the cell: a check failure's own
    message lines, anything else one line each. Named after the first failure."""
    lines = []
    for err in errors:
        render = getattr(err, "_render_traceback_", None)
        lines += render() if callable(render) and isinstance(err, AssertionError) else \
            [f"{type(err).__name__}: {err}"]
    return cell_error(type(errors[0]).__name__, "\n".join(str(err) for err in errors), lines)


def _results_stream():
    """The events' stream (``COURSE_RESULTS_FD``) and ``emit(event)``, which writes one."""
    results = os.fdopen(int(os.environ.pop("COURSE_RESULTS_FD")), "w", buffering=1)
    os.set_inheritable(results.fileno(), False)
    dumps = json.dumps          # alias taken before student code runs: a patched json.dumps cannot forge events

    def emit(event):
        results.write(dumps(event) + "\n")
        results.flush()
    return results, emit


def _limit_memory(memory_mb) -> None:
    memory = int(memory_mb or 0) * 1024 ** 2
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def main() -> int:
    job = json.loads(sys.stdin.read())
    _, emit = _results_stream()
    _limit_memory(job.get("memory_mb"))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    started = time.perf_counter()
    Runner(job, emit).run()
    print(f"runner finished in {time.perf_counter() - started:.1f} s", file=sys.__stderr__)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        from .zygote import serve
        sys.exit(serve())
    sys.exit(main())
