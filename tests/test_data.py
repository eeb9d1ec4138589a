"""Tests for course_utils.data."""

import numpy as np
import pytest

from course_utils.data import DataSplit, load_digits_split, make_moons, make_spirals, make_xor

TOY_MAKERS = [make_xor, make_spirals, make_moons]


# ---------------------------------------------------------------------------
# toy 2-D data sets: shared properties
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", TOY_MAKERS)
def test_toy_dtypes_and_shapes(make):
    X, y = make()
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.ndim == 2 and X.shape[1] == 2
    assert y.shape == (X.shape[0],)
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", TOY_MAKERS)
def test_toy_same_seed_same_data(make):
    X1, y1 = make(rng=3)
    X2, y2 = make(rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("make", TOY_MAKERS)
def test_toy_different_seed_different_data(make):
    X1, _ = make(rng=0)
    X2, _ = make(rng=1)
    assert not np.allclose(X1, X2)


@pytest.mark.parametrize("make", TOY_MAKERS)
def test_toy_does_not_touch_global_random_state(make):
    _, key_before, pos_before, *_ = np.random.get_state()
    make(rng=5)
    _, key_after, pos_after, *_ = np.random.get_state()
    assert pos_after == pos_before
    np.testing.assert_array_equal(key_after, key_before)


@pytest.mark.parametrize("make", TOY_MAKERS)
@pytest.mark.parametrize("noise", [-0.1, float("nan")])
def test_toy_rejects_bad_noise(make, noise):
    with pytest.raises(ValueError, match="noise"):
        make(noise=noise)


@pytest.mark.parametrize("make", TOY_MAKERS)
def test_toy_rejects_bad_rng(make):
    with pytest.raises(TypeError, match="rng"):
        make(rng=None)
    with pytest.raises(TypeError, match="rng"):
        make(rng=0.5)


# ---------------------------------------------------------------------------
# XOR
# ---------------------------------------------------------------------------

def test_xor_sizes_and_balance():
    X, y = make_xor(n_per_cluster=30)
    assert X.shape == (120, 2)
    np.testing.assert_array_equal(np.bincount(y), [60, 60])


def test_xor_labels_match_cluster_signs():
    # noise small enough that no point leaves its quadrant
    X, y = make_xor(n_per_cluster=100, noise=0.15, rng=0)
    assert (np.abs(X) > 0).all()
    expected = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64)
    np.testing.assert_array_equal(y, expected)


def test_xor_zero_noise_gives_cluster_centres():
    X, _ = make_xor(n_per_cluster=5, noise=0.0)
    np.testing.assert_array_equal(np.unique(X, axis=0), [[-1, -1], [-1, 1], [1, -1], [1, 1]])


def test_xor_is_shuffled():
    _, y = make_xor(n_per_cluster=50)
    assert not (np.all(np.diff(y) >= 0) or np.all(np.diff(y) <= 0))
    assert (y[:50] == 1).any() and (y[:50] == 0).any()


@pytest.mark.parametrize("n", [0, -3])
def test_xor_rejects_non_positive_count(n):
    with pytest.raises(ValueError, match="n_per_cluster must be >= 1"):
        make_xor(n_per_cluster=n)


def test_xor_rejects_float_count():
    with pytest.raises(TypeError, match="n_per_cluster must be an int"):
        make_xor(n_per_cluster=2.5)


# ---------------------------------------------------------------------------
# spirals
# ---------------------------------------------------------------------------

def test_spirals_sizes_and_labels():
    X, y = make_spirals(n_per_class=40, n_classes=4)
    assert X.shape == (160, 2)
    np.testing.assert_array_equal(np.bincount(y), [40] * 4)


def test_spirals_geometry_matches_cs231n():
    n = 50
    X, y = make_spirals(n_per_class=n, n_classes=3, noise=0.0)
    radius = np.linspace(0, 1, n)
    for j in range(3):
        t = np.linspace(4 * j, 4 * (j + 1), n)
        expected = np.c_[radius * np.sin(t), radius * np.cos(t)]
        np.testing.assert_allclose(X[y == j], expected, atol=1e-12)
    assert np.abs(X).max() <= 1.0 + 1e-12


def test_spirals_rejects_one_class():
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        make_spirals(n_classes=1)


# ---------------------------------------------------------------------------
# moons
# ---------------------------------------------------------------------------

def test_moons_sizes_and_labels():
    X, y = make_moons(n_samples=101)
    assert X.shape == (101, 2)
    np.testing.assert_array_equal(np.bincount(y), [50, 51])


def test_moons_geometry_matches_sklearn():
    from sklearn.datasets import make_moons as sk_make_moons

    X, y = make_moons(n_samples=60, noise=0.0)
    X_sk, y_sk = sk_make_moons(n_samples=60, noise=0.0, shuffle=False)
    for c in (0, 1):
        ours = X[y == c][np.argsort(X[y == c][:, 0])]
        theirs = X_sk[y_sk == c][np.argsort(X_sk[y_sk == c][:, 0])]
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_moons_is_shuffled():
    _, y = make_moons(n_samples=100)
    assert (y[:50] == 1).any() and (y[:50] == 0).any()


def test_moons_rejects_too_few_samples():
    with pytest.raises(ValueError, match="n_samples must be >= 2"):
        make_moons(n_samples=1)


# ---------------------------------------------------------------------------
# digits
# ---------------------------------------------------------------------------

N_DIGITS = 1797


def test_digits_types_and_sizes():
    split = load_digits_split(val_fraction=0.2)
    assert isinstance(split, DataSplit)
    X_train, y_train, X_val, y_val = split
    assert X_train.dtype == X_val.dtype == np.float64
    assert y_train.dtype == y_val.dtype == np.int64
    assert X_val.shape == (360, 64)  # ceil(0.2 * 1797)
    assert X_train.shape == (N_DIGITS - 360, 64)
    assert y_train.shape == (N_DIGITS - 360,) and y_val.shape == (360,)
    assert set(np.unique(y_train)) == set(np.unique(y_val)) == set(range(10))


def test_digits_split_is_stratified():
    split = load_digits_split(val_fraction=0.25)
    train_counts = np.bincount(split.y_train, minlength=10)
    val_counts = np.bincount(split.y_val, minlength=10)
    total = train_counts + val_counts
    # each class is split in the same proportion, up to rounding
    assert np.all(np.abs(val_counts - 0.25 * total) <= 1)


def test_digits_split_is_deterministic_and_depends_on_seed():
    a = load_digits_split(seed=0)
    b = load_digits_split(seed=0)
    c = load_digits_split(seed=1)
    for arr_a, arr_b in zip(a, b):
        np.testing.assert_array_equal(arr_a, arr_b)
    assert not np.array_equal(a.y_train, c.y_train)


def test_digits_raw_values_without_standardization():
    split = load_digits_split(standardize=False)
    X = np.vstack([split.X_train, split.X_val])
    assert X.min() == 0.0 and X.max() == 16.0
    assert np.array_equal(X, np.round(X))


def test_digits_standardized_with_train_statistics():
    raw = load_digits_split(standardize=False, seed=0)
    std = load_digits_split(standardize=True, seed=0)
    np.testing.assert_allclose(std.X_train.mean(axis=0), 0.0, atol=1e-10)
    train_std = std.X_train.std(axis=0)
    constant = raw.X_train.std(axis=0) == 0
    assert constant.any()  # digits have always-blank corner pixels
    np.testing.assert_allclose(train_std[~constant], 1.0, rtol=1e-10)
    np.testing.assert_array_equal(std.X_train[:, constant], 0.0)
    # validation uses the TRAIN mean/std, not its own
    mean = raw.X_train.mean(axis=0)
    scale = np.where(constant, 1.0, raw.X_train.std(axis=0))
    np.testing.assert_allclose(std.X_val, (raw.X_val - mean) / scale, atol=1e-12)
    assert np.abs(std.X_val.mean(axis=0)).max() > 1e-3
    assert np.isfinite(std.X_val).all()


def test_digits_n_train_keeps_first_samples():
    full = load_digits_split(standardize=False, seed=0)
    small = load_digits_split(n_train=25, standardize=False, seed=0)
    assert small.X_train.shape == (25, 64) and small.y_train.shape == (25,)
    np.testing.assert_array_equal(small.X_train, full.X_train[:25])
    np.testing.assert_array_equal(small.y_train, full.y_train[:25])
    np.testing.assert_array_equal(small.X_val, full.X_val)


def test_digits_n_train_standardizes_with_the_small_set():
    small = load_digits_split(n_train=25, standardize=True)
    np.testing.assert_allclose(small.X_train.mean(axis=0), 0.0, atol=1e-10)
    assert np.isfinite(small.X_train).all() and np.isfinite(small.X_val).all()


@pytest.mark.parametrize("n_train", [5, 0, N_DIGITS])
def test_digits_rejects_bad_n_train(n_train):
    with pytest.raises(ValueError, match=f"n_train.*got {n_train}"):
        load_digits_split(n_train=n_train)


def test_digits_rejects_float_n_train():
    with pytest.raises(TypeError, match="n_train must be an int"):
        load_digits_split(n_train=100.0)


@pytest.mark.parametrize("val_fraction", [0, 1, 1.5, -0.2])
def test_digits_rejects_bad_val_fraction(val_fraction):
    with pytest.raises(ValueError, match=r"val_fraction must be in \(0, 1\)"):
        load_digits_split(val_fraction=val_fraction)


def test_digits_rejects_val_fraction_too_small_to_stratify():
    with pytest.raises(ValueError, match="val_fraction=0.001 gives 2 validation"):
        load_digits_split(val_fraction=0.001)


@pytest.mark.parametrize("standardize", [True, False])
def test_digits_cache_cannot_be_corrupted(standardize):
    first = load_digits_split(standardize=standardize)
    expected = [arr.copy() for arr in first]
    for arr in first:
        arr[...] = -7
    second = load_digits_split(standardize=standardize)
    for arr, exp in zip(second, expected):
        np.testing.assert_array_equal(arr, exp)
