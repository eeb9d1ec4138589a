"""What an LMS download's file names say: nbgrader ``zip_collect`` collector plugins.

Each class is an nbgrader ``FileNameCollectorPlugin`` (a named regular expression), so
``course autograde`` reads Canvas and Moodle downloads with them, and they work with
nbgrader itself too::

    nbgrader zip_collect 03_optimizers --collector=course_utils.grading.lms.CanvasCollector

Besides nbgrader's ``student_id`` and ``file_id`` groups, the patterns name ``lms_id`` (the
number the LMS gives the student: the roster's ``lms_id`` column maps it to a course id)
and ``late`` (Canvas puts ``LATE`` into the name of a file handed in after the due date).

- Canvas: ``<login>_[LATE_]<user id>_<submission id>_<file>.ipynb``, where a re-upload is
  ``<file> (1).ipynb`` or ``<file>-1.ipynb`` (``reupload`` is that number);
- Moodle: ``<Full Name>_<participant id>_assignsubmission_file_<file>.ipynb``, or one folder
  per student, ``<Full Name>_<participant id>_assignsubmission_file_/<file>.ipynb``.
"""

from __future__ import annotations

import re

from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

REUPLOAD = r"(?:\s?\((?P<reupload>\d+)\)|-(?P<reupload_dash>\d+))?"

CANVAS = (r"^(?:.*/)?(?P<student_id>[^/_]+)_(?:(?P<late>LATE)_)?(?P<lms_id>\d+)_(?P<submission_id>\d+)_"
          rf"(?P<file_id>[^/]+?){REUPLOAD}\.ipynb$")
MOODLE = (r"^(?:.*/)?(?P<full_name>[^/_]+)_(?P<lms_id>\d+)_assignsubmission_(?:file|onlinetext)_/?"
          rf"(?P<file_id>[^/]+?){REUPLOAD}\.ipynb$")
MOODLE_FOLDER = re.compile(r"^[^/_]+_\d+_assignsubmission_(?:file|onlinetext)_$")


class _Collector(FileNameCollectorPlugin):
    """nbgrader's collector, matching only the last parts of the path (the name the LMS
    gave), with the re-upload number folded into one ``reupload`` integer."""

    def collect(self, submitted_file: str) -> dict | None:
        info = super().collect(str(submitted_file).replace("\\", "/"))
        if info is None:
            return None
        info["reupload"] = int(info.pop("reupload_dash") or info["reupload"] or 0)
        info["late"] = bool(info.get("late"))
        if not info.get("student_id"):
            info["student_id"] = slug(info.get("full_name", ""))
        return info


class CanvasCollector(_Collector):
    """Canvas' "Download Submissions" names."""
    named_regexp = CANVAS


class MoodleCollector(_Collector):
    """Moodle's "Download all submissions" names (flat, or one folder per student)."""
    named_regexp = MOODLE


def slug(full_name: str) -> str:
    """A course id from a name when no roster maps the LMS id: ``Bob Brown`` -> ``bobbrown``
    (Canvas' own login form; accents dropped: ``Ana María`` -> ``anamaria``)."""
    import unicodedata
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_name.lower())


COLLECTORS = (("Canvas", CanvasCollector), ("Moodle", MoodleCollector))


def parse(relative_name: str) -> tuple[str, dict] | None:
    """``(lms, info)`` for a file name an LMS wrote, or None when no pattern matches.

    ``info`` holds ``student_id``, ``file_id``, ``lms_id``, ``late`` and ``reupload``.
    """
    import logging
    quiet = logging.getLogger("course_utils.lms")
    quiet.setLevel(logging.ERROR)   # nbgrader warns on every name that does not match
    for lms, collector in COLLECTORS:
        info = collector(log=quiet).collect(relative_name)
        if info is not None:
            return lms, info
    return None
