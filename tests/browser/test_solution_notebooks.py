"""Every solution notebook, as a student sees it in JupyterLab in a real browser.

For each ``solutions/NN_topic/NN_topic.ipynb`` (a scratch copy) the module fixture opens it
in JupyterLab, clicks "Restart the kernel and run all cells", saves, and keeps the page
open for the tests below, which check what is on the screen (tests/browser/checks.py):
every cell ran, none shows an error, every plot and widget rendered, and the interactive
explorers (``course_utils.widgets.explore``) redraw their figure when a control moves.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import checks
from tests.browser.conftest import ARTIFACTS
from tests.harness import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
WITH_EXPLORERS = [nb for nb in SOLUTIONS if checks.explorer_cells(json.loads(nb.read_text()))]

# Found by these tests: the explorer cell ends with `explore(...)` without a `;`, so
# JupyterLab shows the returned widget a second time as the cell's result (two identical
# explorers, one with an Out[n] prompt). Fix in the notebook (end the line with `;`) or in
# course_utils.widgets.explore (return nothing IPython would display).
SHOWN_TWICE = {"04_regularization"}

# Found by these tests, intermittent (about 1 run in 4 on 02's explorer, which draws two
# large figures): a control moves, the redraw runs, but the Output widget never receives
# its figures and keeps the old ones (or keeps one of two). ipykernel 7.4 handles the
# Output widget's own state messages concurrently with a running redraw, and the figures
# explore() shows with plt.show() inside `with out:` then go out under the parent header of
# such a message (the kernel message log saved with a failure shows it), so the Output does
# not capture them. A fix to try in course_utils.widgets.explore: draw under plt.ioff() and
# set the Output's `outputs` to the rendered PNGs instead of showing them.
RACY_REDRAW = {"02_initialization"}


def by_stem(notebooks, known_bugs=(), reason=""):
    """Parametrize the module fixture ``ran`` over notebooks, with their names as ids."""
    return pytest.mark.parametrize("ran", [
        pytest.param(nb, id=nb.stem, marks=[pytest.mark.xfail(reason=reason, strict=False)]
                     if nb.stem in known_bugs else []) for nb in notebooks], indirect=True)


@pytest.fixture(scope="module")
def ran(request, lab, browser):
    notebook = request.param
    result = checks.run_in_lab(browser, lab, notebook.relative_to(ROOT).as_posix(),
                               ARTIFACTS / notebook.stem)
    yield result
    result.page.shutdown_kernel()
    result.page.close()


def assert_none(problems, ran):
    assert not problems, f"{ran.name}:\n  " + "\n  ".join(problems)


@by_stem(SOLUTIONS)
def test_restart_and_run_all_runs_every_cell_in_order(ran):
    assert_none(checks.run_problems(ran), ran)


@by_stem(SOLUTIONS)
def test_no_cell_shows_an_error(ran):
    assert_none(checks.error_problems(ran), ran)


@by_stem(SOLUTIONS)
def test_every_plot_is_rendered(ran):
    assert_none(checks.plot_problems(ran), ran)


@by_stem(SOLUTIONS)
def test_every_widget_is_rendered(ran):
    assert_none(checks.widget_problems(ran), ran)


@by_stem(WITH_EXPLORERS)
def test_explorers_show_their_controls_and_figure(ran):
    assert_none(checks.explorer_problems(ran), ran)


@by_stem(WITH_EXPLORERS, known_bugs=SHOWN_TWICE,
         reason="explore(...) is the cell's last expression without `;`: JupyterLab shows "
                "the explorer twice")
def test_each_explorer_is_shown_once(ran):
    assert_none(checks.shown_twice_problems(ran), ran)


@by_stem(WITH_EXPLORERS, known_bugs=RACY_REDRAW,
         reason="intermittent: explore()'s redraw can lose its figures (see RACY_REDRAW)")
def test_moving_each_explorer_control_redraws_the_figure(ran):
    assert_none(checks.redraw_problems(ran), ran)
