"""The student notebooks as a new student meets them in JupyterLab, in a real browser.

- A release notebook, untouched, with every cell run from the top (going on past errors):
  each error names the exercise to finish, in one line where it comes from an experiment
  (``needs(...)``) or a test, and no stopped cell shows a half-drawn figure or widget. The
  experiments are shortened as while grading (set in the kernel, not in the notebook): the
  errors are the same, and the full-length runs are the solution notebooks' tests. This is
  the screen's proof for one notebook (04: many stopped cells, an explorer among them); the
  same checks on the saved outputs of every release notebook are tests/test_pipeline.py's.
- The hints of an exercise open one at a time: the second and third are not on the screen
  before the one before them was opened.
"""

from __future__ import annotations

import pytest

from course_utils import cells
from tests.browser import checks
from tests.browser.conftest import ARTIFACTS, RELEASE_NOTEBOOK, RELEASE_NOTEBOOKS
from tests.browser.jupyterlab import NotebookPage
from tests.notebook_deps import stopped_cells, unexplained_errors

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STDERR = checks.STDERR


ON_SCREEN = next(p for p in RELEASE_NOTEBOOKS if "/04_" in p)


def test_every_cell_of_an_unfinished_notebook_run_in_turn_shows_only_errors_naming_an_exercise(lab, window):
    path = ON_SCREEN
    name = path.split("/")[1]
    page = NotebookPage(window, path, ARTIFACTS / f"release-{name}").open()
    try:
        page.run_each_cell(quick=True)
        page.save()
        saved = cells.read_notebook(lab.root / path)
        shown = page.output_report()
        page.screenshot("after-running-each-cell")
        problems = unexplained_errors(saved)
        stopped = stopped_cells(saved)
        assert stopped, "no experiment cell stopped with needs(...)"
        for i in stopped:
            outputs = shown[i]["outputs"]
            errors = [o for o in outputs if o.get("mime") == STDERR]
            if len(errors) != 1 or "\n" in errors[0]["text"].strip() or "finish Exercise" not in errors[0]["text"]:
                problems.append(f"cell {i} shows {[o.get('text', o.get('mime')) for o in outputs]}, "
                                "not one line naming the exercise to finish")
            if any(o.get("mime") == "image/png" or o.get("kind") == "widget" for o in outputs):
                problems.append(f"cell {i} stopped for an unfinished exercise but shows a figure")
        assert not problems, f"{name}:\n  " + "\n  ".join(problems)
    finally:
        page.close()


HINTS_OF = "test_softmax_ce"        # an exercise of RELEASE_NOTEBOOK with three hints


def test_the_hints_of_an_exercise_open_one_at_a_time(lab, window):
    nb = cells.read_notebook(lab.root / RELEASE_NOTEBOOK)
    index = next(i for i, c in enumerate(nb.cells) if cells.meta(c).get("grade_id") == HINTS_OF) + 1
    page = NotebookPage(window, RELEASE_NOTEBOOK, ARTIFACTS / "hints").open()
    try:
        cell = page.cell(index)
        cell.scroll_into_view_if_needed()
        summaries = cell.locator("summary")
        assert summaries.count() == 3, cell.inner_html()[:2000]
        details = cell.locator("details")          # in document order: hint 1 holds hint 2 holds hint 3

        def visible() -> tuple[list[bool], list[bool]]:
            """Which hint titles and which hint texts (their first paragraph) are on the screen."""
            titles = [summaries.nth(k).is_visible() for k in range(3)]
            texts = [details.nth(k).locator(":scope > p").first.is_visible() for k in range(3)]
            return titles, texts

        page.screenshot("hints-closed", cell)
        assert visible() == ([True, False, False], [False, False, False])
        for k in range(3):
            summaries.nth(k).click()
            page.screenshot(f"hints-{k + 1}-open", cell)
            opened = [j <= k for j in range(3)]
            assert visible() == ([True] + opened[:2], opened), f"after opening hint {k + 1}"
    finally:
        page.close()
