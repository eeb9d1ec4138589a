"""nbgrader configuration for the course.

Layout: ``solutions/`` holds the instructor's source notebooks (with solutions and
hidden tests); ``notebooks/`` holds the generated student versions. The ``course``
command (course_utils/cli.py) drives nbgrader with this file; grading runs in a
temporary course directory, so no gradebook or submissions land in the repository.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "deep-training-tricks"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# A notebook cell that runs longer than this is stopped (infinite loops in submissions).
c.Execute.timeout = 120

# `course autograde` runs each submission in a sandbox (course_utils/grading/sandbox.py) instead of
# nbgrader's own kernel; these are its limits per notebook. Use `course autograde`, not
# `nbgrader autograde`: only the former isolates student code and guards the tests.
c.SandboxedExecute.notebook_timeout = 600     # seconds for the whole notebook
c.SandboxedExecute.memory_mb = 4096           # address space of the notebook's process
# Never let one chatty cell bloat a submission or its feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# A student who deletes a test cell is graded with the instructor's copy of it,
# instead of silently receiving no score for it.
c.OverwriteCells.add_missing_cells = True

# Feedback shows what failed (the failure messages) but not the hidden test code.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
c.ClearHiddenTests.enforce_metadata = False

# Late submissions (`course grades`): the due date of each assignment is kept in the course
# gradebook (`nbgrader db assignment add NAME --duedate="2026-10-01 23:59:00 UTC"` in the course
# directory, or formgrader's Manage Assignments); the penalty is this nbgrader plugin's.
c.AssignLatePenalties.plugin_class = "course_utils.grading.late.PercentPerDay"
c.PercentPerDay.percent = 10          # of the assignment's score, per started day late
c.PercentPerDay.max_percent = 100
