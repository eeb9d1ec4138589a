"""course_utils.grading.pagesoup: nbconvert's last pass over a page, done cell by cell,
gives nbconvert's page, whatever the cells hold (a cell that does not stand on its own
sends the page through nbconvert's pass over the whole of it)."""

import itertools

import pytest

from course_utils.grading import pagesoup

MARK = "<!--mark-->"
FRAME = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n<title>t</title>'
         '<style>a > b {content: "<div>"}</style></head>\n<body>\n  <div class="container" '
         'id="notebook-container">\n{cells}\n  </div>\n</body>\n</html>\n')
ALONE = {   # cells that stand on their own
    "text, a void tag, an image without alt": '<div class="cell"><p>a &amp; b <br> c</p><img src="x.png"></div>',
    "preformatted blanks": '<div class="cell"><pre>  a\n\n  b  </pre>   \n  <span> </span></div>',
    "JupyterLab's areas": ('<div class="cell jp-Notebook"><div class="jp-Cell-inputWrapper">i</div>'
                           '<div class="jp-OutputArea-output">o</div></div>'),
    "a tag closed by its parent's end": '<div class="cell"><p><b>bold</p></div>',
    "entities": '<div class="cell">&lt;&#39;&nbsp;&unknown; &#x41;</div>',
    "MathML": '<div class="cell"><math><mi>x</mi><mo>=</mo></math></div>',
}
NOT_ALONE = {   # raw HTML a student may write in a markdown cell
    "an open div": '<div class="cell"><div>open</div>',
    "an end tag of the frame": '<div class="cell">x</div></div>',
    "an open comment": '<div class="cell"><!-- never closed</div>',
    "an open script": '<div class="cell"><script>var a = "</div>";</div>',
    "a stray </br>": '<div class="cell">a</br>b</div>',
    "an open CDATA section": '<div class="cell"><![CDATA[ x </div>',
    "an open start tag": '<div class="cell"><a href="x>y</a></div>',
}
CELLS = {**ALONE, **NOT_ALONE}


def page(*names, marker=MARK):
    return FRAME.replace("{cells}", "\n".join(marker + CELLS[n] + marker for n in names))


@pytest.mark.parametrize("names", [[n] for n in CELLS] + [[a, b] for a, b in itertools.product(CELLS, CELLS)])
def test_cell_by_cell_is_nbconvert_s_pass_over_the_whole_page(names):
    assert pagesoup.cellwise(page(*names), MARK) == pagesoup.whole_page(page(*names, marker=""))


def test_only_cells_that_stand_on_their_own_are_done_alone():
    assert all(pagesoup.cell(html) is not None for html in ALONE.values())
    assert all(pagesoup.cell(html) is None for html in NOT_ALONE.values())


def test_images_without_alt_get_nbconvert_s_text_and_are_counted():
    html, missing = pagesoup.cellwise(page("text, a void tag, an image without alt", "entities"), MARK)
    assert missing == 1 and f'alt="{pagesoup.ALT}"' in html


def test_a_page_without_markers_is_nbconvert_s():
    assert pagesoup.cellwise(page("MathML", marker=""), MARK) == pagesoup.whole_page(page("MathML", marker=""))
