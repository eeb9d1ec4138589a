"""Every release of an assignment, kept by fingerprint, so that a submission is judged
against the release the student fetched (a mid-term correction is not tampering).

A release's fingerprint is its test cells: ``{grade_id: sha256 of the normalised source}``.
``course release`` appends the new fingerprint of each assignment whose tests changed to
``solutions/releases.json`` (``{assignment: [fingerprint, ...]}``, oldest first; commit it
with the release). ``course autograde`` finds the release a submission's test cells
belong to (:func:`fetched`) and integrity.repair then adds the test cells added since,
without calling them deleted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..cells import is_test_cell, meta

HISTORY = "releases.json"


def digest(source: str) -> str:
    """The fingerprint of one test cell's source (whitespace at line ends ignored)."""
    from .integrity import _normal
    return hashlib.sha256(_normal(source).encode()).hexdigest()[:16]


def fingerprint(nb) -> dict[str, str]:
    """``{grade_id: digest}`` of the test cells of a (released or submitted) notebook."""
    return {meta(c)["grade_id"]: digest(c.source) for c in nb.cells
            if is_test_cell(c) and meta(c).get("grade_id")}


def history(root: Path, name: str) -> list[dict[str, str]]:
    """The fingerprints of the releases of ``name``, oldest first ([] if none kept)."""
    path = Path(root) / "solutions" / HISTORY
    if not path.is_file():
        return []
    return json.loads(path.read_text()).get(name, [])


def remember(root: Path, name: str, release_nb) -> bool:
    """Append ``release_nb``'s fingerprint to the history unless it is the latest already."""
    path = Path(root) / "solutions" / HISTORY
    kept = json.loads(path.read_text()) if path.is_file() else {}
    new = fingerprint(release_nb)
    if kept.get(name) and kept[name][-1] == new:
        return False
    kept.setdefault(name, []).append(new)
    path.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")
    return True


def fetched(submitted, releases: list[dict[str, str]]) -> tuple[int, dict[str, str]] | None:
    """``(number, fingerprint)`` of the earlier release (1 = the first) whose test cells the
    submission holds, or None when it is the latest one or none matches (then the
    submission is judged against the current release)."""
    if len(releases) < 2:
        return None
    ids = set(fingerprint(submitted))
    for number in range(len(releases) - 1, 0, -1):        # latest earlier release first
        if set(releases[number - 1]) == ids and set(releases[-1]) != ids:
            return number, releases[number - 1]
    return None
