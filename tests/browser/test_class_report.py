"""``course report``'s page in Chromium: every plot renders, the mistake table is there,
and the similarity links open compare50's side-by-side view. Opened from disk with no
server: the page must be self-contained."""

from __future__ import annotations

import pytest

from course_utils.grading.classreport import report
from tests import report_class
from tests.conftest import ROOT
from tests.report_class import check, exercise, record, write_records

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    """The report of the test class's notebooks, with records written here (no grading)."""
    tmp = tmp_path_factory.mktemp("report")
    report_class.build(tmp / "submissions")
    records = []
    for test, mistakes in report_class.TRUTH.items():
        for mistake, count in mistakes.items():
            for i in range(count):
                wrong = check(test.removeprefix("test_"), "failed", 0, 2, kind="wrong_value", mistake=mistake)
                records.append(record(f"{test}-{i}-{len(records)}", exercise(test, test.removeprefix("test_"), wrong)))
    records.append(record("oz", status="timeout", detail="a cell ran past the time limit", max_score=23))
    run = write_records(tmp / "grades", *records)
    return report(ROOT, report_class.NAME, [run], tmp / "out", submissions=[tmp / "submissions"], pairs=10)


def test_report_renders_offline_with_every_plot_and_the_mistake_table(browser, page_file, artifacts):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(artifacts / "class-report.png"), full_page=True)
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.alt, e.complete, e.naturalWidth])")
        assert len(images) >= 4
        assert all(done and width > 0 for _, done, width in images), images
        rows = page.eval_on_selector_all("#mistakes tbody tr", "rows => rows.map(r => r.innerText)")
        assert len(rows) == sum(len(m) for m in report_class.TRUTH.values())
        assert any("averaged dout over the batch" in r for r in rows)
        assert page.locator("#attention").inner_text().count("timeout") == 1
        page.click("#similarity a >> nth=0")          # opens in the same tab
        page.wait_for_load_state("load")
        assert page.url.endswith(".html") and "match_" in page.url
        page.screenshot(path=str(artifacts / "class-report-side-by-side.png"))
    finally:
        context.close()

