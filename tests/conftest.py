"""What the test modules share: the course's paths and assignments, solved notebooks, the
``course`` command, and a non-interactive matplotlib whose figures are closed after each
test. Test modules import the plain helpers from here (``from tests.conftest import
ROOT``), never from each other."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")            # before anything imports pyplot: no windows, ever

import matplotlib.pyplot as plt
import nbformat
import pytest

from course_utils import cells
from course_utils.course import assignments, release_path, source_path

ROOT = Path(__file__).resolve().parent.parent

# The one list of assignments: the folders of solutions/ (course_utils.course.assignments).
ASSIGNMENTS = assignments(ROOT)


def variants_module(name: str) -> str:
    """The module holding assignment ``name``'s wrong and correct variants
    (``03_optimizers`` -> ``tests.variants.optimizers``)."""
    return "tests.variants." + name.split("_", 1)[1]


def source_of(name: str) -> Path:
    return source_path(ROOT, name)


def release_of(name: str) -> Path:
    return release_path(ROOT, name)


def solved(name: str) -> str:
    """The release with the instructor's answers filled in: what a perfect student hands in."""
    nb = cells.fill_in(cells.read_notebook(release_of(name)), cells.read_notebook(source_of(name)))
    return nbformat.writes(nb)


def course(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """Run the ``course`` command (of this checkout) and capture what it prints."""
    return subprocess.run([sys.executable, "-m", "course_utils.cli", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=900)


def requirements(name: str = "requirements.txt") -> dict[str, str]:
    """package -> pinned version, from a pip requirements file of the repository."""
    lines = (ROOT / name).read_text().splitlines()
    return {line.split("==")[0].lower(): line.split("==")[1] for line in lines
            if line.strip() and not line.startswith("#")}


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def pytest_sessionstart(session):
    """Empty test-artifacts/ once per run: in the only process, or in pytest-xdist's
    controller before its workers start (a worker emptying it would race the other's writes)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(ROOT / "test-artifacts", ignore_errors=True)


@pytest.fixture(autouse=True)
def close_figures():
    """Every test starts without open figures from the test before."""
    yield
    plt.close("all")
