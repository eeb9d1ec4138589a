"""The class report as one self-contained HTML page (``course report``).

Everything is inside the file: the plots are PNGs embedded as base64 ``data:`` URLs, the
style is inline, there is no script and no external URL, so it opens offline and can be
e-mailed. The only links are to compare50's side-by-side views, written beside it.
Input: classreport.summarize's dict, with ``similarity`` (similarity.py) or None.
"""

from __future__ import annotations

import base64
import io
from html import escape

from .. import plotting

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; }
pre { white-space: pre-wrap; margin: 0; }
.plots img { max-width: 48%; margin-right: 1%; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5em 1em; }
.flag { background: #fde2e1; }
"""


def _png(draw, width=6.0, height=3.2) -> str:
    """An <img> of the figure ``draw(ax)`` draws, as an embedded PNG."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    try:
        draw(ax)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
    finally:
        plt.close(fig)
    title = escape(ax.get_title())
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{title}" title="{title}" src="data:image/png;base64,{data}">'


def _table(columns, rows, table_id="", classes=None) -> str:
    """An HTML table; ``rows`` hold already escaped cell HTML, numbers are right-aligned."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(f'<td class="num">{v:g}</td>' if isinstance(v, int | float) else f"<td>{v}</td>"
                        for v in row)
        body.append(f"<tr{cls}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _plots(summary) -> str:
    rows, top = summary["students"], summary["max_score"]
    graded = [r["score"] for r in rows]
    exercises = summary["exercises"]
    images = [
        _png(lambda ax: plotting.plot_histogram(graded, bins=min(20, max(5, len(graded) // 3)),
                                                value_range=(0, top) if top > 0 else None,
                                                xlabel=f"score (of {top:g} autograded points)",
                                                ylabel="submissions", title="Score distribution", ax=ax)),
        _png(lambda ax: plotting.plot_bars(summary["status_counts"], xlabel="submissions",
                                           title="Status of each submission", ax=ax)),
    ]
    if exercises:
        rates = {e["exercise"]: 100 * e["pass_rate"] for e in exercises}
        images.append(_png(lambda ax: plotting.plot_bars(rates, xlabel="submissions that passed (%)",
                                                         title="Pass rate per exercise", ax=ax, percent=True),
                           height=0.9 + 0.3 * len(rates)))
    images.append(_png(lambda ax: plotting.plot_histogram(
        [r["seconds"] for r in rows], bins=10, xlabel="seconds to grade one submission",
        ylabel="submissions", title="Grading time per submission", ax=ax)))
    return f'<div class="plots">{"".join(images)}</div>'


def _exercises(summary) -> str:
    rows = [[escape(e["exercise"]), e["max_points"], e["submissions"],
             f'{100 * e["pass_rate"]:.0f}%', round(e["mean_points"], 2),
             e["outcomes"]["failed"], e["outcomes"]["not_attempted"], e["outcomes"]["error"],
             escape(", ".join(f"{k} {n}" for k, n in e["kinds"].items()))]
            for e in summary["exercises"]]
    overview = _table(["exercise", "points", "submissions", "pass rate", "mean points", "failed",
                       "not attempted", "error", "kinds of failure"], rows, "exercises")
    mistakes = [[escape(e["exercise"]), escape(m["mistake"]), m["count"], f'{m["percent"]:.0f}%']
                for e in summary["exercises"] for m in e["mistakes"]]
    lines = [f"<li><b>{escape(e['exercise'])}</b>: {m['percent']:.0f}% {escape(m['mistake'])}</li>"
             for e in summary["exercises"] for m in e["mistakes"][:1]]
    return ("<h2>Exercises</h2>" + overview
            + "<h2>What to re-teach: named mistakes</h2>"
            + ("<p>The most common mistake of each exercise, as a share of the submissions "
               f"graded for it:</p><ul>{''.join(lines)}</ul>" if lines else "<p>No named mistake was recognised.</p>")
            + _table(["exercise", "mistake", "students", "share"], mistakes, "mistakes"))


def _exceptions(summary) -> str:
    rows = [[escape(g["exception"]), f"<pre>{escape(g['message'])}</pre>", g["count"],
             escape(", ".join(g["exercises"])), escape(", ".join(g["students"]))]
            for g in summary["exceptions"]]
    return ("<h2>Exceptions raised by students' code</h2>"
            + (_table(["exception", "message", "students", "exercises", "who"], rows, "exceptions")
               if rows else "<p>None.</p>"))


def _attention(summary) -> str:
    rows = [[escape(a["student"]), escape(a["status"]), escape(a["detail"])] for a in summary["attention"]]
    return ("<h2>Submissions that need your attention</h2>"
            + (_table(["student", "status", "detail"], rows, "attention") if rows
               else "<p>None: every submission was graded normally.</p>"))


def _students(summary) -> str:
    seconds = summary["grading_seconds"]
    rows = [[escape(r["student"]), escape(r["status"]), r["score"], r["max_score"], round(r["seconds"], 1)]
            for r in summary["students"]]
    return (f"<h2>Grading time</h2><p>{seconds['total']:.0f} s for the class "
            f"(mean {seconds['mean']:.1f} s, longest {seconds['max']:.1f} s per submission).</p>"
            + _table(["student", "status", "score", "of", "seconds"], rows, "students"))


def _similarity(similarity) -> str:
    if similarity is None:
        return "<h2>Similar submissions</h2><p>Not checked (run without --no-similarity and with --submissions).</p>"
    note = ('<p class="note"><b>A high score is a reason to look, not a verdict.</b> Short exercises '
            "have few ways to be written, so honest students share code too. Open the pair side by "
            "side (the link) and judge for yourself.</p>")
    rows, classes = [], []
    for p in similarity["pairs"]:
        a = escape(p["student_a"]) + (" (archive)" if p["archive_a"] else "")
        b = escape(p["student_b"]) + (" (archive)" if p["archive_b"] else "")
        rows.append([p["rank"], a, b, f'{p["shared"]}%', f'{p["percent_a"]}% / {p["percent_b"]}%',
                     p["score"], "yes" if p["flagged"] else "",
                     f'<a href="{escape(p["link"])}">side by side</a>'])
        classes.append("flag" if p["flagged"] else "")
    if not rows:
        rows_html = "<p>No pair to show: fewer than two readable notebooks.</p>"
    else:
        rows_html = _table(["rank", "student", "student", "shared", "a / b", "compare50 score", "flagged", "view"],
                           rows, "similarity", classes)
    skipped = (f"<p>Not compared (no readable notebook): {escape(', '.join(similarity['skipped']))}.</p>"
               if similarity["skipped"] else "")
    return ("<h2>Similar submissions (compare50)</h2>" + note
            + f"<p>{similarity['compared']} notebooks compared, answer cells only, the released "
              f"starter code left out. <i>shared</i>: the smaller of the two shares of each student's "
              f"answer code that compare50 marks as matching the other's; pairs with at least "
              f"{similarity['flag_percent']}% are flagged. <i>compare50 score</i>: its ranking "
              f"score (matching fingerprints, names and literals normalised).</p>"
            + rows_html + skipped)


def render(summary: dict) -> str:
    """The whole page, as a string."""
    n = len(summary["students"])
    counts = ", ".join(f"{c} {escape(s)}" for s, c in summary["status_counts"].items())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Class report: {escape(summary['assignment'])}</title><style>{STYLE}</style></head><body>"
            f"<h1>Class report: {escape(summary['assignment'])}</h1>"
            f"<p>{n} submission(s): {counts}. Autograded points only (written answers are graded by hand).</p>"
            + _plots(summary) + _exercises(summary) + _exceptions(summary) + _attention(summary)
            + _similarity(summary.get("similarity")) + _students(summary)
            + "</body></html>")
