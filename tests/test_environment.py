"""The environment is described once: environment.yml pins what requirements.txt pins."""

import re

import yaml

from tests.conftest import ROOT, requirements


def test_environment_yml_pins_the_same_packages_without_the_test_tools():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = dict(re.match(r"([\w.-]+)==(\S+)", p).groups() for p in pip if "==" in p)
    assert {k.lower(): v for k, v in pins.items()} == requirements()
    assert not set(requirements()) & set(requirements("requirements-test.txt"))
    assert "python=3.11" in env["dependencies"]


def test_torch_is_pinned_to_the_cpu_build():
    assert requirements()["torch"] == "2.13.0"
    env = (ROOT / "environment.yml").read_text()
    assert "whl/cpu" in env, "environment.yml must take torch from the CPU-only index"


def test_required_pins():
    req = requirements()
    assert req["nbgrader"] == "0.9.6"
    assert req["jupyterlab"].startswith("4.6")
    assert req["ipywidgets"].startswith("8.")
    for package in ("numpy", "matplotlib", "scikit-learn", "tqdm"):
        assert package in req
    assert requirements("requirements-test.txt")["pytest"] == "9.1.1"   # see the next test


def test_xdist_loadgroup_keeps_a_group_on_one_worker(tmp_path):
    """`make test` is `pytest -n 2 --dist loadgroup`: tests marked with one xdist_group (the
    browser tests share one JupyterLab server, test_autograde one class run) must all run on
    one worker. pytest 9.2 with pytest-xdist 3.8 silently ignored the groups."""
    import subprocess
    import sys

    (tmp_path / "test_group.py").write_text(
        "import os, pytest\n"
        "@pytest.mark.xdist_group('one')\n"
        "@pytest.mark.parametrize('i', range(6))\n"
        "def test_grouped(i):\n"
        "    with open(os.path.join(os.path.dirname(__file__), f'worker-{i}'), 'w') as f:\n"
        "        f.write(os.environ['PYTEST_XDIST_WORKER'])\n"
        "@pytest.mark.parametrize('i', range(6))\n"
        "def test_free(i):\n"
        "    pass\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-n", "2", "--dist", "loadgroup", str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    workers = {(tmp_path / f"worker-{i}").read_text() for i in range(6)}
    assert len(workers) == 1, f"one xdist_group ran on several workers: {workers}"
