"""The instructor's side of the course: grading, the term's gradebook, and the class report.

A submission's way through ``course autograde``:

- ``submissions``        find each student's notebook in what the instructor collected
                         (nbgrader's ``submitted/``, folders, zips; ``lms``: Canvas and Moodle
                         file names, as nbgrader ``zip_collect`` collector plugins)
- ``integrity``          compare it with the release the student fetched (``releases``: every
                         release's fingerprint); put back deleted or edited test cells
- ``autograde``          drive nbgrader over the class (in parallel, or on Dask: ``cluster``),
                         write grades, results records and feedback
- ``sandboxed_execute``  nbgrader's Execute step, replaced: run the notebook in the sandbox
- ``sandbox``            start the runner in bubblewrap, with time and memory limits (the cold
                         path); ``warm`` and ``zygote``: one sandbox per grader, a forked child
                         per submission
- ``runner``             inside the sandbox: run the cells, setup first, tests guarded;
                         ``blocks``: a test cell block by block, each block earning its share
- ``guard``              keep the tests honest next to student code (state, torch, hooks)
- ``contracts``          what these parts agree on: Status, RunReport, cell errors, Grade

The term, in the course gradebook (nbgrader's own):

- ``gradebook``          record every graded submission; ``corrections``: cells added mid-term
- ``roster``, ``final``, ``late``   the class list, ``course grades``, the late penalty
- ``feedback``           students' feedback pages (``mathml``: formulas that render offline)

After grading: ``classreport`` (the records summed up), ``reportpage`` (its HTML page),
``similarity`` (compare50, run by ``compare50_run`` in compare50's own venv).

Nothing here is imported by the student-facing modules of ``course_utils``.
"""
