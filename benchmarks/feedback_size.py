"""The size of a student's feedback page, per assignment (the README states it).

    python benchmarks/feedback_size.py [ASSIGNMENT ...]

For each assignment, a full-marks submission (the solved release) is recorded in a scratch
course gradebook through nbgrader's API (no notebook runs) and ``course feedback`` writes
its page; prints the page's size and how much of it is inline CSS (nbgrader's template
inlines Bootstrap 3). A graded notebook adds its test cells' text outputs (a few kB).
"""

from __future__ import annotations

import re
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat

from course_utils import cells
from course_utils.course import assignments, release_path, source_path
from course_utils.grading import feedback, gradebook

ROOT = Path(__file__).resolve().parent.parent


def page_size(name: str) -> tuple[int, int]:
    """(bytes of the page, bytes of its <style> blocks) for a full-marks submission of ``name``."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "gradebook"
        cid = gradebook.prepare(ROOT, name, book)
        with gradebook.open_gradebook(book, cid) as gb:
            gb.update_or_create_student("ann")
            gb.add_submission(name, "ann")
            for g in gb.find_submission_notebook(name, name, "ann").grades:
                if g.cell.cell_type == "code":
                    g.auto_score = g.max_score
            gb.db.commit()
        graded = book / "autograded" / "ann" / name
        graded.mkdir(parents=True)
        solved = cells.fill_in(cells.read_notebook(release_path(ROOT, name)),
                               cells.read_notebook(source_path(ROOT, name)))
        (graded / f"{name}.ipynb").write_text(nbformat.writes(solved))
        page = feedback.feedback(ROOT, book, name).pages["ann"].read_text(encoding="utf-8")
    css = sum(len(s.encode()) for s in re.findall(r"<style[^>]*>.*?</style>", page, re.S))
    return len(page.encode()), css


def main(names: list[str]) -> None:
    warnings.filterwarnings("ignore")
    print(f"{'assignment':<22}{'page kB':>9}{'of it CSS kB':>14}")
    for name in names or assignments(ROOT):
        size, css = page_size(name)
        print(f"{name:<22}{size / 1000:>9.0f}{css / 1000:>14.0f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
