"""course_utils.grading.warm + zygote: the warm start keeps every guarantee of the cold path.

One warm sandbox (a zygote prepared once, a forked child per submission) grades tiny jobs
one after the other: nothing a child does reaches the next one, a child that dies or hangs
gives the cold path's RunResult, and a child cannot end its own run. In bubblewrap where the
machine allows it, else in the fallback mode.
"""

import json
import time
from pathlib import Path

import pytest

from course_utils.grading.autograde import PHASES, phases
from course_utils.grading.sandbox import Limits, run_sandboxed, sandbox_problem
from course_utils.grading.warm import WarmSandbox, close_all, warm_sandbox
from course_utils.grading.zygote import frame, read_message
from tests.conftest import ROOT, source_of

SETUP = ["import numpy as np", "import torch", "from course_utils.checks import check_close"]


def job(student_code, test_code="assert True"):
    return {"setup": SETUP, "answer_names": ["answer"],
            "cells": [{"index": 0, "kind": "student", "source": "import numpy as np, torch\n" + student_code},
                      {"index": 1, "kind": "test", "source": test_code, "grade_id": "t",
                       "torch_allowed": False}]}


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    home = tmp_path_factory.mktemp("warm")
    sandbox = WarmSandbox(home / "boxes", SETUP, Limits(), protected=[str(ROOT), str(home)],
                          preload=["torch._dynamo"])
    sandbox.runs = 0
    yield sandbox
    sandbox.close()


def grade(box, student_code, test_code="assert True", limits=None):
    box.runs += 1
    return box.run(job(student_code, test_code), box.home / f"s{box.runs}" / "run0", limits or Limits())


def untimed(result):
    return [{k: v for k, v in e.items() if k not in ("seconds", "setup_s")} for e in result.events]


def cells(result):
    return {e["index"]: e for e in result.events if e.get("event") == "cell"}


def test_a_message_is_read_to_its_last_byte_and_no_further(tmp_path):
    path = tmp_path / "stream"
    path.write_bytes(frame(b'{"a": 1}') + frame(b"token"))
    with open(path, "rb") as stream:
        assert json.loads(read_message(stream.fileno())) == {"a": 1}
        assert stream.raw.tell() == len(frame(b'{"a": 1}'))         # the token is still unread
        assert read_message(stream.fileno()) == b"token" and read_message(stream.fileno()) is None


def test_a_forked_child_runs_torch_and_is_graded(box):
    result = grade(box, "answer = float(torch.ones(3).sum())", "check_close('answer', answer, 3.0)")
    assert not result.problem and cells(result)[1]["passed"], cells(result)


def test_a_child_starts_with_the_modules_its_zygote_preloaded(box):
    result = grade(box, "import sys\nanswer = 'torch._dynamo' in sys.modules", "assert answer is True, answer")
    assert cells(result)[1]["passed"], cells(result)


def test_torch_s_lazy_import_is_preloaded_only_where_the_graded_cells_use_its_optimizers():
    from course_utils.cells import read_notebook
    from course_utils.grading.sandboxed_execute import grading_plan
    assert grading_plan(read_notebook(source_of("03_optimizers")))["preload"] == ["torch._dynamo"]
    assert grading_plan(read_notebook(source_of("01_backprop")))["preload"] == []


def test_patches_of_numpy_builtins_and_checks_do_not_reach_the_next_child(box):
    patch = ("import builtins, numpy, course_utils.checks\n"
             "numpy.allclose = lambda *a, **k: True\n"
             "builtins.len = lambda x: 0\n"
             "course_utils.checks.check_close = lambda *a, **k: None\n"
             "answer = 1.0")
    patched = grade(box, patch, "assert np.allclose(1, 2)")
    assert any("numpy.allclose" in f for f in cells(patched)[0]["findings"]), cells(patched)[0]
    clean = grade(box, "import numpy, course_utils.checks\n"
                       "answer = (numpy.allclose(1, 2), len([1, 2]), course_utils.checks.check_close.__module__)",
                  "assert answer == (False, 2, 'course_utils.checks'), answer\ncheck_close('answer', 1.0, 2.0)")
    assert cells(clean)[0]["findings"] == [] and cells(clean)[0]["error"] is None
    assert "answer is wrong" in cells(clean)[1]["error"]["evalue"]     # the real check_close ran


@pytest.mark.skipif(sandbox_problem() is not None, reason="without bubblewrap, /tmp is the machine's own")
def test_files_a_child_writes_are_not_visible_to_the_next(box):
    writes = "open('mine.txt', 'w').write('a'); open('/tmp/left.txt', 'w').write('b'); answer = 1"
    assert cells(grade(box, writes))[0]["error"] is None
    result = grade(box, "import os\nanswer = sorted(os.listdir('.')), os.path.exists('/tmp/left.txt')",
                   "assert 'mine.txt' not in answer[0] and answer[1] is False, answer")
    assert cells(result)[1]["passed"], cells(result)[1]


@pytest.mark.parametrize("code", ["import os\nos._exit(3)",
                                  "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"])
def test_a_dying_child_is_reported_as_the_cold_path_reports_it_and_the_next_child_works(box, tmp_path, code):
    warm = grade(box, code)
    cold = run_sandboxed(job(code), tmp_path / "cold", Limits(), protected=[str(ROOT), str(tmp_path)])
    assert warm.problem
    assert (warm.problem, warm.returncode, untimed(warm)) == (cold.problem, cold.returncode, untimed(cold))
    assert cells(grade(box, "answer = 1", "assert answer == 1"))[1]["passed"]


def test_a_child_over_its_memory_gets_a_memory_error_and_the_next_child_works(box):
    result = grade(box, "hog = bytearray(6 * 1024 ** 3)", limits=Limits(memory_mb=2048))
    assert cells(result)[0]["error"]["ename"] == "MemoryError" and cells(result)[1]["passed"]
    assert cells(grade(box, "hog = bytearray(10 ** 8); answer = len(hog)", "assert answer == 10 ** 8"))[1]["passed"]


def test_a_cell_past_its_time_limit_is_stopped_and_the_rest_runs(box):
    result = grade(box, "while True:\n    pass", "assert 1 + 1 == 2", limits=Limits(cell_timeout=1))
    assert cells(result)[0]["error"]["ename"] == "CellTimeoutError"
    assert cells(result)[1]["passed"] and not result.problem


def test_a_notebook_past_its_time_limit_stops_the_sandbox_and_the_next_child_gets_a_new_one(box):
    code = "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    result = grade(box, code, limits=Limits(cell_timeout=1, notebook_timeout=6))
    assert result.timed_out and result.problem == "the notebook ran longer than 6 s and was stopped"
    assert not box.alive()
    assert cells(grade(box, "answer = 1", "assert answer == 1"))[1]["passed"]


def test_a_fake_exit_event_does_not_end_the_run(box):
    fake = ("import os\n"
            "for fd in range(3, 64):\n"
            "    try:\n"
            "        os.write(fd, b'{\"event\": \"exit\", \"token\": \"guess\", \"returncode\": 0}\\n')\n"
            "    except OSError:\n"
            "        pass\n"
            "answer = 1")
    result = grade(box, fake, "assert answer == 1")
    assert 1 in cells(result), result.events          # the test cell after the fake still ran
    assert result.events[-1]["event"] == "done" and result.returncode == 0 and not result.corrupted


def test_a_setup_that_cannot_run_is_a_start_failure(tmp_path):
    broken = WarmSandbox(tmp_path / "boxes", ["raise ImportError('no module named course_stuff')"], Limits(),
                         protected=[str(ROOT)])
    result = broken.run(job("answer = 1"), tmp_path / "boxes" / "s" / "run0", Limits())
    broken.close()
    assert result.failed_to_start
    assert result.problem == "the grading process could not start: ImportError: no module named course_stuff"


def test_only_the_run_that_starts_the_sandbox_pays_its_setup(tmp_path):
    fresh = WarmSandbox(tmp_path / "boxes", SETUP, Limits(), protected=[str(ROOT)])
    first, second = (fresh.run(job("answer = 1"), tmp_path / "boxes" / s / "run0", Limits()) for s in "ab")
    assert set(first.phases) == set(second.phases) == {"sandbox start", "setup", "student cells", "tests"}
    assert first.phases["setup"] > 0 and second.phases["setup"] == 0
    assert not (tmp_path / "boxes" / "a" / "run0").exists()         # each child's folder is deleted
    fresh.close()
    assert not fresh.alive()


def test_the_grading_run_stops_its_warm_sandbox(tmp_path):
    kept = warm_sandbox(tmp_path / "boxes", SETUP, Limits(), protected=[str(ROOT)])
    assert kept is warm_sandbox(tmp_path / "boxes", SETUP, Limits(), protected=[str(ROOT)])
    assert cells(kept.run(job("answer = 1"), tmp_path / "boxes" / "a" / "run0", Limits()))[1]["passed"]
    close_all()
    assert not kept.alive()
    assert warm_sandbox(tmp_path / "boxes", SETUP, Limits(), protected=[str(ROOT)]) is not kept
    close_all()


def test_a_grades_phases_are_its_runs_plus_nbgrader_and_feedback():
    run = {"sandbox start": 0.5, "setup": 0.0, "student cells": 1.0, "tests": 2.0}
    spent = phases(run, nbgrader_s=4.5, feedback_s=0.75)
    assert list(spent) == list(PHASES)
    assert spent == {**run, "nbgrader": 4.5 - sum(run.values()), "feedback": 0.75}


def test_without_bubblewrap_a_child_still_dies_with_its_killed_sandbox(tmp_path, monkeypatch):
    from course_utils.grading import warm
    monkeypatch.setattr(warm, "sandbox_problem", lambda: "switched off for this test")
    box = WarmSandbox(tmp_path / "boxes", SETUP, Limits(), protected=[str(ROOT)])
    pidfile = tmp_path / "child.pid"      # no PID namespace here: the child's real pid
    code = (f"import os, signal\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
            "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass")
    try:
        result = box.run(job(code), box.home / "s1" / "run0", Limits(cell_timeout=1, notebook_timeout=6))
        assert result.timed_out and not box.alive()
        pid = int(pidfile.read_text())
        for _ in range(100):
            state = Path(f"/proc/{pid}/stat")
            if not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"the child {pid} outlived its killed sandbox")
    finally:
        box.close()
