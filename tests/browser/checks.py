"""What the browser tests check on a notebook that ran in JupyterLab.

Each ``*_problems`` function returns a list of problems (empty = fine), so the same checks
serve the solution notebooks (tests/browser/test_solution_notebooks.py) and a deliberately
broken notebook that shows every check can fail (tests/browser/test_checks_fail.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.jupyterlab import REDRAW_S, LabWindow, NotebookPage

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STDERR = "application/vnd.jupyter.stderr"


def explorer_cells(notebook: dict) -> list[int]:
    """Indices of the code cells that call ``explore(...)`` (the interactive demos)."""
    return [i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"
            and re.search(r"^[^#\n]*\bexplore\(", "".join(cell["source"]), re.M)]


@dataclass
class RanNotebook:
    name: str
    page: NotebookPage
    saved: dict            # the notebook as JupyterLab saved it after the run
    shown: list[dict]      # what each cell shows, read from the DOM (NotebookPage.output_report)
    seconds: float

    def code_cells(self):
        return [(i, c) for i, c in enumerate(self.saved["cells"]) if c["cell_type"] == "code"]

    def outputs(self, index: int) -> list[dict]:
        return self.shown[index]["outputs"]

    def widgets(self, index: int) -> list[dict]:
        return [o for o in self.outputs(index) if o["kind"] == "widget"]


def run_in_lab(window: LabWindow, path: str, artifacts: Path) -> RanNotebook:
    """Open ``path`` in JupyterLab, restart the kernel and run all cells, save; keep the
    notebook open. Screenshots of the notebook and of every cell with a figure go to
    ``artifacts``."""
    page = NotebookPage(window, path, artifacts).open()
    start = time.monotonic()
    page.restart_and_run_all()
    seconds = time.monotonic() - start
    saved = page.save()
    shown = page.output_report()
    page.screenshot("after-run-all")
    for cell in shown:   # a gallery of what the student sees under each cell with a figure
        if any(o["kind"] == "widget" or o.get("mime") == "image/png" for o in cell["outputs"]):
            page.screenshot(f"cell-{cell['index']:02d}", page.cell(cell["index"]))
    (artifacts / "timing.txt").write_text(f"restart and run all: {seconds:.1f} s\n")
    return RanNotebook(Path(path).stem, page, saved, shown, seconds)


# --------------------------------------------------------------------------- every notebook


def run_problems(ran: RanNotebook) -> list[str]:
    """Every code cell ran once, top to bottom, after the restart, and shows its prompt."""
    if len(ran.shown) != len(ran.saved["cells"]):
        return [f"the page shows {len(ran.shown)} cells, the notebook has {len(ran.saved['cells'])}"]
    problems = []
    counts = [c["execution_count"] for _, c in ran.code_cells()]
    not_run = [i for i, c in ran.code_cells() if c["execution_count"] is None]
    if not_run:
        problems.append(f"cells never ran after restart-and-run-all: {not_run}")
    elif counts != list(range(1, len(counts) + 1)):
        problems.append(f"cells did not run once each, top to bottom: execution counts {counts}")
    for i, _ in ran.code_cells():
        if not re.fullmatch(r"\[\d+\]:", ran.shown[i]["prompt"].strip()) and i not in not_run:
            problems.append(f"cell {i} shows the prompt {ran.shown[i]['prompt']!r}")
    return problems


def error_problems(ran: RanNotebook) -> list[str]:
    """No cell raised, and no cell shows red (stderr) output: tracebacks and warnings."""
    problems = [f"cell {i} raised {o['ename']}: {o['evalue'][:200]}" for i, c in ran.code_cells()
                for o in c["outputs"] if o["output_type"] == "error"]
    problems += [f"cell {i} shows error/warning output: {o['text'][:200]!r}"
                 for i, _ in ran.code_cells() for o in ran.outputs(i) if o.get("mime") == STDERR]
    return problems


def stray_output_problems(ran: RanNotebook) -> list[str]:
    """No check printed \u2717, and no cell ends by showing an object's repr (a Legend, a
    load_state_dict result: ``<... at 0x...>``) instead of a value."""
    problems = []
    for i, c in ran.code_cells():
        for o in c["outputs"]:
            text = "".join(o.get("text", "")) if o["output_type"] == "stream" and o.get("name") == "stdout" \
                else "".join(o.get("data", {}).get("text/plain", "")) if o["output_type"] == "execute_result" else ""
            if o["output_type"] == "stream" and "\u2717" in text:
                problems.append(f"cell {i}: a check printed \u2717: {text.strip()[:200]!r}")
            if o["output_type"] == "execute_result" and (text.lstrip().startswith("<") or " at 0x" in text):
                problems.append(f"cell {i} ends with an object's repr: {text[:120]!r}")
    return problems


def plot_problems(ran: RanNotebook) -> list[str]:
    """Every figure a cell produced is on the page, decoded; and there is at least one."""
    problems, total = [], 0
    for i, cell in ran.code_cells():
        # an explorer's output also carries its first figure as a fallback image for
        # viewers without widgets; the page shows the widget instead (see explorer checks)
        expected = sum("image/png" in o.get("data", {}) and WIDGET_VIEW not in o.get("data", {})
                       for o in cell["outputs"])
        images = [o for o in ran.outputs(i) if o.get("mime") == "image/png"]
        if len(images) != expected:
            problems.append(f"cell {i} produced {expected} figure(s) but shows {len(images)}")
        problems += [f"a figure in cell {i} did not load in the browser"
                     for o in images if not o["image_loaded"]]
        total += expected
    if total == 0:
        problems.append("no plot at all (every notebook has experiments with plots)")
    return problems


def widget_problems(ran: RanNotebook) -> list[str]:
    """Every widget a cell displayed is on the page as a live widget."""
    problems = []
    for i, cell in ran.code_cells():
        expected = sum(WIDGET_VIEW in o.get("data", {}) for o in cell["outputs"])
        widgets = ran.widgets(i)
        if len(widgets) != expected:
            problems.append(f"cell {i} displayed {expected} widget(s), the page shows {len(widgets)}")
        for w in widgets:
            if not w["rendered"] or re.search(r"Error displaying widget|Loading widget", w["text"]):
                problems.append(f"the widget in cell {i} did not render: {w['text'][:200]!r}")
    return problems


# --------------------------------------------------------------------------- the explorers


def explorer_problems(ran: RanNotebook) -> list[str]:
    """Each explorer shows live controls and its figure, without an error."""
    problems = []
    for i in explorer_cells(ran.saved):
        widgets = ran.widgets(i)
        if not widgets:
            problems.append(f"the explorer in cell {i} shows no widget (static mode?)")
            continue
        w = widgets[0]
        if w["sliders"] + w["dropdowns"] == 0:
            problems.append(f"the explorer in cell {i} has no controls")
        if w["images"] == 0 or w["images_loaded"] < w["images"]:
            problems.append(f"the explorer in cell {i} shows no figure "
                            f"({w['images_loaded']}/{w['images']} loaded)")
        problems += [f"the explorer in cell {i} shows an error: {e[:300]!r}" for e in w["stderr"]]
    return problems


def shown_twice_problems(ran: RanNotebook) -> list[str]:
    return [f"cell {i} shows {len(ran.widgets(i))} copies of its explorer"
            for i in explorer_cells(ran.saved) if len(ran.widgets(i)) > 1]


_FIGURES = """(w) => Array.from(w.querySelectorAll('.widget-output img'))
    .map(img => img.complete && img.naturalWidth > 0 ? img.src : 'loading')"""
# A redraw is over when the explorer shows as many figures as before, all decoded, and
# they are not the old ones. (The kernel's busy/idle status cannot tell: ipykernel reports
# idle for the widget's comm messages while the redraw they started is still drawing.)
_REDRAWN = """([w, before, count]) => {
  const now = Array.from(w.querySelectorAll('.widget-output img'))
      .map(img => img.complete && img.naturalWidth > 0 ? img.src : 'loading');
  return now.length === count && !now.includes('loading') && now.join('|') !== before;
}"""


def _redraw_problem(page: NotebookPage, explorer, readout, move, label: str,
                    timeout_s: float) -> str | None:
    """Move one control as a person would, wait until the explorer has replaced its
    figures, and say what is wrong, if anything."""
    before = explorer.evaluate(_FIGURES)
    readout_before = readout()
    move()
    try:
        page.page.wait_for_function(
            _REDRAWN, arg=[explorer.element_handle(), "|".join(before), len(before)],
            timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        page.screenshot(label + "-FAILED", explorer)
        page.save_kernel_messages(label + "-FAILED")
        now = explorer.evaluate(_FIGURES)
        state = ("no figure" if not now else "the old figures, unchanged"
                 if now == before else f"{len(now)} figure(s)")
        return (f"{label}: {timeout_s:g} s after the control moved the explorer shows "
                f"{state}; it showed {len(before)} before: a redraw must replace its figures")
    page.screenshot(label, explorer)
    if readout() == readout_before:
        return f"{label}: the control did not move"
    stderr = explorer.locator(f".widget-output [data-mime-type='{STDERR}']")
    if stderr.count():
        return f"{label}: the redraw failed: {stderr.first.inner_text()[:300]!r}"
    return None


def redraw_problems(ran: RanNotebook, timeout_s: float = REDRAW_S) -> list[str]:
    """Move every slider and dropdown of every explorer once; each move must redraw."""
    page, problems = ran.page, []
    page.record_kernel_messages()
    for i in explorer_cells(ran.saved):
        explorer = page.cell(i).locator(".jp-Cell-outputArea .widget-vbox").first
        explorer.scroll_into_view_if_needed()
        page.screenshot(f"explorer-{i:02d}-before", explorer)
        moves = []
        sliders = explorer.locator(".widget-slider")
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            handle = slider.locator(".noUi-handle")
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")

            def nudge(handle=handle, key="ArrowLeft" if at_max else "ArrowRight"):
                handle.focus()
                page.page.keyboard.press(key)

            moves.append((f"slider-{slider.locator('.widget-label').inner_text()}", nudge,
                          lambda s=slider: s.locator(".widget-readout").inner_text()))
        dropdowns = explorer.locator(".widget-dropdown")
        for k in range(dropdowns.count()):
            select = dropdowns.nth(k).locator("select")
            options = select.evaluate("s => Array.from(s.options).map(o => o.value)")
            other = options[(options.index(select.input_value()) + 1) % len(options)]
            moves.append((f"dropdown-{dropdowns.nth(k).locator('.widget-label').inner_text()}",
                          lambda s=select, v=other: s.select_option(v), select.input_value))
        if not moves:
            problems.append(f"the explorer in cell {i} has no slider or dropdown to move")
        for name, move, readout in moves:
            problem = _redraw_problem(page, explorer, readout, move,
                                      f"explorer-{i:02d}-{name}", timeout_s)
            if problem:
                problems.append(problem)
    return problems
