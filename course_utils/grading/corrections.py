"""A mid-term correction in the course gradebook (gradebook.py).

nbgrader refuses to add cells to an assignment that already has submissions in its
gradebook ("Cannot add or remove cells ... because there are submissions"). When the
source of an assignment changed after submissions were recorded, :func:`add_cells`
does what nbgrader's set-up would: it generates the new version in a scratch course,
then adds its new cells to the course gradebook through nbgrader's API, with an empty
grade (and comment) for every submission recorded so far, and updates the changed ones.
Grading those submissions again (``course autograde``) scores the new cells. Cells
removed from the source are refused: nbgrader's gradebook cannot drop them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..course import CourseError, nbgrader_api, release_path, scratch_course

KINDS = ("grade_cells", "solution_cells", "task_cells", "source_cells")


def _names(notebook, kind: str) -> set[str]:
    return {cell.name for cell in getattr(notebook, kind)}


def add_cells(root: Path, name: str, folder: Path, gb) -> list[str]:
    """Bring the course gradebook ``gb`` (in ``folder``) to the current source of ``name``;
    return the names of the cells added."""
    from nbgrader.api import Comment, Grade, Gradebook

    from .autograde import _quiet_nbgrader
    from .gradebook import DATABASE
    with tempfile.TemporaryDirectory(prefix="course-correction-") as tmp:
        work = scratch_course(root, name, Path(tmp))
        with _quiet_nbgrader():
            result = nbgrader_api(work).generate_assignment(name)
        if not result["success"]:
            raise CourseError(f"nbgrader could not generate {name}:\n{result.get('error', '')}")
        with Gradebook(f"sqlite:///{work / DATABASE}", course_id=gb.course_id) as new:
            fresh, old = new.find_notebook(name, name), gb.find_notebook(name, name)
            gone = sorted(set().union(*(_names(old, k) - _names(fresh, k) for k in KINDS)))
            if gone:
                raise CourseError(f"{name}: cell(s) {', '.join(gone)} were removed from the source after "
                                  f"submissions were recorded in {folder}; nbgrader's gradebook cannot drop "
                                  "them: put them back, or use a new --course-dir")
            added = {k: _names(fresh, k) - _names(old, k) for k in KINDS}
            for cell in fresh.grade_cells:
                gb.update_or_create_grade_cell(cell.name, name, name, max_score=cell.max_score,
                                               cell_type=cell.cell_type)
            for cell in fresh.solution_cells:
                gb.update_or_create_solution_cell(cell.name, name, name)
            for cell in fresh.task_cells:
                gb.update_or_create_task_cell(cell.name, name, name, max_score=cell.max_score,
                                              cell_type=cell.cell_type)
            for cell in fresh.source_cells:
                gb.update_or_create_source_cell(cell.name, name, name, cell_type=cell.cell_type,
                                                locked=cell.locked, source=cell.source, checksum=cell.checksum)
        notebook = gb.find_notebook(name, name)
        cells = {c.name: c for c in notebook.grade_cells + notebook.task_cells}
        answers = {c.name: c for c in notebook.solution_cells + notebook.task_cells}
        for submitted in notebook.submissions:
            for cell in sorted(added["grade_cells"] | added["task_cells"]):
                gb.db.add(Grade(cell_id=cells[cell].id, notebook=submitted))
            for cell in sorted(added["solution_cells"] | added["task_cells"]):
                gb.db.add(Comment(cell_id=answers[cell].id, notebook=submitted))
        gb.db.commit()
        shutil.copytree(release_path(work, name).parent, release_path(folder, name).parent, dirs_exist_ok=True)
    scratch_course(root, name, folder)
    return sorted(added["grade_cells"] | added["solution_cells"] | added["task_cells"])
