"""Fixtures of the real-browser tests: one JupyterLab server, one Chromium and one tab with
JupyterLab loaded (the notebooks open in it one after another) per test worker.

Every test module here is marked ``browser`` and put in one of two xdist groups:
``browser-solutions`` (the full-length runs of the solution notebooks) and ``browser`` (the
rest), so that under ``make test`` (``pytest -n 2 --dist loadgroup``) the two halves can run
on the two workers at once; each worker starts its own session-scoped server below.
Screenshots and the server log go to ``test-artifacts/browser/`` (gitignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.jupyterlab import CHROMIUM, CHROMIUM_ARGS, LabServer, LabWindow, copy_course
from tests.conftest import ASSIGNMENTS, ROOT, release_of

ARTIFACTS = ROOT / "test-artifacts" / "browser"
RELEASE_NOTEBOOK = "notebooks/01_backprop/01_backprop.ipynb"
RELEASE_NOTEBOOKS = [release_of(name).relative_to(ROOT).as_posix() for name in ASSIGNMENTS]


def _notebook_of(item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params["ran"]) if callspec and "ran" in callspec.params else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Put all the tests of one notebook next to each other, so it runs once in the browser.

    ``ran`` (test_solution_notebooks.py) is a module-scoped fixture parametrized per
    notebook. pytest orders such tests by the parameter's position in each test's list, and
    the explorer tests' list (only the notebooks with explorers) numbers the notebooks
    differently from the list of all notebooks: without this, a notebook runs twice."""
    slots = [i for i, item in enumerate(items) if _notebook_of(item)]
    grouped = sorted((items[i] for i in slots), key=_notebook_of)   # stable: keeps test order
    for i, item in zip(slots, grouped):
        items[i] = item


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder of screenshots and logs, emptied once per run by tests/conftest.py before
    any worker starts (two workers may write into it at once)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab(tmp_path_factory, artifacts):
    """``jupyter lab`` serving a scratch copy of solutions/, the release notebooks and
    nbgrader_config.py: the tests run, save and validate copies, never the repository."""
    scratch = tmp_path_factory.mktemp("jupyterlab")
    root = scratch / "course"
    copy_course(ROOT, root, RELEASE_NOTEBOOKS)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")     # each worker runs its own server
    server = LabServer(root, scratch, artifacts / f"jupyter-server-{worker}.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package "
                    "(apt-get install -y chromium; .ci/run does) or set CHROMIUM=/path/to/chrome. "
                    "Never `playwright install`.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def window(lab, browser):
    """JupyterLab loaded once in a browser tab; the tests open their notebooks in it."""
    lab_window = LabWindow(browser, lab)
    yield lab_window
    lab_window.close()
