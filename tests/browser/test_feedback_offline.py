"""A feedback page renders its formulas offline: Chromium, with every request that is not
the page's own file refused, lays out the MathML of the notebook's formulas (a <math>
element with a non-zero box) and never asks the network for anything."""

from __future__ import annotations

import pytest

from course_utils.grading import feedback, gradebook
from tests.conftest import ROOT
from tests.test_feedback import NAME, hand_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_formulas_render_offline(tmp_path, browser):
    folder = tmp_path / "gradebook"
    with gradebook.open_gradebook(folder, gradebook.prepare(ROOT, NAME, folder)) as gb:
        hand_in(gb, folder, "ann", 1.0)
    (page_file,) = feedback.feedback(ROOT, folder, NAME).pages.values()

    context = browser.new_context()
    asked = []

    def offline(route):
        asked.append(route.request.url)
        route.continue_() if route.request.url.startswith("file:") else route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    page.goto(page_file.as_uri())
    maths = page.locator("math")
    assert maths.count() > 0
    for where in ('math[display="inline"]', 'math[display="block"]', "h3 math"):   # h3: a heading's
        box = page.locator(where).first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, where
    assert [url for url in asked if not url.startswith("file:")] == []
    context.close()
