"""Which exercises each experiment cell of a course notebook depends on (static analysis).

An experiment or plot cell that uses a student's function, directly or through what an
earlier experiment cell defined, must start with ``needs(name="<exercise number>", ...)``
(course_utils.runtime.needs) naming exactly those exercises; tests/test_students.py checks
it for every notebook and prints the line to add. The exercise number of a solution cell
is the last ``### Exercise N.M`` heading above it (or the number of the section it is in, as
``## 9. Capstone``). What a test cell defines (the capstone's results, which a plot shows)
depends on the exercise it tests.
"""

from __future__ import annotations

import ast
import re
import symtable
from dataclasses import dataclass, field

from course_utils import cells

# "### Exercise 2.1 — ..." (or a section of its own, "## 9. Capstone — ...")
HEADING_RE = re.compile(r"^#+\s*(?:Exercise\s+)?(\d+(?:\.\d+)*)\.?\s", re.M)


def _bound(source: str) -> set[str]:
    """The names a cell binds at its top level (assignments, defs, classes, imports, loops)."""
    table = symtable.symtable(source, "<cell>", "exec")
    return {s.get_name() for s in table.get_symbols()
            if s.is_assigned() or s.is_imported() or s.is_namespace()}


def _global_uses(source: str) -> set[str]:
    """The global names a cell reads, in its top level or inside its functions and classes."""
    used = set()

    def visit(table):
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table.get_type() == "module" or symbol.is_global()):
                used.add(symbol.get_name())
        for child in table.get_children():
            visit(child)

    visit(symtable.symtable(source, "<cell>", "exec"))
    return used


def _source(cell) -> str:
    # IPython magics never appear in these notebooks (solutions/README.md); keep the parse plain
    return cell.source


@dataclass
class CellNeeds:
    index: int
    needs: dict[str, str] = field(default_factory=dict)      # student name -> exercise number
    declared: dict[str, str] = field(default_factory=dict)   # what its needs(...) line says


def exercise_numbers(nb) -> dict[str, str]:
    """Every name a solution cell defines -> the number of its exercise ("2.1")."""
    numbers, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = HEADING_RE.findall(cell.source)
            current = found[-1] if found else current
        elif cells.is_solution_cell(cell) and current is not None:
            for name in _bound(_source(cell)):
                numbers[name] = current
    return numbers


def declared_needs(source: str) -> dict[str, str]:
    """The keyword arguments of the cell's ``needs(...)`` call(s)."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "needs":
            found.update({kw.arg: kw.value.value for kw in node.keywords
                          if isinstance(kw.value, ast.Constant)})
    return found


def experiment_needs(nb) -> list[CellNeeds]:
    """For every plain code cell after the first exercise: the exercises it depends on."""
    numbers = exercise_numbers(nb)
    first = next(i for i, c in enumerate(nb.cells) if cells.is_solution_cell(c) or cells.is_test_cell(c))
    definer: dict[str, object] = {}           # name -> "solution" | "setup" | CellNeeds of an experiment
    result = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if i < first or cells.meta(cell).get("locked") and not cells.is_test_cell(cell):
            kind = "setup"
        elif cells.is_solution_cell(cell):
            kind = "solution"
        elif cells.is_test_cell(cell):
            kind = "test"
        else:
            kind = "experiment"
        if kind == "test":
            tested = set()
            for j in range(i - 1, first - 1, -1):
                if cells.is_test_cell(nb.cells[j]):
                    break
                if cells.is_solution_cell(nb.cells[j]) and nb.cells[j].cell_type == "code":
                    tested |= _bound(_source(nb.cells[j]))
            item = CellNeeds(i, needs={n: numbers[n] for n in tested if n in numbers})
            for name in _bound(_source(cell)):
                definer[name] = item
            continue
        if kind == "experiment":
            item = CellNeeds(i, declared=declared_needs(cell.source))
            bound = _bound(_source(cell))
            for name in sorted(_global_uses(_source(cell)) - bound):
                source_of_name = definer.get(name)
                if source_of_name == "solution" and name in numbers:
                    item.needs[name] = numbers[name]
                elif isinstance(source_of_name, CellNeeds):
                    item.needs.update(source_of_name.needs)
            result.append(item)
            for name in bound:
                definer[name] = item
        else:
            for name in _bound(_source(cell)):
                definer[name] = kind
    return result


def needs_line(needs: dict[str, str], width: int = 100) -> str:
    """The guard line(s) for these needs, ordered by exercise number, then name, wrapped at
    ``width`` characters."""
    ordered = sorted(needs.items(), key=lambda kv: ([int(p) for p in kv[1].split(".")], kv[0]))
    lines, line = [], "needs("
    for k, (name, number) in enumerate(ordered):
        item = f'{name}="{number}"' + (")" if k == len(ordered) - 1 else ",")
        if len(line) + 1 + len(item) > width and line.strip() != "needs(":
            lines.append(line)
            line = " " * len("needs(")
        line += ("" if line.endswith("(") or not line.strip() else " ") + item
    return "\n".join(lines + [line])


def unexplained_errors(nb) -> list[str]:
    """The errors of an executed blank (unfinished) notebook that do not name the exercise to
    finish. Allowed: ``NotImplementedError`` in an exercise's own cell; ``NotAttempted`` from a
    test cell, naming its exercise; everywhere else ``Unfinished`` from ``needs(...)``, one
    line naming exercises ("finish Exercise 2.1 `dropout_forward` first ...")."""
    numbers = exercise_numbers(nb)
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            ename, evalue = out.get("ename"), out.get("evalue", "")
            if cells.is_solution_cell(cell) and ename == "NotImplementedError":
                continue
            if cells.is_test_cell(cell):
                names = cells.exercise_names(cell.source)
                if ename == "NotAttempted" and any(evalue.startswith(f"{n}: ") for n in names):
                    continue
            elif ename == "Unfinished" and len(out.get("traceback", [])) == 1:
                named = re.findall(r"`(\w+)`", evalue)
                if re.search(r"finish Exercise \d", evalue) and named and all(n in numbers for n in named):
                    continue
            problems.append(f"cell {i} shows {ename}: {evalue[:300]}")
    return problems


WIDGET = "application/vnd.jupyter.widget-view+json"


def stopped_cells(nb) -> list[int]:
    """The experiment cells (no nbgrader metadata) of an executed notebook that stopped with
    ``Unfinished`` from ``needs(...)``."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not cells.meta(c)
            and any(o.get("ename") == "Unfinished" for o in c.get("outputs", []))]


def stopped_cell_problems(nb) -> list[str]:
    """What a student would see wrong in the cells that stopped for an unfinished exercise:
    each must show one red line naming the exercise to finish and nothing drawn. JupyterLab
    shows an error and a stderr stream alike (red text), so together there must be one, in
    one line (tests/browser/test_release_notebooks.py checks the screen for one notebook)."""
    problems = []
    for i in stopped_cells(nb):
        outputs = nb.cells[i].get("outputs", [])
        red = [o for o in outputs if o.get("output_type") == "error"
               or (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        shown = "\n".join("\n".join(o.get("traceback", [])) if o.get("output_type") == "error"
                           else o.get("text", "") for o in red)
        if len(red) != 1 or "\n" in shown.strip() or "finish Exercise" not in shown:
            problems.append(f"cell {i} shows {shown[:300]!r}, not one line naming the exercise to finish")
        if any("image/png" in o.get("data", {}) or WIDGET in o.get("data", {}) for o in outputs):
            problems.append(f"cell {i} stopped for an unfinished exercise but shows a figure")
    return problems
