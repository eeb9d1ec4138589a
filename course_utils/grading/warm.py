"""The warm start of grading: one sandbox per grader, a forked child per submission.

:func:`sandbox.run_sandboxed` (the cold path) starts a sandbox and a runner for every
submission, which then imports numpy, torch, matplotlib and IPython and runs the setup
cells again: seconds per student. A :class:`WarmSandbox` starts the runner once, as a fork
server (zygote.py) inside one bubblewrap sandbox whose writable folder is the grader's
sandboxes folder, and :meth:`WarmSandbox.run` grades each submission in a child forked from
that prepared state. Its :class:`~course_utils.grading.sandbox.RunResult` means what the
cold path's means (same events, problems and death reasons). What keeps submissions apart:

- the zygote never runs student code; a child's patches, threads and memory die with it;
- each child runs in a fresh folder of its own (deleted after its run), with the audit hook
  allowing writes there and in /tmp only; the zygote kills whatever a child left running and
  empties the sandbox's private /tmp before the next child;
- the end of a run is an ``exit`` event carrying a token that only the zygote knows (it
  reads the token after forking), so a child cannot end its own run early;
- after a notebook timeout, a dead zygote or an overflowing result stream, the whole
  sandbox is killed and the next submission starts a new one.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .sandbox import (
    MAX_RESULT_BYTES,
    Limits,
    RunResult,
    _environment,
    _matplotlib_cache,
    _python_paths,
    _tail,
    bwrap_command,
    judge,
    runner_job,
    sandbox_problem,
    warn_unsandboxed,
)
from .zygote import frame


def _pump(fd: int, lines: queue.Queue) -> None:
    """Every line of the zygote's result stream into ``lines``, then None (its end)."""
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            lines.put(line)
    lines.put(None)


class WarmSandbox:
    """A zygote in one sandbox rooted at ``home``, prepared with the ``setup`` cells."""

    def __init__(self, home: Path, setup: list[str], limits: Limits, protected=(), log=None, preload=()):
        self.home = Path(home).resolve()
        self.setup, self.limits, self.log = list(setup), limits, log
        self.preload = list(preload)        # modules the zygote imports for its children
        self.protected = [str(p) for p in protected]
        self.proc: subprocess.Popen | None = None
        self.start_s = 0.0       # wall seconds of the last start, charged to the next run

    # -- the zygote ------------------------------------------------------------------------
    def _start(self) -> str:
        """Start the zygote and wait until it is prepared; "" or why it could not start."""
        started = time.perf_counter()
        self.home.mkdir(parents=True, exist_ok=True)
        _matplotlib_cache(self.home)
        problem = sandbox_problem()
        argv = [sys.executable, "-m", "course_utils.grading.runner", "--serve"]
        if problem is None:
            argv = bwrap_command(self.home, argv)
        else:
            warn_unsandboxed(problem, self.log)
        self.sandboxed = problem is None
        self.log_path = self.home / ".zygote-stderr.log"
        read_fd, write_fd = os.pipe()
        with open(self.log_path, "wb") as stderr:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=stderr, stderr=stderr,
                                         pass_fds=(write_fd,), cwd=self.home,
                                         env=_environment(self.home, write_fd), start_new_session=True)
        os.close(write_fd)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(read_fd, self.lines), daemon=True).start()
        config = {"setup": self.setup, "preload": self.preload, "cell_timeout": self.limits.cell_timeout,
                  "max_output": self.limits.max_output, "sandboxed": self.sandboxed,
                  "keep": [str(self.home)] + _python_paths()}
        ready = None
        if self._send(frame(json.dumps(config).encode())):
            try:
                line = self.lines.get(timeout=self.limits.notebook_timeout)
                ready = json.loads(line) if line else None
            except (queue.Empty, ValueError):
                ready = None
        self.start_s = time.perf_counter() - started
        if isinstance(ready, dict) and ready.get("event") == "ready":
            self.setup_s = float(ready.get("setup_s", 0))
            return ""
        self.close()
        return "the grading process could not start: " + \
            (_tail(self.log_path).strip().splitlines() or ["no output"])[-1][:300]

    def _send(self, data: bytes) -> bool:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def close(self) -> None:
        """Kill the sandbox (the next run starts a new one)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin,):
            try:
                stream.close()
            except OSError:
                pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- one submission --------------------------------------------------------------------
    def run(self, job: dict, workdir: Path, limits: Limits) -> RunResult:
        """Grade ``job`` (runner.py's; its ``setup`` is this sandbox's) in a forked child
        working in ``workdir`` (inside ``home``; deleted afterwards)."""
        started = time.perf_counter()
        workdir = Path(workdir).resolve()
        shutil.rmtree(workdir, ignore_errors=True)     # fresh: nothing an earlier child may have put there
        workdir.mkdir(parents=True)
        result = RunResult(sandboxed=sandbox_problem() is None)
        charged = 0.0
        if not self.alive():
            why = self._start()
            charged, setup_s = self.start_s, getattr(self, "setup_s", 0.0)
            if why:
                result.failed_to_start, result.problem = True, why
                result.returncode, result.log = self.proc.returncode, _tail(self.log_path)
                result.phases = {"sandbox start": round(charged, 3), "setup": 0.0, "student cells": 0.0, "tests": 0.0}
                shutil.rmtree(workdir, ignore_errors=True)
                return result
        _matplotlib_cache(workdir)
        message = runner_job({k: v for k, v in job.items() if k not in ("setup", "preload")}, workdir, limits,
                             self.protected)
        message["workdir"] = str(workdir)
        token = secrets.token_hex(16)
        lines, ended = self._collect(frame(json.dumps(message).encode()) + frame(token.encode()), token,
                                     started + limits.notebook_timeout, result)
        if ended is None:
            self.close()                      # timed out, overflowed or died: a new sandbox next time
            result.returncode = self.proc.returncode
        else:
            result.returncode = ended.get("returncode")
        result.log = _tail(workdir / ".runner-stderr.log")
        shutil.rmtree(workdir, ignore_errors=True)
        judge(result, lines, limits, time.perf_counter() - started)
        if charged:       # this run started the sandbox: its set-up, paid once, shows here
            result.phases["setup"] = round(result.phases["setup"] + setup_s, 3)
            result.phases["sandbox start"] = round(max(result.phases["sandbox start"] - setup_s, 0.0), 3)
        return result

    def _collect(self, message: bytes, token: str, deadline: float, result: RunResult):
        """Send ``message``; return the child's lines and the zygote's exit event for
        ``token`` (None if the run timed out, overflowed or the zygote died)."""
        lines, total = [], 0
        if not self._send(message):
            return lines, None
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.perf_counter(), 0.001))
            except queue.Empty:
                result.timed_out = True
                return lines, None
            if line is None:
                return lines, None
            total += len(line)
            if total > MAX_RESULT_BYTES:
                lines.append(b"\x00too much output")
                return lines, None
            ended = _exit_event(line, token)
            if ended is not None:
                if lines and lines[-1] == b"\n":     # the zygote's own line break before its event
                    lines.pop()
                return lines, ended
            lines.append(line)


def _exit_event(line: bytes, token: str) -> dict | None:
    if token.encode() not in line:
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and event.get("event") == "exit" and event.get("token") == token \
        else None


_SANDBOXES: dict[tuple, tuple[tuple, WarmSandbox]] = {}


def warm_sandbox(home: Path, setup: list[str], limits: Limits, protected=(), log=None,
                 preload=()) -> WarmSandbox:
    """The warm sandbox of this process and thread for ``home``, ``setup``, ``limits``,
    ``protected`` and ``preload``: kept between submissions; a different one replaces it
    (one zygote per grading thread)."""
    owner = (os.getpid(), threading.get_ident())
    key = (str(Path(home).resolve()), tuple(setup), limits.cell_timeout, limits.max_output,
           tuple(str(p) for p in protected), tuple(preload))
    kept = _SANDBOXES.get(owner)
    if kept is not None and kept[0] == key:
        return kept[1]
    if kept is not None:
        kept[1].close()
    box = WarmSandbox(home, setup, limits, protected, log, preload)
    _SANDBOXES[owner] = (key, box)
    return box


@atexit.register
def close_all() -> None:
    """Stop this process's warm sandboxes (at exit, or when its grading run is over)."""
    for owner, (_, box) in list(_SANDBOXES.items()):
        if owner[0] == os.getpid():
            box.close()
            del _SANDBOXES[owner]
