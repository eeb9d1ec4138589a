"""Run an assignment's own test cells in-process, against the solution or a variant of it.

This is how the project proves that its autograder tests discriminate: for each student
function, ``tests/variants/<assignment>.py`` registers realistic wrong implementations and
correct ones written in another style; :class:`NotebookTests` executes the notebook's
setup and solution cells, swaps one function (or answer) for the variant, then runs the
very test cells nbgrader runs and reports which ones passed. One process, milliseconds
per variant, instead of one nbgrader run per variant.

Notebook convention this relies on: a test cell depends only on the setup cells (the code
cells before the first exercise) and on the solution cells, never on experiment cells.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import sys
import textwrap
import types
from dataclasses import dataclass, field

from course_utils import cells
from course_utils.grading import blocks
from course_utils.grading.guard import code_objects
from course_utils.grading.sandboxed_execute import defined_names
from tests.conftest import release_of, source_of

# ----------------------------------------------------------------------- variants


@dataclass
class Variant:
    """A replacement for one student answer: function source or answer values."""
    target: str                  # the exercise name, as in `with exercise("...")`
    description: str
    correct: bool
    source: str = ""             # code defining the replacement function(s)
    values: dict = field(default_factory=dict)   # or: replacement answer values
    common: bool = False         # the most common mistake: visible tests alone must catch it
    message: str = ""            # text the failure message must contain (failures teach)
    fails: tuple = ()            # a wrong variant: exactly the blocks it fails (its partial score follows)

    @property
    def id(self) -> str:
        kind = "correct" if self.correct else "wrong"
        return f"{self.target}:{kind}:{self.description}"


class Registry(list):
    """The variants of one assignment, registered with decorators::

        variants = Registry()

        @variants.wrong("linear_forward", "forgets the bias", common=True)
        def linear_forward(x, W, b):
            return x @ W, (x, W)
    """

    def _add(self, target, description, correct, **kw):
        def register(fn):
            self.append(Variant(target, description, correct, source=_source_of(fn), **kw))
            return fn
        return register

    def wrong(self, target, description, common=False, message="", fails=()):
        return self._add(target, description, False, common=common, message=message, fails=tuple(fails))

    def correct(self, target, description):
        return self._add(target, description, True)

    def also(self, fn):
        """Add a companion function to the variant registered just before (e.g. the
        backward pass that goes with a variant's forward pass)."""
        self[-1].source += "\n" + _source_of(fn)
        return fn

    def wrong_values(self, target, description, common=False, message="", fails=(), **values):
        self.append(Variant(target, description, False, values=values, common=common,
                            message=message, fails=tuple(fails)))

    def correct_values(self, target, description, **values):
        self.append(Variant(target, description, True, values=values))


def _source_of(fn) -> str:
    lines = textwrap.dedent(inspect.getsource(fn)).splitlines()
    while lines and not lines[0].startswith("def "):
        lines.pop(0)                 # drop the registering decorator(s)
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------- running


@dataclass
class Outcome:
    grade_id: str
    names: list[str]
    points: float
    passed: bool
    message: str = ""
    checks: list = field(default_factory=list)    # blocks.Check per block, with its points
    score: float = 0.0                              # the partial score, as the grader gives it

    @property
    def failed_blocks(self) -> set[str]:
        return {c.block for c in self.checks if c.outcome != "passed"}


class NotebookTests:
    """The test cells of an assignment, runnable in-process.

    Args:
        name: the assignment, e.g. ``"01_backprop"``.
        visible_only: run the released (student) version of each test cell instead of
            the full one with hidden tests.
    """

    def __init__(self, name: str, visible_only: bool = False):
        source = cells.read_notebook(source_of(name))
        self.setup = cells.setup_sources(source)
        self.solutions = cells.solution_sources(source)
        tests = source.cells
        if visible_only:
            tests = cells.read_notebook(release_of(name)).cells
        self.tests = [(cells.meta(c)["grade_id"], cells.exercise_names(c.source),
                       float(cells.meta(c).get("points", 0)), c.source)
                      for c in tests if cells.is_test_cell(c)]
        self.max_score = sum(points for _, _, points, _ in self.tests)
        self._solution: dict[str, Outcome] | None = None

    def run(self, variant: Variant | None = None, every_cell: bool = False) -> dict[str, Outcome]:
        """Each test cell's outcome with ``variant`` in place of the student's answer.

        A test cell that cannot reach the variant (see :func:`cells_to_run`) gets the
        solution's outcome without running again, unless ``every_cell``: the variant
        cannot change what such a cell does (test_discrimination checks this shortcut
        against full runs)."""
        namespace = {"__name__": "__main__"}
        with contextlib.redirect_stdout(io.StringIO()):
            for i, src in enumerate(self.setup + self.solutions):
                exec(compile(src, f"<solution cell {i}>", "exec"), namespace)
            replaced = set()
            if variant is not None:
                namespace.update(variant.values)
                replaced = set(variant.values) | defined_names(variant.source)
                if variant.source:
                    exec(compile(variant.source, "<variant>", "exec"), namespace)
            run = cells_to_run([src for _, _, _, src in self.tests], namespace, replaced)
            if variant is None or every_cell:
                run = [True] * len(self.tests)
            outcomes = {}
            for (grade_id, names, points, src), needed in zip(self.tests, run):
                outcomes[grade_id] = (_run_cell(grade_id, names, points, src, namespace) if needed
                                      else self.solution_outcomes()[grade_id])
        return outcomes

    def solution_outcomes(self) -> dict[str, Outcome]:
        if self._solution is None:
            self._solution = self.run()
        return self._solution

    def expected_score(self, fails) -> float:
        """The partial score of a submission that fails exactly the blocks ``fails``: the
        full score minus those blocks' shares (cells.block_points)."""
        lost = sum(share for _, _, points, src in self.tests
                   for block, share in cells.block_points(src, points) if block in fails)
        return self.max_score - lost

    def cells_of(self, target: str) -> set[str]:
        """The grade ids of the test cells that check exercise ``target``."""
        found = {gid for gid, names, _, _ in self.tests if target in names}
        if not found:
            raise KeyError(f"no test cell checks an exercise named {target!r}")
        return found


def _read_names(code: types.CodeType) -> set[str]:
    """Every global name ``code`` (or code nested in it) may read."""
    return set().union(*(c.co_names for c in code_objects(code)))


def _data_types() -> tuple:
    """Values that hold no code: following them cannot reach a student's function."""
    import numpy as np
    kinds = [bool, int, float, complex, str, bytes, type(None), range, types.ModuleType,
             types.BuiltinFunctionType, np.ndarray, np.generic, np.dtype, np.random.Generator]
    if "torch" in sys.modules:
        kinds.append(sys.modules["torch"].Tensor)
    return tuple(kinds)


def _reaches(names: set[str], namespace: dict, targets: set[str]) -> bool:
    """Whether code reading the global ``names`` may run or read one of ``targets``: through
    the notebook's functions (their code, defaults and closures), classes, containers and
    objects. A value it cannot see into counts as reaching (the cell then runs)."""
    data = _data_types()
    target_values = {id(namespace[name]) for name in targets if name in namespace}
    names, values, seen = list(names), [], set()
    while names or values:
        if names:
            name = names.pop()
            if name in targets:
                return True
            if name in namespace and ("name", name) not in seen:
                seen.add(("name", name))
                values.append(namespace[name])
            continue
        value = values.pop()
        if id(value) in target_values:
            return True
        if id(value) in seen or isinstance(value, data):
            continue
        seen.add(id(value))
        if isinstance(value, types.FunctionType):
            if value.__module__ == "__main__":          # the notebook's: what it reads and holds
                names += _read_names(value.__code__)
                values += [*(value.__defaults__ or ()), *(value.__kwdefaults__ or {}).values(),
                           *(cell.cell_contents for cell in value.__closure__ or ())]
        elif isinstance(value, type):
            if value.__module__ == "__main__":
                values += list(vars(value).values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            values += list(value)
        elif isinstance(value, dict):
            values += list(value.values())
        elif isinstance(value, types.MethodType):
            values += [value.__func__, value.__self__]
        elif isinstance(value, functools.partial):
            values += [value.func, *value.args, *value.keywords.values()]
        elif hasattr(value, "__dict__"):
            values += [type(value), *vars(value).values()]
        else:
            return True
    return False


def cells_to_run(sources: list[str], namespace: dict, replaced: set[str]) -> list[bool]:
    """Which test cells must run once the names ``replaced`` hold a variant: those that may
    reach one of them, and those that bind a name a later running cell reads (so that it
    sees what it would in a full run). The others behave as with the solution."""
    run, later_reads = [False] * len(sources), set()
    for i in reversed(range(len(sources))):
        reads = _read_names(compile(sources[i], "<test cell>", "exec"))
        if _reaches(reads, namespace, replaced) or defined_names(sources[i]) & later_reads:
            run[i] = True
            later_reads |= reads
    return run


def _run_cell(grade_id, names, points, src, namespace) -> Outcome:
    """Run one test cell block by block, as the grader's runner does (blocks.py)."""
    found, failures = [], []
    err = blocks.run_steps(blocks.split(src, f"<test cell {grade_id}>"), namespace, found, failures)
    why = None if err is None else ("other", f"{type(err).__name__}: {err}")
    checks = blocks.complete(src, [c.to_dict() for c in found], points, why)
    errors = failures + ([err] if err is not None else [])
    message = " ".join(f"{type(e).__name__}: {e}" for e in errors)
    return Outcome(grade_id, names, points, not errors, message, checks, blocks.score(checks))


def score(outcomes: dict[str, Outcome]) -> float:
    """The assignment's score with partial credit, as the grader computes it."""
    return sum(o.score for o in outcomes.values())


# ----------------------------------------------------------------------- submissions

def splice(nb, variant: Variant) -> None:
    """Write ``variant`` into notebook ``nb`` (nbformat) the way a student would: each
    function it defines replaces the function of that name in the solution cell holding
    it (appended to the cell that defines its first function if new); answer values are
    assigned at the end of the solution cell that defines them."""
    import ast

    solution = [c for c in nb.cells if cells.is_solution_cell(c) and c.cell_type == "code"]

    def defined(cell):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            return {}
        return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    if variant.values:
        for name, value in variant.values.items():
            home = next(c for c in solution if f"{name} =" in c.source)
            home.source += f"\n{name} = {value!r}\n"
    functions = ast.parse(variant.source).body
    home = None
    for fn in functions:
        text = ast.get_source_segment(variant.source, fn)
        cell = next((c for c in solution if fn.name in defined(c)), home)
        if cell is None:
            raise KeyError(f"no solution cell defines {fn.name}")
        home = cell
        old = defined(cell).get(fn.name)
        if old is None:
            cell.source += "\n\n" + text + "\n"
            continue
        lines = cell.source.splitlines()
        start = min([old.lineno] + [d.lineno for d in old.decorator_list]) - 1
        cell.source = "\n".join(lines[:start] + text.splitlines() + lines[old.end_lineno:]) + "\n"
