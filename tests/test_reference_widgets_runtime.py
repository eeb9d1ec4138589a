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
