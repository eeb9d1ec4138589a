"""The grading path of ``course autograde``, in the order a submission goes through it.

- ``submissions``        find each student's notebook in what the instructor collected
- ``integrity``          compare it with the release; put back deleted or edited test cells
- ``autograde``          drive nbgrader over the class (in parallel), write grades and feedback
- ``sandboxed_execute``  nbgrader's Execute step, replaced: run the notebook in the sandbox
- ``sandbox``            start the runner in bubblewrap, with time and memory limits
- ``runner``             inside the sandbox: run the cells, setup first, tests guarded
- ``guard``              keep the tests honest next to student code (state, torch, hooks)
- ``contracts``          what these parts agree on: Status, RunReport, cell errors, Grade

Nothing here is imported by the student-facing modules of ``course_utils``.
"""
