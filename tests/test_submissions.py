"""course_utils.grading.submissions: every layout an instructor collects, and bad input refused."""

import zipfile
from datetime import datetime

import pytest

from course_utils.course import CourseError
from course_utils.grading import lms
from course_utils.grading.submissions import collect

NAME = "01_backprop"


def make_class(folder):
    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / f"{NAME}.ipynb").write_text("{}")
    (folder / "bob").mkdir()                              # handed in nothing
    (folder / "carol.ipynb").write_text("{}")             # flat, as an LMS exports
    (folder / ".DS_Store").write_text("")
    (folder / "notes.txt").write_text("")
    return folder


def test_nested_and_flat_layouts(tmp_path):
    found = collect(make_class(tmp_path / "subs"), NAME, tmp_path / "work")
    assert sorted(found) == ["alice", "bob", "carol"]
    assert found["bob"] is None
    assert found["alice"].is_file()
    assert found["carol"].is_file()


@pytest.mark.parametrize("top", ["", "export-2026/"])
def test_zip_of_either_layout(tmp_path, top):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"{top}alice/{NAME}.ipynb", "{}")
        zf.writestr(f"{top}carol.ipynb", "{}")
        zf.writestr("__MACOSX/._carol.ipynb", "")
    found = collect(archive, NAME, tmp_path / "work")
    assert sorted(found) == ["alice", "carol"] and all(p.is_file() for p in found.values())


def test_unsafe_zip_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../outside.ipynb", "{}")
    with pytest.raises(CourseError, match="unsafe path"):
        collect(archive, NAME, tmp_path / "work")
    assert not (tmp_path / "outside.ipynb").exists()


def test_bad_inputs_have_clear_messages(tmp_path):
    not_zip = tmp_path / "class.zip"
    not_zip.write_text("nope")
    with pytest.raises(CourseError, match="not a readable zip"):
        collect(not_zip, NAME, tmp_path / "work")
    with pytest.raises(CourseError, match="expected a folder"):
        collect(tmp_path / "missing", NAME, tmp_path / "work")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CourseError, match="holds no submissions"):
        collect(tmp_path / "empty", NAME, tmp_path / "work")
    twice = make_class(tmp_path / "twice")
    (twice / "alice.ipynb").write_text("{}")
    with pytest.raises(CourseError, match="handed in twice"):
        collect(twice, NAME, tmp_path / "work")
    (tmp_path / "weird" / "bad name!").mkdir(parents=True)
    found = collect(tmp_path / "weird", NAME, tmp_path / "work")
    assert not found and found.unrecognised == [("bad name!/", found.unrecognised[0][1])]
    assert "not a usable student id" in found.unrecognised[0][1]
    (tmp_path / "stamp" / "alice" / NAME).mkdir(parents=True)
    (tmp_path / "stamp" / "alice" / NAME / "timestamp.txt").write_text("last tuesday-ish")
    with pytest.raises(CourseError, match="not a time nbgrader can read"):
        collect(tmp_path / "stamp", NAME, tmp_path / "work")


def nbgrader_collected(course):
    """What `nbgrader collect` leaves: submitted/<student>/<assignment>/ with timestamp.txt."""
    for student, stamp in [("alice", "2026-10-01 09:30:00.000000 UTC"),
                           ("bob", "2026-10-01 11:00:00+02:00")]:
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text("{}")
        (folder / "timestamp.txt").write_text(stamp)
    (course / "submitted" / "carol" / "02_initialization").mkdir(parents=True)   # other work only
    (course / "nbgrader_config.py").write_text("")
    return course


@pytest.mark.parametrize("given", ["course", "course/submitted"])
def test_nbgraders_collect_layout_with_its_timestamps(tmp_path, given):
    nbgrader_collected(tmp_path / "course")
    found = collect(tmp_path / given, NAME, tmp_path / "work")
    assert sorted(found) == ["alice", "bob", "carol"] and found["carol"] is None
    assert found["alice"] == tmp_path / "course" / "submitted" / "alice" / NAME / f"{NAME}.ipynb"
    subs = found.submissions
    assert subs["alice"].timestamp == datetime(2026, 10, 1, 9, 30)
    assert subs["bob"].timestamp == datetime(2026, 10, 1, 9, 0)          # +02:00 read as UTC
    assert subs["carol"].timestamp is None and not found.unrecognised


CANVAS = {
    "smithjohn_12345_678901_01_backprop.ipynb": ("smithjohn", "12345", False, 0),
    "doejane_LATE_12346_678902_01_backprop.ipynb": ("doejane", "12346", True, 0),
    "leeann_12347_678903_01_backprop (1).ipynb": ("leeann", "12347", False, 1),
    "kimbo_12348_678904_01_backprop-2.ipynb": ("kimbo", "12348", False, 2),
    "Bob Brown_123459_assignsubmission_file_01_backprop.ipynb": ("bobbrown", "123459", False, 0),
    "Ana María Ruiz_123460_assignsubmission_file_/01_backprop.ipynb": ("anamariaruiz", "123460", False, 0),
}


@pytest.mark.parametrize("filename", sorted(CANVAS))
def test_each_lms_file_name_is_read_by_nbgraders_collector_plugin(filename):
    system, info = lms.parse(filename)
    assert system == ("Moodle" if "assignsubmission" in filename else "Canvas")
    assert (info["student_id"], info["lms_id"], info["late"], info["reupload"]) == CANVAS[filename]
    assert info["file_id"] == NAME
    # the same plugin, as nbgrader's zip_collect calls it (an absolute path)
    collector = lms.MoodleCollector if system == "Moodle" else lms.CanvasCollector
    assert collector().collect(f"/tmp/extracted/{filename}")["file_id"] == NAME


def lms_download(folder, names):
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("{}")
    return folder


@pytest.mark.parametrize("as_zip", [False, True])
def test_canvas_and_moodle_downloads_and_unrecognised_names(tmp_path, as_zip):
    names = sorted(CANVAS) + ["leeann_12347_678903_01_backprop.ipynb",     # replaced by (1)
                              "Final version!!.ipynb", "readme.txt",
                              "Cy Dee_123461_assignsubmission_file_/essay.pdf"]   # no notebook
    source = lms_download(tmp_path / "download", names)
    if as_zip:
        archive = tmp_path / "submissions.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for name in names:
                zf.write(source / name, name)
        source = archive
    found = collect(source, NAME, tmp_path / "work")
    assert sorted(found) == sorted([v[0] for v in CANVAS.values()] + ["cydee"])
    assert found["cydee"] is None                                          # missing, not unrecognised
    assert found["leeann"].name == "leeann_12347_678903_01_backprop (1).ipynb"
    assert found.submissions["doejane"].late and not found.submissions["smithjohn"].late
    assert [f for f, _ in found.unrecognised] == ["Final version!!.ipynb"]
    assert "nor a Canvas or Moodle file name" in found.unrecognised[0][1]


def test_the_roster_maps_lms_ids_and_refuses_strangers(tmp_path):
    source = lms_download(tmp_path / "download", sorted(CANVAS))
    roster = {"12345": "s001", "123459": "s002", "12346": "s003"}
    found = collect(source, NAME, tmp_path / "work", lms_ids=roster)
    assert sorted(found) == ["s001", "s002", "s003"]
    assert found.submissions["s003"].late
    strangers = sorted(f for f, reason in found.unrecognised if "is not on the roster" in reason)
    assert len(strangers) == len(found.unrecognised) == len(CANVAS) - 3


def test_autograde_lists_an_unrecognised_file_and_grades_the_rest(tmp_path):
    """No notebook runs: bob handed in nothing, the other file matches nobody."""
    from course_utils.grading.autograde import autograde
    from course_utils.grading.contracts import Status
    from tests.conftest import ROOT
    lms_download(tmp_path / "class", ["Final version!!.ipynb"])
    (tmp_path / "class" / "bob").mkdir()
    grades = autograde(ROOT, tmp_path / "class", NAME, tmp_path / "out")
    assert [(g.student, g.status, g.score) for g in grades] == [
        ("Final version!!.ipynb", Status.UNRECOGNISED, 0.0), ("bob", Status.MISSING, 0.0)]
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert rows[1].startswith("Final version!!.ipynb,01_backprop,0,") and "unrecognised" in rows[1]


def test_the_same_class_from_canvas_and_from_moodle_maps_to_the_same_roster_ids(tmp_path):
    """Each student's notebook (its text tells them apart) reaches the same roster id."""
    roster = {"12345": "s1", "12346": "s2", "123459": "s1", "123460": "s2"}
    canvas = {"smithjohn_12345_678901_01_backprop.ipynb": "john",
              "doejane_LATE_12346_678902_01_backprop-1.ipynb": "jane"}
    moodle = {"John Smith_123459_assignsubmission_file_01_backprop.ipynb": "john",
              "Jane Doe_123460_assignsubmission_file_/01_backprop.ipynb": "jane"}
    texts = {}
    for lms_name, files in (("canvas", canvas), ("moodle", moodle)):
        archive = tmp_path / f"{lms_name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for name, text in files.items():
                zf.writestr(name, text)
        found = collect(archive, NAME, tmp_path / lms_name, lms_ids=roster)
        texts[lms_name] = {student: path.read_text() for student, path in found.items()}
        assert not found.unrecognised
    assert texts["canvas"] == texts["moodle"] == {"s1": "john", "s2": "jane"}
