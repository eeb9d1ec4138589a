"""A notebook on Colab: a Python with what Colab ships (PyTorch, NumPy, matplotlib, ipywidgets,
scikit-learn, ...) but neither course_utils nor nbgrader.

The Colab-like environment is a fresh virtual environment that sees only those
distributions (and what they require), linked from this test run's own environment: no
download, built in about a second. The notebook's first cell must install the course
package into it; ``COURSE_INSTALL_SOURCE`` points that install at a copy of this checkout
instead of the repository on GitHub, and pip may not use an index. Then the whole notebook
(solved) must run top to bottom, its experiments shortened as ``course check`` runs them (a
full-length run costs a minute more and exercises nothing else); a cell added before the
last then draws an explorer on its live-widget path, the one a Colab student sees, and the
progress cell explains that a notebook opened on its own has no course folder to read.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from traitlets.config import Config

from course_utils import cells
from tests.conftest import ROOT, release_of, source_of

# What Colab has installed, of what the notebooks use (plus Jupyter's kernel, pip and setuptools).
COLAB_HAS = ["torch", "numpy", "matplotlib", "ipywidgets", "ipykernel", "scikit-learn", "tqdm",
             "nbformat", "pip", "setuptools"]
NOTEBOOK = "04_regularization"       # experiments on the course's data, the MLP and an explorer
KERNEL = "colab-like"


def closure(names: list[str]) -> set[str]:
    """The distributions ``names`` need, transitively (extras left out), as installed here."""
    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def top_level_entries(name: str) -> set[Path]:
    """The top-level files and folders of an installed distribution (its packages, modules
    and .dist-info), as absolute paths."""
    dist = metadata.distribution(name)
    site = Path(dist.locate_file(""))
    return {site / Path(f).parts[0] for f in dist.files or []
            if not str(f).startswith("..") and Path(f).parts[0] != "__pycache__"}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(python, jupyter path, install source) of the Colab-like environment."""
    root = tmp_path_factory.mktemp("colab")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    base = root / "colab-packages"
    base.mkdir()
    for name in closure(COLAB_HAS):
        for entry in top_level_entries(name):
            if entry.exists() and not (base / entry.name).exists():
                (base / entry.name).symlink_to(entry)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "colab-packages.pth").write_text(f"{base}\n")
    python = venv / "bin" / "python"
    # the course's source, copied: a build must not write build/ or *.egg-info into the checkout
    source = root / "checkout"
    source.mkdir()
    for item in ("pyproject.toml", "README.md", "course_utils"):
        copy = shutil.copytree if (ROOT / item).is_dir() else shutil.copy2
        copy(ROOT / item, source / item)
    kernels = root / "share" / "jupyter" / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python",
        "env": {"COURSE_INSTALL_SOURCE": str(source), "PIP_NO_INDEX": "1",
                "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}}))
    return python, root / "share" / "jupyter", site


def imports(python: Path, module: str) -> bool:
    return subprocess.run([str(python), "-c", f"import {module}"], capture_output=True,
                          cwd=python.parent).returncode == 0   # not the checkout: its course_utils/


def test_the_colab_like_environment_has_colabs_packages_but_not_the_course(colab):
    python, _, _ = colab
    assert all(imports(python, m) for m in ("torch", "numpy", "matplotlib", "ipywidgets", "sklearn", "ipykernel"))
    assert not imports(python, "course_utils")
    assert not imports(python, "nbgrader")


LIVE_EXPLORER = """import os
os.environ.pop("NBGRADER_EXECUTION")          # from here on a student's run: explorers are live
import ipywidgets
import matplotlib.pyplot as plt
from course_utils.widgets import explore
explore(lambda p: plt.plot([0, p]), p=ipywidgets.IntSlider(value=1, max=3))"""


def test_a_notebook_installs_the_course_and_runs_top_to_bottom_on_colab(colab, monkeypatch):
    python, jupyter_path, site = colab
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    monkeypatch.delenv("COURSE_STATIC_WIDGETS", raising=False)
    nb = cells.fill_in(cells.read_notebook(release_of(NOTEBOOK)), cells.read_notebook(source_of(NOTEBOOK)))
    nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_code_cell(LIVE_EXPLORER))   # before the progress cell
    config = Config()
    config.KernelManager.transport_encryption = "auto"
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name=KERNEL, config=config,
                                     resources={"metadata": {"path": str(site.parent)}})
    client.execute()                     # raises CellExecutionError, naming the cell, on any error
    install = next(c for c in nb.cells if c.cell_type == "code")
    said = "".join(o.get("text", "") for o in install.outputs)
    assert "Installing the course package (course_utils) from" in said and "Installed" in said, said
    noise = [o.get("text", "") for o in install.outputs if o.get("name") == "stderr"]
    assert not noise, f"the install shows warnings to the student: {noise}"
    assert (site / "course_utils" / "__init__.py").is_file(), "course_utils was not installed into the venv"
    shown = [set(o.get("data", {})) for o in nb.cells[-2].outputs]
    assert any("application/vnd.jupyter.widget-view+json" in data for data in shown), shown
    progress = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "there are none here" in progress         # a notebook on its own: no course folder to read
