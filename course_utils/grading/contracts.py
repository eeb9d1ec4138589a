"""What the parts of the grading path agree on, in one place.

- :class:`Status`: what happened to one submission, with its meaning, its score rule and
  its priority when several things happened (the README's status table is checked
  against it by tests/test_contracts.py);
- :func:`cell_error` and :class:`CellErrorName`: one cell's error, as the runner reports
  it and nbgrader stores it in the notebook;
- :class:`RunReport`: what the sandboxed run of one notebook tells ``course autograde``;
- :class:`Grade`: one row of ``grades.csv``.

Adding a status is a change here (and in the test that pins the README's table).
This module imports only the standard library: the runner loads it inside the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """The outcome of grading one submission. Compares equal to its name (``"graded"``)."""

    def __new__(cls, value: str, priority: int, meaning: str, score: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.priority = priority    # when several problems occur, the lowest number wins
        member.meaning = meaning      # the README's "meaning" column
        member.score = score          # the README's "score" column
        return member

    GRADED = ("graded", 9, "graded normally", "the tests' points")
    MISSING = ("missing", 0, "no notebook from this student", "0")
    UNRECOGNISED = ("unrecognised", 0, "a file in the submissions that no layout or LMS pattern "
                    "matches to a student (the `student` column is the file, the detail says why); "
                    "nobody's grade is guessed from it", "not graded")
    INVALID_NOTEBOOK = ("invalid_notebook", 0, "the file is not a readable notebook", "0")
    TIMEOUT = ("timeout", 2, "a cell ran past `Execute.timeout` (it was stopped, the rest ran), "
               "or the whole notebook past its limit", "what finished")
    CRASHED = ("crashed", 1, "a cell killed the notebook's process (`os._exit`, a segfault) or ran "
               "out of memory; that cell was skipped and the rest graded", "the rest")
    TAMPERED = ("tampered", 3, "test cells deleted, edited, duplicated or re-labelled; the tests' "
                "tools (NumPy, `course_utils`, builtins, torch) replaced; torch used where the "
                "exercise must be NumPy; or an attempt to reach files, the network or programs",
                "as the unmodified tests grade the student's functions; an exercise that used "
                "torch or patched the tests while they ran gets 0")

    @property
    def needs_attention(self) -> bool:
        """Every status but ``graded`` asks the instructor to read the detail."""
        return self is not Status.GRADED

    @classmethod
    def markdown_table(cls) -> str:
        """The README's table of statuses."""
        rows = ["| status | meaning | score |", "|---|---|---|"]
        rows += [f"| `{s.value}` | {s.meaning} | {s.score} |" for s in cls]
        return "\n".join(rows)


class CellErrorName(StrEnum):
    """The errors the grading path itself puts into a cell (besides the student's own)."""
    TIMEOUT = "CellTimeoutError"          # the cell ran past the time limit and was stopped
    SKIPPED = "CellSkipped"               # the cell killed the process before; not run again
    NOT_RUN = "NotRun"                    # the notebook stopped before this test cell
    TAMPERING = "TamperingDetected"       # the test passed, but it was interfered with
    OUT_OF_MEMORY = "MemoryError"         # Python's own, raised under the memory limit


MAX_EVALUE, MAX_LINE, MAX_LINES = 2000, 4000, 60


def cell_error(ename: str, evalue: str, traceback: list[str] | None = None) -> dict:
    """One cell's error as a Jupyter error output's fields (``ename``, ``evalue``,
    ``traceback``). The traceback defaults to the one line ``"ename: evalue"``; long
    values are cut so that one cell never bloats a notebook."""
    lines = [f"{ename}: {evalue}"] if traceback is None else traceback
    return {"ename": str(ename), "evalue": str(evalue)[:MAX_EVALUE],
            "traceback": [str(line)[:MAX_LINE] for line in lines][:MAX_LINES]}


@dataclass
class RunReport:
    """What the sandboxed run of one notebook found (sandboxed_execute.py writes it,
    autograde.py turns it into a :class:`Status` with :meth:`verdict`)."""
    sandboxed: bool = True                                  # False: the weaker fallback ran
    findings: list[str] = field(default_factory=list)      # tampering the guards found
    refused: list[str] = field(default_factory=list)       # what the audit hook refused
    forged: str = ""                  # why the result stream cannot be trusted ("" if it can)
    timed_out: bool = False           # the whole notebook ran past its limit
    problem: str = ""                 # why the run ended badly, in one line
    cell_timeouts: list[int] = field(default_factory=list)   # cells stopped by the time limit
    out_of_memory: list[int] = field(default_factory=list)   # cells that raised MemoryError
    crashed_cells: list[int] = field(default_factory=list)   # cells that killed the process
    # test grade_id -> {"checks": [blocks.Check fields, with points], "points", "max_points",
    #                   "crashed": the cell stopped outside a block, timed out or did not run,
    #                   "tampered": the guards' findings in that cell}
    tests: dict[str, dict] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)   # seconds per phase (sandbox.RunResult.phases)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> RunReport:
        return cls(**json.loads(text))

    def verdict(self, structure: list[str]) -> tuple[Status, str]:
        """``(status, detail)`` from this run and the structure findings of integrity.py."""
        tampering = list(structure) + self.findings
        if self.forged:
            tampering.append(self.forged)
        tampering += [f"tried to {what} (refused)" for what in self.refused]
        problems = []
        if self.crashed_cells:
            problems.append((Status.CRASHED, f"cell(s) {_cells(self.crashed_cells)} stopped the "
                                             "notebook's process and were skipped"))
        if self.timed_out:
            problems.append((Status.TIMEOUT, self.problem + "; the cells that finished are graded"))
        elif self.problem:
            problems.append((Status.CRASHED, self.problem + "; the cells that finished are graded"))
        if self.out_of_memory:
            problems.append((Status.CRASHED, f"cell(s) {_cells(self.out_of_memory)} ran out of "
                                             "memory (MemoryError)"))
        if self.cell_timeouts:
            problems.append((Status.TIMEOUT, f"cell(s) {_cells(self.cell_timeouts)} ran past the "
                                             "time limit and were stopped"))
        if tampering:
            problems.append((Status.TAMPERED, "; ".join(tampering)))
        if not self.sandboxed:
            problems.append((Status.GRADED, "graded WITHOUT the sandbox (bubblewrap unavailable)"))
        if not problems:
            return Status.GRADED, ""
        status = min((s for s, _ in problems), key=lambda s: s.priority)
        return status, "; ".join(detail for _, detail in problems)


def _cells(indices: list[int]) -> str:
    return ", ".join(map(str, indices))


@dataclass
class Grade:
    """One submission's grade: a row of grades.csv."""
    student: str
    assignment: str
    score: float
    max_score: float
    status: Status
    detail: str = ""
    seconds: float = 0.0      # time spent grading this notebook
    exercises: list[dict] = field(default_factory=list)   # per test cell, see results_record
    graded_in: str = ""       # the scratch nbgrader course that graded it (gradebook.py reads it)
    phases: dict = field(default_factory=dict)   # seconds: sandbox start, setup, ..., nbgrader, feedback

    COLUMNS = ("student", "assignment", "score", "max_score", "status", "detail")
    RESULTS_VERSION = 1

    def results_record(self) -> dict:
        """The machine-readable record of this grade (``OUT/results/<student>.json``):
        status, scores, time, and per test cell its blocks' outcomes, points, the kind of
        failure, the named mistake and the exception, as the checks recorded them."""
        return {"version": self.RESULTS_VERSION, "student": self.student, "assignment": self.assignment,
                "status": str(self.status), "detail": self.detail, "score": self.score,
                "max_score": self.max_score, "seconds": round(self.seconds, 3),
                "exercises": self.exercises}

    def row(self) -> list[str]:
        return [self.student, self.assignment, f"{self.score:g}", f"{self.max_score:g}",
                str(self.status), self.detail]
