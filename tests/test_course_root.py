"""Every `course` command says which course root it uses, and refuses a --root that is not
a course."""

import pytest

from course_utils import cli
from course_utils.course import CourseError, command_root
from tests.conftest import ROOT


def test_a_given_root_must_be_a_course(tmp_path, capsys):
    (tmp_path / "nbgrader_config.py").write_text("")              # no solutions/: not a course
    with pytest.raises(CourseError, match="is not a course"):
        command_root(tmp_path)
    assert command_root(ROOT) == ROOT
    assert f"course root: {ROOT} (given with --root)" in capsys.readouterr().err


def test_the_root_found_from_here_or_the_installed_one_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "solutions")
    assert command_root() == ROOT
    assert "(found from the current folder)" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    command_root()
    assert f"no course in {tmp_path.resolve()} or above it" in capsys.readouterr().err


def test_commands_refuse_a_root_that_is_not_a_course(tmp_path, capsys):
    for argv in (["release", "--root", str(tmp_path)],
                 ["grades", "--out", str(tmp_path / "f.csv"), "--root", str(tmp_path)],
                 ["roster", "import", str(tmp_path / "r.csv"), "--root", str(tmp_path)],
                 ["autograde", str(tmp_path), "--assignment", "01_backprop", "--out", str(tmp_path / "o"),
                  "--root", str(tmp_path)]):
        assert cli.main(argv) == 2
        assert "is not a course" in capsys.readouterr().err
