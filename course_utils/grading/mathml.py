"""Formulas in feedback pages as MathML, so that they render offline, with no script.

nbconvert's markdown parser (``MarkdownWithMath``) finds the formulas of a markdown cell,
``$...$``, ``$$...$$``, ``\\begin{env}...\\end{env}``, and ``\\\\(...\\\\)``, ``\\\\[...\\\\]`` (in
the cell's source two backslashes, as nbconvert wants: markdown takes ``\\(`` for ``(``), and
leaves them as LaTeX for MathJax, which it loads from a CDN. :func:`markdown2html` is the
same filter with :class:`MathMLRenderer`, which writes each formula as MathML
(``latex2mathml``); browsers render MathML natively. So:

- code spans, code blocks and escaped dollars (``\\$``) are never formulas (the parser's rules);
- a formula latex2mathml cannot convert stays as its LaTeX text, delimiters included;
- ``$...$`` follows pandoc's rule, so that prose about money stays prose: the opening ``$``
  has a non-space right after it, the closing one a non-space right before it and no digit
  right after it, and there is no ``$`` in between ("$5 and $10" is text, ``$x_1$`` a formula).
"""

from __future__ import annotations

import functools
import json

from jinja2 import pass_context
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath, MathInlineParser

# pandoc's rule for $...$ (module docstring); the group name is the one nbconvert parses by
MATHML = "http://www.w3.org/1998/Math/MathML"
INLINE_MATH_TEX = r"(?s:(?<![$\\])\$(?P<math_inline_tex>[^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d))"


def to_mathml(latex: str, display: bool) -> str | None:
    """``latex`` (no delimiters) as a ``<math>`` element, or None if latex2mathml cannot."""
    from latex2mathml.converter import convert
    try:
        mathml = convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 -- latex2mathml's errors share no base; any means "keep the text"
        return None
    # HTML puts <math> in MathML's namespace by itself; with xmlns, nbconvert's anchors of
    # headings (ElementTree) rename the elements ns0:math, which no browser renders
    return mathml.replace(f' xmlns="{MATHML}"', "", 1)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's renderer of markdown cells, with formulas as MathML (LaTeX if it fails)."""

    def block_math(self, body: str) -> str:
        return to_mathml(body, True) or super().block_math(body)

    def inline_math(self, body: str) -> str:
        return to_mathml(body, False) or super().inline_math(body)

    def latex_environment(self, name: str, body: str) -> str:
        return to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", True) or super().latex_environment(name, body)


class MathMLInlineParser(MathInlineParser):
    """nbconvert's inline parser with pandoc's rule for ``$...$``."""

    SPECIFICATION = {**MathInlineParser.SPECIFICATION, "inline_math_tex": INLINE_MATH_TEX}


def render(source: str, **renderer_options) -> str:
    """A markdown cell's ``source`` as HTML, its formulas as MathML."""
    renderer = MathMLRenderer(escape=False, **renderer_options)
    return MarkdownWithMath(renderer=renderer, inline=MathMLInlineParser(hard_wrap=False)).render(source)


@pass_context
def markdown2html(context, source: str) -> str:
    """The ``markdown2html`` filter of nbconvert's HTMLExporter (with its default options),
    formulas as MathML: ``HTMLExporter.filters = {"markdown2html": markdown2html}``.
    Remembered per source and attachments: the instructor's cells read the same on every
    student's page. (nbconvert's renderer reads the notebook's folder, ``path``, only to
    embed images, which these options leave off.)"""
    attachments = context.get("cell", {}).get("attachments", {})
    return _rendered(source, json.dumps(attachments, sort_keys=True))


@functools.lru_cache(maxsize=4096)
def _rendered(source: str, attachments: str) -> str:
    return render(source, attachments=json.loads(attachments))
