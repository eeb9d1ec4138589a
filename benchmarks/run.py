"""Benchmark every solution notebook: run time, peak memory, autograde time, throughput.

    python benchmarks/run.py [--class-size N] [--jobs J] [ASSIGNMENT ...]

For each assignment it
1. executes solutions/NN/NN.ipynb top to bottom in a fresh kernel (as a student would run
   it, experiments at full length) and records the wall time and the kernel's peak
   resident memory;
2. autogrades the solved release (what a perfect student hands in) as a one-student class
   with ``course autograde`` and records the time spent on that submission (sandbox start,
   execution with NBGRADER_EXECUTION set, scoring, feedback) and the whole command's time;
3. autogrades a generated class of N submissions (solved, blank and half-done notebooks in
   turn) with J parallel jobs, and projects the time for a class of 200; records them in a
   course gradebook and reports what that adds per submission (recording it) and once per
   run (nbgrader's set-up of a new course gradebook; none when the source is unchanged).

Budgets (DEVELOPERS.md): < 60 s and < 1.5 GB per notebook, < 20 s per autograde, a class
of 200 well under an hour (here: < 30 min).
Results: a table on stdout and benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils.cells import fill_in, meta, read_notebook  # noqa: E402
from course_utils.course import assignments, release_path, source_path  # noqa: E402
from course_utils.grading import gradebook  # noqa: E402
from course_utils.grading.autograde import autograde  # noqa: E402

BUDGET = {"run_s": 60.0, "peak_mb": 1536.0, "autograde_s": 20.0, "class_of_200_min": 30.0,
          "gradebook_per_submission_s": 0.5}
PEAK_CELL = ("import resource as _r; "
             "print('PEAK_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)")


def run_notebook(path: Path) -> tuple[float, float]:
    """(wall seconds including kernel start, peak kernel memory in MB)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    peak_kb = float(text.split("PEAK_KB")[1].split()[0])
    return seconds, peak_kb / 1024


def autograde_solution(name: str) -> tuple[float, float, str]:
    """(seconds nbgrader spent on the submission, seconds for the whole command, status)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        subs = Path(tmp) / "submissions" / "solution"
        subs.mkdir(parents=True)
        source = read_notebook(source_path(ROOT, name))
        release = read_notebook(release_path(ROOT, name))
        nbformat.write(fill_in(release, source), subs / f"{name}.ipynb")
        start = time.perf_counter()
        (grade,) = autograde(ROOT, subs.parent, name, Path(tmp) / "out")
        total = time.perf_counter() - start
    status = grade.status if grade.score == grade.max_score else f"{grade.status} {grade.score:g}/{grade.max_score:g}"
    return grade.seconds, total, status


def generated_class(name: str, size: int, folder: Path) -> None:
    """``size`` submissions in ``folder``: solved, blank and half-done notebooks in turn."""
    source = read_notebook(source_path(ROOT, name))
    release = read_notebook(release_path(ROOT, name))
    solved, half = fill_in(release, source), fill_in(release, source)
    answers = [i for i, c in enumerate(release.cells) if meta(c).get("solution")]
    for i in answers[len(answers) // 2:]:
        half.cells[i] = copy.deepcopy(release.cells[i])
    for i in range(size):
        (folder / f"s{i:03d}").mkdir(parents=True)
        nbformat.write([solved, release, half][i % 3], folder / f"s{i:03d}" / f"{name}.ipynb")


def timed(function, spent: list[float]):
    """``function``, appending the seconds of each call to ``spent``."""
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)
    return run


def class_throughput(name: str, size: int, jobs: int) -> tuple[float, dict, float, float]:
    """(seconds to grade a generated class of ``size`` with ``jobs`` workers, status counts,
    seconds the course gradebook adds per submission (recording it), and once per run
    (nbgrader's set-up of a new course gradebook))."""
    setup: list[float] = []
    spent: list[float] = []
    real = gradebook.prepare, gradebook.record
    gradebook.prepare, gradebook.record = timed(real[0], setup), timed(real[1], spent)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
            generated_class(name, size, Path(tmp) / "submissions")
            start = time.perf_counter()
            grades = autograde(ROOT, Path(tmp) / "submissions", name, Path(tmp) / "out", jobs=jobs,
                               course_dir=Path(tmp) / "gradebook")
            seconds = time.perf_counter() - start
    finally:
        gradebook.prepare, gradebook.record = real
    counts = {}
    for g in grades:
        counts[g.status] = counts.get(g.status, 0) + 1
    return seconds, counts, sum(spent) / size, sum(setup)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--class-size", type=int, default=12, help="generated submissions per assignment (0: skip)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel grading jobs for the class")
    args = parser.parse_args(argv)
    names = args.assignments or assignments(ROOT)
    rows = []
    for name in names:
        print(f"benchmarking {name} ...", flush=True)
        run_s, peak_mb = run_notebook(source_path(ROOT, name))
        grade_s, command_s, status = autograde_solution(name)
        row = {"assignment": name, "run_s": round(run_s, 1), "peak_mb": round(peak_mb),
               "autograde_s": round(grade_s, 1), "autograde_command_s": round(command_s, 1),
               "solution_grade": status}
        if args.class_size:
            seconds, counts, book_s, setup_s = class_throughput(name, args.class_size, args.jobs)
            row.update(class_size=args.class_size, class_s=round(seconds, 1),
                       gradebook_per_submission_s=round(book_s, 2), gradebook_setup_s=round(setup_s, 1),
                       class_of_200_min=round(seconds / args.class_size * 200 / 60, 1),
                       class_statuses=counts)
        rows.append(row)
    header = ("| assignment | notebook run (s) | peak memory (MB) | autograde per submission (s) "
              "| whole `course autograde` (s) | solution graded | class of N, J jobs (s) "
              "| projected class of 200 (min) | course gradebook per submission (s), set-up per run (s) |")
    print("\n" + header + "\n|---|---:|---:|---:|---:|---|---:|---:|---:|")
    over = []
    for r in rows:
        klass = (f"{r['class_s']} (N={r['class_size']}, J={args.jobs})", r["class_of_200_min"],
                 f"{r['gradebook_per_submission_s']}, {r['gradebook_setup_s']}") if "class_s" in r else ("-", "-", "-")
        print(f"| {r['assignment']} | {r['run_s']} | {r['peak_mb']} | {r['autograde_s']} "
              f"| {r['autograde_command_s']} | {r['solution_grade']} | {klass[0]} | {klass[1]} | {klass[2]} |")
        over += [f"{r['assignment']}: {key} {r[key]} > {limit}"
                 for key, limit in BUDGET.items() if key in r and r[key] > limit]
    print(f"\nbudgets: run < {BUDGET['run_s']:g} s, peak < {BUDGET['peak_mb']:g} MB, "
          f"autograde < {BUDGET['autograde_s']:g} s per submission, "
          f"class of 200 < {BUDGET['class_of_200_min']:g} min, "
          f"course gradebook < {BUDGET['gradebook_per_submission_s']:g} s per submission")
    print("over budget: " + ("; ".join(over) if over else "none"))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=2))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
