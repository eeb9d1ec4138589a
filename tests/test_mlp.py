"""course_utils.mlp: the shared NumPy MLP agrees with PyTorch and with numerical gradients."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils import gradcheck
from course_utils.mlp import init_mlp, mlp_loss, mlp_scores, softmax_cross_entropy


def torch_cross_entropy(scores, y):
    """F.cross_entropy and its gradient with respect to the scores, in float64."""
    s = torch.tensor(np.asarray(scores, dtype=np.float64), requires_grad=True)
    loss = F.cross_entropy(s, torch.tensor(y))
    loss.backward()
    return loss.item(), s.grad.numpy()


def torch_mlp(params, x, y, reg):
    """The same network in torch: loss (with reg/2 * sum ||W||^2) and autograd's gradients."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    L = len(params) // 2
    h = torch.tensor(x, dtype=torch.float64)
    for l in range(1, L + 1):
        h = h @ t[f"W{l}"] + t[f"b{l}"]
        h = torch.relu(h) if l < L else h
    loss = F.cross_entropy(h, torch.tensor(y)) + reg / 2 * sum((t[f"W{l}"] ** 2).sum() for l in range(1, L + 1))
    loss.backward()
    return loss.item(), h.detach().numpy(), {k: v.grad.numpy() for k, v in t.items()}


@pytest.mark.parametrize("N,C,spread", [(7, 4, 1.0), (1, 10, 3.0), (5, 2, 1000.0)])
def test_softmax_cross_entropy_matches_torch(N, C, spread):
    rng = np.random.default_rng(N)
    scores = rng.normal(scale=spread, size=(N, C))     # spread 1000: exp would overflow unshifted
    y = rng.integers(0, C, size=N)
    loss, dscores = softmax_cross_entropy(scores, y)
    ref_loss, ref_dscores = torch_cross_entropy(scores, y)
    assert isinstance(loss, float)
    assert dscores.shape == (N, C) and dscores.dtype == np.float64
    assert np.isclose(loss, ref_loss, rtol=1e-12, atol=1e-12)
    assert np.allclose(dscores, ref_dscores, rtol=1e-10, atol=1e-14)


def test_softmax_cross_entropy_gradient_is_the_numerical_one():
    rng = np.random.default_rng(1)
    scores, y = rng.normal(size=(6, 5)), rng.integers(0, 5, size=6)
    _, dscores = softmax_cross_entropy(scores, y)
    result = gradcheck.check_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores, dscores,
                                      name="dscores", tol=1e-7, verbose=False)
    assert result.passed, str(result)


def test_softmax_cross_entropy_keeps_float32_and_leaves_its_input_alone():
    rng = np.random.default_rng(2)
    scores, y = rng.normal(size=(8, 3)).astype(np.float32), rng.integers(0, 3, size=8)
    before = scores.copy()
    loss, dscores = softmax_cross_entropy(scores, y)
    assert dscores.dtype == np.float32
    assert np.array_equal(scores, before)
    ref_loss, ref_dscores = torch_cross_entropy(scores, y)
    assert np.isclose(loss, ref_loss, rtol=1e-5) and np.allclose(dscores, ref_dscores, atol=1e-6)


def test_softmax_cross_entropy_lets_a_diverged_run_show_nan():
    with np.errstate(invalid="ignore"):
        loss, _ = softmax_cross_entropy(np.array([[np.inf, 1.0], [0.0, 1.0]]), np.array([0, 1]))
    assert np.isnan(loss)


@pytest.mark.parametrize("scores,y,error,message", [
    (np.ones(4), [0, 1, 0, 1], ValueError, "scores must have shape (N, C) with N >= 1, got shape (4,)"),
    (np.ones((0, 3)), [], ValueError, "got shape (0, 3)"),
    (np.ones((4, 3)), [0, 1, 2], ValueError, "one label per example, shape (4,), got shape (3,)"),
    (np.ones((2, 3)), [[0], [1]], ValueError, "got shape (2, 1)"),
    (np.ones((2, 3)), [0.0, 1.0], TypeError, "integer class labels, got dtype float64"),
    (np.ones((2, 3)), [0, 3], ValueError, "labels must be in 0..2 (one per column of the scores), got 3"),
    (np.ones((2, 3)), [-1, 0], ValueError, "got -1"),
])
def test_softmax_cross_entropy_rejects_bad_input(scores, y, error, message):
    with pytest.raises(error) as err:
        softmax_cross_entropy(scores, y)
    assert message in str(err.value)


def test_init_mlp_shapes_scales_and_draw_order():
    params = init_mlp([64, 100, 50, 10], np.random.default_rng(0))
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for l, (fan_in, fan_out) in enumerate([(64, 100), (100, 50), (50, 10)], start=1):
        assert params[f"W{l}"].shape == (fan_in, fan_out) and params[f"W{l}"].dtype == np.float64
        assert np.array_equal(params[f"b{l}"], np.zeros(fan_out))
    assert abs(params["W1"].std() / np.sqrt(2 / 64) - 1) < 0.05      # He: sqrt(2 / fan_in)
    assert abs(params["W2"].std() / np.sqrt(2 / 100) - 1) < 0.05
    # W1, W2, W3 drawn in this order from the one generator, N(0, std^2) each
    rng = np.random.default_rng(0)
    expected = [rng.standard_normal((a, b)) * np.sqrt(2 / a) for a, b in [(64, 100), (100, 50), (50, 10)]]
    for l in range(1, 4):
        assert np.allclose(params[f"W{l}"], expected[l - 1], rtol=1e-15, atol=0)


def test_init_mlp_scale_last_scale_and_dtype():
    small = init_mlp([20, 300, 400], np.random.default_rng(1), scale=0.5, last_scale=0.01)
    assert abs(small["W1"].std() / 0.5 - 1) < 0.05 and abs(small["W2"].std() / 0.01 - 1) < 0.05
    he_last = init_mlp([200, 300, 400], np.random.default_rng(1), scale=0.2, last_scale="he")
    assert abs(he_last["W1"].std() / 0.2 - 1) < 0.05
    assert abs(he_last["W2"].std() / np.sqrt(2 / 300) - 1) < 0.05
    f32 = init_mlp([5, 4, 3], np.random.default_rng(2), dtype=np.float32)
    f64 = init_mlp([5, 4, 3], np.random.default_rng(2))
    assert all(v.dtype == np.float32 for v in f32.values())
    assert np.array_equal(f32["W2"], f64["W2"].astype(np.float32))     # the same draws, then cast
    assert init_mlp([3, 2], np.random.default_rng(3), scale=0.0)["W1"].any() == False  # noqa: E712


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(sizes=[64]), ValueError, "at least two positive integers"),
    (dict(sizes=[64, 0, 10]), ValueError, "at least two positive integers"),
    (dict(sizes=[64, 2.5, 10]), ValueError, "got [64, 2.5, 10]"),
    (dict(sizes="64"), ValueError, "at least two positive integers"),
    (dict(rng=0), TypeError, "rng must be a np.random.Generator"),
    (dict(scale="xavier"), ValueError, "scale must be 'he' or a standard deviation >= 0, got 'xavier'"),
    (dict(scale=-1.0), ValueError, "got -1.0"),
    (dict(last_scale="He"), ValueError, "last_scale must be 'he'"),
    (dict(dtype=np.int64), TypeError, "dtype must be a float dtype"),
])
def test_init_mlp_rejects_bad_arguments(kwargs, error, message):
    args = dict(sizes=[4, 3, 2], rng=np.random.default_rng(0)) | kwargs
    with pytest.raises(error) as err:
        init_mlp(**args)
    assert message in str(err.value)


@pytest.mark.parametrize("sizes,reg", [([6, 5, 4], 0.0), ([6, 7, 5, 3], 0.3), ([4, 3], 1.0)])
def test_mlp_loss_and_scores_match_torch(sizes, reg):
    rng = np.random.default_rng(len(sizes))
    params = init_mlp(sizes, rng, scale=0.7)
    for k in params:
        if k.startswith("b"):
            params[k] = rng.normal(size=params[k].shape)          # nonzero biases are tested too
    x, y = rng.normal(size=(9, sizes[0])), rng.integers(0, sizes[-1], size=9)
    ref_loss, ref_scores, ref_grads = torch_mlp(params, x, y, reg)
    loss, grads = mlp_loss(params, x, y, reg)
    assert np.allclose(mlp_scores(params, x), ref_scores, rtol=1e-12, atol=1e-12)
    assert np.isclose(loss, ref_loss, rtol=1e-12)
    assert list(grads) == list(params)
    for k in params:
        assert grads[k].shape == params[k].shape
        assert np.allclose(grads[k], ref_grads[k], rtol=1e-10, atol=1e-12), k


def test_mlp_loss_gradients_are_the_numerical_ones():
    rng = np.random.default_rng(5)
    params = init_mlp([5, 8, 8, 4], rng, last_scale=0.5)
    x, y = rng.normal(size=(6, 5)), rng.integers(0, 4, size=6)
    _, grads = mlp_loss(params, x, y, reg=0.1)
    for key in params:
        result = gradcheck.check_gradient(lambda _: mlp_loss(params, x, y, reg=0.1)[0], params[key], grads[key],
                                          name=key, tol=1e-6, verbose=False)
        assert result.passed, str(result)


def test_mlp_scores_keeps_float32():
    params = init_mlp([4, 6, 3], np.random.default_rng(6), dtype=np.float32)
    scores = mlp_scores(params, np.ones((2, 4), dtype=np.float32))
    assert scores.shape == (2, 3) and scores.dtype == np.float32


@pytest.mark.parametrize("params,x,error,message", [
    ([np.ones((4, 3))], np.ones((2, 4)), TypeError, "params must be a dict"),
    ({}, np.ones((2, 4)), ValueError, "exactly the keys W1, b1, ..., WL, bL; missing []"),
    ({"W1": np.ones((4, 3))}, np.ones((2, 4)), ValueError, "missing ['b1']"),
    ({"W1": np.ones((4, 3)), "b1": np.ones(3), "gamma1": np.ones(3)}, np.ones((2, 4)), ValueError,
     "not used by this network ['gamma1']"),
    ({"W1": np.ones((4, 3)), "b1": np.ones(3)}, np.ones((2, 5)), ValueError,
     "x must have shape (N, 4) to match W1, got shape (2, 5)"),
    ({"W1": np.ones((4, 3)), "b1": np.ones(3)}, np.ones(4), ValueError, "got shape (4,)"),
])
def test_mlp_functions_reject_bad_input(params, x, error, message):
    for call in (lambda: mlp_scores(params, x), lambda: mlp_loss(params, x, np.zeros(len(x), int))):
        with pytest.raises(error) as err:
            call()
        assert message in str(err.value)


def test_mlp_loss_rejects_a_bad_reg_and_bad_labels():
    params = init_mlp([4, 3], np.random.default_rng(7))
    for reg in (-0.1, np.nan, "0.1", None):
        with pytest.raises(ValueError, match="reg must be a number >= 0"):
            mlp_loss(params, np.ones((2, 4)), np.array([0, 1]), reg)
    with pytest.raises(ValueError, match="labels must be in 0..2"):
        mlp_loss(params, np.ones((2, 4)), np.array([0, 5]))
