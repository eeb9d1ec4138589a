"""Small offline data sets: XOR, spirals, moons and scikit-learn's digits.

Nothing here downloads anything. The toy 2-D sets are generated with numpy;
the digits (8x8 grey-scale images, 1797 samples, 10 classes) ship inside
scikit-learn.

Randomness comes only from the ``rng`` argument: a ``np.random.Generator``,
or an int seed turned into one with ``np.random.default_rng``. Equal seeds
give equal data.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from ._args import check_int, check_real, is_int

# ---------------------------------------------------------------------------
# randomness (private)
# ---------------------------------------------------------------------------


def _as_rng(rng, func: str) -> np.random.Generator:
    """Return a Generator from a Generator or an int seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if not is_int(rng):
        raise TypeError(
            f"{func}: rng must be an int seed or a np.random.Generator, got {rng!r}"
        )
    return np.random.default_rng(check_int(rng, "rng seed", func, minimum=0))


def _shuffle(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    """Apply one random permutation to the rows of X and y."""
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------------------
# toy 2-D data sets
# ---------------------------------------------------------------------------


def make_xor(n_per_cluster: int = 50, noise: float = 0.15, rng=0):
    """Four Gaussian clusters at (+-1, +-1) labelled like XOR.

    Label 1 for the clusters whose centre coordinates have different signs,
    (1, -1) and (-1, 1); label 0 for (1, 1) and (-1, -1). Labels come from the
    cluster, so with large noise a few points can land in a neighbour's
    quadrant.

    Args:
        n_per_cluster: int >= 1, points per cluster.
        noise: float >= 0, standard deviation of each cluster.
        rng: np.random.Generator or int seed.

    Returns:
        X: float64 array of shape (4 * n_per_cluster, 2), shuffled.
        y: int64 array of shape (4 * n_per_cluster,), values in {0, 1}.
    """
    func = "make_xor"
    n = check_int(n_per_cluster, "n_per_cluster", func, minimum=1)
    noise = check_real(noise, "noise", func, minimum=0)
    rng = _as_rng(rng, func)
    centres = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    X = np.repeat(centres, n, axis=0) + noise * rng.standard_normal((4 * n, 2))
    y = np.repeat(labels, n)
    return _shuffle(X, y, rng)


def make_spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, rng=0):
    """The CS231n spiral data set: ``n_classes`` interleaved spiral arms.

    Arm ``j`` has radius ``linspace(0, 1)`` and angle
    ``linspace(4 j, 4 (j + 1)) + noise * randn``. Not linearly separable.
    As in CS231n, the samples are ordered by class (not shuffled).

    Args:
        n_per_class: int >= 1, points per arm.
        n_classes: int >= 2, number of arms (classes).
        noise: float >= 0, standard deviation of the angle noise (radians).
        rng: np.random.Generator or int seed.

    Returns:
        X: float64 array of shape (n_classes * n_per_class, 2).
        y: int64 array of shape (n_classes * n_per_class,), values 0..n_classes-1.
    """
    func = "make_spirals"
    n = check_int(n_per_class, "n_per_class", func, minimum=1)
    k = check_int(n_classes, "n_classes", func, minimum=2)
    noise = check_real(noise, "noise", func, minimum=0)
    rng = _as_rng(rng, func)
    radius = np.tile(np.linspace(0.0, 1.0, n), k)
    angle = np.concatenate([np.linspace(4.0 * j, 4.0 * (j + 1), n) for j in range(k)])
    angle = angle + noise * rng.standard_normal(k * n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    y = np.repeat(np.arange(k, dtype=np.int64), n)
    return X, y


def make_moons(n_samples: int = 200, noise: float = 0.1, rng=0):
    """Two interleaving half circles (same geometry as sklearn's make_moons).

    Class 0: upper half circle of radius 1 centred at (0, 0).
    Class 1: lower half circle of radius 1 centred at (1, 0.5).
    Class 0 gets ``n_samples // 2`` points, class 1 the rest.

    Args:
        n_samples: int >= 2, total number of points.
        noise: float >= 0, standard deviation of Gaussian noise added to X.
        rng: np.random.Generator or int seed.

    Returns:
        X: float64 array of shape (n_samples, 2), shuffled.
        y: int64 array of shape (n_samples,), values in {0, 1}.
    """
    func = "make_moons"
    n = check_int(n_samples, "n_samples", func, minimum=2)
    noise = check_real(noise, "noise", func, minimum=0)
    rng = _as_rng(rng, func)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    return _shuffle(X, y, rng)


# ---------------------------------------------------------------------------
# digits
# ---------------------------------------------------------------------------


class DataSplit(NamedTuple):
    """A train/validation split.

    X_train: float64 (N_train, D); y_train: int64 (N_train,);
    X_val: float64 (N_val, D); y_val: int64 (N_val,).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


@functools.lru_cache(maxsize=1)
def _load_digits_raw():
    """The digits as read-only arrays: X float64 (1797, 64) in [0, 16], y int64 (1797,)."""
    from sklearn.datasets import load_digits  # bundled with sklearn, no download

    digits = load_digits()
    X = digits.data.astype(np.float64)
    y = digits.target.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _check_val_fraction(val_fraction, n_samples: int, n_classes: int, func: str) -> None:
    """Raise unless 0 < val_fraction < 1 leaves >= n_classes samples on each side."""
    check_real(val_fraction, "val_fraction", func)
    if not 0 < val_fraction < 1:
        raise ValueError(f"{func}: val_fraction must be in (0, 1), got {val_fraction}")
    n_val = math.ceil(val_fraction * n_samples)  # how train_test_split rounds
    if min(n_val, n_samples - n_val) < n_classes:
        raise ValueError(
            f"{func}: val_fraction={val_fraction} gives {n_val} validation and "
            f"{n_samples - n_val} training samples; a stratified split needs at "
            f"least {n_classes} (one per class) on each side"
        )


def _standardize(X_train: np.ndarray, X_val: np.ndarray):
    """Scale both sets with the training mean and std (std 0 -> 1)."""
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 1e-12, std, 1.0)  # constant pixels: avoid 0 / 0
    return (X_train - mean) / std, (X_val - mean) / std


def load_digits_split(
    val_fraction: float = 0.2, n_train: int | None = None, standardize: bool = True, seed: int = 0
) -> DataSplit:
    """scikit-learn's 8x8 digits, split into stratified train/validation sets.

    The raw data are loaded once and cached; every call returns new arrays,
    so modifying them in place does not affect later calls.

    Args:
        val_fraction: float in (0, 1), fraction of the 1797 samples used for
            validation (rounded up, as sklearn's train_test_split does).
        n_train: None to keep the whole training set, or an int with
            10 <= n_train <= available training samples: keep only the first
            n_train training samples (e.g. to overfit a small set on purpose).
            The training set is shuffled, so these are a random subset, but
            not necessarily one containing every class.
        standardize: if True, subtract the per-pixel mean and divide by the
            per-pixel std of the (possibly truncated) TRAINING set, from both
            sets; pixels that are constant in the training set are divided by 1.
        seed: int >= 0, the split's ``random_state``.

    Returns:
        DataSplit(X_train, y_train, X_val, y_val): X_* float64 of shape
        (N, 64), y_* int64 of shape (N,) with values 0..9.
    """
    from sklearn.model_selection import train_test_split

    func = "load_digits_split"
    X, y = _load_digits_raw()
    n_classes = len(np.unique(y))
    _check_val_fraction(val_fraction, len(y), n_classes, func)
    seed = check_int(seed, "seed", func, minimum=0)
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"{func}: standardize must be True or False, got {standardize!r}")
    X_train, X_val, y_train, y_val = train_test_split(
        X.copy(), y.copy(), test_size=val_fraction, stratify=y, random_state=seed
    )  # copies of the cached arrays: callers may write to what we return
    if n_train is not None:
        n_train = check_int(n_train, "n_train", func, minimum=1)
        if not n_classes <= n_train <= len(y_train):
            raise ValueError(
                f"{func}: n_train must be between {n_classes} (the number of "
                f"classes) and {len(y_train)} (the training samples available "
                f"with val_fraction={val_fraction}), got {n_train}"
            )
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    if standardize:
        X_train, X_val = _standardize(X_train, X_val)
    return DataSplit(
        np.ascontiguousarray(X_train, dtype=np.float64),
        np.ascontiguousarray(y_train, dtype=np.int64),
        np.ascontiguousarray(X_val, dtype=np.float64),
        np.ascontiguousarray(y_val, dtype=np.int64),
    )
