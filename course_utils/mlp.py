"""The NumPy MLP that the experiments of assignments 03-06 train.

``linear -> ReLU -> ... -> linear -> softmax cross-entropy``, with the parameters in a dict
``{"W1": (D, H1), "b1": (H1,), ..., "WL": (H_{L-1}, C), "bL": (C,)}`` and the gradients in
a dict with the same keys. The students write these layers themselves in assignment 01;
from then on the notebooks call them from here instead of retyping them. What a notebook
adds to the network (dropout in 04, batch normalization in 05) stays in that notebook,
built on :func:`init_mlp` and :func:`softmax_cross_entropy`.

Nothing here checks for NaN or inf: a diverging run must show its NaN loss, not crash.
The computations keep the dtype of the parameters (float32 stays float32).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["softmax_cross_entropy", "init_mlp", "mlp_scores", "mlp_loss"]


def _labels(y, n: int, num_classes: int, func: str) -> np.ndarray:
    """y as an integer array of shape (n,) with values in [0, num_classes)."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{func}: y must hold one label per example, shape ({n},), got shape {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"{func}: y must hold integer class labels, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)][0]
        raise ValueError(f"{func}: labels must be in 0..{num_classes - 1} (one per column of the "
                         f"scores), got {bad}")
    return y


def _layers(params, func: str) -> int:
    """The number of linear layers L of params = {"W1", "b1", ..., "WL", "bL"}."""
    if not isinstance(params, dict):
        raise TypeError(f"{func}: params must be a dict {{'W1': ..., 'b1': ..., ...}}, "
                        f"got {type(params).__name__}")
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    expected = {f"{k}{i}" for i in range(1, L + 1) for k in "Wb"}
    if L == 0 or set(params) != expected:
        raise ValueError(f"{func}: params must have exactly the keys W1, b1, ..., WL, bL; "
                         f"missing {sorted(expected - set(params))}, "
                         f"not used by this network {sorted(set(params) - expected)}")
    return L


def _inputs(x, params, func: str) -> np.ndarray:
    x = np.asarray(x)
    D = np.shape(params["W1"])[0]
    if x.ndim != 2 or x.shape[1] != D:
        raise ValueError(f"{func}: x must have shape (N, {D}) to match W1, got shape {x.shape}")
    return x


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy of a batch, and its gradient with respect to the scores.

    loss = -(1/N) * sum_i log softmax(scores[i])[y[i]], computed with the max of each row
    subtracted first, so that large scores do not overflow; as
    ``torch.nn.functional.cross_entropy(scores, y)``.

    Args:
        scores: class scores (logits), shape (N, C), float.
        y: integer labels, shape (N,), values in 0..C-1.

    Returns:
        loss: float, the mean cross-entropy.
        dscores: shape (N, C), same dtype as scores: d loss / d scores = (softmax(scores) - onehot(y)) / N.

    Raises:
        ValueError: scores is not (N, C) with N >= 1, or y does not hold N labels in 0..C-1.
        TypeError: y is not an integer array.
    """
    scores = np.asarray(scores)
    if scores.dtype.kind != "f":
        scores = scores.astype(np.float64)
    if scores.ndim != 2 or scores.shape[0] == 0:
        raise ValueError("softmax_cross_entropy: scores must have shape (N, C) with N >= 1, "
                         f"got shape {scores.shape}")
    N, C = scores.shape
    y = _labels(y, N, C, "softmax_cross_entropy")
    rows = np.arange(N)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= N
    return float(loss), dscores


def _std(scale, fan_in: int, argname: str) -> float:
    if isinstance(scale, str) and scale == "he":
        return float(np.sqrt(2.0 / fan_in))
    if isinstance(scale, numbers.Real) and not isinstance(scale, bool) and np.isfinite(scale) and scale >= 0:
        return float(scale)
    raise ValueError(f"init_mlp: {argname} must be 'he' or a standard deviation >= 0, got {scale!r}")


def init_mlp(sizes, rng, scale="he", last_scale=None, dtype=np.float64):
    """Random weights and zero biases for an MLP with layer widths ``sizes``.

    Layer l (1..L, L = len(sizes) - 1) gets W{l} ~ N(0, std^2) of shape
    (sizes[l-1], sizes[l]) and b{l} = 0 of shape (sizes[l],). The weights are drawn layer by
    layer, W1 first, from ``rng.normal`` in float64, then cast to ``dtype``.

    Args:
        sizes: the widths [D, H1, ..., C], at least two positive integers.
        rng: np.random.Generator, the only source of randomness.
        scale: the std of the weights: "he" for sqrt(2 / fan_in) (He initialization, for
            ReLU layers), or a number used for every layer.
        last_scale: the std of the last layer's weights, "he" or a number; None: as ``scale``.
            A small last layer (e.g. 0.01) makes the initial loss ln C.
        dtype: a float dtype for the arrays (np.float64 or np.float32).

    Returns:
        params: dict {"W1": (D, H1), "b1": (H1,), ..., "WL": (H_{L-1}, C), "bL": (C,)}.

    Raises:
        ValueError: bad sizes, scale or last_scale.  TypeError: rng is not a Generator, or
            dtype is not a float dtype.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2 or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1 for s in sizes):
        raise ValueError(f"init_mlp: sizes must be a list of at least two positive integers "
                         f"[D, H1, ..., C], got {sizes!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"init_mlp: rng must be a np.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"init_mlp: dtype must be a float dtype such as np.float32, got {np.dtype(dtype)}")
    _std(scale, 1, "scale")                            # a bad value fails before any draw
    if last_scale is not None:
        _std(last_scale, 1, "last_scale")
    params = {}
    L = len(sizes) - 1
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        rule = last_scale if (l == L and last_scale is not None) else scale
        std = _std(rule, int(fan_in), "scale")
        params[f"W{l}"] = rng.normal(0.0, std, size=(int(fan_in), int(fan_out))).astype(dtype, copy=False)
        params[f"b{l}"] = np.zeros(int(fan_out), dtype=dtype)
    return params


def mlp_scores(params, x):
    """Forward pass: the class scores of ``linear -> ReLU -> ... -> linear``.

    Args:
        params: dict {"W1": (D, H1), "b1": (H1,), ..., "WL": (H_{L-1}, C), "bL": (C,)}.
        x: inputs, shape (N, D).

    Returns:
        scores: shape (N, C).
    """
    L = _layers(params, "mlp_scores")
    h = _inputs(x, params, "mlp_scores")
    for l in range(1, L + 1):
        z = h @ params[f"W{l}"] + params[f"b{l}"]
        h = np.maximum(z, 0.0) if l < L else z
    return h


def mlp_loss(params, x, y, reg=0.0):
    """Softmax cross-entropy of the MLP plus an L2 penalty, and the gradients (backprop).

    loss = softmax_cross_entropy(mlp_scores(params, x), y) + reg / 2 * sum_l ||W_l||^2
    (the biases are not penalised).

    Args:
        params: dict {"W1": (D, H1), "b1": (H1,), ..., "WL": (H_{L-1}, C), "bL": (C,)}.
        x: inputs, shape (N, D).
        y: integer labels, shape (N,), values in 0..C-1.
        reg: the L2 strength lambda >= 0.

    Returns:
        loss: float.
        grads: dict with the keys of params, grads[k] = d loss / d params[k], same shapes.
    """
    L = _layers(params, "mlp_loss")
    x = _inputs(x, params, "mlp_loss")
    if not isinstance(reg, numbers.Real) or isinstance(reg, bool) or not reg >= 0:
        raise ValueError(f"mlp_loss: reg must be a number >= 0, got {reg!r}")
    h, inputs = x, []                     # inputs[l - 1]: the input of linear layer l
    for l in range(1, L + 1):
        inputs.append(h)
        z = h @ params[f"W{l}"] + params[f"b{l}"]
        h = np.maximum(z, 0.0) if l < L else z
    loss, dz = softmax_cross_entropy(h, y)
    loss += 0.5 * reg * sum(np.sum(params[f"W{l}"] ** 2) for l in range(1, L + 1))
    grads = {}
    for l in range(L, 0, -1):
        a = inputs[l - 1]
        grads[f"W{l}"] = a.T @ dz + reg * params[f"W{l}"]
        grads[f"b{l}"] = dz.sum(axis=0)
        if l > 1:
            dz = (dz @ params[f"W{l}"].T) * (a > 0)     # through linear layer l, then ReLU l-1
    return float(loss), {key: grads[key] for key in params}
