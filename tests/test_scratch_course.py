"""What course autograde pays once per run, and what it reuses per student, changes no
result: the scratch course prepared once (its gradebook stamped with the alembic head that
nbgrader's own `alembic heads` gives), written without fsync while the course gradebook
keeps SQLite's default; one feedback converter for every student writes the same pages as a
new one per student, and its remembered highlighting is nbconvert's."""

import os
import sqlite3
import sys
from pathlib import Path

import nbgrader.api
import pytest
from sqlalchemy import text

from course_utils.grading import autograde, feedback, gradebook
from course_utils.grading.autograde import Grader, _alembic_head_in_process, prepare_course
from tests.conftest import ROOT
from tests.test_feedback import NAME, book  # noqa: F401 -- the fixture

pytestmark = pytest.mark.nbgrader


def synchronous(db: Path) -> int:
    with nbgrader.api.Gradebook(f"sqlite:///{db}") as gb:
        return gb.db.execute(text("PRAGMA synchronous")).scalar()


def test_the_alembic_head_asked_in_process_is_nbgrader_s(monkeypatch):
    scripts = str(Path(sys.executable).parent)        # where nbgrader finds `alembic`
    monkeypatch.setenv("PATH", scripts + os.pathsep + os.environ.get("PATH", ""))
    spawned = nbgrader.api.get_alembic_version()
    with _alembic_head_in_process():
        assert nbgrader.api.get_alembic_version() == spawned
    assert nbgrader.api.get_alembic_version.__module__ == "nbgrader.api"     # put back


def test_a_prepared_course_is_copied_per_grader_and_only_its_gradebook_skips_fsync(tmp_path):
    prepared = prepare_course(ROOT, NAME, tmp_path / "prepared")
    with sqlite3.connect(prepared / "gradebook.db") as con:
        (stamp,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
    with _alembic_head_in_process():
        assert stamp == nbgrader.api.get_alembic_version()
    grader = Grader(ROOT, NAME, tmp_path / "worker", [str(tmp_path)], prepared=prepared)
    assert grader.work != prepared and (grader.work / "gradebook.db").is_file()
    with nbgrader.api.Gradebook(f"sqlite:///{grader.work / 'gradebook.db'}") as gb:
        assert [nb.name for nb in gb.find_assignment(NAME).notebooks] == [NAME]
    assert synchronous(grader.work / "gradebook.db") == 0
    other = tmp_path / "course" / "gradebook.db"      # e.g. the course gradebook
    other.parent.mkdir()
    other.write_bytes((prepared / "gradebook.db").read_bytes())
    assert synchronous(other) != 0


def test_one_feedback_converter_writes_the_pages_of_a_new_one_per_student(book):  # noqa: F811
    from course_utils.course import nbgrader_api

    def configure(config):
        config.CourseDirectory.course_id = gradebook.course_id(ROOT)

    page = book / "feedback" / "{}" / NAME / f"{NAME}.html"
    with autograde._quiet_nbgrader():
        api = nbgrader_api(book, configure=configure)
        fresh = {}
        for student in ("ann", "ben"):
            assert feedback.generate(api, NAME, student)["success"]
            fresh[student] = Path(str(page).format(student)).read_bytes()
        kept = feedback.feedback_app(api)
        for student in ("ben", "ann", "ben"):
            assert feedback.generate(api, NAME, student, kept)["success"]
            assert Path(str(page).format(student)).read_bytes() == fresh[student]
    assert fresh["ann"] != fresh["ben"]


def test_the_remembered_highlighting_is_nbconvert_s(book):  # noqa: F811
    """The page with nbconvert's own highlight_code filter (a new Highlight2HTML per page)
    is the page with the remembered one."""
    from traitlets.config import Config

    from course_utils.course import nbgrader_api

    def configure(config):
        config.CourseDirectory.course_id = gradebook.course_id(ROOT)

    page = book / "feedback" / "ben" / NAME / f"{NAME}.html"
    with autograde._quiet_nbgrader():
        api = nbgrader_api(book, configure=configure)
        assert feedback.generate(api, NAME, "ben")["success"]
        remembered = page.read_bytes()
        plain = feedback.feedback_app(api)
        c = Config()
        c.HTMLExporter.filters = {"markdown2html": feedback.markdown2html}
        plain.update_config(c)
        assert plain.config.HTMLExporter.filters == {"markdown2html": feedback.markdown2html}
        assert feedback.generate(api, NAME, "ben", plain)["success"]
    assert page.read_bytes() == remembered


def test_the_page_done_cell_by_cell_is_nbconvert_s(book):  # noqa: F811
    """The page with nbconvert's own HTMLExporter (its pass over the whole page) is the page
    with pagesoup.FeedbackExporter's (cell by cell, remembered)."""
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config

    from course_utils.course import nbgrader_api
    from course_utils.grading import pagesoup
    from course_utils.grading.pagesoup import FeedbackExporter

    def configure(config):
        config.CourseDirectory.course_id = gradebook.course_id(ROOT)

    page = book / "feedback" / "ann" / NAME / f"{NAME}.html"
    with autograde._quiet_nbgrader():
        api = nbgrader_api(book, configure=configure)
        app = feedback.feedback_app(api)
        assert app.exporter_class is FeedbackExporter
        asked = pagesoup.cell.cache_info()
        assert feedback.generate(api, NAME, "ann", app)["success"]
        now = pagesoup.cell.cache_info()
        assert now.hits + now.misses > asked.hits + asked.misses     # the page was done cell by cell
        cellwise = page.read_bytes()
        plain = feedback.feedback_app(api)
        c = Config()
        c.GenerateFeedback.exporter_class = HTMLExporter
        plain.update_config(c)
        assert feedback.generate(api, NAME, "ann", plain)["success"]
        assert plain.exporter.__class__ is HTMLExporter
    assert page.read_bytes() == cellwise
