"""Students' feedback pages: the ones ``course autograde`` writes, and ``course feedback``,
which writes them again from the course gradebook (so with the written answers' points and
the comments given in formgrader) and hands them out.

A page is nbgrader's own feedback (its ``GenerateFeedback`` converter, on a course
directory) in the course's template (templates/course_feedback), then :func:`finish`:

- ONE header, :func:`summary_html`: the total, each exercise's points, each written answer's
  points once graded by hand and "not graded yet" before (never 0), the late penalty
  (as ``course grades`` computes it), the status; nbgrader's own header is left out;
- long lines wrap (``white-space: pre-wrap``);
- formulas as MathML (mathml.py), which browsers render natively, and no MathJax (nbconvert
  loads it from a CDN): the page needs no script and no network.

``course feedback --assignment NAME`` (:func:`feedback`) writes nbgrader's layout,
``<course_dir>/feedback/<student>/<NAME>/<NAME>.html``, and then

- ``--exchange DIR``: releases it with nbgrader's ``release_feedback`` into that exchange;
  students run ``nbgrader fetch_feedback NAME``. Only submissions that came through the
  exchange can be fetched (nbgrader matches them by their ``submission_secret.txt``);
- ``--out DIR``: copies it into one flat folder for an LMS' bulk upload, named by
  :func:`upload_name`, plus ``DIR/<NAME>_feedback.zip`` of it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from jinja2 import pass_context
from nbgrader.converters import GenerateFeedback
from nbgrader.preprocessors import GetGrades

from ..cells import exercises, read_notebook
from ..course import CourseError, source_path
from .final import not_graded_yet
from .mathml import markdown2html
from .pagesoup import FeedbackExporter

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "course_feedback"
NOT_GRADED = "not graded yet"
LMS_NAMING = ("plain", "canvas", "moodle")
HANDED_IN = ("timestamp.txt", "submission_secret.txt")    # what release_feedback reads
MATHJAX = re.compile(r"<!-- Load(?:ing)? mathjax.*?<!-- End of mathjax configuration -->", re.S | re.I)
STYLE = """<style type="text/css">
div.output_area pre, div.output_subarea pre, div.input_area pre, .rendered_html pre {
  white-space: pre-wrap; overflow-wrap: anywhere; }
.rendered_html code, span.math { white-space: pre-wrap; }
</style>
"""


class FeedbackGrades(GetGrades):
    """nbgrader's GetGrades, except that a cell graded by hand that nobody has graded yet
    gets the score None (the template says "not graded yet"), not nbgrader's 0."""

    def _get_score(self, cell, resources) -> None:
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        cell.metadata.nbgrader["score"] = None if not_graded_yet(grade) else grade.score
        cell.metadata.nbgrader["points"] = grade.max_score


def generate(api, name: str, student: str, app=None) -> dict:
    """nbgrader's generate_feedback for one student, in the course's template (nbgrader's API
    would force its own), formulas as MathML and with FeedbackGrades for GetGrades; returns
    nbgrader's result dict (``success``, ``log``, ``error``). ``app``: a :func:`feedback_app`
    of ``api`` to reuse (None: a new one)."""
    from nbgrader.utils import capture_log, temp_attrs

    app = app or feedback_app(api)
    with temp_attrs(api.coursedir, assignment_id=name, student_id=student):
        return capture_log(app)


class _FeedbackKeepingExporter(GenerateFeedback):
    """GenerateFeedback that makes its HTMLExporter (with its compiled jinja templates
    and preprocessors) and writer on its first run and keeps them for the next students,
    as one ``nbgrader generate_feedback`` run does for all of them; the rest is
    nbgrader's ``BaseConverter.start``."""

    started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            return super().start()
        self.init_notebooks()
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(here)


@pass_context
def highlight_code(context, source: str, language: str | None = None, metadata=None) -> str:
    """nbconvert's ``highlight_code`` filter of HTMLExporter (its Highlight2HTML with the
    notebook's pygments lexer, as HTMLExporter picks it), remembered per source: the
    instructor's cells read the same on every student's page, and pygments costs about a
    quarter of a page. Of a cell's metadata (scores differ) the highlighter reads only
    ``magics_language``."""
    info = context.get("nb", {}).get("metadata", {}).get("language_info", {})
    lexer = info.get("pygments_lexer", info.get("name", None))
    return _highlighted(source, language, lexer, (metadata or {}).get("magics_language"))


@functools.lru_cache(maxsize=4096)
def _highlighted(source: str, language: str | None, lexer: str | None, magics: str | None) -> str:
    from nbconvert.filters.highlight import Highlight2HTML
    return Highlight2HTML(pygments_lexer=lexer)(source, language, {"magics_language": magics} if magics else None)


def feedback_app(api):
    """nbgrader's GenerateFeedback converter on ``api``'s course directory, configured for
    :func:`generate`; one serves every student (:class:`_FeedbackKeepingExporter`)."""
    import nbgrader
    from traitlets.config import Config

    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
    c = Config()
    c.GenerateFeedback.exporter_class = FeedbackExporter      # nbconvert's page, its last pass cell by cell
    c.HTMLExporter.template_name = TEMPLATE
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    c.HTMLExporter.filters = {"markdown2html": markdown2html,       # formulas as MathML
                              "highlight_code": highlight_code}
    app = _FeedbackKeepingExporter(coursedir=api.coursedir, parent=api)
    c.GenerateFeedback.preprocessors = [FeedbackGrades if p is GetGrades else p for p in app.preprocessors]
    # where our template finds nbgrader's ('feedback/index.html.j2') and its bootstrap.css
    c.HTMLExporter.extra_template_paths = [*app.config.HTMLExporter.extra_template_paths,
                                           str(nbgrader_templates)]
    app.update_config(c)
    app.force = True
    return app


@dataclass
class Summary:
    """What the one header of a feedback page says."""
    assignment: str
    status: str
    detail: str = ""
    # per test cell: (title, score, points, its checks: blocks.Check fields with points)
    exercises: list[tuple[str, float, float, list[dict]]] = field(default_factory=list)
    # per written answer: (grade_id, score or None when not graded yet, points, comment)
    written: list[tuple[str, float | None, float, str]] = field(default_factory=list)
    late_penalty: float = 0.0

    def html(self) -> str:
        return summary_html(self)


def summary_html(s: Summary) -> str:
    """The header of a student's feedback page: the total, then a table of the exercises (and
    under each, its checks with points and message), the written answers and the late penalty."""
    auto = sum(ex[1] for ex in s.exercises)
    auto_max = sum(ex[2] for ex in s.exercises)
    manual_max = sum(w[2] for w in s.written)
    if not s.written:
        title = f"{auto:g} / {auto_max:g} autograded points"
    elif any(w[1] is None for w in s.written):
        title = (f"{auto:g} / {auto_max:g} autograded points; written answers "
                 f"({manual_max:g} points): {NOT_GRADED}")
    else:
        manual = sum(w[1] for w in s.written)
        title = (f"{auto + manual - s.late_penalty:g} / {auto_max + manual_max:g} points "
                 f"({auto:g} autograded, {manual:g} written")
        title += f", late penalty -{s.late_penalty:g})" if s.late_penalty else ")"
    lines = []
    for name, score, points, checks in s.exercises:
        lines.append(f"<tr><td><b>{escape(name)}</b></td><td><b>{score:g} / {points:g}</b></td><td></td></tr>")
        for check in checks:
            said = "passed" if check["outcome"] == "passed" else check["message"] or check["outcome"]
            lines.append(f'<tr><td style="padding-left:2em">{escape(check["block"])}</td>'
                         f'<td>{check["points"]:.3g} / {check["max_points"]:.3g}</td>'
                         f'<td style="white-space:pre-wrap">{escape(said)}</td></tr>')
    for gid, score, points, comment in s.written:
        shown = f"{NOT_GRADED} / {points:g}" if score is None else f"{score:g} / {points:g}"
        lines.append(f"<tr><td><b>written answer {escape(gid)}</b></td><td><b>{shown}</b></td>"
                     f'<td style="white-space:pre-wrap">{escape(comment)}</td></tr>')
    if s.late_penalty:
        lines.append(f"<tr><td><b>late penalty</b></td><td><b>-{s.late_penalty:g}</b></td><td></td></tr>")
    note = f"<p>Status: <b>{escape(s.status)}</b>" + (f" ({escape(s.detail)})" if s.detail else "") + "</p>"
    rule = ("<p>Each test cell's points are split between its checks: the core checks of an exercise "
            "carry most of them, the hidden tests and the documented errors (Raises:) a smaller share.</p>")
    return ('<div style="margin:1em auto;max-width:60em;font-family:sans-serif">'
            f"<h2>{escape(s.assignment)}: {title}</h2>{note}{rule}"
            '<table border="1" cellpadding="4" style="border-collapse:collapse">'
            "<tr><th>exercise / check</th><th>points</th><th>message</th></tr>" + "".join(lines) + "</table></div>")


def finish(page: str, summary: Summary) -> str:
    """nbgrader's page with the summary on top, long lines wrapped and no MathJax (the
    formulas are MathML already)."""
    page = MATHJAX.sub("", page)
    head = page.find("</head>")
    page = page[:head] + STYLE + page[head:] if head >= 0 else STYLE + page
    at = page.find(">", page.find("<body")) + 1
    return page[:at] + summary.html() + page[at:]


# ------------------------------------------------------------------ course feedback

def from_gradebook(gb, root: Path, folder: Path, name: str, student: str, recorded: dict, plugin) -> Summary:
    """A student's :class:`Summary` from the course gradebook in ``folder``: scores per cell
    (manual overrides included), comments, each check (the results record), the status
    ``course autograde`` recorded, the late penalty of ``course grades`` (final.py)."""
    from .final import Mark, fill_mark
    from .gradebook import RESULTS
    sub = gb.find_submission(name, student)
    grades = {g.name: g for nb in sub.notebooks for g in nb.grades}
    comments = {c.name: c.manual_comment or "" for nb in sub.notebooks for c in nb.comments}
    status = recorded.get((name, student), {})
    summary = Summary(name, status.get("status", "graded"), status.get("detail", ""))
    checks = _checks(folder / RESULTS / name / f"{student}.json")
    for ex in exercises(read_notebook(source_path(root, name))):
        grade = grades.pop(ex.grade_id, None)
        summary.exercises.append((ex.title, float(grade.score) if grade else 0.0, ex.points,
                                  checks.get(ex.grade_id, [])))
    for gid, grade in grades.items():
        if grade.cell.cell_type == "markdown":
            score = None if not_graded_yet(grade) else float(grade.score)
            summary.written.append((gid, score, float(grade.max_score), comments.get(gid, "")))
    mark = Mark()
    fill_mark(mark, name, student, sub, status, plugin)
    summary.late_penalty = mark.late_penalty
    return summary


def _checks(record: Path) -> dict[str, list[dict]]:
    """test grade_id -> its checks, from a results record (Grade.results_record); {} if none."""
    import json
    try:
        return {ex["test"]: ex.get("checks", []) for ex in json.loads(record.read_text())["exercises"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


@dataclass
class Released:
    """What :func:`feedback` did: the pages written, where they went, who was left out."""
    pages: dict[str, Path] = field(default_factory=dict)       # student -> nbgrader's page
    copies: dict[str, Path] = field(default_factory=dict)      # student -> the --out file
    released: list[str] = field(default_factory=list)          # into the exchange
    not_released: dict[str, str] = field(default_factory=dict)  # student -> why not
    failed: dict[str, str] = field(default_factory=dict)       # student -> nbgrader's error


def feedback(root: Path, folder: Path, name: str, exchange: Path | None = None,
             out: Path | None = None, naming: str = "plain") -> Released:
    """Write every graded student's feedback on ``name`` from the course gradebook in
    ``folder``; release it into ``exchange`` and/or copy it into ``out`` (module docstring)."""
    from nbgrader.api import MissingEntry

    from ..course import nbgrader_api
    from .autograde import _quiet_nbgrader
    from .final import late_plugin
    from .gradebook import DATABASE, course_id, open_gradebook, settings, statuses
    from .roster import load

    if naming not in LMS_NAMING:
        raise CourseError(f"unknown naming {naming!r}; choose one of {', '.join(LMS_NAMING)}")
    if not (folder / DATABASE).is_file():
        raise CourseError(f"no gradebook in {folder}: run course autograde first (or pass --course-dir)")
    cid, done = course_id(root), Released()
    plugin, recorded = late_plugin(settings(root)), statuses(folder)

    def configure(config):
        config.CourseDirectory.course_id = cid
        if exchange is not None:
            config.Exchange.root = str(Path(exchange).resolve())

    with _quiet_nbgrader():
        api = nbgrader_api(folder, configure=configure)
        app = feedback_app(api)
        with open_gradebook(folder, cid) as gb:
            try:
                students = sorted(s.student.id for s in gb.find_assignment(name).submissions)
            except MissingEntry:
                raise CourseError(f"{name} is not in the gradebook {folder}: "
                                  f"course autograde --assignment {name} first") from None
            for student in students:
                result = generate(api, name, student, app)
                page = folder / "feedback" / student / name / f"{name}.html"
                if not result["success"] or not page.is_file():
                    done.failed[student] = (result.get("error") or "no page written").strip().splitlines()[-1]
                    continue
                summary = from_gradebook(gb, root, folder, name, student, recorded, plugin)
                page.write_text(finish(page.read_text(encoding="utf-8"), summary), encoding="utf-8")
                for extra in HANDED_IN:         # of the submission graded last (a resubmission's own)
                    handed = folder / "submitted" / student / name / extra
                    if handed.is_file():
                        shutil.copy2(handed, page.parent / extra)
                done.pages[student] = page
        if exchange is not None:
            for student, page in done.pages.items():
                if not (page.parent / "submission_secret.txt").is_file():
                    done.not_released[student] = ("handed in outside nbgrader's exchange (no "
                                                  "submission_secret.txt): hand it out with --out")
                    continue
                result = api.release_feedback(name, student)
                if result["success"]:
                    done.released.append(student)
                else:
                    done.not_released[student] = (result.get("error") or "release_feedback failed").strip()[-300:]
    if out is not None:
        roster = load(folder, cid)
        people = {s["id"]: s for s in roster.students} if roster else {}
        done.copies = copy_for_upload(done.pages, Path(out), name, naming, people)
    return done


def upload_name(student: str, name: str, naming: str, person: dict | None) -> str:
    """The file name of a student's page in ``--out`` (README, "Feedback back to students").

    - ``plain``: ``<student>_<NAME>_feedback.html``;
    - ``moodle``: ``<First Last>_<lms_user_id>_assignsubmission_file_<NAME>_feedback.html``, the
      prefix of Moodle's own download names, by which "Upload multiple feedback files in a
      zip" finds the participant;
    - ``canvas``: ``<student>_<lms_user_id>_<NAME>_feedback.html``, Canvas' download prefix
      (login, user id).

    ``canvas`` and ``moodle`` need the student's ``lms_user_id`` in the roster.
    """
    if naming == "plain":
        return f"{student}_{name}_feedback.html"
    lms_id = (person or {}).get("lms_user_id", "")
    if not lms_id:
        raise CourseError(f"no LMS id for {student!r} in the roster: --naming {naming} names files by it "
                          "(course roster import FILE.csv with an lms_user_id column, or --naming plain)")
    if naming == "moodle":
        full = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip() or student
        return f"{full}_{lms_id}_assignsubmission_file_{name}_feedback.html"
    return f"{student}_{lms_id}_{name}_feedback.html"


def copy_for_upload(pages: dict[str, Path], out: Path, name: str, naming: str,
                    people: dict[str, dict]) -> dict[str, Path]:
    """Copy each page into ``out`` under :func:`upload_name`, and zip them for the upload."""
    names = {student: upload_name(student, name, naming, people.get(student)) for student in pages}
    out.mkdir(parents=True, exist_ok=True)
    copies = {}
    for student, page in pages.items():
        copies[student] = out / names[student]
        shutil.copy2(page, copies[student])
    archive = out / f"{name}_feedback.zip"
    import zipfile
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in copies.values():
            z.write(path, path.name)
    return copies
