"""Tests for course_utils.gradcheck."""

import re

import numpy as np
import pytest
import torch

from course_utils.gradcheck import (
    GradCheckResult,
    check_gradient,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def softmax_loss(W, X, y):
    """Mean softmax cross-entropy of scores X @ W (numpy, float64)."""
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(y)), y].mean()


# ---------------------------------------------------------------------------
# numerical_gradient / numerical_gradient_array
# ---------------------------------------------------------------------------

def test_numerical_gradient_sum_of_squares(rng):
    x = rng.standard_normal((3, 4))
    grad = numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert grad.shape == x.shape
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8, atol=1e-10)


def test_numerical_gradient_sin(rng):
    x = rng.uniform(-3, 3, size=7)
    grad = numerical_gradient(lambda v: np.sin(v).sum(), x)
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-7, atol=1e-9)


def test_numerical_gradient_accepts_scalar_outputs(rng):
    x = rng.standard_normal(4)
    for wrap in (float, np.asarray, lambda s: np.array([s])):
        grad = numerical_gradient(lambda v, wrap=wrap: wrap(np.sum(v ** 3)), x)
        np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_of_0d_array():
    x = np.array(0.7)
    grad = numerical_gradient(lambda v: v ** 3, x)
    assert grad.shape == ()
    assert grad == pytest.approx(3 * 0.7 ** 2, rel=1e-8)


def test_numerical_gradient_matches_torch_autograd(rng):
    X = rng.standard_normal((6, 5))
    y = rng.integers(0, 3, size=6)
    W = 0.5 * rng.standard_normal((5, 3))

    grad = numerical_gradient(lambda W_: softmax_loss(W_, X, y), W)

    W_t = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(torch.tensor(X) @ W_t, torch.tensor(y))
    loss.backward()
    assert loss.item() == pytest.approx(softmax_loss(W, X, y), rel=1e-12)
    assert rel_error(grad, W_t.grad.numpy()) < 1e-7


def test_numerical_gradient_array_matmul(rng):
    x = rng.standard_normal((4, 5))
    W = rng.standard_normal((5, 3))
    dout = rng.standard_normal((4, 3))
    dW = numerical_gradient_array(lambda W_: x @ W_, W, dout)
    dx = numerical_gradient_array(lambda x_: x_ @ W, x, dout)
    np.testing.assert_allclose(dW, x.T @ dout, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(dx, dout @ W.T, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_array_matches_torch(rng):
    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((3, 4))
    dx = numerical_gradient_array(np.tanh, x, dout)

    x_t = torch.tensor(x, requires_grad=True)
    torch.tanh(x_t).backward(torch.tensor(dout))
    assert rel_error(dx, x_t.grad.numpy()) < 1e-7


def test_numerical_gradient_array_rejects_dout_shape_mismatch(rng):
    x = rng.standard_normal((4, 5))
    W = rng.standard_normal((5, 3))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(3, 4\)"):
        numerical_gradient_array(lambda W_: x @ W_, W, np.ones((3, 4)))


def test_x_is_restored_exactly(rng):
    x = rng.standard_normal((5, 3)) * 1e3
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.exp(v / 1e3)), x)
    assert x.tobytes() == before.tobytes()


def test_x_is_restored_when_f_raises(rng):
    x = rng.standard_normal(3)
    before = x.copy()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return v.sum()

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()


def test_perturbation_is_visible_to_closures(rng):
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(3)}

    def loss(_):  # ignores its argument, reads params like a model would
        return np.sum(params["W"] ** 2) + np.sum(params["b"])

    dW = numerical_gradient(loss, params["W"])
    db = numerical_gradient(loss, params["b"])
    np.testing.assert_allclose(dW, 2 * params["W"], rtol=1e-7)
    np.testing.assert_allclose(db, np.ones(3), rtol=1e-7)


def test_integer_x_is_rejected():
    with pytest.raises(TypeError, match="int64.*float"):
        numerical_gradient(lambda v: np.sum(v ** 2), np.arange(4, dtype=np.int64))


def test_non_array_x_is_rejected():
    with pytest.raises(TypeError, match="numpy array"):
        numerical_gradient(lambda v: np.sum(v), [1.0, 2.0])


def test_array_valued_f_is_rejected_by_scalar_version(rng):
    with pytest.raises(ValueError, match=r"scalar.*shape \(4,\).*numerical_gradient_array"):
        numerical_gradient(lambda v: v ** 2, rng.standard_normal(4))


def test_invalid_step_is_rejected(rng):
    for h in (0, -1e-5, float("nan")):
        with pytest.raises(ValueError, match="h must be"):
            numerical_gradient(np.sum, rng.standard_normal(3), h=h)


# ---------------------------------------------------------------------------
# rel_error
# ---------------------------------------------------------------------------

def test_rel_error_identical_is_zero(rng):
    a = rng.standard_normal((3, 3))
    assert rel_error(a, a.copy()) == 0.0


def test_rel_error_known_value():
    # |1 - 3| / (1 + 3) = 0.5 is the largest element error
    assert rel_error(np.array([1.0, 2.0]), np.array([3.0, 2.0])) == pytest.approx(0.5)
    assert rel_error(1.0, 1.5) == pytest.approx(0.5 / 2.5)
    assert isinstance(rel_error(1.0, 1.5), float)


def test_rel_error_floor_applies_near_zero():
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(1e-12, 0.0) == pytest.approx(1e-12 / 1e-8)


def test_rel_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        rel_error(np.zeros((2, 3)), np.zeros((3, 2)))


# ---------------------------------------------------------------------------
# check_gradient
# ---------------------------------------------------------------------------

@pytest.fixture
def softmax_problem(rng):
    """(loss as a function of W, W, correct dW) for a small softmax classifier."""
    X = rng.standard_normal((8, 4))
    y = rng.integers(0, 4, size=8)
    W = 0.5 * rng.standard_normal((4, 4))
    scores = X @ W
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(8), y] -= 1
    dW = X.T @ probs / 8
    return (lambda W_: softmax_loss(W_, X, y)), W, dW


def test_check_gradient_passes_correct_gradient(softmax_problem):
    f, W, dW = softmax_problem
    result = check_gradient(f, W, dW, name="dW", verbose=False)
    assert isinstance(result, GradCheckResult)
    assert result.passed is True
    assert result.max_rel_error < 1e-7
    assert result.name == "dW"
    result.raise_if_failed()  # does not raise


def test_check_gradient_flags_transposed_gradient(softmax_problem):
    f, W, dW = softmax_problem
    assert not np.allclose(dW, dW.T)
    result = check_gradient(f, W, dW.T, verbose=False)
    assert result.passed is False
    assert result.max_rel_error > 1e-2


def test_check_gradient_flags_swapped_rows(softmax_problem):
    f, W, dW = softmax_problem
    wrong = dW[[1, 0, 2, 3]]
    result = check_gradient(f, W, wrong, verbose=False)
    assert result.passed is False
    assert result.worst_index[0] in (0, 1)


def test_check_gradient_flags_factor_of_two(softmax_problem):
    f, W, dW = softmax_problem
    result = check_gradient(f, W, 2 * dW, verbose=False)
    assert result.passed is False
    # |2g - g| / (|2g| + |g|) = 1/3 for every element
    assert result.max_rel_error == pytest.approx(1 / 3, rel=1e-4)


def test_worst_index_points_at_the_corrupted_element(softmax_problem):
    f, W, dW = softmax_problem
    wrong = dW.copy()
    wrong[2, 1] += 0.05
    result = check_gradient(f, W, wrong, verbose=False)
    assert result.passed is False
    assert result.worst_index == (2, 1)
    assert result.analytic_value == pytest.approx(wrong[2, 1])
    assert result.numerical_value == pytest.approx(dW[2, 1], rel=1e-6)


def test_check_gradient_with_dout(rng):
    x = rng.standard_normal((4, 5))
    W = rng.standard_normal((5, 3))
    dout = rng.standard_normal((4, 3))
    good = check_gradient(lambda W_: x @ W_, W, x.T @ dout, dout=dout, verbose=False)
    bad = check_gradient(lambda W_: x @ W_, W, x.T @ dout * 1.01, dout=dout, verbose=False)
    assert good.passed is True
    assert bad.passed is False


def test_near_zero_elements_do_not_fail(rng):
    x = rng.standard_normal(6)
    analytic = np.zeros(6)
    analytic[:2] = 2 * x[:2]
    analytic[2:] = 1e-15  # the true gradient is exactly 0 here
    result = check_gradient(lambda v: np.sum(v[:2] ** 2), x, analytic, verbose=False)
    assert result.passed is True


def test_nan_analytic_gradient_fails(softmax_problem):
    f, W, dW = softmax_problem
    wrong = dW.copy()
    wrong[1, 3] = np.nan
    result = check_gradient(f, W, wrong, name="dW", verbose=False)
    assert result.passed is False
    assert result.worst_index == (1, 3)
    assert result.max_rel_error == float("inf")
    assert "NaN" in str(result)


def test_inf_analytic_gradient_fails(softmax_problem):
    f, W, dW = softmax_problem
    wrong = dW.copy()
    wrong[0, 0] = np.inf
    assert check_gradient(f, W, wrong, verbose=False).passed is False


def test_check_gradient_shape_mismatch(rng):
    W = rng.standard_normal((4, 3))
    with pytest.raises(ValueError, match=r"analytic has shape \(3, 4\) but x has shape \(4, 3\)"):
        check_gradient(lambda W_: np.sum(W_ ** 2), W, (2 * W).T, verbose=False)


def test_check_gradient_rejects_none_analytic(rng):
    with pytest.raises(TypeError, match="analytic is None"):
        check_gradient(np.sum, rng.standard_normal(3), None, verbose=False)


def test_raise_if_failed_message(softmax_problem):
    f, W, dW = softmax_problem
    result = check_gradient(f, W, 2 * dW, name="dW_hidden", verbose=False)
    with pytest.raises(AssertionError, match="dW_hidden") as excinfo:
        result.raise_if_failed()
    assert "backward pass" in str(excinfo.value)


def test_report_line_format(softmax_problem, capsys):
    f, W, dW = softmax_problem
    wrong = dW.copy()
    wrong[3, 1] += 0.05
    result = check_gradient(f, W, wrong, name="dW", tol=1e-6)
    printed = capsys.readouterr().out.strip()
    assert printed == str(result)
    pattern = (r"^dW: max relative error \d\.\de[-+]\d\d at index \(3, 1\) "
               r"\(analytic -?[\d.e+-]+, numerical -?[\d.e+-]+\) -> FAILED \(tolerance 1e-06\)$")
    assert re.match(pattern, printed), printed

    ok = check_gradient(f, W, dW, name="dW", verbose=False)
    assert str(ok).endswith("-> ok")


def test_result_is_frozen(softmax_problem):
    f, W, dW = softmax_problem
    result = check_gradient(f, W, dW, verbose=False)
    with pytest.raises(AttributeError):
        result.passed = False


def test_float32_x_warns(rng):
    x = rng.standard_normal(3).astype(np.float32)
    with pytest.warns(UserWarning, match="float32.*float64"):
        numerical_gradient(lambda v: float(np.sum(v)), x)
