"""What every notebook gives a student working alone (static checks of the source notebooks;
the release is generated from them, tests/test_pipeline.py checks it is up to date):

- 1-3 progressive hints after every exercise's test cell, each opening only after the one
  before, never showing a line of the solution; a multiple-choice question's last hint
  explains the right choice;
- a multiple-choice question's visible test is a ``question(...)`` block (it checks the
  format only, so it says "answer recorded", never ✓);
- every experiment cell that uses the student's code starts with ``needs(...)`` naming
  exactly the exercises it depends on (tests/notebook_deps.py);
- the first code cell installs the course package where it is missing (Colab), from the
  repository the README's links point at; the last cell shows the course progress.
"""

from __future__ import annotations

import ast
import re
import tomllib
from html.parser import HTMLParser

import pytest

from course_utils import cells
from tests.conftest import ASSIGNMENTS, ROOT, source_of
from tests.notebook_deps import exercise_numbers, experiment_needs, needs_line, stopped_cell_problems, stopped_cells

HINT_RE = re.compile(r"<summary><b>Hint (\d+)</b>")
MIN_SOLUTION_LINE = 15          # characters (without spaces) of a solution line a hint must not contain


def repository_url() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def install_cell() -> str:
    """The first code cell of every notebook (Colab installs course_utils with it)."""
    return f'''# On Colab (or any Python without the course package) this cell installs it from the course's
# repository. Locally, on Binder and while grading, course_utils is already there: nothing happens.
import importlib.util

if importlib.util.find_spec("course_utils") is None:
    import os
    import subprocess
    import sys

    REPOSITORY = "{repository_url()}"
    source = os.environ.get("COURSE_INSTALL_SOURCE", f"git+{{REPOSITORY}}@main")
    print(f"Installing the course package (course_utils) from {{source}} ...")
    if subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", source]).returncode:
        raise RuntimeError(f"Could not install course_utils from {{source}} (pip says why above). "
                           "The notebook needs it: check the internet connection and run this cell again.")
    importlib.invalidate_caches()
    print("Installed: run the next cells.")'''


PROGRESS_CELL = "from course_utils.progress import show_progress\n\nshow_progress()"


def notebook(name):
    return cells.read_notebook(source_of(name))


def hint_cells(nb) -> list[tuple[cells.Exercise, object]]:
    """Each exercise with the cell right after its test cell."""
    return [(ex, nb.cells[ex.test_index + 1] if ex.test_index + 1 < len(nb.cells) else None)
            for ex in cells.exercises(nb)]


class DetailsDepth(HTMLParser):
    """The <details> nesting depth at which each "Hint N" summary opens."""

    def __init__(self):
        super().__init__()
        self.depth, self.hint_depths, self.in_summary = 0, {}, False

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.depth += 1
        self.in_summary |= tag == "summary"

    def handle_endtag(self, tag):
        if tag == "details":
            self.depth -= 1
        if tag == "summary":
            self.in_summary = False

    def handle_data(self, data):
        match = re.match(r"Hint (\d+)", data)
        if self.in_summary and match:
            self.hint_depths[int(match.group(1))] = self.depth


def solution_lines(nb, ex) -> list[str]:
    """The solution's code lines (without spaces), long enough to be telling."""
    found = []
    for i in ex.solution_indices:
        for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", nb.cells[i].source, re.S):
            for line in block.splitlines():
                code = re.sub(r"\s+", "", line.split("#")[0])
                if len(code) >= MIN_SOLUTION_LINE:
                    found.append(code)
    return found


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_exercise_has_one_to_three_hints_that_open_one_after_another(name):
    for ex, cell in hint_cells(notebook(name)):
        assert cell is not None and cell.cell_type == "markdown" and HINT_RE.search(cell.source), \
            f"{ex.grade_id}: no hints in the cell after the test cell (a markdown cell of nested <details>)"
        numbers = [int(n) for n in HINT_RE.findall(cell.source)]
        assert 1 <= len(numbers) <= 3 and numbers == list(range(1, len(numbers) + 1)), \
            f"{ex.grade_id}: hints numbered {numbers}, expected 1, 2, (3)"
        parser = DetailsDepth()
        parser.feed(cell.source)
        assert parser.hint_depths == {n: n for n in numbers}, \
            f"{ex.grade_id}: hint k must sit inside hint k-1's <details> (depths {parser.hint_depths})"
        assert parser.depth == 0, f"{ex.grade_id}: a <details> of the hints is not closed"
        assert not cells.meta(cell), f"{ex.grade_id}: the hints cell must not be an nbgrader cell"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_hints_never_show_a_line_of_the_solution(name):
    nb = notebook(name)
    for ex, cell in hint_cells(nb):
        text = re.sub(r"\s+", "", cell.source)
        shown = [line for line in solution_lines(nb, ex) if line in text]
        assert not shown, f"{ex.grade_id}: the hints show solution code: {shown}"


def test_the_solution_check_of_hints_can_fail():
    nb = notebook("04_regularization")
    ex = next(e for e in cells.exercises(nb) if e.grade_id == "test_l2_penalty")
    assert "grads={key:lam*wforkey,winparams.items()}" in solution_lines(nb, ex)


def answer_of(nb, ex) -> str:
    """The right choice of a multiple-choice question, from its solution cell."""
    tree = ast.parse(nb.cells[ex.solution_indices[0]].source)
    return next(node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_a_multiple_choice_question_is_format_only_and_its_last_hint_explains_the_answer(name):
    nb = notebook(name)
    questions = [ex for ex in cells.exercises(nb)
                 if all(re.fullmatch(r"answer_\w+", n) for i in ex.solution_indices
                        for n in top_level_names(nb.cells[i].source))]
    assert questions, f"{name}: no multiple-choice question"
    for ex in questions:
        assert ex.format_only, f"{ex.grade_id}: use `with question(...)` for the visible format check"
        last = nb.cells[ex.test_index + 1].source.split("<summary>")[-1]
        assert f"**({answer_of(nb, ex)})" in last, \
            f"{ex.grade_id}: the last hint should give and explain the right choice ({answer_of(nb, ex)})"
    assert all(not ex.format_only for ex in cells.exercises(nb) if ex not in questions)


def top_level_names(source: str) -> list[str]:
    """The names a solution cell assigns at its top level."""
    return [t.id for node in ast.parse(source).body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)] + \
        [node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


# --------------------------------------------------------------------------- Run All


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_experiment_cell_declares_the_exercises_it_needs(name):
    nb = notebook(name)
    numbers = exercise_numbers(nb)
    wrong = []
    for item in experiment_needs(nb):
        if item.declared != item.needs:
            wanted = needs_line(item.needs) if item.needs else "no needs(...) line"
            wrong.append(f"cell {item.index}: declares {item.declared}, start it with\n{wanted}")
        wrong += [f"cell {item.index}: {n} is exercise {numbers.get(n)}, not {label}"
                  for n, label in item.declared.items() if numbers.get(n) != label]
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def test_the_needs_analysis_follows_names_through_earlier_experiment_cells():
    nb = notebook("04_regularization")
    by_index = {item.index: item for item in experiment_needs(nb)}
    plot = next(i for i in by_index if 'results["early stopping"]' in nb.cells[i].source
                and "fig, axes" in nb.cells[i].source)
    # the plot uses only `results`, computed by the cell before it with four exercises
    assert by_index[plot].needs == {"l2_penalty": "1.1", "dropout_forward": "2.1",
                                    "dropout_backward": "2.1", "EarlyStopping": "4.1"}


def test_the_check_of_stopped_cells_names_what_a_student_would_see_wrong():
    """tests/test_pipeline.py's check of the cells an unfinished exercise stops, shown to fail."""
    from nbformat import v4

    from course_utils.runtime import Unfinished

    line = Unfinished("this cell uses your code: finish Exercise 2.1 `dropout_forward` first").\
        _render_traceback_()
    stop = v4.new_output("error", ename="Unfinished", evalue="finish Exercise 2.1", traceback=line)
    good = v4.new_code_cell("needs(dropout_forward='2.1')", outputs=[stop])
    two_lines = v4.new_code_cell("", outputs=[{**stop, "traceback": line + ["  File ..."]}])
    also_stderr = v4.new_code_cell("", outputs=[v4.new_output("stream", name="stderr", text="warn\n"), stop])
    drawn = v4.new_code_cell("", outputs=[v4.new_output("display_data", data={"image/png": "iVBO"}), stop])
    widget = v4.new_code_cell("", outputs=[v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}), stop])
    nb = v4.new_notebook(cells=[good, two_lines, also_stderr, drawn, widget])
    assert stopped_cells(nb) == [0, 1, 2, 3, 4]
    problems = stopped_cell_problems(nb)
    assert [p.split(" ")[1] for p in problems] == ["1", "2", "3", "4"], problems
    assert "not one line" in problems[0] and "not one line" in problems[1]
    assert "shows a figure" in problems[2] and "shows a figure" in problems[3]


# --------------------------------------------------------------------------- first and last cells


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_first_code_cell_installs_the_course_where_it_is_missing(name):
    first = next(c for c in notebook(name).cells if c.cell_type == "code")
    assert first.source == install_cell(), \
        f"{name}: the first code cell must be exactly tests/test_students.py's install_cell()"
    assert not cells.meta(first)


def test_the_install_cell_uses_the_branch_the_readme_links_open():
    readme = (ROOT / "README.md").read_text()
    branches = set(re.findall(r"colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/([\w.-]+)/", readme))
    branches |= set(re.findall(r"mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/([\w.-]+)\?", readme))
    assert branches == {"main"}, f"the README links open {branches}; the install cell installs main"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_last_cell_shows_the_progress_through_the_course(name):
    last = notebook(name).cells[-1]
    assert last.cell_type == "code" and last.source == PROGRESS_CELL
