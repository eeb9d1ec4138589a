"""``course release``: regenerate the student notebooks in notebooks/ from solutions/."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .cells import read_notebook
from .course import CourseError, nbgrader_api, release_path, scratch_course
from .grading.releases import remember


def release(root: Path, name: str, into: Path | None = None) -> Path:
    """Generate the student version of assignment ``name`` with nbgrader.

    Writes ``<into>/<name>/`` (default: the course's notebooks/, and then the release's
    fingerprint in solutions/releases.json, see grading/releases.py) and returns that folder.
    The generation runs in a scratch course directory without a gradebook, so releasing
    is a pure function of solutions/<name>/.
    """
    target = Path(into) / name if into else release_path(root, name).parent
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        work = scratch_course(root, name, Path(tmp))
        result = nbgrader_api(work, database=False).generate_assignment(name, create=False)
        produced = release_path(work, name).parent
        if not result["success"] or not produced.is_dir():
            raise CourseError(f"nbgrader could not generate {name}:\n{result.get('error') or result.get('log')}")
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(produced, target)
    if into is None:                       # the course's own release: keep its fingerprint
        remember(root, name, read_notebook(release_path(root, name)))
    return target
