"""Binder: the image repo2docker builds from this repository, and the README's launch links.

``jupyter-repo2docker --no-build`` renders the Dockerfile Binder would build, without
Docker and without network; the tests read it. What needs Docker and the network (really
building the image, solving and downloading the conda and pip packages) is not run here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from repo2docker.buildpacks import conda as conda_buildpack
from repo2docker.utils import is_local_pip_requirement

from tests.conftest import ROOT, requirements

# Binder runs the build as jovyan (uid 1000); without these repo2docker renders for the
# current user (root in CI), which would hide permission problems in postBuild.
BINDER_USER = ["--user-id", "1000", "--user-name", "jovyan"]
BRANCH = "main"


@pytest.fixture(scope="module")
def render():
    command = [str(Path(sys.executable).parent / "jupyter-repo2docker"),
               "--no-build", "--no-run", "--debug", *BINDER_USER, str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def dockerfile(render) -> list[str]:
    return render.stdout.splitlines()


def line_of(dockerfile: list[str], pattern: str) -> int:
    hits = [i for i, line in enumerate(dockerfile) if re.search(pattern, line)]
    assert hits, f"the Binder Dockerfile has no line matching {pattern!r}"
    return hits[0]


def environment_pip() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))


# --------------------------------------------------------------------------- the build


def test_binder_builds_the_conda_environment_with_python_3_11(render, dockerfile):
    assert "Building conda environment for python=3.11" in render.stderr
    # repo2docker's own base environment (Jupyter server, JupyterHub single-user) for 3.11
    # (the file name appears escaped in the Dockerfile: environment-2epy-2d3-2e11-...)
    line_of(dockerfile, r"environment\W{0,3}(2e)?py\W{0,3}(2d)?3\W{0,3}(2e)?11\W{0,3}(2d)?linux")


def test_binder_installs_the_environment_before_copying_the_repository(dockerfile):
    """The expensive step (conda + pip, torch) depends on environment.yml alone, so Binder's
    layer cache keeps it across every commit that leaves environment.yml unchanged."""
    local = [line for line in environment_pip() if is_local_pip_requirement(line)]
    assert not local, (f"environment.yml installs from the repository ({local}): repo2docker "
                       "then installs the environment after copying the repository, and "
                       "every commit rebuilds it; install course_utils in postBuild instead")
    copy_env = line_of(dockerfile, r"^COPY .*src/environment\.yml ")
    install = line_of(dockerfile, r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"')
    copy_repo = line_of(dockerfile, r"^COPY --chown=1000:1000 src/ \$\{REPO_DIR\}/$")
    assert copy_env < install < copy_repo
    early_copies = [l for l in dockerfile[:install] if re.match(r"COPY .*\bsrc/", l)]
    assert early_copies == [dockerfile[copy_env]], \
        f"files of the repository copied before the environment install: {early_copies}"


def test_binder_installs_course_utils_after_the_copy_from_postbuild(dockerfile):
    copy_repo = line_of(dockerfile, r"^COPY --chown=1000:1000 src/ \$\{REPO_DIR\}/$")
    run_post_build = line_of(dockerfile, r"^RUN \./postBuild$")
    assert copy_repo < run_post_build
    user = [l for l in dockerfile[:run_post_build] if l.startswith("USER ")][-1]
    assert user == "USER ${NB_USER}", "postBuild must run as the notebook user"

    post_build = (ROOT / "postBuild").read_text()
    installs = re.findall(r"^\s*python -m pip install (.*)$", post_build, re.M)
    assert installs == ["--no-deps --no-cache-dir ."], \
        f"postBuild should install the course package once, without dependencies: {installs}"
    assert subprocess.run(["bash", "-n", str(ROOT / "postBuild")]).returncode == 0


def test_the_course_package_needs_nothing_the_environment_does_not_pin():
    """postBuild (and `make setup`) install course_utils with --no-deps: every dependency
    pyproject.toml declares must be pinned in the environment, at a version it accepts."""
    from packaging.requirements import Requirement

    pins = requirements()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        req = Requirement(spec)
        name = req.name.lower()
        assert name in pins, f"pyproject.toml needs {req.name}, which environment.yml does not pin"
        assert req.specifier.contains(pins[name]), \
            f"pyproject.toml needs {spec}, the environment pins {name}=={pins[name]}"


def base_environment() -> dict[str, str]:
    """Package -> version in repo2docker's base environment for Python 3.11 (its lock file)."""
    lock = Path(conda_buildpack.__file__).parent / "environment.py-3.11-linux-64.lock"
    packages = {}
    for line in lock.read_text().splitlines():
        m = re.match(r"https://\S+/(?:noarch|linux-64)/(.+)-([^-]+)-[^-]+\.(?:conda|tar\.bz2)",
                     line)
        if m:
            packages[m.group(1).lower().replace("_", "-")] = m.group(2)
    return packages


# The Jupyter stack that repo2docker's base environment brings (with its JupyterHub
# single-user server and extensions) and our pins upgrade with pip: same major version, or
# the base environment's extensions may not load.
JUPYTER_STACK = ["jupyterlab", "notebook", "ipywidgets", "jupyter-server", "jupyterlab-server",
                 "ipykernel", "jupyter-client", "jupyter-core", "traitlets", "nbformat",
                 "jupyterlab-widgets", "widgetsnbextension"]


def test_binder_base_environment_agrees_with_the_pinned_environment():
    base = base_environment()
    python = base["python"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet
    assert SpecifierSet(requires).contains(python), f"Binder's Python {python} vs {requires}"

    pinned = {name.replace("_", "-"): version for name, version in requirements().items()}
    # The versions pip resolves for requirements.txt are the ones installed in this venv.
    installed = {d.metadata["Name"].lower().replace("_", "-"): d.version
                 for d in metadata.distributions()}
    for name in JUPYTER_STACK:
        ours = pinned.get(name) or installed.get(name)
        assert name in base and ours, f"{name}: not in both environments"
        assert base[name].split(".")[0] == ours.split(".")[0], \
            f"{name}: Binder's base environment has {base[name]}, ours {ours} (another major)"


def test_postbuild_hides_only_the_instructors_nbgrader_tools():
    post_build = (ROOT / "postBuild").read_text()
    loop = re.search(r"for plugin in ([\w -]+); do\s+jupyter labextension disable "
                     r'"@jupyter/nbgrader:\$plugin"', post_build)
    assert loop, "postBuild should disable nbgrader's instructor plugins in one loop"
    disabled = loop.group(1).split()
    static = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader/static"
    plugins = set(re.findall(r'"@jupyter/nbgrader:([a-z-]+)"',
                             "".join(p.read_text() for p in static.glob("*.js"))))
    assert "validate-assignment" in plugins and "validate-assignment" not in disabled
    unknown = set(disabled) - plugins
    assert not unknown, f"postBuild disables plugins nbgrader does not have: {unknown}"


# --------------------------------------------------------------------------- the README


def repository_slug() -> str:
    """owner/name of the GitHub repository, written once: pyproject.toml [project.urls]."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    m = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", url)
    assert m, f"[project.urls] Repository should be https://github.com/OWNER/NAME, not {url}"
    return m.group(1)


def binder_links() -> list[str]:
    return re.findall(r"https://mybinder\.org/v2/[^\s)\"']+", (ROOT / "README.md").read_text())


def test_readme_has_the_binder_badge_opening_jupyterlab_on_notebooks():
    readme = (ROOT / "README.md").read_text()
    badge = (f"[![Binder](https://mybinder.org/badge_logo.svg)]"
             f"(https://mybinder.org/v2/gh/{repository_slug()}/{BRANCH}?urlpath=lab/tree/notebooks)")
    assert badge in readme


def test_every_binder_link_points_at_the_repository_in_pyproject():
    links = binder_links()
    assert links
    base = f"https://mybinder.org/v2/gh/{repository_slug()}/{BRANCH}?urlpath=lab/tree/"
    wrong = [link for link in links if not link.startswith(base)]
    assert not wrong, f"Binder links not of the form {base}...: {wrong}"


def test_readme_launches_every_assignment_notebook_on_binder():
    targets = {link.split("urlpath=lab/tree/", 1)[1] for link in binder_links()}
    notebooks = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("notebooks/*/*.ipynb")}
    assert len(notebooks) == len(list(ROOT.glob("solutions/*/*.ipynb")))
    assert notebooks <= targets, f"no launch link for {sorted(notebooks - targets)}"
    missing = sorted(t for t in targets if not (ROOT / t).exists())
    assert not missing, f"Binder links to files that do not exist: {missing}"


def colab_links() -> list[str]:
    return re.findall(r"https://colab\.research\.google\.com/github/[^\s)\"']+", (ROOT / "README.md").read_text())


def test_readme_opens_every_assignment_notebook_on_colab_from_the_same_repository():
    """Colab's links, like Binder's, come from the Repository URL of pyproject.toml."""
    base = f"https://colab.research.google.com/github/{repository_slug()}/blob/{BRANCH}/"
    links = colab_links()
    wrong = [link for link in links if not link.startswith(base)]
    assert links and not wrong, f"Colab links not of the form {base}...: {wrong}"
    targets = {link.removeprefix(base) for link in links}
    notebooks = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("notebooks/*/*.ipynb")}
    assert notebooks == targets, f"no Colab link for {sorted(notebooks - targets)}, " \
                                 f"links to no notebook: {sorted(targets - notebooks)}"
