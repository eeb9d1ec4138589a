"""Every solution notebook, as a student sees it in JupyterLab in a real browser.

For each ``solutions/NN_topic/NN_topic.ipynb`` (a scratch copy) the module fixture opens it
in JupyterLab, clicks "Restart the kernel and run all cells", saves, and keeps the page
open for the tests below, which check what is on the screen (tests/browser/checks.py):
every cell ran, none shows an error, no check printed \u2717 and no cell ends with an object's
repr, every plot and widget rendered, and the interactive explorers
(``course_utils.widgets.explore``) redraw their figure when a control moves. This is the one
full-length run of each solution notebook (experiments at the length a student runs them);
tests/test_pipeline.py runs them as ``course check`` does, shortened.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import checks
from tests.browser.conftest import ARTIFACTS
from tests.conftest import ASSIGNMENTS, ROOT, source_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-solutions")]

SOLUTIONS = [source_of(name) for name in ASSIGNMENTS]
WITH_EXPLORERS = [nb for nb in SOLUTIONS if checks.explorer_cells(json.loads(nb.read_text()))]

def by_stem(notebooks):
    """Parametrize the module fixture ``ran`` over notebooks, with their names as ids."""
    return pytest.mark.parametrize("ran", [pytest.param(nb, id=nb.stem) for nb in notebooks],
                                   indirect=True)


@pytest.fixture(scope="module")
def ran(request, window):
    notebook = request.param
    result = checks.run_in_lab(window, notebook.relative_to(ROOT).as_posix(),
                               ARTIFACTS / notebook.stem)
    yield result
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
def test_no_check_fails_and_no_cell_ends_with_an_objects_repr(ran):
    assert_none(checks.stray_output_problems(ran), ran)


@by_stem(SOLUTIONS)
def test_every_plot_is_rendered(ran):
    assert_none(checks.plot_problems(ran), ran)


@by_stem(SOLUTIONS)
def test_every_widget_is_rendered(ran):
    assert_none(checks.widget_problems(ran), ran)


@by_stem(WITH_EXPLORERS)
def test_explorers_show_their_controls_and_figure(ran):
    assert_none(checks.explorer_problems(ran), ran)


@by_stem(WITH_EXPLORERS)
def test_each_explorer_is_shown_once(ran):
    assert_none(checks.shown_twice_problems(ran), ran)


@by_stem(WITH_EXPLORERS)
def test_moving_each_explorer_control_redraws_the_figure(ran):
    assert_none(checks.redraw_problems(ran), ran)
