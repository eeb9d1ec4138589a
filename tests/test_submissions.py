"""course_utils.grading.submissions: every layout an instructor collects, and bad input refused."""

import zipfile

import pytest

from course_utils.course import CourseError
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
    with pytest.raises(CourseError, match="not a usable student id"):
        collect(tmp_path / "weird", NAME, tmp_path / "work")
