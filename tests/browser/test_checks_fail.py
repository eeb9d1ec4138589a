"""The browser checks can fail: a notebook with one of each defect, run in JupyterLab.

Each check of tests/browser/checks.py must name the broken cell and leave the good ones
alone (the solution notebooks show the other direction: there they find nothing).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.browser import checks
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CELLS = [
    # 0: setup
    "import sys\nimport matplotlib.pyplot as plt\nimport ipywidgets as widgets\n"
    "from IPython.display import display\nfrom course_utils.widgets import explore",
    # 1: a good figure
    'plt.plot([0, 1]); plt.title("a good figure");',
    # 2: a figure the browser cannot decode
    'display({"image/png": "bm90IGEgcG5n"}, raw=True)',
    # 3: red output without an exception
    'print("UserWarning: something is off", file=sys.stderr)',
    # 4: a good explorer, shown twice
    "def grows(p):\n    plt.figure(); plt.plot([0, p]); plt.title(f'p = {p}')\n\n"
    "explore(grows, p=widgets.IntSlider(value=1, min=0, max=5))\n"
    "explore(grows, p=widgets.IntSlider(value=2, min=0, max=5))",
    # 5: an explorer whose figure ignores its control
    "def frozen(p):\n    plt.figure(); plt.plot([0, 1]); plt.title('ignores p')\n\n"
    "explore(frozen, p=widgets.IntSlider(value=1, min=0, max=5));",
    # 6: an explorer whose drawing fails
    "explore(lambda p: 1 / 0, p=widgets.IntSlider(value=1, min=0, max=5));",
    # 7: a widget that cannot render (its model does not exist)
    'display({"application/vnd.jupyter.widget-view+json": {"model_id": "no-such-model",'
    ' "version_major": 2, "version_minor": 0}, "text/plain": "a widget"}, raw=True)',
    # 8: a failed check's mark, and an object's repr as the cell's value
    'print("\u2717 check_close failed")\nobject()',
    # 9: an exception, which stops run-all
    'raise ValueError("a bug")',
    # 10: never runs
    'print("never runs")',
]


@pytest.fixture(scope="module")
def broken(lab, window):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    path = lab.root / "selftest" / "broken.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    ran = checks.run_in_lab(window, "selftest/broken.ipynb", ARTIFACTS / "selftest")
    yield ran
    ran.page.close()


def cell_numbers(problems: list[str], text: str) -> set[int]:
    """The cells named in the problems that mention ``text``."""
    found = set()
    for p in problems:
        if text in p:
            found |= {int(n) for n in re.findall(r"(?:cell |explorer-)(\d+)", p)}
    return found


def test_run_check_names_the_cells_that_never_ran(broken):
    problems = checks.run_problems(broken)
    assert any("never ran" in p and "[10]" in p for p in problems), problems


def test_error_check_names_the_exception_and_the_red_output(broken):
    problems = checks.error_problems(broken)
    assert cell_numbers(problems, "raised ValueError") == {9}, problems
    assert cell_numbers(problems, "error/warning output") == {3, 9}, problems


def test_stray_output_check_names_the_failed_check_and_the_repr(broken):
    problems = checks.stray_output_problems(broken)
    assert cell_numbers(problems, "printed \u2717") == {8}, problems
    assert cell_numbers(problems, "object's repr") == {8}, problems
    assert len(problems) == 2, problems


def test_plot_check_names_the_figure_that_did_not_load(broken):
    problems = checks.plot_problems(broken)
    assert cell_numbers(problems, "did not load") == {2}, problems
    assert len(problems) == 1, problems


def test_widget_check_names_the_widget_that_did_not_render(broken):
    problems = checks.widget_problems(broken)
    assert cell_numbers(problems, "did not render") == {7}, problems
    assert len(problems) == 1, problems


def test_explorer_checks_name_the_broken_explorers_only(broken):
    problems = checks.explorer_problems(broken)
    assert cell_numbers(problems, "shows an error") == {6}, problems
    assert cell_numbers(problems, "shows no figure") == {6}, problems
    assert checks.shown_twice_problems(broken) == ["cell 4 shows 2 copies of its explorer"]


def test_redraw_check_names_the_explorers_that_do_not_redraw(broken):
    # two explorers never redraw, so the check waits this long twice; the others redraw in ~0.2 s
    problems = checks.redraw_problems(broken, timeout_s=5)
    assert cell_numbers(problems, "the old figures, unchanged") == {5}, problems
    assert cell_numbers(problems, "shows no figure") == {6}, problems
    assert cell_numbers(problems, "a redraw must replace") == {5, 6}, problems
    assert len(problems) == 2, problems
