"""Benchmark every solution notebook: run time, peak memory, autograde time, throughput.

    python benchmarks/run.py [--class-size N] [--jobs J] [ASSIGNMENT ...]
    python benchmarks/run.py --report-only [--class-size N] [ASSIGNMENT]

For each assignment it
1. executes solutions/NN/NN.ipynb top to bottom in a fresh kernel (as a student would run
   it, experiments at full length) and records the wall time and the kernel's peak
   resident memory;
2. autogrades the solved release (what a perfect student hands in) as a one-student class
   with ``course autograde`` and records the time spent on that submission (sandbox start,
   execution with NBGRADER_EXECUTION set, scoring, feedback) and the whole command's time;
3. autogrades a generated class of N submissions (solved, blank and half-done notebooks in
   turn) with J parallel jobs, warm and cold (COURSE_COLD_START=1), and projects a class of
   200 as the run's fixed cost plus 200 times the wall time one more submission adds;
   records them in a course gradebook and reports what that adds per submission (recording it) and once per
   run (nbgrader's set-up of a new course gradebook; none when the source is unchanged).

Budgets (DEVELOPERS.md): < 60 s and < 1.5 GB per notebook, < 20 s per autograde, a class
of 200 well under an hour (here: < 30 min).
Results: a table on stdout and benchmarks/results/latest.json.

``--report-only`` times ``course report`` alone (budget < 30 s for a class of 200 on 2
cores, similarity included) on a synthetic class of N (default 200) of one assignment
(default 03_optimizers): each notebook answers each cell in one of several ways (the
instructor's answer, a variant of tests/variants, or blank), each record has random
outcomes and named mistakes of the assignment. Results: benchmarks/results/report.json.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import subprocess
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
from course_utils.grading.autograde import PHASES, autograde  # noqa: E402

REPORT_BUDGET_S = 30.0
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


def cold_import_s() -> float:
    """Wall seconds of one cold ``python -c "import torch, numpy, matplotlib"``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, numpy, matplotlib"], check=True)
    return time.perf_counter() - start


@contextlib.contextmanager
def cold_start():
    """Grade with a new sandbox per submission (the cold path) inside this block."""
    os.environ["COURSE_COLD_START"] = "1"
    try:
        yield
    finally:
        del os.environ["COURSE_COLD_START"]


def mean_phases(grades) -> dict:
    """Mean seconds per phase (autograde.PHASES) over the grades that have them."""
    timed = [g.phases for g in grades if g.phases]
    return {key: round(sum(p.get(key, 0.0) for p in timed) / len(timed), 2) for key in PHASES} if timed else {}


def steady(grades, warm: bool) -> list:
    """The grades of submissions that paid no per-worker start: with the warm start, all
    but the one that started its worker's sandbox (its ``setup`` phase is the zygote's
    set-up); on the cold path every submission starts its own sandbox, so all."""
    timed = [g for g in grades if g.phases]
    return [g for g in timed if not g.phases.get("setup")] if warm else timed


def projection(grades, seconds: float, size: int, jobs: int, record_s: float, warm: bool) -> dict:
    """A class of 200 from a class of ``size`` graded in ``seconds`` with ``jobs`` workers:
    ``marginal_s``, wall seconds one more submission adds (the mean seconds of a steady
    submission over ``jobs``, plus ``record_s``, its recording in the course gradebook,
    which the parent does alone), and ``fixed_s``, what the run paid once (the scratch
    course, the workers' start: the class's wall time minus ``size`` marginal ones);
    ``class_of_200_min`` = fixed + 200 x marginal."""
    paid = [g.seconds for g in steady(grades, warm)] or [g.seconds for g in grades if g.phases]
    marginal = sum(paid) / len(paid) / jobs + record_s
    fixed = max(seconds - size * marginal, 0.0)
    return {"fixed_s": round(fixed, 1), "marginal_s": round(marginal, 2),
            "class_of_200_min": round((fixed + 200 * marginal) / 60, 1)}


def class_throughput(name: str, size: int, jobs: int,
                     grades_out: list | None = None) -> tuple[float, dict, float, float]:
    """(seconds to grade a generated class of ``size`` with ``jobs`` workers, status counts,
    seconds the course gradebook adds per submission (recording it), and once per run
    (nbgrader's set-up of a new course gradebook)); the grades go to ``grades_out``."""
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
    if grades_out is not None:
        grades_out.extend(grades)
    counts = {}
    for g in grades:
        counts[g.status] = counts.get(g.status, 0) + 1
    return seconds, counts, sum(spent) / size, sum(setup)


def synthetic_report_class(name: str, size: int, folder: Path) -> None:
    """``size`` notebooks in ``folder/submissions`` and their records in ``folder/grades``."""
    import importlib
    import random
    import re

    from course_utils.cells import exercises, is_solution_cell
    from tests.conftest import variants_module
    from tests.harness import splice
    from tests.report_class import check, exercise, record, write_records

    rng = random.Random(0)
    source = read_notebook(source_path(ROOT, name))
    release = read_notebook(release_path(ROOT, name))
    solved = fill_in(release, source)
    variants = [v for v in importlib.import_module(variants_module(name)).variants if v.source]
    answers = [i for i, c in enumerate(release.cells) if is_solution_cell(c) and c.cell_type == "code"]
    tests = exercises(source)
    mistakes = {ex.grade_id: re.findall(r'mistakes=\{\s*"([^"]+)"', source.cells[ex.test_index].source)
                for ex in tests}
    records = []
    for n in range(size):
        student = f"s{n:03d}"
        nb = copy.deepcopy(release)
        for i in answers:
            if rng.random() < 0.8:
                nb.cells[i] = copy.deepcopy(solved.cells[i])
        for v in rng.sample(variants, k=min(len(variants), 4)):
            try:
                splice(nb, v)
            except (KeyError, SyntaxError, StopIteration):
                pass
        (folder / "submissions" / student).mkdir(parents=True)
        nbformat.write(nb, folder / "submissions" / student / f"{name}.ipynb")
        graded = []
        for ex in tests:
            outcome = rng.choice(["passed", "passed", "failed", "not_attempted"])
            named = mistakes[ex.grade_id] if outcome == "failed" else []
            graded.append(exercise(ex.grade_id, ex.title, check(ex.title, outcome, ex.points, ex.points,
                                                                  mistake=rng.choice(named) if named else None)))
        records.append(record(student, *graded, seconds=rng.uniform(3, 9), assignment=name))
    write_records(folder / "grades", *records)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (compare50 and its workers)."""
    import resource
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def report_only(name: str, size: int) -> int:
    """Time ``course report`` (similarity included) on a synthetic class; print the number."""
    from course_utils.grading.classreport import report

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        synthetic_report_class(name, size, tmp)
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        page = report(ROOT, name, [tmp / "grades"], tmp / "out", submissions=[tmp / "submissions"])
        seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
        size_kb = page.stat().st_size / 1024
    load = os.getloadavg()[0]
    print(f"course report, {name}, class of {size} (similarity included): {seconds:.1f} s "
          f"(budget {REPORT_BUDGET_S:g} s; {cpu:.1f} s of CPU; load average {load:.1f} on {os.cpu_count()} cores); "
          f"report.html {size_kb:.0f} kB")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps({"assignment": name, "class_size": size, "load_average": load,
                                                 "report_s": round(seconds, 1), "cpu_s": round(cpu, 1),
                                                 "html_kb": round(size_kb)}))
    return 1 if seconds > REPORT_BUDGET_S else 0


def speed_table(rows: list[dict], jobs: int, import_s: float) -> None:
    """Per assignment: seconds per submission with the warm start and with the cold path
    (same run, J jobs), both against one cold ``import torch, numpy, matplotlib``, and the
    mean seconds per phase of one submission (warm / cold)."""
    timed = [r for r in rows if "per_submission_s" in r]
    if not timed:
        return
    print(f"\none cold `python -c \"import torch, numpy, matplotlib\"`: {import_s:.2f} s (this run)")
    print("| assignment | warm s / submission | cold s / submission | cold / warm | warm / cold import "
          "| fixed s per run (warm / cold) | marginal s per submission (warm / cold) "
          "| class of 200 (min, warm / cold) | statuses warm = cold | load average |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in timed:
        warm, cold = r["per_submission_s"], r["cold_per_submission_s"]
        print(f"| {r['assignment']} | {warm:.2f} | {cold:.2f} | {cold / warm:.1f}x | {warm / import_s:.1f}x "
              f"| {r['fixed_s']} / {r['cold_fixed_s']} | {r['marginal_s']} / {r['cold_marginal_s']} "
              f"| {r['class_of_200_min']} / {r['cold_class_of_200_min']} "
              f"| {'yes' if r['class_statuses'] == r['cold_class_statuses'] else 'NO'} | {r['load_average']} |")
    print(f"(J={jobs}: seconds per submission are the class's wall time over its size; marginal: the wall "
          "time one more submission adds, fixed: what the run pays once; class of 200 = fixed + 200 x marginal)")
    print("\nmean seconds per phase of one submission: warm (each worker's first left out) / cold; "
          "worker start: the sandbox start and set-up of each worker's first submission")
    print("| assignment | " + " | ".join(PHASES) + " | worker start (sandbox start + setup) |")
    print("|---|" + "---:|" * (len(PHASES) + 1))
    for r in timed:
        phases = " | ".join(f"{r['phases'].get(p, 0):.2f} / {r['cold_phases'].get(p, 0):.2f}" for p in PHASES)
        start = r["worker_start"]
        print(f"| {r['assignment']} | {phases} | {start.get('sandbox start', 0) + start.get('setup', 0):.2f} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--class-size", type=int, default=None,
                        help="generated submissions per assignment (0: skip; default 12, or 200 with --report-only)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel grading jobs for the class")
    parser.add_argument("--report-only", action="store_true",
                        help="only time `course report` on a synthetic class (default 200 of 03_optimizers)")
    parser.add_argument("--grading-only", action="store_true",
                        help="only grade the generated class, warm and cold (no notebook run, no solution row)")
    args = parser.parse_args(argv)
    if args.report_only:
        return report_only((args.assignments or ["03_optimizers"])[0], args.class_size or 200)
    args.class_size = 12 if args.class_size is None else args.class_size
    names = args.assignments or assignments(ROOT)
    rows = []
    import_s = cold_import_s()
    for name in names:
        print(f"benchmarking {name} ...", flush=True)
        row = {"assignment": name}
        if not args.grading_only:
            run_s, peak_mb = run_notebook(source_path(ROOT, name))
            grade_s, command_s, status = autograde_solution(name)
            row.update(run_s=round(run_s, 1), peak_mb=round(peak_mb), autograde_s=round(grade_s, 1),
                       autograde_command_s=round(command_s, 1), solution_grade=status)
        if args.class_size:
            warm, cold = [], []
            seconds, counts, book_s, setup_s = class_throughput(name, args.class_size, args.jobs, warm)
            with cold_start():
                cold_s, cold_counts, cold_book_s, _ = class_throughput(name, args.class_size, args.jobs, cold)
            warm_200 = projection(warm, seconds, args.class_size, args.jobs, book_s, warm=True)
            cold_200 = projection(cold, cold_s, args.class_size, args.jobs, cold_book_s, warm=False)
            row.update(class_size=args.class_size, class_s=round(seconds, 1), cold_class_s=round(cold_s, 1),
                       gradebook_per_submission_s=round(book_s, 2), gradebook_setup_s=round(setup_s, 1),
                       class_of_200_min=warm_200["class_of_200_min"], fixed_s=warm_200["fixed_s"],
                       marginal_s=warm_200["marginal_s"],
                       class_statuses=counts, per_submission_s=round(seconds / args.class_size, 2),
                       cold_per_submission_s=round(cold_s / args.class_size, 2), cold_class_statuses=cold_counts,
                       cold_class_of_200_min=cold_200["class_of_200_min"], cold_fixed_s=cold_200["fixed_s"],
                       cold_marginal_s=cold_200["marginal_s"],
                       cold_import_s=round(import_s, 2), load_average=round(os.getloadavg()[0], 1),
                       phases=mean_phases(steady(warm, True)), cold_phases=mean_phases(cold),
                       worker_start=mean_phases([g for g in warm if g.phases and g.phases.get("setup")]))
        rows.append(row)
    header = ("| assignment | notebook run (s) | peak memory (MB) | autograde per submission (s) "
              "| whole `course autograde` (s) | solution graded | class of N, J jobs (s) "
              "| projected class of 200 (min) | course gradebook per submission (s), set-up per run (s) |")
    print("\n" + header + "\n|---|---:|---:|---:|---:|---|---:|---:|---:|")
    over = []
    for r in rows:
        klass = (f"{r['class_s']} (N={r['class_size']}, J={args.jobs})", r["class_of_200_min"],
                 f"{r['gradebook_per_submission_s']}, {r['gradebook_setup_s']}") if "class_s" in r else ("-", "-", "-")
        print(f"| {r['assignment']} | {r.get('run_s', '-')} | {r.get('peak_mb', '-')} | {r.get('autograde_s', '-')} "
              f"| {r.get('autograde_command_s', '-')} | {r.get('solution_grade', '-')} | {klass[0]} | {klass[1]} "
              f"| {klass[2]} |")
        over += [f"{r['assignment']}: {key} {r[key]} > {limit}"
                 for key, limit in BUDGET.items() if key in r and r[key] > limit]
    speed_table(rows, args.jobs, import_s)
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
