"""nbgrader inside JupyterLab: the student's "Validate" button and the instructor's formgrader.

The server's working directory is a scratch copy of the course with the repository's
nbgrader_config.py, which is where nbgrader's Validate handler and formgrader read it from.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, RELEASE_NOTEBOOK
from tests.browser.jupyterlab import VALIDATE_S, NotebookPage, formgrader_from_menu
from tests.conftest import ASSIGNMENTS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SOLUTION_NOTEBOOK = "solutions/01_backprop/01_backprop.ipynb"


@pytest.fixture
def notebook_page(window):
    pages = []

    def open_page(path, artifacts_name):
        pages.append(NotebookPage(window, path, ARTIFACTS / artifacts_name).open())
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


def validate(page: NotebookPage, screenshot: str):
    """Click the notebook toolbar's Validate button; return the result dialog."""
    page.panel.locator(".jp-Toolbar .validate-button").click()
    dialog = page.page.locator(".jp-Dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=VALIDATE_S * 1000)
    page.screenshot(screenshot)
    body = dialog.locator(".jp-Dialog-body")
    result = {"classes": body.get_attribute("class").split(), "text": body.inner_text()}
    dialog.locator(".jp-mod-accept").click()
    return result


def test_validate_button_lists_the_failing_tests_of_a_blank_release(notebook_page):
    page = notebook_page(RELEASE_NOTEBOOK, "validate")
    result = validate(page, "validate-blank-release")
    assert "There was an error running the validate command" not in result["text"], \
        result["text"][:2000]
    assert "validation-failed" in result["classes"], result["text"][:2000]
    assert "The following cell failed:" in result["text"]


def test_validate_button_passes_the_instructors_solution(notebook_page):
    page = notebook_page(SOLUTION_NOTEBOOK, "validate")
    result = validate(page, "validate-solution")
    assert "validation-success" in result["classes"], result["text"][:2000]
    assert "Success! Your notebook passes all the tests." in result["text"]


def assignment_names(frame) -> list[str]:
    frame.locator("#main-table tr td a").first.wait_for(timeout=60_000)
    return sorted(frame.locator("#main-table tr td:first-child").all_inner_texts())


def test_formgrader_lists_every_assignment_for_the_instructor(lab, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(lab.page_url("formgrader"))
        assert page.locator("h1").filter(has_text="Manage Assignments").count() == 1
        assert [n.strip() for n in assignment_names(page)] == ASSIGNMENTS
        # The released assignment (its notebooks/ copy exists) can be previewed as a student.
        row = page.locator("#main-table tr").filter(has_text="01_backprop")
        assert row.locator("td.preview a").count() == 1
        warnings = page.locator(".alert:visible").all_inner_texts()
        assert not warnings, f"the formgrader shows warnings: {warnings}"
        page.screenshot(path=ARTIFACTS / "formgrader.png")
    finally:
        context.close()


def test_formgrader_opens_from_the_nbgrader_menu(window):
    try:
        frame = formgrader_from_menu(window.page)
        assert [n.strip() for n in assignment_names(frame)] == ASSIGNMENTS
        window.page.screenshot(path=ARTIFACTS / "formgrader-in-lab.png")
    finally:
        window.close_tabs()
