"""Which submissions to look at for copying: compare50 on the students' answer cells.

We do not write a similarity algorithm: compare50 (CS50's offline checker) ranks the pairs.
This module only prepares its input and reads its output:

- each notebook's answer cells (nbgrader solution cells, code only) go to
  ``<student>/answers.py``; the released notebook's answer cells (the starter code) are
  the *distro*, which compare50 does not count as shared;
- optionally, an archive of past submissions (same layouts as ``course autograde``'s
  input), compared with this class but not with itself;
- compare50 runs in its own venv (``.venv/compare50``, made by ``make setup``; or the
  python named by ``$COURSE_COMPARE50``) as a subprocess with ``PYTHONHASHSEED`` fixed, so
  the same class gives the same output.

A high score is a reason to look at the two notebooks side by side, not a verdict.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from ..cells import NotebookError, is_solution_cell, read_saved
from ..course import CourseError, release_path
from .submissions import collect

# A pair is flagged when compare50 marks at least this share (%) of *each* student's answer
# code as matching the other's. Documented in the README; checked by tests/test_classreport.py.
FLAG_PERCENT = 50
HASH_SEED = "0"
TIMEOUT = 900
DRIVER = Path(__file__).with_name("compare50_run.py")


def answers(notebook: Path) -> str:
    """The code of a notebook's answer cells, one after another (a comment between cells).

    Raises:
        NotebookError: the file is not a notebook.
    """
    nb = read_saved(notebook)
    return "\n\n# ---- next answer cell ----\n".join(
        c.source for c in nb.cells if c.get("cell_type") == "code" and is_solution_cell(c)) + "\n"


def write_answers(notebooks: dict[str, Path | None], folder: Path) -> list[str]:
    """``folder/<student>/answers.py`` for each readable notebook; return the students
    left out (no notebook, or not a notebook)."""
    skipped = []
    for student, notebook in notebooks.items():
        try:
            text = answers(notebook) if notebook is not None else None
        except NotebookError:
            text = None
        if text is None:
            skipped.append(student)
            continue
        (folder / student).mkdir(parents=True, exist_ok=True)
        (folder / student / "answers.py").write_text(text, encoding="utf-8")
    return skipped


def compare50_python(root: Path) -> Path:
    """The python of compare50's venv, with a clear error when it is not installed."""
    python = Path(os.environ.get("COURSE_COMPARE50") or Path(root) / ".venv" / "compare50" / "bin" / "python")
    if not python.is_file():
        raise CourseError(f"compare50 is not installed ({python} is missing): run `make setup`, "
                          "or pass --no-similarity")
    return python


def similarity(root: Path, assignment: str, notebooks: dict[str, Path | None], out: Path,
               archive: Path | None = None, pairs: int = 20) -> dict:
    """Rank the most similar pairs of ``notebooks`` (student -> path) with compare50.

    Writes compare50's side-by-side views into ``out`` (``index.html``,
    ``match_<rank>.html``) and returns ``{"tool", "flag_percent", "compared", "skipped",
    "pairs": [{"rank", "student_a", "student_b", "archive_a", "archive_b", "score",
    "percent_a", "percent_b", "shared", "flagged", "link"}]}``, links relative to ``out``'s
    parent. Best first: by ``shared``, the smaller of ``percent_a`` (the share of a's answer
    code that compare50 marks as matching b's) and ``percent_b``, then by compare50's score.
    """
    if pairs < 1:
        raise CourseError(f"--pairs must be at least 1, got {pairs}")
    python = compare50_python(root)
    with tempfile.TemporaryDirectory(prefix="similarity-") as tmp:
        tmp = Path(tmp)
        (tmp / "distro").mkdir()
        (tmp / "distro" / "answers.py").write_text(answers(release_path(root, assignment)))
        (tmp / "submissions").mkdir()
        skipped = write_answers(notebooks, tmp / "submissions")
        command = [str(python), str(DRIVER), str(out), str(pairs), str(tmp / "distro"),
                   str(tmp / "submissions")]
        if archive is not None:
            past = collect(Path(archive), assignment, tmp / "unzip")
            write_answers(past, tmp / "archive")
            command.append(str(tmp / "archive"))
        for stale in [*Path(out).glob("match_*.html"), Path(out) / "index.html", Path(out) / "pairs.json"]:
            stale.unlink(missing_ok=True)          # from an earlier report into the same folder
        env = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            raise CourseError(f"compare50 failed:\n{proc.stderr.strip()[-2000:]}")
    rows = json.loads((out / "pairs.json").read_text())
    for row in rows:
        row["shared"] = min(row["percent_a"], row["percent_b"])
        row["flagged"] = row["shared"] >= FLAG_PERCENT
        row["link"] = f"{out.name}/{row['link']}"
    return {"tool": "compare50", "flag_percent": FLAG_PERCENT,
            "compared": len(notebooks) - len(skipped), "skipped": skipped, "pairs": rows}
