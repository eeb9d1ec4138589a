"""course_utils: shared helpers for "Training deep networks -- the tricks that make it work".

Modules (each has one job):

- ``gradcheck``  numerical gradients and gradient checks
- ``checks``     the assertions the notebook tests use, with messages a student can act on
- ``data``       small offline data sets (XOR, spirals, moons, digits)
- ``mlp``        the NumPy MLP the experiments of 03-06 train (softmax cross-entropy, init, backprop)
- ``plotting``   loss curves, decision boundaries, histograms
- ``cli``        the ``course`` command (release, check, autograde)
"""

__version__ = "0.1.0"
