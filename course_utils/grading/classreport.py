"""What a class got wrong: the per-submission records of ``course autograde`` summed up.

Input: the records ``OUT/results/<student>.json`` of one or more grading runs
(``--from OUT ...``, oldest first: a later record for the same student replaces an earlier
one, so a class graded over several runs is reported as one). The record's format is
documented in :func:`load_records`.

Output (:func:`summarize`): one JSON-ready dict, the data behind ``course report``'s page
(reportpage.py) and its CSV files (:func:`write_tables`):

- ``students``: one row per student (status, score, seconds, detail);
- ``status_counts``, ``grading_seconds`` (total, mean, max);
- ``exercises``: per autograded test cell: how many submissions it was graded in, the
  outcomes, pass rate, mean points, and the named mistakes ranked by how many students
  made them (a student counts once per mistake and exercise);
- ``exceptions``: the exceptions students' code raised, grouped by type and message (not
  the ``NotImplementedError`` of an exercise not attempted);
- ``attention``: the submissions whose status is not ``graded``, with their detail.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

from ..course import CourseError
from .contracts import Status

RECORD_VERSION = 1
OUTCOMES = ("passed", "failed", "not_attempted", "error")
# a submission that never ran has no exercises: it is not counted in the exercise rates
NOT_RUN = {Status.MISSING.value, Status.INVALID_NOTEBOOK.value}


def load_records(runs, assignment: str) -> dict[str, dict]:
    """student -> record, for ``assignment``, from the ``results/`` folders of ``runs``.

    Args:
        runs: the course gradebook (``results/<assignment>/``: every run recorded there, the
            latest grade of each student) or grading output folders (``course autograde
            --out``), oldest first; a later record of a student replaces an earlier one.
        assignment: only records of this assignment are read.

    A record (``results/<student>.json``) holds ``version`` (1), ``student``,
    ``assignment``, ``status``, ``detail``, ``score``, ``max_score``, ``seconds`` and
    ``exercises``: one per test cell, ``{"test", "exercise", "points", "max_points",
    "outcome", "checks": [{"block", "points", "max_points", "outcome", "kind",
    "mistake", "exception", "message"}]}``.

    Raises:
        CourseError: a folder without records, an unreadable record, or no record of
            ``assignment`` at all.
    """
    records: dict[str, dict] = {}
    for run in map(Path, runs):
        folder = run / "results"
        if (folder / assignment).is_dir():       # the course gradebook keeps them per assignment
            folder = folder / assignment
        if not folder.is_dir():
            raise CourseError(f"{run}: no results/ folder; pass the course gradebook or the "
                              "--out folder of a `course autograde` run")
        for path in sorted(folder.glob("*.json")):
            record = _read_record(path)
            if record["assignment"] == assignment:
                records[record["student"]] = record
    if not records:
        raise CourseError(f"no graded submissions of {assignment} in "
                          f"{', '.join(str(r) for r in runs)}")
    return dict(sorted(records.items()))


def _read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CourseError(f"{path}: not a readable results record ({err})") from None
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        raise CourseError(f"{path}: not a version-{RECORD_VERSION} results record of "
                          "`course autograde`; grade again with this version of the course")
    missing = {"student", "assignment", "status", "score", "max_score", "exercises"} - set(record)
    if missing:
        raise CourseError(f"{path}: the record lacks {', '.join(sorted(missing))}")
    return record


def summarize(records: dict[str, dict], assignment: str) -> dict:
    """The class report's data (see the module docstring) from :func:`load_records`'s
    ``records``."""
    rows = [{"student": s, "status": r["status"], "score": float(r["score"]),
             "max_score": float(r["max_score"]), "seconds": float(r.get("seconds") or 0.0),
             "detail": r.get("detail", "")} for s, r in records.items()]
    seconds = [row["seconds"] for row in rows]
    return {
        "assignment": assignment,
        "students": rows,
        "max_score": max(row["max_score"] for row in rows),
        "status_counts": dict(Counter(row["status"] for row in rows).most_common()),
        "grading_seconds": {"total": sum(seconds), "mean": sum(seconds) / len(seconds),
                            "max": max(seconds)},
        "exercises": _exercises(records),
        "exceptions": _exceptions(records),
        "attention": [{k: row[k] for k in ("student", "status", "detail")}
                      for row in rows if row["status"] != Status.GRADED.value],
    }


def _exercises(records: dict[str, dict]) -> list[dict]:
    """One summary per test cell, in notebook order."""
    found: dict[str, dict] = {}
    for record in records.values():
        if record["status"] in NOT_RUN:
            continue
        for ex in record["exercises"]:
            summary = found.setdefault(ex["test"], {
                "test": ex["test"], "exercise": ex["exercise"],
                "max_points": float(ex["max_points"]), "submissions": 0, "points": 0.0,
                "outcomes": dict.fromkeys(OUTCOMES, 0), "kinds": Counter(), "mistakes": Counter()})
            summary["submissions"] += 1
            summary["points"] += float(ex["points"])
            summary["outcomes"][ex["outcome"]] = summary["outcomes"].get(ex["outcome"], 0) + 1
            checks = ex.get("checks", [])
            summary["kinds"].update({c["kind"] for c in checks if c.get("kind")})
            summary["mistakes"].update({c["mistake"] for c in checks if c.get("mistake")})
    # notebook order: every graded record lists all test cells in order; the longest one wins
    longest = max((r["exercises"] for r in records.values()), key=len, default=[])
    order = {ex["test"]: i for i, ex in enumerate(longest)}
    result = []
    for s in sorted(found.values(), key=lambda s: order.get(s["test"], len(order))):
        n = s["submissions"]
        result.append({
            "test": s["test"], "exercise": s["exercise"], "max_points": s["max_points"],
            "submissions": n, "outcomes": s["outcomes"],
            "pass_rate": s["outcomes"]["passed"] / n, "mean_points": s["points"] / n,
            "kinds": dict(s["kinds"].most_common()),
            "mistakes": [{"mistake": m, "count": c, "percent": 100.0 * c / n}
                         for m, c in sorted(s["mistakes"].items(), key=lambda mc: (-mc[1], mc[0]))],
        })
    return result


def _exceptions(records: dict[str, dict]) -> list[dict]:
    """Exceptions raised by students' code, grouped by type and message, most common first;
    the checks of exercises not attempted (still ``raise NotImplementedError()``) are left out."""
    groups: dict[tuple[str, str], dict] = defaultdict(lambda: {"students": set(), "exercises": set()})
    for student, record in records.items():
        for ex in record["exercises"]:
            for check in ex.get("checks", []):
                if check.get("exception") and check.get("outcome") != "not_attempted":
                    group = groups[(check["exception"], check.get("message", ""))]
                    group["students"].add(student)
                    group["exercises"].add(ex["exercise"])
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]["students"]), kv[0]))
    return [{"exception": kind, "message": message, "count": len(g["students"]),
             "exercises": sorted(g["exercises"]), "students": sorted(g["students"])}
            for (kind, message), g in ranked]


def write_tables(summary: dict, out: Path) -> list[Path]:
    """Write ``report.json`` and the CSV files (students, exercises, mistakes, exceptions,
    similarity) into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    tables = {
        "students.csv": (["student", "status", "score", "max_score", "seconds", "detail"],
                         summary["students"]),
        "exercises.csv": (["test", "exercise", "max_points", "submissions", *OUTCOMES,
                           "pass_rate", "mean_points"],
                          [{**e, **e["outcomes"]} for e in summary["exercises"]]),
        "mistakes.csv": (["exercise", "test", "mistake", "count", "percent"],
                         [{"exercise": e["exercise"], "test": e["test"], **m}
                          for e in summary["exercises"] for m in e["mistakes"]]),
        "exceptions.csv": (["exception", "message", "count", "exercises", "students"],
                           [{**g, "exercises": " ".join(g["exercises"]),
                             "students": " ".join(g["students"])} for g in summary["exceptions"]]),
    }
    pairs = (summary.get("similarity") or {}).get("pairs")
    if pairs:
        tables["similarity.csv"] = (["rank", "student_a", "student_b", "score", "percent_a",
                                     "percent_b", "shared", "flagged", "link"], pairs)
    written = [out / "report.json"]
    for name, (columns, rows) in tables.items():
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        written.append(out / name)
    return written


def report(root: Path, assignment: str, runs, out: Path, submissions=(), archive: Path | None = None,
           similar: bool = True, pairs: int = 20) -> Path:
    """``course report``: read the records of ``runs``, compare the notebooks of
    ``submissions`` (folders or zips as ``course autograde`` takes them; later ones win)
    with compare50 unless ``similar`` is False, and write ``out/report.html``, ``report.json``,
    the CSV files and ``out/similarity/`` (compare50's views). Returns the page's path."""
    import tempfile

    from .reportpage import render
    from .similarity import similarity
    from .submissions import collect

    summary = summarize(load_records(runs, assignment), assignment)
    summary["runs"] = [str(r) for r in runs]
    summary["similarity"] = None
    if similar and submissions:
        with tempfile.TemporaryDirectory(prefix="report-") as tmp:
            notebooks: dict = {}
            for i, source in enumerate(submissions):
                notebooks.update(collect(Path(source), assignment, Path(tmp) / str(i)))
            summary["similarity"] = similarity(root, assignment, notebooks, Path(out) / "similarity",
                                               archive=archive, pairs=pairs)
    write_tables(summary, Path(out))
    page = Path(out) / "report.html"
    page.write_text(render(summary), encoding="utf-8")
    return page
