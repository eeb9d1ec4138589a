"""The ``course`` command: release assignments, self-check a notebook, autograde a class.

    course release [ASSIGNMENT ...]      regenerate notebooks/ from solutions/
    course check NOTEBOOK                run a notebook's tests, report each exercise
    course progress [FOLDER]             every exercise of the course: passed, failed, not attempted
    course autograde SUBMISSIONS --assignment NAME --out DIR [--course-dir DIR] [--scheduler ADDR]
    course report --assignment NAME [--from DIR ...] [--submissions PATH ...] [--out DIR]
    course roster import FILE.csv        the class list, into the course gradebook
    course grades --out final.csv        final grades per roster student [--format canvas]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cells import NotebookError
from .course import CourseError, assignments, check_assignment, command_root, student_notebook
from .grading.autograde import default_jobs


def _release(args) -> int:
    from .release import release
    root = command_root(args.root)
    names = args.assignments or assignments(root)
    for name in names:
        target = release(root, check_assignment(root, name), into=args.into)
        print(f"released {name} -> {target}")
    return 0


def _student_root() -> None:
    """Say which course root a student command sees (none is fine: a notebook on its own)."""
    try:
        command_root()
    except CourseError:
        print("course root: none (no course here or above; only the given notebooks are used)",
              file=sys.stderr)


def _check(args) -> int:
    from .selfcheck import check
    notebook = student_notebook(args.notebook)
    _student_root()
    return check(notebook, timeout=args.timeout)


def _progress(args) -> int:
    from .progress import progress_command
    _student_root()
    return progress_command(args.folder, saved=args.saved, timeout=args.timeout)


def _autograde(args) -> int:
    from .grading.autograde import autograde
    from .grading.gradebook import course_dir
    root = command_root(args.root)
    book = course_dir(root, args.course_dir)
    grades = autograde(root, Path(args.submissions), args.assignment, Path(args.out),
                       timeout=args.timeout, jobs=args.jobs, progress=not args.quiet,
                       notebook_timeout=args.notebook_timeout, memory_mb=args.memory_mb,
                       scheduler=args.scheduler, course_dir=book)
    width = max(len(g.student) for g in grades)
    for g in grades:
        print(f"{g.student:<{width}}  {g.score:>6g} / {g.max_score:<6g} {g.status}"
              + (f"  ({g.detail})" if g.detail else ""))
    attention = [g for g in grades if g.status.needs_attention]
    print(f"\n{len(grades)} submission(s); grades in {Path(args.out) / 'grades.csv'}, "
          f"feedback in {Path(args.out) / 'feedback'}; recorded in the gradebook {book}")
    if attention:
        print(f"{len(attention)} submission(s) need your attention (status other than graded).")
    return 1 if attention else 0


def _report(args) -> int:
    from .grading.classreport import report
    root = command_root(args.root)
    if args.runs:
        runs = [Path(r) for r in args.runs]
        out = Path(args.out) if args.out else runs[-1] / "report"
    else:                                   # the course gradebook: every run recorded there
        from .grading.gradebook import course_dir
        runs = [course_dir(root, args.course_dir)]
        out = Path(args.out) if args.out else runs[0] / "reports" / args.assignment
    page = report(root, check_assignment(root, args.assignment), runs, out,
                  submissions=args.submissions or [], archive=args.archive,
                  similar=not args.no_similarity, pairs=args.pairs)
    print(f"class report: {page}  (data: report.json and *.csv beside it)")
    if not args.no_similarity and not args.submissions:
        print("similarity not checked: pass --submissions (what you gave course autograde)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate the student notebooks in notebooks/")
    p.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    p.add_argument("--into", type=Path, help="write here instead of notebooks/")
    p.add_argument("--root", help="the course folder (default: found from here)")
    p.set_defaults(run=_release)

    p = sub.add_parser("check", help="self-check: run a notebook's tests, report each exercise")
    p.add_argument("notebook", help="your .ipynb (a path from anywhere) or the assignment's name, "
                                    "e.g. 04_regularization")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    p.set_defaults(run=_check)

    p = sub.add_parser("progress", help="every exercise of the course as passed, failed or not attempted")
    p.add_argument("folder", nargs="?", help="the folder of your notebooks (default: the course's notebooks/)")
    p.add_argument("--saved", action="store_true",
                   help="read the results your notebooks were saved with instead of running their tests")
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    p.set_defaults(run=_progress)

    p = sub.add_parser("autograde", help="grade a class: SUBMISSIONS/<student>/<NAME>.ipynb, "
                                         "SUBMISSIONS/<student>.ipynb, or a zip of either")
    p.add_argument("submissions", help="folder (or .zip) of the students' notebooks")
    p.add_argument("--assignment", required=True, help="assignment name, e.g. 01_backprop")
    p.add_argument("--out", required=True, help="folder for grades.csv and feedback/")
    p.add_argument("--timeout", type=int,
                   help="seconds one cell may run (default: Execute.timeout of nbgrader_config.py)")
    p.add_argument("--notebook-timeout", type=int,
                   help="seconds one whole notebook may run (default: SandboxedExecute.notebook_timeout)")
    p.add_argument("--memory-mb", type=int,
                   help="memory limit of one notebook in MB (default: SandboxedExecute.memory_mb)")
    p.add_argument("--jobs", "-j", type=int, default=default_jobs(),
                   help=f"notebooks graded in parallel (default: {default_jobs()}, the CPU cores, at most 4)")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786",
                   help="grade on this Dask distributed cluster instead of local processes")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--root", help="the course folder (default: found from here)")
    p.add_argument("--course-dir", help="the course gradebook, an nbgrader course directory that every "
                                        "graded submission is recorded in (default: <root>/gradebook)")
    p.set_defaults(run=_autograde)

    p = sub.add_parser("report", help="after grading: what the class got wrong, and which submissions "
                                      "are similar (one HTML page, plus JSON and CSV)")
    p.add_argument("--assignment", required=True, help="assignment name, e.g. 03_optimizers")
    p.add_argument("--course-dir", help="the course gradebook to report from (default: <root>/gradebook)")
    p.add_argument("--from", dest="runs", nargs="+", metavar="DIR",
                   help="instead of the course gradebook: the --out folders of `course autograde` runs, "
                        "oldest first: a later record "
                        "of a student replaces an earlier one")
    p.add_argument("--submissions", nargs="+", metavar="PATH",
                   help="the students' notebooks (folders or zips, as given to course autograde), "
                        "for the similarity check")
    p.add_argument("--archive", type=Path, help="past submissions to compare with (same layouts)")
    p.add_argument("--out", help="folder for report.html, report.json and the CSV files "
                                 "(default: the last --from folder's report/)")
    p.add_argument("--no-similarity", action="store_true", help="skip the compare50 similarity check")
    p.add_argument("--pairs", type=int, default=20, help="most similar pairs to list (default 20)")
    p.add_argument("--root", help="the course folder (default: found from here)")
    p.set_defaults(run=_report)
    from .term import add_commands
    add_commands(sub)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CourseError, NotebookError) as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
