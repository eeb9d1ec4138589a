"""Where the course lives on disk, and running nbgrader on it."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

CONFIG = "nbgrader_config.py"


class CourseError(RuntimeError):
    """A problem the person running ``course`` can fix (the message says how)."""


def find_root(start=None) -> Path:
    """The course root: the nearest folder at or above ``start`` holding nbgrader_config.py
    and solutions/ (falls back to the checkout this package was installed from)."""
    candidates = [Path(start or Path.cwd()).resolve()]
    candidates += list(candidates[0].parents)
    candidates.append(Path(__file__).resolve().parent.parent)
    for folder in candidates:
        if is_course(folder):
            return folder
    raise CourseError("no course found: run this inside the course repository "
                      "(the folder with nbgrader_config.py and solutions/), or pass --root")


def is_course(folder: Path) -> bool:
    """Whether ``folder`` is a course root: it holds nbgrader_config.py and solutions/."""
    return (Path(folder) / CONFIG).is_file() and (Path(folder) / "solutions").is_dir()


def command_root(given=None, announce=True) -> Path:
    """The course root a ``course`` command uses: ``given`` (``--root``), which must be a
    course, else the one found from the current folder (see :func:`find_root`). Says on
    stderr which root it is, and when it is the installed checkout rather than one around
    the current folder.

    Raises:
        CourseError: ``given`` is not a course, or no course is found.
    """
    if given is not None:
        root = Path(given).expanduser().resolve()
        if not is_course(root):
            raise CourseError(f"--root {given}: {root} is not a course (a course folder holds "
                              f"{CONFIG} and solutions/); give the course repository's folder")
        how = "given with --root"
    else:
        here = Path.cwd().resolve()
        root = find_root(here)
        how = ("found from the current folder" if root == here or root in here.parents else
               f"no course in {here} or above it: the checkout course_utils is installed from; "
               "pass --root to choose another")
    if announce:
        print(f"course root: {root} ({how})", file=sys.stderr)
    return root


def assignments(root: Path) -> list[str]:
    """The assignment names: the folders of solutions/ that hold a notebook of their name."""
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if source_path(root, p.name).is_file())


def check_assignment(root: Path, name: str) -> str:
    known = assignments(root)
    if name not in known:
        raise CourseError(f"unknown assignment {name!r}; the course has: {', '.join(known)}")
    return name


def source_path(root: Path, name: str, notebook: str | None = None) -> Path:
    """The nbgrader source of assignment ``name``: ``<root>/solutions/<name>/<name>.ipynb``."""
    return Path(root) / "solutions" / name / f"{notebook or name}.ipynb"


def release_path(root: Path, name: str, notebook: str | None = None) -> Path:
    """The student version of assignment ``name``: ``<root>/notebooks/<name>/<name>.ipynb``."""
    return Path(root) / "notebooks" / name / f"{notebook or name}.ipynb"


def student_notebook(given: str, start=None) -> Path:
    """The notebook a student means by ``given``: a path to a notebook (or to its folder),
    from any folder, or just the assignment's name (``04_regularization``, with or without
    ``.ipynb``, or a unique prefix such as ``04``), looked up in ``start`` (default: the
    current folder) and in the course's notebooks/.

    Raises:
        CourseError: nothing matches; the message lists where it looked and the
            assignments of the course.
    """
    here = Path(start or Path.cwd()).resolve()
    path = here / Path(given).expanduser()
    if path.is_file():
        return path
    if path.is_dir() and (path / f"{path.name}.ipynb").is_file():
        return path / f"{path.name}.ipynb"
    name = path.name.removesuffix(".ipynb")
    try:
        root = find_root(here)
    except CourseError:
        root = None
    known = assignments(root) if root else []
    matches = [a for a in known if a == name] or [a for a in known if a.startswith(name)]
    if len(matches) == 1:
        name = matches[0]
    candidates = [here / f"{name}.ipynb", here / name / f"{name}.ipynb"]
    if root is not None:
        candidates.append(release_path(root, name))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in dict.fromkeys(candidates))
    hint = f" The course's assignments: {', '.join(known)}." if known else ""
    raise CourseError(f"no notebook {given!r}: there is no such file here, and no {name}.ipynb in "
                      f"{looked}.{hint} Give the path to your .ipynb or the assignment's name.")


def nbgrader_api(work: Path, database: bool = True, configure=None):
    """nbgrader's Python API on the course directory ``work``, configured by its
    nbgrader_config.py. In-process: nbgrader's slow start-up is paid once per run.

    Args:
        database: False to generate assignments without a gradebook (a pure release).
        configure: a function that adjusts the loaded traitlets config before the API is
            built (``course autograde`` swaps in its sandboxed execution this way).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    scripts = str(Path(sys.executable).parent)    # nbgrader runs `alembic` from PATH
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    config = PyFileConfigLoader(CONFIG, path=str(work)).load_config()
    config.CourseDirectory.root = str(work)
    if not database:
        config.SaveCells.enabled = False
        config.GenerateAssignment.no_database = True
    if configure is not None:
        configure(config)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def scratch_course(root: Path, name: str, workdir: Path) -> Path:
    """A throw-away course directory in ``workdir`` with the course's config and the
    source of one assignment, so that nbgrader's gradebook and outputs never touch the
    repository."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG, workdir / CONFIG)
    shutil.copytree(source_path(root, name).parent, source_path(workdir, name).parent,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"), dirs_exist_ok=True)
    return workdir
