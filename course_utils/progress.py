"""``course progress`` and the last cell of every notebook: every exercise of the course as
passed, failed or not attempted, read from the student's own notebooks.

The verdicts are ``course check``'s (:func:`course_utils.selfcheck.grade_results`), taken
either from the notebooks run afresh with their visible tests (the ``course progress``
command) or from the outputs they were last saved with (the notebook cell, which answers at
once and starts no kernel; ``course progress --saved`` does the same in a terminal).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cells import NotebookError, read_notebook, read_saved
from .course import CourseError, assignments, find_root
from .runtime import is_grading
from .selfcheck import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    RECORDED,
    Result,
    all_done,
    counts,
    grade_results,
    result_lines,
    run_notebook,
)


@dataclass
class Progress:
    """One assignment: where its notebook is, and each exercise's verdict."""
    name: str
    path: Path | None
    results: list[Result] = field(default_factory=list)
    problem: str = ""        # why there are no verdicts (no notebook, not a notebook)


def notebooks_folder(start=None) -> Path | None:
    """Where the student's notebooks are: the folder above the current assignment folder
    (``notebooks/04_regularization/`` -> ``notebooks/``), else the course's notebooks/,
    else None (no course here: e.g. a single notebook opened on Colab)."""
    here = Path(start or Path.cwd()).resolve()
    if (here / f"{here.name}.ipynb").is_file():
        return here.parent
    try:
        return find_root(here) / "notebooks"
    except CourseError:
        return None


def find_notebooks(folder: Path) -> dict[str, Path | None]:
    """assignment name -> its notebook in ``folder`` (``NAME/NAME.ipynb`` or ``NAME.ipynb``),
    for every assignment of the course (None where the student has no such notebook) and
    every assignment notebook found in ``folder``."""
    folder = Path(folder)
    found = {p.parent.name: p for p in sorted(folder.glob("*/*.ipynb")) if p.stem == p.parent.name}
    for p in sorted(folder.glob("*.ipynb")):
        found.setdefault(p.stem, p)
    try:
        names = assignments(find_root(folder))
    except CourseError:
        names = []
    return {name: found.get(name) for name in sorted(set(names) | set(found))}


def collect(folder: Path, run: bool = True, timeout: int = 120, log=None) -> list[Progress]:
    """Each assignment's verdicts: from a fresh run of its visible tests (``run``), or from
    the outputs saved in the notebook."""
    progress = []
    for name, path in find_notebooks(folder).items():
        if path is None:
            progress.append(Progress(name, None, problem="no notebook"))
            continue
        try:
            nb = read_notebook(path) if run else read_saved(path)
        except NotebookError as err:
            progress.append(Progress(name, path, problem=str(err)))
            continue
        if run:
            if log:
                log(f"running the visible tests of {path} ...")
            nb = run_notebook(nb, path, timeout=timeout)
        progress.append(Progress(name, path, grade_results(nb)))
    return progress


def report(progress: list[Progress], folder: Path, saved: bool) -> str:
    source = ("as last saved (save a notebook to include its latest results)" if saved
              else "with their visible tests run now")
    lines = [f"Your progress through the course: the notebooks in {folder}, {source}.", ""]
    everything: list[Result] = []
    for item in progress:
        if item.problem:
            lines.append(f"{item.name}: {item.problem}")
            lines.append("")
            continue
        n = counts(item.results)
        recorded = f", {n[RECORDED]} answer(s) recorded" if n[RECORDED] else ""
        lines.append(f"{item.name}: {n[PASSED]} of {len(item.results)} passed, {n[FAILED]} failed, "
                     f"{n[NOT_ATTEMPTED]} not attempted{recorded}")
        shown = [Result(r.title, r.points, r.status, r.message.splitlines()[0] if r.message else "",
                        r.question) for r in item.results]
        lines += result_lines(shown, indent="  ") + [""]
        everything += item.results
    n = counts(everything)
    lines.append(f"The course: {n[PASSED]} passed, {n[FAILED]} failed, {n[NOT_ATTEMPTED]} not attempted, "
                 f"{n[RECORDED]} multiple-choice answer(s) recorded (graded when you submit), "
                 f"of {len(everything)} exercises.")
    return "\n".join(lines)


def progress_command(folder=None, saved: bool = False, timeout: int = 120) -> int:
    """``course progress [FOLDER] [--saved]``: print the report; exit code 0 when every
    exercise passed (and every question has an answer), 1 otherwise."""
    folder = Path(folder).resolve() if folder else notebooks_folder()
    if folder is None or not folder.is_dir():
        raise CourseError("no course notebooks found: run this inside the course repository, "
                          "or give the folder that holds your notebooks")
    items = collect(folder, run=not saved, timeout=timeout,
                    log=lambda text: print(text, file=sys.stderr, flush=True))
    print(report(items, folder, saved))
    done = all(not i.problem and all_done(i.results) for i in items)
    return 0 if done and items else 1


def show_progress(start=None) -> None:
    """The last cell of every notebook: the progress report from the saved notebooks.

    It starts no kernel and runs nothing. While grading it does nothing; where the
    notebooks are not on disk (a notebook opened on its own, e.g. on Colab) it says so."""
    if is_grading():
        return
    folder = notebooks_folder(start)
    if folder is None or not any(find_notebooks(folder).values()):
        print("Progress is read from your notebooks on disk, and there are none here (a notebook "
              "opened on its own, e.g. on Colab: its test cells above are your feedback). On your "
              "own machine or on Binder this cell lists every exercise of the course.")
        return
    print(report(collect(folder, run=False), folder, saved=True))
    print("\nSave this notebook (Ctrl+S) and run this cell again to include its latest results; "
          "`course progress` in a terminal runs the visible tests of every notebook afresh.")
