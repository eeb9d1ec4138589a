"""The shared argument checks (course_utils/_args.py) and the message contract they carry:
every message starts with the name of the public function the student called."""

import decimal
import fractions

import numpy as np
import pytest
import torch

from course_utils import data, gradcheck, plotting, surfaces
from course_utils._args import (
    as_float_array,
    check_callable,
    check_int,
    check_real,
    is_int,
)

# --------------------------------------------------------------------------- is_int / check_int


@pytest.mark.parametrize("value, expected", [
    (3, True), (0, True), (-2, True), (np.int64(5), True), (np.uint8(1), True),
    (True, False), (False, False), (np.True_, False),
    (3.0, False), (np.float64(3), False), ("3", False), (None, False),
])
def test_is_int(value, expected):
    assert is_int(value) is expected


@pytest.mark.parametrize("value", [True, False, np.True_, 2.0, "2", None, [2]])
def test_check_int_rejects_non_ints_including_bools(value):
    with pytest.raises(TypeError, match=r"^make_xor: n_per_cluster must be an int, got "):
        check_int(value, "n_per_cluster", "make_xor", minimum=1)


def test_check_int_returns_a_python_int():
    out = check_int(np.int64(7), "bins", "plot_layer_histograms", minimum=1)
    assert out == 7 and type(out) is int


def test_check_int_minimum_is_inclusive():
    assert check_int(2, "levels", "plot_trajectories", minimum=2) == 2
    with pytest.raises(ValueError) as err:
        check_int(1, "levels", "plot_trajectories", minimum=2)
    assert str(err.value) == "plot_trajectories: levels must be >= 2, got 1"
    with pytest.raises(ValueError, match=r"^trajectory: steps must be >= 0, got -1$"):
        check_int(-1, "steps", "trajectory", minimum=0)


# --------------------------------------------------------------------------- check_real


@pytest.mark.parametrize("value", [True, False, "0.1", None, 1j, [0.1], np.array([0.1])])
def test_check_real_rejects_non_numbers(value):
    with pytest.raises(TypeError, match=r"^make_moons: noise must be a number, got "):
        check_real(value, "noise", "make_moons", minimum=0)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan"),
                                   10 ** 400])
def test_check_real_rejects_nan_and_inf(value):
    with pytest.raises(ValueError, match=r"^rosenbrock: a must be a finite number, got "):
        check_real(value, "a", "rosenbrock")


def test_check_real_minimum_is_inclusive():
    assert check_real(0, "noise", "make_xor", minimum=0) == 0.0
    with pytest.raises(ValueError) as err:
        check_real(-0.1, "noise", "make_xor", minimum=0)
    assert str(err.value) == "make_xor: noise must be a finite number >= 0, got -0.1"


@pytest.mark.parametrize("value", [0, 0.0, -1e-5, -3])
def test_check_real_positive_excludes_zero(value):
    with pytest.raises(ValueError,
                       match=r"^numerical_gradient: h must be a finite number > 0, got "):
        check_real(value, "h", "numerical_gradient", positive=True)


@pytest.mark.parametrize("value, expected", [
    (3, 3.0), (np.float32(0.5), 0.5), (np.int64(2), 2.0), (fractions.Fraction(1, 4), 0.25),
    (-7.5, -7.5),
])
def test_check_real_returns_a_python_float(value, expected):
    out = check_real(value, "angle", "ill_conditioned_quadratic")
    assert out == expected and type(out) is float


# --------------------------------------------------------------------------- as_float_array


def test_as_float_array_rejects_none_with_a_hint():
    with pytest.raises(TypeError) as err:
        as_float_array(None, "analytic", "check_gradient")
    assert str(err.value).startswith("check_gradient: analytic is None")
    assert "return" in str(err.value)


@pytest.mark.parametrize("value", [
    ["a", "b"],            # strings, even ones that look like numbers:
    ["1.5", "2"],
    [1.0, None],           # a None among numbers (np.asarray(..., float) makes it NaN)
    [[1.0, 2.0], [3.0]],   # ragged
    [1 + 2j],              # complex
    np.array(["2020-01-01"], dtype="datetime64[D]"),
    {"a": 1.0},
    [decimal.Decimal("1.5")],  # not a numbers.Real
])
def test_as_float_array_rejects_what_is_not_numbers(value):
    with pytest.raises(TypeError, match=r"^plot_curves: curves\['val'\] must contain numbers"):
        as_float_array(value, "curves['val']", "plot_curves")


@pytest.mark.parametrize("value, expected", [
    ([1, 2], [1.0, 2.0]),
    ([True, False], [1.0, 0.0]),
    (np.arange(3, dtype=np.int8), [0.0, 1.0, 2.0]),
    (np.float32(0.25), 0.25),
    ([fractions.Fraction(3, 2), 2], [1.5, 2.0]),
    (torch.tensor([0.5, 2.0]), [0.5, 2.0]),
])
def test_as_float_array_converts_numbers_to_float64(value, expected):
    out = as_float_array(value, "X", "plot_decision_boundary")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected)


def test_as_float_array_returns_a_new_array():
    original = np.array([1.0, 2.0])
    out = as_float_array(original, "dout", "numerical_gradient_array")
    out[0] = 99.0
    assert original[0] == 1.0


# --------------------------------------------------------------------------- check_callable


def test_check_callable():
    assert check_callable(len, "f", "check_gradient") is None
    with pytest.raises(TypeError) as err:
        check_callable("sgd", "rule", "trajectory", "an update rule function")
    assert str(err.value) == "trajectory: rule must be an update rule function, got str"
    with pytest.raises(TypeError,
                       match=r"^plot_decision_boundary: predict must be a function, got ndarray$"):
        check_callable(np.zeros(2), "predict", "plot_decision_boundary")


# --------------------------------------------------------------------------- the modules' messages


def _right_half(points):
    """A classifier for plot_decision_boundary: class 1 where x1 > 0."""
    return (points[:, 0] > 0).astype(int)


@pytest.mark.parametrize("call, prefix", [
    (lambda: data.make_xor(n_per_cluster=True), "make_xor: n_per_cluster "),
    (lambda: data.make_spirals(noise=float("inf")), "make_spirals: noise "),
    (lambda: data.make_moons(rng=-1), "make_moons: rng seed "),
    (lambda: data.load_digits_split(val_fraction=float("nan")), "load_digits_split: val_fraction "),
    (lambda: data.load_digits_split(seed=1.0), "load_digits_split: seed "),
    (lambda: surfaces.rosenbrock(a=float("nan")), "rosenbrock: a "),
    (lambda: surfaces.ill_conditioned_quadratic(True), "ill_conditioned_quadratic: condition "),
    (lambda: surfaces.saddle().grid(True), "Saddle.grid: resolution "),
    (lambda: surfaces.saddle().value(None), "Saddle.value: the point "),
    (lambda: surfaces.trajectory(lambda w, dw, s: w, surfaces.saddle(), 2.0), "trajectory: steps "),
    (lambda: surfaces.trajectory(lambda w, dw, s: None, surfaces.saddle(), 2),
     "trajectory: the new point returned by rule at step 1 "),
    (lambda: surfaces.trajectory(lambda w, dw, s: w, surfaces.saddle(), 2, max_norm=0),
     "trajectory: max_norm "),
    (lambda: plotting.plot_curves({"train": [1.0, None]}), "plot_curves: curves['train'] "),
    (lambda: plotting.plot_decision_boundary(_right_half, [[0.0, 1.0]], [0], padding=-1),
     "plot_decision_boundary: padding "),
    (lambda: plotting.plot_decision_boundary(_right_half, [[0.0, 1.0]], [0], resolution=2.5),
     "plot_decision_boundary: resolution "),
    (lambda: plotting.plot_layer_histograms([np.zeros(3)], bins=0), "plot_layer_histograms: bins "),
    (lambda: plotting.plot_lr_finder([1e-3, 1e-2], [1.0, 0.5], chosen_lr=float("inf")),
     "plot_lr_finder: chosen_lr "),
    (lambda: gradcheck.numerical_gradient(np.sum, np.zeros(3), h=True), "numerical_gradient: h "),
    (lambda: gradcheck.numerical_gradient(lambda x: "1", np.zeros(3)), "numerical_gradient: f(x) "),
    (lambda: gradcheck.numerical_gradient_array(np.sin, np.zeros(3), ["a"] * 3),
     "numerical_gradient_array: dout "),
    (lambda: gradcheck.rel_error([1.0], [1.0], floor=-1), "rel_error: floor "),
    (lambda: gradcheck.check_gradient(np.sum, np.zeros(3), None, verbose=False),
     "check_gradient: analytic "),
    (lambda: gradcheck.check_gradient(np.sum, np.zeros(3), np.zeros(3), tol=float("nan"),
                                      verbose=False), "check_gradient: tol "),
])
def test_bad_arguments_name_the_function_then_the_argument(call, prefix):
    with pytest.raises((TypeError, ValueError)) as err:
        call()
    assert str(err.value).startswith(prefix), str(err.value)
