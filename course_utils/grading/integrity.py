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


def repair(submitted, release, fetched: dict[str, str] | None = None,
           notes: list[str] | None = None) -> tuple[object, list[str]]:
    """``(notebook to grade, findings)`` for a submission and its released notebook.

    ``fetched``: the fingerprint (releases.py) of the earlier release the student handed in,
    when it is not ``release``: its test cells are checked against that release; test cells
    added since are put in and graded, and those removed since are dropped, without a
    finding; ``notes`` (if given) gets one line saying so, for the instructor.
    """
    from .releases import digest
    nb = copy.deepcopy(submitted)
    added, removed = [], []
    known = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    order = [_grade_id(c) for c in release.cells if _grade_id(c)]
    findings, kept, seen = [], [], set()
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is None:
            kept.append(cell)
            continue
        original = known.get(gid)
        if original is None and fetched is not None and gid in fetched and is_test_cell(cell):
            removed.append(gid)                        # a test of the student's release, gone since
            continue
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
            expected = fetched[gid] if fetched is not None and gid in fetched else digest(original.source)
            if digest(cell.source) != expected:
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
        if fetched is not None and gid not in fetched:
            added.append(gid)
        else:
            findings.append(f"test cell {gid!r} was deleted (put back for grading)")
        anchor = next((g for g in reversed(order[:position]) if g in seen), None)
        at = len(kept) if anchor is None else \
            1 + max(i for i, c in enumerate(kept) if _grade_id(c) == anchor)
        kept.insert(at, copy.deepcopy(known[gid]))
        seen.add(gid)
    nb.cells = kept
    if notes is not None and (added or removed or fetched is not None):
        changes = ([f"test cells added since, graded: {', '.join(added)}"] if added else []) + \
                  ([f"removed since, not graded: {', '.join(removed)}"] if removed else [])
        notes.append("handed in an earlier release" + (f" ({'; '.join(changes)})" if changes else ""))
    return nb, findings
