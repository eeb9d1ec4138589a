"""Where a submission's code runs while it is graded: a bubblewrap sandbox.

:func:`run_sandboxed` starts ``python -m course_utils.grading.runner`` (runner.py) inside
`bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian package ``bubblewrap``):

- a private, empty working directory is the only writable place (plus a private /tmp);
- the file system holds only the system libraries, the Python installation and
  course_utils, read-only: no ``solutions/``, no gradebook, no other student's files;
- no network (a network namespace with nothing but loopback), no other processes
  visible, all capabilities dropped, the sandbox dies with its parent;
- a memory limit (``RLIMIT_AS``, set by the runner before any student code) and a
  wall-clock limit for the whole notebook, enforced from outside by killing the sandbox.

Where bubblewrap is missing or cannot create namespaces (some containers), the runner
runs as a plain subprocess with the same time and memory limits and the runner's audit
hook refusing reads of the course and writes outside the working directory, and a loud
warning says that this is weaker (see :func:`sandbox_problem`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MAX_RESULT_BYTES = 64 * 1024 ** 2     # more from one runner is garbage, not results


@dataclass
class Limits:
    """Resource limits of one graded notebook."""
    cell_timeout: int = 120        # seconds one cell may run (nbgrader's Execute.timeout)
    notebook_timeout: int = 600    # seconds for the whole notebook, start-up included
    memory_mb: int = 4096          # address space of the runner (RLIMIT_AS)
    max_output: int = 20000        # characters of output kept per cell


@dataclass
class RunResult:
    events: list = field(default_factory=list)   # the runner's events, in order
    returncode: int | None = None
    timed_out: bool = False
    sandboxed: bool = True
    problem: str = ""              # why the run ended badly, in one line ("" if it did not)
    corrupted: str = ""            # why the result stream cannot be trusted ("" if it can)
    failed_to_start: bool = False  # the runner died before any student code ran
    log: str = ""                  # the tail of the runner's own stderr
    phases: dict = field(default_factory=dict)   # seconds: sandbox start, setup, student cells, tests


@functools.lru_cache(maxsize=None)
def sandbox_problem() -> str | None:
    """None when bubblewrap works here, else why it does not (cached for the process).
    ``COURSE_NO_SANDBOX=1`` in the environment turns the sandbox off on purpose."""
    if os.environ.get("COURSE_NO_SANDBOX"):
        return "COURSE_NO_SANDBOX is set"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    probe = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                            "--proc", "/proc", "--dev", "/dev", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"bubblewrap cannot create a sandbox here: {probe.stderr.strip()[:200]}"
    return None


def _package_dir() -> str:
    import course_utils
    return str(Path(course_utils.__file__).resolve().parent)


def _python_paths() -> list[str]:
    """What the runner's Python needs to see, read-only: its installation, the venv (with
    site-packages) and the course_utils package -- not the folder that holds it, which for
    an editable install is the course itself."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), _package_dir()}
    # keep the top-most folders only (binding a parent binds its children)
    real = sorted({os.path.realpath(p) for p in paths} | paths)
    kept = []
    for p in real:
        if not any(p.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(p)
    return kept


SYSTEM_PATHS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/passwd",
                "/etc/group", "/etc/nsswitch.conf", "/etc/localtime"]


def bwrap_command(workdir: Path, argv: list[str]) -> list[str]:
    """The bubblewrap command that runs ``argv`` with ``workdir`` as its only writable folder."""
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--die-with-parent",
           "--new-session", "--cap-drop", "ALL", "--hostname", "grader",
           # first: a private /tmp; the binds below may lie inside the real /tmp (a course
           # cloned there, its venv, the working directory) and must stay visible over it
           "--tmpfs", "/tmp"]
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    for path in _python_paths():
        cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--"]
    return cmd + argv


def _environment(workdir: Path, results_fd: int) -> dict:
    env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "HOME": str(workdir),
           "LANG": "C.UTF-8", "MPLBACKEND": "agg", "MPLCONFIGDIR": str(workdir / ".matplotlib"),
           "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "COURSE_RESULTS_FD": str(results_fd), "COURSE_STATIC_WIDGETS": "1",
           "TQDM_DISABLE": "1", "PYTHONPATH": os.path.dirname(_package_dir())}
    return env


def _matplotlib_cache(workdir: Path) -> None:
    """Give the sandbox matplotlib's font cache, so it does not rebuild it (seconds)."""
    try:
        import matplotlib
        cache = Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001 -- only an optimisation
        return
    target = workdir / ".matplotlib"
    target.mkdir(exist_ok=True)
    for font_list in cache.glob("fontlist-*.json"):
        shutil.copy2(font_list, target / font_list.name)


def run_sandboxed(job: dict, workdir: Path, limits: Limits, protected=(), log=None) -> RunResult:
    """Run the grading ``job`` (see runner.py) in a sandbox rooted at ``workdir``.

    ``protected``: paths the runner must not read in the fallback mode (the course, the
    grading scratch space, the submissions); the sandbox does not contain them at all.
    ``log``: a logging.Logger for the fallback warning (default: stderr).
    """
    started = time.perf_counter()
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    _matplotlib_cache(workdir)
    job = runner_job(job, workdir, limits, protected)
    read_fd, write_fd = os.pipe()
    argv = [sys.executable, "-m", "course_utils.grading.runner"]
    problem = sandbox_problem()
    result = RunResult(sandboxed=problem is None)
    if problem is None:
        argv = bwrap_command(workdir, argv)
    else:
        warn_unsandboxed(problem, log)
    stderr_path = workdir / ".runner-stderr.log"
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=stderr, stderr=stderr,
                                pass_fds=(write_fd,), cwd=workdir,
                                env=_environment(workdir, write_fd), start_new_session=True)
    os.close(write_fd)
    lines: list[bytes] = []
    reader = threading.Thread(target=_read_lines, args=(read_fd, lines), daemon=True)
    reader.start()
    try:
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        proc.wait(timeout=limits.notebook_timeout)
    except subprocess.TimeoutExpired:
        result.timed_out = True
        _kill(proc)
    reader.join(timeout=10)
    result.returncode = proc.returncode
    result.log = _tail(stderr_path)
    judge(result, lines, limits, time.perf_counter() - started)
    return result


def runner_job(job: dict, workdir: Path, limits: Limits, protected=()) -> dict:
    """``job`` with what the runner needs to know of its limits and of the file system
    (``workdir``: the one folder it may write, with the private /tmp)."""
    return dict(job, cell_timeout=limits.cell_timeout, max_output=limits.max_output,
                memory_mb=limits.memory_mb, writable=[str(workdir), "/dev/null", tempfile.gettempdir()],
                protected=[str(p) for p in protected], readable=[str(workdir), _package_dir(), sys.prefix])


def judge(result: RunResult, lines: list[bytes], limits: Limits, seconds: float) -> None:
    """Fill ``result``'s events, ``corrupted``, ``problem``, ``failed_to_start`` and
    ``phases`` from the runner's output ``lines`` (its returncode, log and ``timed_out``
    are set already; ``seconds``: the run's wall time)."""
    result.events, result.corrupted = _parse(lines)
    result.phases = _phases(result.events, seconds)
    if result.timed_out:
        result.problem = f"the notebook ran longer than {limits.notebook_timeout} s and was stopped"
    elif not any(e.get("event") == "started" for e in result.events):
        result.problem = "the grading process could not start: " + \
            (result.log.strip().splitlines() or ["no output"])[-1][:300]
        result.failed_to_start = True
    elif result.events[-1].get("event") != "done":
        result.problem = _death_reason(result.returncode, result.log)


def _phases(events: list, seconds: float) -> dict:
    """Where a run's wall time went, from the seconds the runner reports (the rest is the
    sandbox's start: processes, imports, reading and writing the events)."""
    phases = {"setup": 0.0, "student cells": 0.0, "tests": 0.0}
    for event in events:
        if event.get("event") == "started":
            phases["setup"] += float(event.get("setup_s", 0) or 0)
        elif event.get("event") == "cell":
            phases["tests" if event.get("kind") == "test" else "student cells"] += float(event.get("seconds", 0) or 0)
    phases["sandbox start"] = max(seconds - sum(phases.values()), 0.0)
    return {key: round(value, 3) for key, value in phases.items()}


def warn_unsandboxed(problem: str, log=None) -> None:
    """The loud warning of the fallback mode (``log``: a logging.Logger, default stderr)."""
    warn = log.warning if log is not None else (lambda m: print(m, file=sys.stderr))
    warn("WARNING: grading WITHOUT a sandbox (" + problem + "). Student code can then read "
         "files this user can read and use the network; install bubblewrap for isolation.")


def _read_lines(fd: int, lines: list) -> None:
    total = 0
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            total += len(line)
            if total > MAX_RESULT_BYTES:
                lines.append(b"\x00too much output")
                return
            lines.append(line)


CORRUPTED = "the grader's result stream was written to by the notebook's code"


def _parse(lines: list[bytes]) -> tuple[list, str]:
    """The events up to the first line that is not one, and "" or why the stream cannot be
    trusted."""
    events = []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            return events, CORRUPTED
        if not isinstance(event, dict) or "event" not in event:
            return events, CORRUPTED
        events.append(event)
    return events, ""


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode(errors="replace")


def _death_reason(returncode, log: str) -> str:
    killed = returncode in (-signal.SIGKILL, -signal.SIGSEGV)
    if "MemoryError" in log or (killed and "memory" in log.lower()):
        return "the notebook ran out of memory"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"the notebook's process was killed by signal {name} (a crash, or out of memory?)"
    if returncode:
        return f"the notebook's process exited with code {returncode} before finishing (os._exit, or a crash?)"
    return "the notebook's process stopped before finishing (os._exit?)"
