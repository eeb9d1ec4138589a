"""Checking a submission's structure against the released notebook, and repairing it.

nbgrader grades a notebook by the cells it finds. Before nbgrader sees a submission,
:func:`repair` compares it with the student version the student received and

- puts back every test cell that was deleted, edited, duplicated or had its metadata
  changed (in its place: right after the exercise it tests),
- restores the nbgrader metadata of solution cells and written answers (points, cell kind),
- turns graded cells the release does not know into plain cells,

and says what it found, one line each. The instructor's hidden tests are put back later
by nbgrader itself (from its gradebook), so a repaired notebook is graded exactly as an
untouched one with the same answers.
"""

from __future__ import annotations

import copy

from ..cells import is_test_cell, meta

COMPARED = ("grade", "solution", "locked", "points", "task")


def _grade_id(cell):
    return meta(cell).get("grade_id")


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _metadata_changes(got, expected) -> list[str]:
    changes = [key for key in COMPARED if meta(got).get(key) != meta(expected).get(key)]
    if got.cell_type != expected.cell_type:
        changes.append("cell type")
    return changes


def repair(submitted, release) -> tuple[object, list[str]]:
    """``(notebook to grade, findings)`` for a submission and its released notebook."""
    nb = copy.deepcopy(submitted)
    known = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    order = [_grade_id(c) for c in release.cells if _grade_id(c)]
    findings, kept, seen = [], [], set()
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is None:
            kept.append(cell)
            continue
        original = known.get(gid)
        if original is None:
            findings.append(f"cell {gid!r} is marked as graded but is not part of the assignment")
            cell.metadata.pop("nbgrader", None)
            kept.append(cell)
            continue
        if gid in seen:
            findings.append(f"cell {gid!r} appears more than once (the extra copy is not graded)")
            if is_test_cell(original):
                continue
            cell.metadata.pop("nbgrader", None)
            kept.append(cell)
            continue
        seen.add(gid)
        changed = _metadata_changes(cell, original)
        if is_test_cell(original):
            if _normal(cell.source) != _normal(original.source):
                findings.append(f"test cell {gid!r} was edited (graded with the original)")
            if changed:
                findings.append(f"the {', '.join(changed)} of test cell {gid!r} changed (restored)")
            kept.append(copy.deepcopy(original))
            continue
        if changed:
            findings.append(f"the {', '.join(changed)} of cell {gid!r} changed (restored)")
            cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
        kept.append(cell)

    for position, gid in enumerate(order):
        if gid in seen or not is_test_cell(known[gid]):
            continue
        findings.append(f"test cell {gid!r} was deleted (put back for grading)")
        anchor = next((g for g in reversed(order[:position]) if g in seen), None)
        at = len(kept) if anchor is None else \
            1 + max(i for i, c in enumerate(kept) if _grade_id(c) == anchor)
        kept.insert(at, copy.deepcopy(known[gid]))
        seen.add(gid)
    nb.cells = kept
    return nb, findings
