"""Reading the structure of an nbgrader notebook: exercises, their solution and test cells.

Conventions of this course (the notebooks follow them, the tools rely on them):

- a *solution cell* (``nbgrader.solution`` true, not graded) holds one student function
  (a forward/backward pair may share a cell) or one block of answers;
- it is followed by its *test cell* (``nbgrader.grade`` true, a code cell, with points)
  whose checks run inside ``with exercise("<function name>"):`` blocks;
- a *multiple-choice question*'s test cell runs inside ``with question("<question n.m>"):``
  instead: its visible part checks only the answer's format, so a pass there is "answer
  recorded", never "passed";
- a *written answer* is a markdown cell that is both solution and grade (graded by hand).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

EXERCISE_RE = re.compile(r"""\b(exercise|question)\(\s*["']([^"']+)["']""")


class NotebookError(ValueError):
    """The file is not a readable, valid Jupyter notebook."""


def read_notebook(path) -> "nbformat.NotebookNode":  # noqa: F821 -- imported below, when needed
    """Read and validate a notebook, raising :class:`NotebookError` with the reason."""
    # Imported here: nbformat brings jsonschema, several seconds to import in this environment,
    # which the notebooks' progress cell (read_saved) must not pay.
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"{path}: no such file")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 -- json, schema and encoding errors all mean 'not a notebook'
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise NotebookError(f"{path.name} is not a valid notebook: {first_line}") from None
    return nb


class Node(dict):
    """A dict whose keys are also attributes (``cell.source``), like nbformat's NotebookNode."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def _node(value):
    if isinstance(value, dict):
        node = Node((k, _node(v)) for k, v in value.items())
        if isinstance(node.get("source"), list):
            node["source"] = "".join(node["source"])
        return node
    if isinstance(value, list):
        return [_node(v) for v in value]
    return value


def read_saved(path) -> Node:
    """A notebook as saved, read as plain JSON, without nbformat's validation: quick, for
    reading the outputs of a student's notebooks (``course progress --saved``, the
    notebooks' progress cell). Raises :class:`NotebookError` if it is not a notebook."""
    path = Path(path)
    try:
        nb = _node(json.loads(path.read_text(encoding="utf-8")))
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except (OSError, ValueError) as err:
        raise NotebookError(f"{path.name} is not a valid notebook: {err}") from None
    return nb


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    m = meta(cell)
    return cell.cell_type == "code" and m.get("grade", False) and not m.get("solution", False)


def is_solution_cell(cell) -> bool:
    m = meta(cell)
    return m.get("solution", False) and not m.get("grade", False)


def is_written_answer(cell) -> bool:
    m = meta(cell)
    return m.get("solution", False) and m.get("grade", False)


def setup_sources(nb) -> list[str]:
    """The setup cells' code: the code cells before the first exercise (imports, provided
    helpers). Test cells may rely on these and on the solution cells, nothing else."""
    return [c.source for c in nb.cells[:_first_exercise(nb)] if c.cell_type == "code"]


def _first_exercise(nb) -> int:
    return next((i for i, c in enumerate(nb.cells) if is_solution_cell(c) or is_test_cell(c)),
                len(nb.cells))


def experiment_sources(nb) -> list[str]:
    """The instructor's other code cells: after the first exercise, neither a solution nor
    a test (experiments, plots, the progress cell). No test depends on them."""
    return [c.source for c in nb.cells[_first_exercise(nb):]
            if c.cell_type == "code" and not is_solution_cell(c) and not is_test_cell(c)
            and not is_written_answer(c)]


def solution_sources(nb) -> list[str]:
    """The code of every solution cell (the student's answers), in order."""
    return [c.source for c in nb.cells if is_solution_cell(c) and c.cell_type == "code"]


def exercise_names(source: str) -> list[str]:
    """The exercise names a test cell checks (``exercise(...)`` and ``question(...)``
    blocks), in order, without repeats."""
    return list(dict.fromkeys(name for _, name in EXERCISE_RE.findall(source)))


WEIGHTS = {"core": 6, "hidden": 2, "raises": 1, "question": 1}
_TAGS_RE = re.compile(r"\s*\(([^()]*)\)\s*$")


def block_parts(name: str) -> tuple[str, set[str]]:
    """``"adam (raises, hidden)"`` -> ``("adam", {"raises", "hidden"})``."""
    match = _TAGS_RE.search(name)
    if not match:
        return name, set()
    return name[:match.start()], {tag.strip() for tag in match.group(1).split(",") if tag.strip()}


def block_weight(kind: str, name: str) -> int:
    """The weight of one ``with exercise(name)`` / ``with question(name)`` block in its
    test cell's points (see :data:`WEIGHTS`): a question 1; a block tagged ``(raises)``
    (a documented ``Raises:`` clause) 1; ``(hidden)`` 2; the core, visible block 6."""
    tags = block_parts(name)[1]
    if kind == "question":
        return WEIGHTS["question"]
    if "raises" in tags:
        return WEIGHTS["raises"]
    return WEIGHTS["hidden"] if "hidden" in tags else WEIGHTS["core"]


def block_weights(source: str) -> list[tuple[str, float]]:
    """``(block name, weight)`` of every ``exercise(...)`` / ``question(...)`` block of a
    test cell, in order; a cell's points are split between its blocks in proportion."""
    return [(name, float(block_weight(kind, name))) for kind, name in EXERCISE_RE.findall(source)]


def block_points(source: str, points: float) -> list[tuple[str, float]]:
    """``(block name, points)``: the cell's ``points`` split between its blocks by weight
    (empty for a cell without blocks: nbgrader grades it all or nothing)."""
    weights = block_weights(source)
    total = sum(w for _, w in weights)
    return [(name, points * w / total) for name, w in weights] if total else []


def is_format_only(source: str) -> bool:
    """True for the test cell of a multiple-choice question: every block it runs outside
    the hidden tests is a ``question(...)``, whose visible checks see only the format."""
    visible = source.split("### BEGIN HIDDEN TESTS")[0]
    kinds = {kind for kind, _ in EXERCISE_RE.findall(visible)}
    return kinds == {"question"}


@dataclass
class Exercise:
    """One autograded test cell and the solution cells it grades."""
    grade_id: str
    names: list[str]
    points: float
    test_index: int
    solution_indices: list[int] = field(default_factory=list)
    format_only: bool = False    # a multiple-choice question: a pass is "answer recorded"

    @property
    def title(self) -> str:
        shown = [n for n in self.names if not block_parts(n)[1]]     # not "(hidden)", "(raises)"
        return " / ".join(shown) if shown else self.grade_id


def exercises(nb) -> list[Exercise]:
    """The autograded exercises of a notebook, in order."""
    found, pending = [], []
    for i, cell in enumerate(nb.cells):
        if is_solution_cell(cell) and cell.cell_type == "code":
            pending.append(i)
        elif is_test_cell(cell):
            m = meta(cell)
            found.append(Exercise(m.get("grade_id", f"cell-{i}"), exercise_names(cell.source),
                                  float(m.get("points", 0)), i, pending,
                                  is_format_only(cell.source)))
            pending = []
    return found


def written_answers(nb) -> list[tuple[str, float]]:
    """``(grade_id, points)`` of the manually graded answers."""
    return [(meta(c).get("grade_id", "?"), float(meta(c).get("points", 0)))
            for c in nb.cells if is_written_answer(c)]


def fill_in(release, source):
    """The release notebook as a perfect student hands it in: every solution cell (and
    written answer) holds the instructor's solution, without the solution markers; every
    other cell is the release's. Used to test and benchmark grading like a real submission."""
    import copy
    solutions = {meta(c).get("grade_id"): c for c in source.cells if meta(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        answer = solutions.get(meta(cell).get("grade_id")) if meta(cell).get("solution") else None
        if answer is not None:
            cell.source = "\n".join(line for line in answer.source.splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return nb
