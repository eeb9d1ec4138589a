"""course_utils.grading.mathml: the formulas of markdown cells as MathML in feedback pages
(they render offline, no script); what is not a formula, or cannot be converted, stays text."""

import re

from course_utils.grading.mathml import render


def maths(html: str) -> list[str]:
    """The <math> elements of ``html``."""
    return re.findall(r"<math\b.*?</math>", html, re.S)


def test_inline_and_display_math_become_mathml():
    html = render("The sigmoid $\\sigma(s)$ has\n\n$$\\frac{d\\sigma}{ds} = (1 - \\sigma)\\,\\sigma$$\n\n"
                  "and \\\\(x_1\\\\) and \\\\[y^2\\\\].")      # nbconvert's \\( \\): markdown eats one \\
    found = maths(html)
    assert len(found) == 4 and "$" not in html and "\\frac" not in html, html
    assert [('display="block"' in m) for m in found] == [False, True, False, True]
    assert "<mfrac>" in found[1] and "<msub>" in found[2] and "<msup>" in found[3]


def test_a_formula_latex2mathml_cannot_convert_stays_as_latex():
    html = render("good $x^2$, broken $\\frac{1}{$ and $$\\sqrt{$$ end")
    assert len(maths(html)) == 1
    assert "$\\frac{1}{$" in html and "$$\\sqrt{$$" in html      # the formula, not lost


def test_code_escaped_dollars_and_money_are_not_formulas():
    html = render("`$x^2$` costs \\$3, \\$4; it was $5 and $10, now $x_1$.\n\n```\n$$a^b$$\n```\n")
    assert len(maths(html)) == 1 and "<msub>" in maths(html)[0]     # only $x_1$
    assert "<code>$x^2$</code>" in html and "$$a^b$$" in html
    assert "$3, $4" in html and "it was $5 and $10, now" in html
    assert "the price is $ 5 $ today" in render("the price is $ 5 $ today")     # spaces inside: text


def test_a_formula_in_a_heading_stays_mathml():
    html = render("### Exercise 1.1 — $f(x, y) = (x + y)\\,z$\n")
    assert "<math display=\"inline\">" in html and "ns0:" not in html and "$" not in html, html
