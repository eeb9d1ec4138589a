"""course_utils.reference (torch layers), widgets (explore) and runtime (grading mode)."""

import base64

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import reference, runtime, widgets


def test_reference_linear_matches_the_formulas():
    rng = np.random.default_rng(0)
    x, W, b, dout = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))
    out, cache = reference.linear_forward(x, W, b)
    np.testing.assert_allclose(out, x @ W + b, rtol=1e-12)
    dx, dW, db = reference.linear_backward(dout, cache)
    np.testing.assert_allclose(dx, dout @ W.T, rtol=1e-12)
    np.testing.assert_allclose(dW, x.T @ dout, rtol=1e-12)
    np.testing.assert_allclose(db, dout.sum(0), rtol=1e-12)
    # backward can be called twice on the same cache
    np.testing.assert_allclose(reference.linear_backward(dout, cache)[1], dW)


def test_reference_relu_and_softmax_cross_entropy():
    x = np.array([[-1.0, 0.0, 2.0]])
    out, cache = reference.relu_forward(x)
    np.testing.assert_array_equal(out, [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(reference.relu_backward(np.ones((1, 3)), cache), [[0.0, 0.0, 1.0]])
    logits, y = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), np.array([2, 0])
    loss, dlogits = reference.softmax_cross_entropy(logits, y)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[[0, 1], y])), rel=1e-12)
    np.testing.assert_allclose(dlogits, (p - np.eye(3)[y]) / 2, rtol=1e-12)


def test_reference_backward_rejects_a_wrong_dout_shape():
    _, cache = reference.relu_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dout has shape \(3, 2\).*\(2, 3\)"):
        reference.relu_backward(np.ones((3, 2)), cache)


def test_runtime_quick_follows_nbgrader_execution(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not runtime.is_grading() and runtime.quick(30, 2) == 30
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert runtime.is_grading() and runtime.quick(30, 2) == 2


def test_explore_draws_once_statically_without_a_widget_frontend(monkeypatch):
    calls = []

    def draw(depth, activation):
        calls.append((depth, activation))
        plt.figure()

    result = widgets.explore(draw, depth=ipywidgets.IntSlider(value=3, min=1, max=9),
                             activation=ipywidgets.Dropdown(options=["relu", "tanh"], value="tanh"))
    assert result is None                      # no IPython kernel here: static mode
    assert calls == [(3, "tanh")]
    plt.close("all")


def test_rendered_figures_and_the_fallback_bundle():
    def draw(n):
        for _ in range(n):
            plt.figure()
            plt.plot([0, 1], [0, 1])

    open_before = len(plt.get_fignums())
    pngs = widgets.rendered_figures(draw, {"n": 2})
    assert len(pngs) == 2 and all(base64.b64decode(p).startswith(b"\x89PNG") for p in pngs)
    assert len(plt.get_fignums()) == open_before          # the figures were closed
    bundle = widgets.fallback_bundle(pngs)
    assert bundle["image/png"] == pngs[0]
    assert bundle["text/html"] == "".join(f'<img src="data:image/png;base64,{p}"/>' for p in pngs)
    assert widgets.fallback_bundle([]) == {}


def test_rendered_figures_closes_them_when_draw_fails():
    def draw():
        plt.figure()
        raise ValueError("bad setting")

    open_before = len(plt.get_fignums())
    with pytest.raises(ValueError, match="bad setting"):
        widgets.rendered_figures(draw, {})
    assert len(plt.get_fignums()) == open_before


def test_explore_validates_its_arguments():
    with pytest.raises(TypeError, match="draw must be a function"):
        widgets.explore(None, depth=ipywidgets.IntSlider())
    with pytest.raises(ValueError, match="at least one control"):
        widgets.explore(lambda: None)
    with pytest.raises(TypeError, match="control 'depth' must be an ipywidgets control"):
        widgets.explore(lambda depth: None, depth=3)


# --------------------------------------------------------------------------- needs


def notebook_namespace(*cells: str) -> dict:
    """The names a notebook defines after running ``cells`` (as the kernel's globals)."""
    namespace = {"__name__": "__main__"}
    for i, source in enumerate(cells):
        exec(compile(source, f"<cell {i}>", "exec"), namespace)
    return namespace


TEMPLATE = 'def dropout_forward(x, p):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'
DONE = "def dropout_forward(x, p):\n    return x * (1 - p)\n"
CLASS_TEMPLATE = ("class EarlyStopping:\n    def __init__(self, patience):\n        self.patience = patience\n"
                  "    def step(self, loss):\n        # YOUR CODE HERE\n        raise NotImplementedError()\n")
GUARD = 'from course_utils.runtime import needs\nneeds(dropout_forward="2.1", EarlyStopping="4.1")\nran = True\n'


def test_needs_names_each_unfinished_exercise_in_one_line():
    ns = notebook_namespace(TEMPLATE, CLASS_TEMPLATE)
    with pytest.raises(runtime.Unfinished) as err:
        exec(GUARD, ns)
    message = str(err.value)
    assert message == ("this cell uses your code: finish Exercise 2.1 `dropout_forward` and Exercise 4.1 "
                       "`EarlyStopping` first (it still raises NotImplementedError), then run this cell again.")
    assert "ran" not in ns                                      # the cell stopped at its first line
    assert err.value._render_traceback_() == [f"\x1b[0;31mUnfinished\x1b[0m: {message}"]


def test_needs_passes_finished_exercises_and_names_the_one_left():
    ns = notebook_namespace(DONE, CLASS_TEMPLATE)
    with pytest.raises(runtime.Unfinished, match=r"finish Exercise 4.1 `EarlyStopping` first \(it still"):
        exec(GUARD, ns)
    ns = notebook_namespace(DONE, CLASS_TEMPLATE.replace("raise NotImplementedError()", "return False"))
    exec(GUARD, ns)
    assert ns["ran"]


def test_needs_says_when_the_cell_of_an_exercise_has_not_been_run():
    ns = notebook_namespace(DONE)
    with pytest.raises(runtime.Unfinished, match=r"finish Exercise 4.1 `EarlyStopping` first \(its cell has not"):
        exec(GUARD, ns)
    ns = notebook_namespace(TEMPLATE)
    with pytest.raises(runtime.Unfinished, match="some of it still raises NotImplementedError, and some cells"):
        exec(GUARD, ns)


def test_needs_groups_the_functions_of_one_exercise():
    ns = notebook_namespace(TEMPLATE, TEMPLATE.replace("dropout_forward", "dropout_backward"))
    with pytest.raises(runtime.Unfinished, match=r"finish Exercise 2.1 `dropout_forward`, `dropout_backward` first"):
        exec('from course_utils.runtime import needs\nneeds(dropout_forward="2.1", dropout_backward="2.1")', ns)


def test_unfinished_looks_into_nested_functions_methods_and_properties_only():
    ns = notebook_namespace(
        "def outer():\n    def inner():\n        raise NotImplementedError()\n    return inner\n",
        "class P:\n    @property\n    def value(self):\n        raise NotImplementedError()\n",
        "class S:\n    @staticmethod\n    def f():\n        raise NotImplementedError()\n",
        "def fine(x):\n    return x\nanswer = 3\n")
    assert runtime.unfinished(ns["outer"]) and runtime.unfinished(ns["P"]) and runtime.unfinished(ns["S"])
    assert not runtime.unfinished(ns["fine"]) and not runtime.unfinished(ns["answer"])


def test_needs_validates_its_arguments():
    with pytest.raises(TypeError, match="name the exercises the cell uses"):
        runtime.needs()
    with pytest.raises(TypeError, match=r'the exercise of f must be its number as a string, e.g. f="2.1", got 2.1'):
        runtime.needs(f=2.1)


def test_widget_bundle_does_not_need_ipywidgets_8():
    """Colab ships ipywidgets 7, whose widgets have no _repr_mimebundle_."""
    box = ipywidgets.VBox([ipywidgets.IntSlider()])
    assert widgets.widget_bundle(box) == box._repr_mimebundle_()   # what ipywidgets 8 shows

    class Widget7:                       # the one attribute the view message needs
        model_id = "abc"

    assert widgets.widget_bundle(Widget7())["application/vnd.jupyter.widget-view+json"] == \
        {"version_major": 2, "version_minor": 0, "model_id": "abc"}
