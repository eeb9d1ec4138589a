"""Tests for course_utils.surfaces: values, exact gradients (against torch autograd and
central differences), the documented minima/saddles, and trajectory()."""

import math

import numpy as np
import pytest
import torch

from course_utils import surfaces
from course_utils.gradcheck import numerical_gradient
from course_utils.surfaces import Surface, ill_conditioned_quadratic, rosenbrock, saddle, trajectory


def torch_funcs():
    """The same functions written with torch, for autograd (float64)."""
    def quad(kappa, angle):
        t = math.radians(angle)
        R = torch.tensor([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]], dtype=torch.float64)
        H = R @ torch.diag(torch.tensor([1.0, kappa], dtype=torch.float64)) @ R.T
        return lambda w: 0.5 * w @ H @ w
    return {
        "quadratic": (ill_conditioned_quadratic(), quad(10.0, 0.0)),
        "quadratic rotated": (ill_conditioned_quadratic(25.0, 30.0), quad(25.0, 30.0)),
        "saddle": (saddle(), lambda w: 0.5 * w[0] ** 2 + 0.25 * w[1] ** 4 - 0.5 * w[1] ** 2),
        "rosenbrock": (rosenbrock(), lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2),
        "rosenbrock a=2 b=5": (rosenbrock(2.0, 5.0), lambda w: (2 - w[0]) ** 2 + 5 * (w[1] - w[0] ** 2) ** 2),
    }


@pytest.mark.parametrize("key", list(torch_funcs()))
def test_values_and_gradients_match_torch_autograd(key):
    surface, torch_f = torch_funcs()[key]
    rng = np.random.default_rng(0)
    for point in rng.uniform(-2, 2, size=(20, 2)):
        w = torch.tensor(point, requires_grad=True)
        value = torch_f(w)
        value.backward()
        assert surface.value(point) == pytest.approx(value.item(), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(surface.grad(point), w.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(surface.grad(point), numerical_gradient(surface.value, point),
                                   rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("key", list(torch_funcs()))
def test_minima_and_saddles_are_stationary_and_minimal(key):
    surface, _ = torch_funcs()[key]
    for point in surface.minima + surface.saddles:
        np.testing.assert_allclose(surface.grad(point), 0.0, atol=1e-12)
    X, Y, Z = surface.grid(101)
    assert Z.min() >= surface.min_value - 1e-12
    for point in surface.minima:
        assert surface.value(point) == pytest.approx(surface.min_value)


def test_documented_facts():
    s = saddle()
    assert s.min_value == pytest.approx(-0.25)
    assert s.value((0.0, 0.0)) == 0.0
    # Hessian at the saddle: diag(1, -1), by central differences of the gradient
    h = 1e-5
    hess = np.array([(s.grad([h, 0]) - s.grad([-h, 0])) / (2 * h),
                     (s.grad([0, h]) - s.grad([0, -h])) / (2 * h)])
    np.testing.assert_allclose(hess, np.diag([1.0, -1.0]), atol=1e-8)
    r = rosenbrock()
    assert r.minima == ((1.0, 1.0),) and r.min_value == 0.0 and r.log_levels
    eig = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))
    assert eig[0] == pytest.approx(0.4, abs=0.01) and eig[1] == pytest.approx(1002, abs=1)
    q = ill_conditioned_quadratic(10.0)
    assert q.value((1.0, 0.0)) == 0.5 and q.value((0.0, 1.0)) == 5.0
    assert "10" in q.name


def test_gradient_descent_threshold_on_the_quadratic():
    """GD converges below lr = 2 / condition and diverges above it (the docstring's claim)."""
    def gd(w, dw, state, lr):
        return w - lr * dw
    q = ill_conditioned_quadratic(10.0)
    good = trajectory(gd, q, 400, lr=1.9 / 10)
    assert np.linalg.norm(good[-1]) < 1e-3
    bad = trajectory(gd, q, 400, lr=2.1 / 10)
    assert np.linalg.norm(bad[-1]) > 1e3


def test_grid_shapes_and_elementwise_call():
    X, Y, Z = rosenbrock().grid(50)
    assert X.shape == Y.shape == Z.shape == (50, 50)
    np.testing.assert_allclose(Z[3, 7], rosenbrock()(X[3, 7], Y[3, 7]))
    assert isinstance(saddle()(1.0, 2.0), float) or np.ndim(saddle()(1.0, 2.0)) == 0


def test_trajectory_shape_state_and_early_stop():
    calls = []

    def momentum(w, dw, state, lr, momentum=0.9):
        calls.append(id(state))
        state["v"] = momentum * state.get("v", 0.0) + dw
        return w - lr * state["v"]

    path = trajectory(momentum, saddle(), 30, lr=0.1)
    assert path.shape == (31, 2)
    np.testing.assert_array_equal(path[0], saddle().start)
    assert len(set(calls)) == 1, "one state dict for the whole run"
    # a diverging run stops at the last point inside max_norm
    path = trajectory(lambda w, dw, state, lr: w - lr * dw, rosenbrock(), 100, lr=0.1, max_norm=1e3)
    assert len(path) < 101 and np.all(np.isfinite(path)) and np.all(np.hypot(*path.T) <= 1e3)
    # start overrides the surface's default
    path = trajectory(lambda w, dw, state, lr: w - lr * dw, saddle(), 0, start=[0.5, 0.5], lr=0.1)
    np.testing.assert_array_equal(path, [[0.5, 0.5]])


def test_trajectory_does_not_let_the_rule_change_the_path_in_place():
    def in_place(w, dw, state, lr):
        w -= lr * dw
        return w
    path = trajectory(in_place, ill_conditioned_quadratic(), 3, lr=0.1)
    assert len({tuple(p) for p in path}) == 4


@pytest.mark.parametrize("call, error, match", [
    (lambda: trajectory("sgd", saddle(), 3), TypeError, "rule must be"),
    (lambda: trajectory(lambda *a, **k: a[0], "saddle", 3), TypeError, "Surface"),
    (lambda: trajectory(lambda *a, **k: a[0], saddle(), -1), ValueError, "steps"),
    (lambda: trajectory(lambda w, dw, s: np.zeros(3), saddle(), 2), ValueError, r"shape \(2,\)"),
    (lambda: trajectory(lambda w, dw, s: None, saddle(), 2), (TypeError, ValueError), "shape|array"),
    (lambda: trajectory(lambda *a, **k: a[0], saddle(), 2, start=[1, 2, 3]), ValueError, r"shape \(2,\)"),
    (lambda: ill_conditioned_quadratic(0.5), ValueError, ">= 1"),
    (lambda: ill_conditioned_quadratic("10"), TypeError, "number"),
    (lambda: rosenbrock(b=-1), ValueError, "> 0"),
    (lambda: saddle().grad([1.0]), ValueError, r"shape \(2,\)"),
    (lambda: saddle().grid(1), ValueError, "resolution"),
])
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_module_exports():
    assert set(surfaces.__all__) == {"Surface", "ill_conditioned_quadratic", "saddle",
                                     "rosenbrock", "trajectory"}
    assert isinstance(saddle(), Surface)
