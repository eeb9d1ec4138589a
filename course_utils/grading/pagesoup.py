"""nbconvert's last step of an HTML page, cell by cell and remembered: the same page, faster.

nbconvert's ``HTMLExporter`` ends with a BeautifulSoup pass over the whole page: it gives
images without one an ``alt`` text, makes the input and output areas of a JupyterLab page
focusable (``tabindex``) and writes the page out again as BeautifulSoup serialises it. On a
feedback page that pass is most of the page's time, and most of the page is the
instructor's cells, the same for every student.

:class:`FeedbackExporter` renders the page with a random marker around each cell (the
course template puts ``resources.course_cell_marker`` there) and does the same pass on the
page's frame and on each cell alone, remembering each cell's result. That gives nbconvert's
page exactly when each cell's HTML stands on its own: BeautifulSoup's ``html.parser``
builds the tree from the tags in order, so a cell whose tags all close inside it, that
leaves no comment, tag or ``<script>`` open and closes nothing of the frame, is the same
subtree alone as within the page. Any cell that does not (raw HTML in a student's markdown,
say) and any page whose frame is not the course's gets nbconvert's own pass over the whole
page.
"""

from __future__ import annotations

import functools
import secrets

from bs4 import BeautifulSoup, Comment
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

# nbconvert's HTMLExporter.from_notebook_node (7.x): what its BeautifulSoup pass changes
NO_ALT = "img:not([alt])"
ALT = "No description has been provided for this image"
FOCUSABLE = (".jp-Notebook div.jp-Cell-inputWrapper", ".jp-Notebook div.jp-OutputArea-output")
# a cell inside one of these in the frame would not be parsed alone as within the page
CONTEXT_TAGS = ["pre", "textarea", "script", "style", "template", "title"]
_SENTINEL = f"course-end-{secrets.token_hex(16)}"      # unguessable: closes a cell's parse
_HOLE = f"course-cells-{secrets.token_hex(16)}"        # where the cells go in the frame


def soup_pass(soup: BeautifulSoup) -> int:
    """nbconvert's changes to a parsed page (or part): ``alt`` on images without one,
    ``tabindex`` on JupyterLab's input and output areas. Returns the images without alt."""
    missing = soup.select(NO_ALT)
    for elem in missing:
        elem.attrs["alt"] = ALT
    for selector in FOCUSABLE:
        for elem in soup.select(selector):
            elem.attrs["tabindex"] = "0"
    return len(missing)


def whole_page(html: str) -> tuple[str, int]:
    """nbconvert's own pass over ``html``: (the page, images without alt)."""
    soup = BeautifulSoup(html, features="html.parser")
    missing = soup_pass(soup)
    return str(soup), missing


class _CellSoup(BeautifulSoup):
    """BeautifulSoup that notes an end tag with no open tag of its name in the cell: on the
    page it would close a tag of the frame."""

    stray = False

    def handle_endtag(self, name, nsprefix=None):
        if not any(tag.name == name for tag in self.tagStack[1:]):
            self.stray = True
        super().handle_endtag(name, nsprefix)


@functools.lru_cache(maxsize=1024)      # a page has tens of cells; a cell's output is at most ~20 kB
def cell(html: str) -> tuple[str, int] | None:
    """The pass on one cell's ``html`` (from its first tag to its last), or None if the cell
    does not stand on its own. A comment after it must come out as the last node at the
    top: nothing was left open (a tag, a ``<script>``, a comment or a declaration would
    have taken it in)."""
    soup = _CellSoup(html + f"<!--{_SENTINEL}-->", features="html.parser")
    last = soup.contents[-1] if soup.contents else None
    if soup.stray or not isinstance(last, Comment) or str(last) != _SENTINEL:
        return None
    last.extract()
    missing = soup_pass(soup)
    return str(soup), missing


@functools.lru_cache(maxsize=8)         # one frame per assignment (its styles: ~100 kB)
def frame(html: str) -> tuple[str, str, int] | None:
    """The pass on the page without its cells (``_HOLE`` where they were): the page's start
    and end around the cells, images without alt; None if a cell would not be parsed alone
    as within this frame (inside a ``<pre>``, ``<script>``, ... or a ``.jp-Notebook``)."""
    soup = BeautifulSoup(html, features="html.parser")
    holes = [c for c in soup.find_all(string=lambda s: isinstance(s, Comment)) if str(c) == _HOLE]
    if len(holes) != 1 or holes[0].find_parents(CONTEXT_TAGS) or soup.select(".jp-Notebook"):
        return None
    missing = soup_pass(soup)
    before, hole, after = str(soup).partition(f"<!--{_HOLE}-->")
    return (before, after, missing) if hole else None


@functools.lru_cache(maxsize=1024)
def _blank(text: str) -> str:
    """Whitespace between two tags, as BeautifulSoup writes it (one space or line break)."""
    return str(BeautifulSoup(text, features="html.parser"))


def cellwise(html: str, marker: str) -> tuple[str, int]:
    """``whole_page(html without the markers)``, from the frame and the cells (each cell of
    the page between two ``marker``); (the page, images without alt)."""
    parts = html.split(marker) if marker else [html]
    if len(parts) < 3 or len(parts) % 2 == 0:
        return whole_page(html.replace(marker, "") if marker else html)
    # the frame's start ends, and its end starts, with a tag; the text in between is blanks
    start, end = parts[0], parts[-1]
    head_at, tail_at = start.rfind(">") + 1, end.find("<")
    blanks, cells = [start[head_at:]], []
    for i in range(1, len(parts), 2):          # parts: start, cell, between, cell, ..., cell, end
        body = parts[i]
        first, last = body.find("<"), body.rfind(">") + 1
        if first < 0 or last <= first:
            return whole_page(html.replace(marker, ""))
        blanks[-1] += body[:first]
        cells.append(body[first:last])
        blanks.append(body[last:] + (parts[i + 1] if i + 1 < len(parts) - 1 else ""))
    blanks[-1] += end[:max(tail_at, 0)]
    if head_at == 0 or tail_at < 0 or any(b.strip() for b in blanks):
        return whole_page(html.replace(marker, ""))
    framed = frame(start[:head_at] + f"<!--{_HOLE}-->" + end[tail_at:])
    done = [cell(c) for c in cells]
    if framed is None or any(d is None for d in done):
        return whole_page(html.replace(marker, ""))
    before, after, missing = framed
    out = [before, _blank(blanks[0]) if blanks[0] else ""]
    for (text, lacking), blank in zip(done, blanks[1:]):
        out += [text, _blank(blank) if blank else ""]
        missing += lacking
    return "".join(out) + after, missing


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTMLExporter whose last pass is :func:`cellwise` (module docstring)."""

    marker = f"<!--course-cell-{secrets.token_hex(16)}-->"

    def from_notebook_node(self, nb, resources=None, **kw):
        # nbconvert 7's HTMLExporter.from_notebook_node up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        resources["course_cell_marker"] = self.marker
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        del resources["course_cell_marker"]
        page, missing = cellwise(html, self.marker)
        if missing:
            self.log.warning("Alternative text is missing on %s image(s).", missing)
        return page, resources
