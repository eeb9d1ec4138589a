"""``course autograde --scheduler``: a real Dask scheduler and two real workers on loopback.

The same class is graded by local processes and by the cluster, and must get the same
grades; then a worker is killed while it grades, and every grade still arrives, once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from course_utils import cells
from course_utils.course import CourseError
from course_utils.grading import gradebook
from course_utils.grading.autograde import autograde
from course_utils.grading.cluster import CourseBundle, connect
from tests.conftest import ROOT, release_of, solved

pytest.importorskip("distributed")
pytestmark = pytest.mark.xdist_group("cluster")

NAME = "01_backprop"


def _start(kind: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", f"distributed.cli.dask_{kind}", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, {worker address: pid}): a scheduler and two single-thread workers."""
    tmp = tmp_path_factory.mktemp("cluster")
    info = tmp / "scheduler.json"
    procs = [_start("scheduler", "--host", "127.0.0.1", "--port", 0, "--no-dashboard",
                    "--scheduler-file", info)]
    try:
        for _ in range(120):
            if info.is_file():
                break
            time.sleep(0.5)
        procs += [_start("worker", "--scheduler-file", info, "--nthreads", 1, "--no-nanny",
                         "--no-dashboard", "--name", f"w{i}", "--local-directory", tmp / f"w{i}")
                  for i in range(2)]
        from distributed import Client
        with Client(scheduler_file=str(info), timeout="60s") as client:
            client.wait_for_workers(2, timeout=180)
            address, pids = client.scheduler.address, client.run(os.getpid)
        yield address, pids
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _class(folder: Path, names: list[str]) -> Path:
    """Submissions: 'solved*' students hand in the solution, 'blank*' the untouched release."""
    blank = release_of(NAME).read_text()
    for student in names:
        (folder / student).mkdir(parents=True)
        text = solved(NAME) if student.startswith("solved") else blank
        (folder / student / f"{NAME}.ipynb").write_text(text)
    return folder


def _summary(grades) -> list[tuple]:
    return [(g.student, g.score, g.max_score, str(g.status), g.detail) for g in grades]


def test_a_cluster_grades_a_class_exactly_as_local_processes_do(cluster, tmp_path):
    address, _ = cluster
    subs = _class(tmp_path / "subs", ["solved1", "blank1", "solved2"])
    local = autograde(ROOT, subs, NAME, tmp_path / "local", course_dir=tmp_path / "local-book")
    remote = autograde(ROOT, subs, NAME, tmp_path / "remote", scheduler=address,
                       course_dir=tmp_path / "remote-book")
    assert _summary(remote) == _summary(local)
    # the course gradebook, written by this process only, holds the same from both
    assert gradebook.statuses(tmp_path / "remote-book") == gradebook.statuses(tmp_path / "local-book")
    assert len(gradebook.statuses(tmp_path / "remote-book")) == 3
    autograded = tmp_path / "remote-book" / "autograded" / "solved1" / NAME / f"{NAME}.ipynb"
    assert autograded.is_file()
    assert {g.status for g in local} == {"graded"}
    assert [g.score for g in local] == [0.0, local[1].max_score, local[1].max_score]
    assert (tmp_path / "remote" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()
    for g in remote:      # the feedback came back from the workers
        page = (tmp_path / "remote" / "feedback" / f"{g.student}.html").read_text()
        assert f"{g.score:g} / {g.max_score:g} autograded points" in page


def test_a_worker_that_dies_mid_run_loses_no_grade_and_grades_none_twice(cluster, tmp_path):
    address, pids = cluster
    students = [f"solved{i}" for i in range(4)]
    subs = _class(tmp_path / "subs", students)
    from distributed import Client
    result = {}
    grading = threading.Thread(target=lambda: result.update(
        grades=autograde(ROOT, subs, NAME, tmp_path / "out", scheduler=address)))
    with Client(address, timeout="30s") as client:
        grading.start()
        victim = None
        while victim is None and grading.is_alive():
            busy = [w for w, tasks in client.processing().items() if tasks]
            victim = busy[0] if busy else None
            time.sleep(0.2)
        assert victim is not None, "the class was graded before a worker could be killed"
        os.kill(pids[victim], signal.SIGKILL)
        grading.join(timeout=600)
        assert len(client.scheduler_info()["workers"]) == 1     # it really died
    grades = result["grades"]
    assert [g.student for g in grades] == students               # each exactly once
    assert {(str(g.status), g.score) for g in grades} == {("graded", grades[0].max_score)}, [g.detail for g in grades]
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(students)


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(CourseError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        connect("tcp://127.0.0.1:9", timeout="2s")


def test_the_bundle_carries_the_assignment_with_its_hidden_tests_and_release_history_only(tmp_path):
    bundle = CourseBundle.of(ROOT, NAME)
    names = {rel for rel, _ in bundle.files}
    assert names == {"nbgrader_config.py", f"solutions/{NAME}/{NAME}.ipynb", "solutions/releases.json"}
    folder = bundle.unpack(tmp_path)
    source = cells.read_notebook(folder / "solutions" / NAME / f"{NAME}.ipynb")
    assert "BEGIN HIDDEN TESTS" in "".join(c.source for c in source.cells)
    assert bundle.digest == CourseBundle.of(ROOT, NAME).digest
