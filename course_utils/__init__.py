"""course_utils: shared helpers for "Training deep networks -- the tricks that make it work".

For the notebooks (students and self-learners), one job each:

- ``checks``     the assertions the notebook tests use, with messages a student can act on
- ``gradcheck``  numerical gradients and gradient checks
- ``data``       small offline data sets (XOR, spirals, moons, digits)
- ``mlp``        the NumPy MLP the experiments of 03-06 train (softmax cross-entropy, init, backprop)
- ``plotting``   loss curves, decision boundaries, histograms, trajectories, LR finder
- ``surfaces``   2-D test functions with their gradients (quadratic, saddle, Rosenbrock)
- ``reference``  PyTorch reference layers the tests compare with
- ``widgets``    the interactive explorers (with a static fallback)
- ``runtime``    shorter experiments while grading (``quick``); ``needs``: an experiment cell
                 stops in one line while an exercise it uses is unfinished
- ``_args``      the argument checks these modules share (messages start with the function)

For the ``course`` command (instructors; ``course check`` and ``course progress`` for students):

- ``cli``        the ``course`` command: release, check, progress, autograde, report
- ``term``       its term commands: ``course roster import``, ``course grades``, ``course feedback``
- ``course``     where the course lives on disk, and nbgrader's API on it
- ``cells``      the structure of a course notebook: setup, solution, test cells
- ``release``    regenerate notebooks/ from solutions/
- ``selfcheck``  ``course check``: a student's self-check of one notebook
- ``progress``   ``course progress`` and the notebooks' last cell: every exercise of the course
- ``grading/``   grading, the term's gradebook and the class report (see its ``__init__``)
"""

__version__ = "0.1.0"
