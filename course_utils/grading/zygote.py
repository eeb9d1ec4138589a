"""The warm start: ``python -m course_utils.grading.runner --serve``, a fork server in the sandbox.

sandbox.WarmSandbox starts it once per grader inside one bubblewrap sandbox whose only
writable folder is the grader's sandboxes folder. Messages on standard input are framed as
``<length>\\n<bytes>``:

1. once, the set-up ``{"setup": [source, ...], "preload": [module, ...], "cell_timeout",
   "max_output", "sandboxed", "keep": [path, ...]}``: the zygote runs :meth:`Runner.prepare` (the imports, the setup
   cells, the state guard's snapshot), then :meth:`Runner.preload`, and emits
   ``{"event": "ready", "setup_s"}``;
2. per submission, a job (runner.py's, without ``setup``, plus ``workdir``), then a token.
   The zygote forks after reading the job and before reading the token, so the child never
   holds it. The child: a session of its own, standard input from /dev/null, fd 1 and 2 to
   ``<workdir>/.runner-stderr.log``, ``workdir`` as working directory, HOME and
   MPLCONFIGDIR in it, RLIMIT_AS, :meth:`Runner.arm` (the audit hook), the cells, then
   ``os._exit``. The zygote waits for it, kills whatever it left behind (its process group;
   in the sandbox, every process but the zygote), empties the sandbox's private /tmp and
   emits ``{"event": "exit", "token", "returncode"}`` on a line of its own (the code the
   cold path would report: under bubblewrap 128 + signal for a killed child, else -signal).

Whatever a child changes (patched modules, files in /tmp, threads) dies with it: the next
child forks from the zygote, which never runs student code.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sys
import time
import traceback

from .runner import Runner, _limit_memory, _results_stream


def _read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_message(fd: int = 0) -> bytes | None:
    """One ``<length>\\n<bytes>`` message, read to its last byte and no further (None at
    the end of the stream)."""
    header = b""
    while not header.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte or len(header) > 20:
            return None
        header += byte
    return _read_exactly(fd, int(header))


def frame(data: bytes) -> bytes:
    """``data`` as a message for :func:`read_message`."""
    return str(len(data)).encode() + b"\n" + data


PR_SET_PDEATHSIG = 1     # prctl(2)


def serve() -> int:
    results, emit = _results_stream()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    message = read_message()
    if message is None:
        return 1
    config = json.loads(message)
    # The folder the zygote starts in is shared by every child: never import from it.
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
    runner = Runner(config, emit)
    started = time.perf_counter()
    runner.prepare()
    runner.preload()
    emit({"event": "ready", "setup_s": round(time.perf_counter() - started, 3)})
    while (message := read_message()) is not None:
        job = json.loads(message)
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:
            _die_with(zygote)
            _child(runner, job)                 # never returns
        token = read_message()
        _, status = os.waitpid(pid, 0)
        _kill_leftovers(pid, config.get("sandboxed", False))
        if config.get("sandboxed"):
            _wipe("/tmp", [os.path.realpath(p) for p in config.get("keep", [])])
        if token is None:
            return 0
        results.write("\n")                     # ends a line the child left unfinished
        emit({"event": "exit", "token": token.decode(),
              "returncode": _returncode(status, config.get("sandboxed", False))})
    return 0


def _die_with(zygote: int) -> None:
    """Have the kernel kill this child when the zygote dies. The sandbox is killed on a
    notebook timeout; bubblewrap's PID namespace then ends the child too, but without
    bubblewrap nothing else would, since the child has a session of its own."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != zygote:                  # the zygote died before prctl took effect
        os._exit(1)


def _child(runner: Runner, job: dict) -> None:
    """Grade ``job`` in this forked child, then ``os._exit`` (never returns)."""
    code = 1
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        workdir = job["workdir"]
        os.chdir(workdir)
        log = os.open(os.path.join(workdir, ".runner-stderr.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.environ.update(HOME=workdir, MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"))
        sys.path.insert(0, workdir)
        runner.job.update(job)
        runner.cell_timeout = int(job.get("cell_timeout", runner.cell_timeout))
        runner.max_output = int(job.get("max_output", runner.max_output))
        _limit_memory(job.get("memory_mb"))
        runner.arm()
        runner.run_cells()
        code = 0
    except BaseException:  # noqa: BLE001 -- reported in the log, as a cold runner's traceback
        traceback.print_exc(file=sys.__stderr__)
    finally:
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 -- exiting anyway
                pass
        os._exit(code)


def _returncode(status: int, sandboxed: bool) -> int:
    """The child's exit status as the cold path reports it (bubblewrap: 128 + signal)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return 128 + sig if sandboxed else -sig
    return os.WEXITSTATUS(status)


def _kill_leftovers(pid: int, sandboxed: bool) -> None:
    """Kill the child's process group and, in the sandbox (a PID namespace of its own),
    every process but bubblewrap's init (1) and the zygote."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if not sandboxed:
        return
    for _ in range(100):
        alive = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())
                 and not _zombie(p)]
        if not alive:
            return
        for other in alive:
            try:
                os.kill(other, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def _zombie(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def _wipe(folder: str, keep: list[str]) -> None:
    """Delete everything in ``folder`` except the folders in ``keep`` (and what leads to
    them: the sandbox's binds may lie inside /tmp)."""
    for entry in os.scandir(folder):
        path = entry.path
        if any(k == path or k.startswith(path + os.sep) for k in keep):
            if path not in keep and entry.is_dir(follow_symlinks=False):
                _wipe(path, keep)
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass
