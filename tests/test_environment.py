"""The environment is described once: environment.yml pins what requirements.txt pins."""

import re

import yaml

from tests.harness import ROOT


def requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {l.split("==")[0].lower(): l.split("==")[1] for l in lines
            if l.strip() and not l.startswith("#")}


def test_environment_yml_pins_the_same_packages():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = dict(re.match(r"([\w.-]+)==(\S+)", p).groups() for p in pip if "==" in p)
    assert {k.lower(): v for k, v in pins.items()} == requirements()
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
