"""course_utils.grading.sandbox + runner: what student code can and cannot reach while it is graded.

The class corpus (test_autograde.py) covers the statuses end to end; these tests look at
the sandbox itself, with tiny jobs: in bubblewrap (skipped where the machine cannot create
namespaces) and in the fallback mode, which must still refuse what matters.
"""

import pytest

from course_utils.grading import sandbox
from course_utils.grading.sandbox import Limits, bwrap_command, run_sandboxed, sandbox_problem
from tests.conftest import ROOT

SECRET = ROOT / "solutions"


def job(student_code, test_code="assert True"):
    return {"setup": ["import numpy as np"], "answer_names": ["answer"],
            "cells": [{"index": 0, "kind": "student", "source": student_code},
                      {"index": 1, "kind": "test", "source": test_code, "grade_id": "t",
                       "torch_allowed": False}]}


def run(tmp_path, student_code, test_code="assert True", limits=None):
    return run_sandboxed(job(student_code, test_code), tmp_path / "box", limits or Limits(),
                         protected=[str(ROOT), str(tmp_path)])


def events(result):
    return {e["index"]: e for e in result.events if e.get("event") == "cell"}


def done(result):
    return next(e for e in result.events if e.get("event") == "done")


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bubblewrap disabled for this test")


needs_bwrap = pytest.mark.skipif(sandbox_problem() is not None,
                                 reason=f"no sandbox on this machine: {sandbox_problem()}")


def test_bwrap_command_binds_the_package_but_not_the_course(tmp_path):
    cmd = bwrap_command(tmp_path, ["python"])
    bound = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--ro-bind"]
    assert str(ROOT / "course_utils") in bound
    assert str(ROOT) not in bound and str(SECRET) not in bound
    assert "--unshare-all" in cmd and "--die-with-parent" in cmd
    assert cmd[cmd.index("--bind") + 1] == str(tmp_path)
    # the private /tmp comes before every bind: a course cloned under /tmp stays visible
    assert cmd.index("--tmpfs") < cmd.index("--ro-bind")


@needs_bwrap
def test_inside_bwrap_the_course_and_the_network_do_not_exist(tmp_path):
    code = (f"import os, socket\n"
            f"answer = (os.path.exists({str(SECRET)!r}), os.path.exists({str(tmp_path / 'elsewhere')!r}),"
            f" sorted(n for _, n in socket.if_nameindex()))\n"
            f"print(answer)")
    (tmp_path / "elsewhere").write_text("another student's notebook")
    result = run(tmp_path, code, "assert answer == (False, False, ['lo']), answer")
    assert result.sandboxed and not result.problem
    assert events(result)[1]["passed"], events(result)[1]


def test_fallback_still_refuses_the_course_the_network_and_programs(tmp_path, no_bwrap, capsys):
    code = (f"import socket, subprocess\n"
            f"tries = []\n"
            f"for attempt in [lambda: open({str(SECRET / 'README.md')!r}).read(),\n"
            f"                lambda: open({str(tmp_path / 'grades.csv')!r}, 'w'),\n"
            f"                lambda: socket.create_connection(('127.0.0.1', 9)),\n"
            f"                lambda: subprocess.run(['true'])]:\n"
            f"    try:\n"
            f"        attempt(); tries.append('done')\n"
            f"    except PermissionError:\n"
            f"        tries.append('refused')\n"
            f"answer = tries\n"
            f"open('mine.txt', 'w').write('own folder is fine')\n")
    result = run(tmp_path, code, "assert answer == ['refused'] * 4, answer")
    assert not result.sandboxed
    assert "WARNING: grading WITHOUT a sandbox" in capsys.readouterr().err
    assert events(result)[1]["passed"], events(result)[1]
    refused = done(result)["refused"]
    assert f"read {SECRET / 'README.md'}" in refused
    assert f"write to {tmp_path / 'grades.csv'}" in refused
    assert any(r.startswith("use the network") for r in refused)
    assert any(r.startswith("start a program") for r in refused)
    assert not (tmp_path / "grades.csv").exists()
    assert (tmp_path / "box" / "mine.txt").is_file()


def test_a_cell_past_its_time_limit_is_stopped_and_the_rest_runs(tmp_path, no_bwrap):
    result = run(tmp_path, "while True:\n    pass", "assert 1 + 1 == 2",
                 limits=Limits(cell_timeout=2, notebook_timeout=60))
    cells = events(result)
    assert cells[0]["error"]["ename"] == "CellTimeoutError"
    assert cells[1]["passed"] and not result.problem


def test_the_whole_notebook_has_a_wall_clock_limit(tmp_path, no_bwrap):
    code = "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    result = run(tmp_path, code, limits=Limits(cell_timeout=1, notebook_timeout=8))
    assert result.timed_out
    assert result.problem == "the notebook ran longer than 8 s and was stopped"


def test_memory_is_limited(tmp_path, no_bwrap):
    result = run(tmp_path, "hog = bytearray(6 * 1024 ** 3)", limits=Limits(memory_mb=2048))
    assert events(result)[0]["error"]["ename"] == "MemoryError"
    assert events(result)[1]["passed"]


def test_a_dead_process_is_reported_with_the_cells_that_finished(tmp_path, no_bwrap):
    result = run(tmp_path, "import os\nos._exit(3)")
    assert result.returncode == 3 and "exited with code 3" in result.problem
    assert events(result) == {}


def test_a_failing_test_shows_its_message_not_its_code(tmp_path, no_bwrap):
    test = "with exercise('answer'):\n    check_close('answer', answer, 2.0)"
    job_ = job("answer = 3.0", test)
    job_["setup"].append("from course_utils.checks import exercise, check_close")
    result = run_sandboxed(job_, tmp_path / "box2", Limits(), protected=[str(ROOT)])
    error = events(result)[1]["error"]
    assert error["ename"] == "CheckFailure"
    assert "answer: answer is wrong: expected 2, got 3." in "".join(error["traceback"])
    assert "check_close(" not in "".join(error["traceback"])


def test_a_setup_that_cannot_run_is_a_start_failure_not_a_students_crash(tmp_path, no_bwrap):
    broken = job("answer = 1")
    broken["setup"] = ["raise ImportError('no module named course_stuff')"]
    result = run_sandboxed(broken, tmp_path / "box", Limits(), protected=[str(ROOT)])
    assert result.failed_to_start
    assert result.problem == "the grading process could not start: ImportError: no module named course_stuff"
