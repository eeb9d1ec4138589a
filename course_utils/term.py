"""The instructor's term on the command line: ``course roster import`` and ``course grades``
(cli.py registers them with :func:`add_commands`).

    course roster import FILE.csv [--course-dir DIR]
    course grades --out final.csv [--format csv|canvas] [--course-dir DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from .course import CourseError, command_root


def _book(args) -> tuple[Path, Path, str]:
    """(course root, course gradebook directory, course id) for a term command."""
    from .grading.gradebook import course_dir, course_id
    root = command_root(args.root)
    return root, course_dir(root, args.course_dir), course_id(root)


def _roster_import(args) -> int:
    from .grading.gradebook import init
    from .grading.roster import import_csv
    root, folder, cid = _book(args)
    init(root, folder)
    roster = import_csv(folder, cid, Path(args.file))
    with_lms = sum(1 for s in roster.students if s["lms_user_id"])
    print(f"roster of {len(roster.students)} student(s) ({with_lms} with an LMS id) in the gradebook {folder}")
    return 0


def _grades(args) -> int:
    from .grading.final import marks, write
    from .grading.gradebook import DATABASE, settings
    from .grading.roster import load
    root, folder, cid = _book(args)
    if not (folder / DATABASE).is_file():
        raise CourseError(f"no gradebook in {folder}: run course autograde first (or pass --course-dir)")
    roster = load(folder, cid)
    if roster is None:
        raise CourseError(f"no roster in the gradebook {folder}: course roster import FILE.csv first")
    names, table, strangers = marks(folder, cid, roster, settings(root))
    write(Path(args.out), roster, names, table, args.format)
    missing = sum(1 for m in table.values() if any(": missing" in n for n in m.notes))
    print(f"{len(roster.students)} student(s) x {len(names)} assignment(s) ({', '.join(names)}) "
          f"-> {args.out} ({args.format}); {missing} missing submission(s) count 0")
    if strangers:
        print(f"not on the roster, left out of {args.out}: {', '.join(strangers)}", file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    """Register ``roster`` and ``grades`` on the ``course`` command's subparsers."""
    common = {"--root": "the course folder (default: found from here)",
              "--course-dir": "the course gradebook (default: <root>/gradebook)"}
    p = sub.add_parser("roster", help="the class list in the course gradebook")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("import", help="add students from a CSV: id,first_name,last_name,email,lms_user_id")
    q.add_argument("file", help="the roster CSV (nbgrader's student import format)")
    for flag, text in common.items():
        q.add_argument(flag, help=text)
    q.set_defaults(run=_roster_import)

    p = sub.add_parser("grades", help="final grades of every roster student, from the course gradebook")
    p.add_argument("--out", required=True, help="the CSV file to write")
    p.add_argument("--format", choices=("csv", "canvas"), default="csv",
                   help="csv: every number and notes; canvas: a Canvas gradebook import")
    for flag, text in common.items():
        p.add_argument(flag, help=text)
    p.set_defaults(run=_grades)
