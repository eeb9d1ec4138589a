"""Realistic wrong answers and correct-in-another-style answers for 04_regularization.

Each function below is executed in the notebook's namespace in place of the solution
(np is the notebook's numpy). Cache layouts of the solution: dropout and spatial dropout:
the mask already divided by (1 - p), or None at test time; dropconnect (x, W_used, scaled_mask).

EarlyStopping is a class, so its variants are classes handed to the notebook as values
(``wrong_values(..., EarlyStopping=cls)``).

About p versus 1 - p: at p = 0.5 dropping with probability p and keeping with probability p
are the same distribution, so no test can tell them apart there. The tests use p = 0.3
(visible), 0.8 and 0.1 (hidden) where the fraction dropped and the survivors' scale
1/(1 - p) differ from the mix-ups; the variants below are caught that way.
"""

import numpy as np

from tests.harness import Registry

variants = Registry()


# ---------------------------------------------------------------- 1.1 l2_penalty
@variants.wrong("l2_penalty", "no 1/2: lam * sum(w^2) with gradient 2 lam w", common=True,
                message="forgot the 1/2", fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = lam * sum(np.sum(w ** 2) for w in params.values())
    return loss, {k: 2 * lam * w for k, w in params.items()}


@variants.wrong("l2_penalty", "skips the biases", message="penalised only the arrays named W",
                fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = 0.5 * lam * sum(np.sum(w ** 2) for k, w in params.items() if k.startswith("W"))
    return loss, {k: (lam * w if k.startswith("W") else np.zeros_like(w)) for k, w in params.items()}


@variants.wrong("l2_penalty", "mean instead of sum", message="averaged w**2",
                fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = 0.5 * lam * sum(np.mean(w ** 2) for w in params.values())
    return loss, {k: lam * w / w.size for k, w in params.items()}


@variants.wrong("l2_penalty", "writes the gradients into params", message="modified its input",
                fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = 0.5 * lam * sum(np.sum(w ** 2) for w in params.values())
    grads = params
    for k in grads:
        grads[k] = lam * grads[k]
    return loss, grads


@variants.wrong("l2_penalty", "gradient 2 lam w with the 1/2 in the loss", message="used 2 * lam * w",
                fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = 0.5 * lam * sum(np.sum(w ** 2) for w in params.values())
    return loss, {k: 2 * lam * w for k, w in params.items()}


@variants.wrong("l2_penalty", "grads as a list", message="must be a dict", fails=("l2_penalty", "l2_penalty (hidden)"))
def l2_penalty(params, lam):
    loss = 0.5 * lam * sum(np.sum(w ** 2) for w in params.values())
    return loss, [lam * w for w in params.values()]


@variants.correct("l2_penalty", "loop with vdot, numpy scalar loss")
def l2_penalty(params, lam):
    total = np.float64(0.0)
    grads = {}
    for name in params:
        w = params[name]
        total += np.vdot(w, w)
        grads[name] = np.multiply(w, lam)
    return lam / 2 * total, grads


# ---------------------------------------------------------------- 1.2 l1_penalty
@variants.wrong("l1_penalty", "L2-style gradient lam * w", common=True, message="used the L2 gradient",
                fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam * sum(np.sum(np.abs(w)) for w in params.values())
    return loss, {k: lam * w for k, w in params.items()}


@variants.wrong("l1_penalty", "subgradient +1 at 0", message="subgradient +1",
                fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam * sum(np.sum(np.abs(w)) for w in params.values())
    return loss, {k: lam * np.where(w >= 0, 1.0, -1.0) for k, w in params.items()}


@variants.wrong("l1_penalty", "w / |w| gives NaN at 0", message="NaN comes from 0/0",
                fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam * sum(np.sum(np.abs(w)) for w in params.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss, {k: lam * w / np.abs(w) for k, w in params.items()}


@variants.wrong("l1_penalty", "lam / 2 in the loss", message="lam/2", fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam / 2 * sum(np.sum(np.abs(w)) for w in params.values())
    return loss, {k: lam * np.sign(w) for k, w in params.items()}


@variants.wrong("l1_penalty", "forgets lam in the gradient", message="forgot to multiply sign(w) by lam",
                fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam * sum(np.sum(np.abs(w)) for w in params.values())
    return loss, {k: np.sign(w) for k, w in params.items()}


@variants.wrong("l1_penalty", "writes the subgradients into params", message="modified its input",
                fails=("l1_penalty", "l1_penalty (hidden)"))
def l1_penalty(params, lam):
    loss = lam * sum(np.sum(np.abs(w)) for w in params.values())
    for k in params:
        np.sign(params[k], out=params[k])
        params[k] *= lam
    return loss, params


@variants.correct("l1_penalty", "1-norms and copysign with a zero mask")
def l1_penalty(params, lam):
    loss = lam * sum(np.linalg.norm(w.ravel(), 1) for w in params.values())
    grads = {k: lam * np.where(w == 0, 0.0, np.copysign(1.0, w)) for k, w in params.items()}
    return float(loss), grads


# ---------------------------------------------------------------- 2.1 dropout
@variants.wrong("dropout_forward", "p taken as the keep probability (mask < p, scale 1/p)", common=True,
                message="KEEPING", fails=("dropout (hidden)", "dropout_backward", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 0:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask


@variants.wrong("dropout_forward", "keep mask drawn with rng.random < p (p as the keep probability), "
                                   "survivors scaled by 1/(1 - p)", message="KEEPING",
                fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (rng.random(x.shape) < p) / (1 - p)
    return x * mask, mask


@variants.wrong("dropout_forward", "vanilla dropout: no rescaling in training", message="vanilla dropout",
                fails=("dropout (hidden)", "dropout_backward", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask, mask


@variants.wrong("dropout_forward", "rescales by (1 - p) at test time as well", message="at test time",
                fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x * (1 - p), None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("dropout_forward", "divides by p instead of 1 - p", message="divided by p instead",
                fails=("dropout (hidden)", "dropout_backward", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 0:
        return x, np.ones(x.shape)
    mask = (rng.random(x.shape) >= p) / p
    return x * mask, mask


@variants.wrong("dropout_forward", "one mask per feature, shared by all samples", message="every sample",
                fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (rng.random(x.shape[-1:]) >= p) / (1 - p)
    return x * mask, np.broadcast_to(mask, x.shape)


@variants.wrong("dropout_forward", "draws from the global np.random instead of rng",
                message="not from np.random", fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (np.random.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("dropout_forward", "creates its own generator with a fixed seed",
                message="do not create a generator", fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (np.random.default_rng(0).random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("dropout_forward", "p = 1 divides by zero and gives NaN", message="NaN",
                fails=("dropout (hidden)", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    with np.errstate(divide="ignore", invalid="ignore"):
        mask = (rng.random(x.shape) >= p) / np.float64(1 - p)
        return x * mask, mask


@variants.wrong("dropout_forward", "no check of p", message="did not raise ValueError (it returned normally)",
                fails=("dropout_forward (raises)", "dropout_forward (raises, hidden)"))
def dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    if p >= 1:
        return np.zeros_like(x), np.zeros(x.shape)
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("dropout_forward", "zeroes x in place", message="in place",
                fails=("dropout (hidden)", "dropout_backward", "dropout_forward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        x[...] = 0
        return x, np.zeros(x.shape)
    mask = rng.random(x.shape) >= p
    x[~mask] = 0
    x /= 1 - p
    return x, mask / (1 - p)


@variants.wrong("dropout_backward", "forgets 1/(1 - p) in backward", common=True,
                message="forgot to divide by (1 - p) in backward", fails=("dropout (hidden)", "dropout_backward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), np.zeros(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask


@variants.also
def dropout_backward(dout, cache):
    if cache is None:
        return dout
    return dout * cache


@variants.wrong("dropout_backward", "draws a new mask in backward", message="saved in the cache",
                fails=("dropout (hidden)", "dropout_backward"))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), 1.0
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), p


@variants.also
def dropout_backward(dout, cache):
    if cache is None:
        return dout
    p = cache
    if p == 1:
        return np.zeros_like(dout)
    return dout * (np.random.random(dout.shape) >= p) / (1 - p)


@variants.wrong("dropout_backward", "caches out and rebuilds the mask as out != 0 (wrong where x == 0)",
                message="even where x == 0", fails=("dropout (hidden)",))
def dropout_forward(x, p, train, rng):
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        return x, None
    if p == 1:
        return np.zeros_like(x), (np.zeros_like(x), p)
    out = x * (rng.random(x.shape) >= p) / (1 - p)
    return out, (out, p)


@variants.also
def dropout_backward(dout, cache):
    if cache is None:
        return dout
    out, p = cache
    if p == 1:
        return np.zeros_like(dout)
    return dout * (out != 0) / (1 - p)


@variants.wrong("dropout_backward", "returns dout unchanged", message="returned dout unchanged",
                fails=("dropout (hidden)", "dropout_backward"))
def dropout_backward(dout, cache):
    return dout


@variants.wrong("dropout_backward", "crashes on a test-time cache (None)",
                fails=("dropout (hidden)", "dropout_backward"))
def dropout_backward(dout, cache):
    return dout * cache


@variants.wrong("dropout_backward", "uses the mask of the last forward call (a global)", fails=("dropout (hidden)",))
def dropout_forward(x, p, train, rng):
    global _last_mask
    if not 0 <= p <= 1:
        raise ValueError(p)
    if not train:
        _last_mask = None
        return x, None
    _last_mask = np.zeros(x.shape) if p == 1 else (rng.random(x.shape) >= p) / (1 - p)
    return x * _last_mask, "train"


@variants.also
def dropout_backward(dout, cache):
    if _last_mask is None:
        return dout
    return dout * _last_mask


@variants.correct("dropout_forward", "binomial keep mask, dict cache")
def dropout_forward(x, p, train, rng):
    if p < 0 or p > 1:
        raise ValueError("p must be in [0, 1]")
    if not train:
        return x.copy(), {"train": False}
    keep = rng.binomial(1, 1 - p, size=x.shape).astype(bool)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return np.where(keep, x * scale, 0.0), {"train": True, "keep": keep, "scale": scale}


@variants.also
def dropout_backward(dout, cache):
    if not cache["train"]:
        return dout.copy()
    return np.where(cache["keep"], dout * cache["scale"], 0.0)


@variants.correct("dropout_backward", "uniform draws compared with 1 - p, loop-free np.where")
def dropout_forward(x, p, train, rng):
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"bad p {p}")
    if not train or p == 0:
        return x, (np.ones(x.shape, dtype=bool), 1.0)
    keep = rng.uniform(size=x.shape) < 1 - p
    if p == 1:
        return np.zeros_like(x), (keep, 0.0)
    return np.where(keep, x, 0.0) / (1 - p), (keep, 1 / (1 - p))


@variants.also
def dropout_backward(dout, cache):
    keep, scale = cache
    return np.where(keep, dout, 0.0) * scale


# ---------------------------------------------------------------- 3.1 spatial dropout
@variants.wrong("spatial_dropout_forward", "elementwise mask instead of whole channels", common=True,
                message="only partly dropped",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward", "spatial_dropout_forward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "one channel mask shared by the whole batch",
                message="every sample got the same channel mask",
                fails=("spatial_dropout (hidden)", "spatial_dropout_forward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random((1, x.shape[1], 1)) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "drops positions (N, 1, L) instead of channels",
                message="only partly dropped",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward", "spatial_dropout_forward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random((x.shape[0], 1, x.shape[2])) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "no rescaling", message="forgot to divide the surviving channels",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward", "spatial_dropout_forward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random(x.shape[:2] + (1,)) >= p).astype(float)
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "p taken as the keep probability", message="KEEPING",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward", "spatial_dropout_forward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    if p == 0:
        return np.zeros_like(x), np.zeros(x.shape[:2] + (1,))
    mask = (rng.random(x.shape[:2] + (1,)) < p) / p
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "rescales by (1 - p) at test time as well", message="at test time",
                fails=("spatial_dropout_forward",))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x * (1 - p), None
    mask = (rng.random(x.shape[:2] + (1,)) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("spatial_dropout_forward", "draws from the global np.random instead of rng",
                message="the same seed gives the same output", fails=("spatial_dropout (hidden)",))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (np.random.random(x.shape[:2] + (1,)) >= p) / (1 - p)
    return x * mask, mask


@variants.wrong("spatial_dropout_backward", "forgets 1/(1 - p) in backward", common=True,
                message="forgot to divide by (1 - p) in backward",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward"))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    keep = rng.random(x.shape[:2] + (1,)) >= p
    return x * keep / (1 - p), keep


@variants.also
def spatial_dropout_backward(dout, cache):
    if cache is None:
        return dout
    return dout * cache


@variants.wrong("spatial_dropout_backward", "caches out and rebuilds the mask as out != 0 (wrong where x == 0)",
                message="even where x == 0", fails=("spatial_dropout (hidden)",))
def spatial_dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    out = x * (rng.random(x.shape[:2] + (1,)) >= p) / (1 - p)
    return out, (out, p)


@variants.also
def spatial_dropout_backward(dout, cache):
    if cache is None:
        return dout
    out, p = cache
    return dout * (out != 0) / (1 - p)


@variants.wrong("spatial_dropout_backward", "returns dout unchanged", message="returned dout unchanged",
                fails=("spatial_dropout (hidden)", "spatial_dropout_backward"))
def spatial_dropout_backward(dout, cache):
    return dout


@variants.wrong("spatial_dropout_backward", "crashes on a test-time cache (None)", fails=("spatial_dropout_backward",))
def spatial_dropout_backward(dout, cache):
    return dout * cache


@variants.correct("spatial_dropout_forward", "loop over the samples, (N, C) boolean cache")
def spatial_dropout_forward(x, p, train, rng):
    N, C, L = x.shape
    if not train:
        return x.copy(), (np.ones((N, C), dtype=bool), 1.0)
    keep = rng.random((N, C)) >= p
    out = np.zeros_like(x)
    for n in range(N):
        out[n] = np.where(keep[n][:, None], x[n] / (1 - p), 0.0)
    return out, (keep, 1 / (1 - p))


@variants.also
def spatial_dropout_backward(dout, cache):
    keep, scale = cache
    return dout * keep[:, :, None] * scale


# ---------------------------------------------------------------- 3.2 dropconnect
@variants.wrong("dropconnect_forward", "masks the inputs x (that is dropout) instead of W", common=True,
                message="do not mask x", fails=("dropconnect (hidden)", "dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    if not train:
        return x @ W + b, (x, W, np.ones(W.shape))
    xm = x * (rng.random(x.shape) >= p) / (1 - p)
    return xm @ W + b, (xm, W, np.ones(W.shape))


@variants.wrong("dropconnect_forward", "a new weight mask for every example", message="ONE mask on W",
                fails=("dropconnect (hidden)", "dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    if not train:
        return x @ W + b, (x, W, np.ones(W.shape))
    out = np.empty((x.shape[0], W.shape[1]))
    for n in range(x.shape[0]):
        out[n] = x[n] @ (W * (rng.random(W.shape) >= p) / (1 - p)) + b
    return out, (x, W, np.ones(W.shape))


@variants.wrong("dropconnect_forward", "no rescaling of the kept weights",
                message="forgot to divide the surviving weights",
                fails=("dropconnect (hidden)", "dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    mask = (rng.random(W.shape) >= p).astype(float) if train else np.ones(W.shape)
    return x @ (W * mask) + b, (x, W * mask, mask)


@variants.wrong("dropconnect_forward", "drops and rescales the bias too", message="mask W only",
                fails=("dropconnect (hidden)", "dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    if not train:
        return x @ W + b, (x, W, np.ones(W.shape))
    mask = (rng.random(W.shape) >= p) / (1 - p)
    mask_b = (rng.random(b.shape) >= p) / (1 - p)
    return x @ (W * mask) + b * mask_b, (x, W * mask, mask)


@variants.wrong("dropconnect_forward", "vanilla scaling W * (1 - p) at test time", message="at test time",
                fails=("dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    mask = (rng.random(W.shape) >= p) / (1 - p) if train else np.full(W.shape, 1 - p)
    return x @ (W * mask) + b, (x, W * mask, mask)


@variants.wrong("dropconnect_forward", "p taken as the keep probability", message="KEEPING",
                fails=("dropconnect (hidden)", "dropconnect_backward", "dropconnect_forward"))
def dropconnect_forward(x, W, b, p, train, rng):
    mask = (rng.random(W.shape) < p) / p if train else np.ones(W.shape)
    return x @ (W * mask) + b, (x, W * mask, mask)


@variants.wrong("dropconnect_forward", "draws the weight mask from the global np.random",
                message="the same seed gives the same output", fails=("dropconnect (hidden)",))
def dropconnect_forward(x, W, b, p, train, rng):
    mask = (np.random.random(W.shape) >= p) / (1 - p) if train else np.ones(W.shape)
    return x @ (W * mask) + b, (x, W * mask, mask)


@variants.wrong("dropconnect_backward", "dW without the mask", common=True,
                message="forgot to apply the mask to dW", fails=("dropconnect (hidden)", "dropconnect_backward"))
def dropconnect_backward(dout, cache):
    x, W_used, _ = cache
    return dout @ W_used.T, x.T @ dout, dout.sum(axis=0)


@variants.wrong("dropconnect_backward", "dx with the full W", message="used the full W",
                fails=("dropconnect (hidden)", "dropconnect_backward"))
def dropconnect_forward(x, W, b, p, train, rng):
    mask = (rng.random(W.shape) >= p) / (1 - p) if train else np.ones(W.shape)
    return x @ (W * mask) + b, (x, W, mask)


@variants.also
def dropconnect_backward(dout, cache):
    x, W, mask = cache
    return dout @ W.T, (x.T @ dout) * mask, dout.sum(axis=0)


@variants.wrong("dropconnect_backward", "mask without the scale in dW", message="not the 1/(1 - p) scale",
                fails=("dropconnect (hidden)", "dropconnect_backward"))
def dropconnect_forward(x, W, b, p, train, rng):
    keep = rng.random(W.shape) >= p if train else np.ones(W.shape, dtype=bool)
    scale = 1 / (1 - p) if train else 1.0
    return x @ (W * keep * scale) + b, (x, W * keep * scale, keep)


@variants.also
def dropconnect_backward(dout, cache):
    x, W_used, keep = cache
    return dout @ W_used.T, (x.T @ dout) * keep, dout.sum(axis=0)


@variants.wrong("dropconnect_backward", "averages db over the batch", message="averaged dout",
                fails=("dropconnect (hidden)", "dropconnect_backward"))
def dropconnect_backward(dout, cache):
    x, W_used, mask = cache
    return dout @ W_used.T, (x.T @ dout) * mask, dout.mean(axis=0)


@variants.correct("dropconnect_forward", "binomial mask, einsum, dict cache")
def dropconnect_forward(x, W, b, p, train, rng):
    if train:
        keep = rng.binomial(1, 1 - p, size=W.shape).astype(bool)
        W_eff = np.where(keep, W / (1 - p), 0.0)
    else:
        keep, W_eff = None, W
    return np.einsum("nd,dm->nm", x, W_eff) + b, {"x": x, "W_eff": W_eff, "keep": keep, "p": p}


@variants.also
def dropconnect_backward(dout, cache):
    dW = np.einsum("nd,nm->dm", cache["x"], dout)
    if cache["keep"] is not None:
        dW = np.where(cache["keep"], dW / (1 - cache["p"]), 0.0)
    return np.einsum("nm,dm->nd", dout, cache["W_eff"]), dW, np.add.reduce(dout, axis=0)


# ---------------------------------------------------------------- 4.1 EarlyStopping
class _Base:
    """The solution's bookkeeping; the variants below change one rule each."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch = np.inf, None
        self.epoch, self.bad = -1, 0

    def improves(self, val_loss):
        return val_loss < self.best_loss - self.min_delta

    def step(self, val_loss):
        self.epoch += 1
        if self.improves(val_loss):
            self.best_loss, self.best_epoch, self.bad = val_loss, self.epoch, 0
        else:
            self.bad += 1
        return self.bad >= self.patience


class TiesImprove(_Base):
    def improves(self, val_loss):
        return val_loss <= self.best_loss - self.min_delta


class IgnoresMinDelta(_Base):
    def improves(self, val_loss):
        return val_loss < self.best_loss


class MinDeltaWrongSign(_Base):
    def improves(self, val_loss):
        return val_loss < self.best_loss + self.min_delta


class NoReset(_Base):
    def step(self, val_loss):
        self.epoch += 1
        if self.improves(val_loss):
            self.best_loss, self.best_epoch = val_loss, self.epoch
        else:
            self.bad += 1
        return self.bad >= self.patience


class OneEpochLate(_Base):
    def step(self, val_loss):
        super().step(val_loss)
        return self.bad > self.patience


class CountsFromOne(_Base):
    def __init__(self, patience, min_delta=0.0):
        super().__init__(patience, min_delta)
        self.epoch = 0


class BestOnAnyDecrease(_Base):
    def step(self, val_loss):
        self.epoch += 1
        improved = self.improves(val_loss)
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch = val_loss, self.epoch
        self.bad = 0 if improved else self.bad + 1
        return self.bad >= self.patience


class RelativeMinDelta(_Base):
    """min_delta read as a fraction of best_loss (a relative threshold) instead of an absolute one."""

    def improves(self, val_loss):
        return val_loss < self.best_loss * (1 - self.min_delta)


class SharedHistory:
    history = []                       # a class attribute: shared by every instance

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta

    def step(self, val_loss):
        self.history.append(val_loss)
        best, best_epoch, bad = np.inf, None, 0
        for epoch, v in enumerate(self.history):
            if v < best - self.min_delta:
                best, best_epoch, bad = v, epoch, 0
            else:
                bad += 1
        self.best_loss, self.best_epoch = best, best_epoch
        return bad >= self.patience


class HistoryBased:
    """Correct: keeps every loss, stops when the best epoch is `patience` epochs old."""

    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.losses = []
        self.best_loss = float("inf")
        self.best_epoch = None

    def step(self, val_loss):
        self.losses.append(val_loss)
        epoch = len(self.losses) - 1
        if self.best_loss - val_loss > self.min_delta:
            self.best_loss, self.best_epoch = val_loss, epoch
        return epoch - self.best_epoch >= self.patience


class WaitCounter:
    """Correct, Keras style: best_loss None before the first epoch, a wait counter, >= on the 'no gain' test."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch = None, None
        self.wait, self.epochs_seen = 0, 0

    def step(self, val_loss):
        epoch = self.epochs_seen
        self.epochs_seen += 1
        if self.best_loss is not None and val_loss >= self.best_loss - self.min_delta:
            self.wait += 1
            return self.wait >= self.patience
        self.best_loss, self.best_epoch, self.wait = val_loss, epoch, 0
        return False


variants.wrong_values("EarlyStopping", "an equal loss counts as an improvement", common=True,
                      message="an equal loss is not an improvement", EarlyStopping=TiesImprove,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "ignores min_delta", EarlyStopping=IgnoresMinDelta,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "adds min_delta instead of subtracting it", EarlyStopping=MinDeltaWrongSign,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "does not reset the count on an improvement", common=True,
                      message="reset the count", EarlyStopping=NoReset,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "stops one epoch late (> patience)", EarlyStopping=OneEpochLate,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "counts epochs from 1", message="counted from 0",
                      EarlyStopping=CountsFromOne, fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "updates best_loss on any decrease", EarlyStopping=BestOnAnyDecrease,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "min_delta as a relative threshold", EarlyStopping=RelativeMinDelta,
                      fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.wrong_values("EarlyStopping", "state in a class attribute shared by all instances",
                      EarlyStopping=SharedHistory, fails=("EarlyStopping", "EarlyStopping (hidden)"))
variants.correct_values("EarlyStopping", "history of losses, stop when the best epoch is old",
                        EarlyStopping=HistoryBased)
variants.correct_values("EarlyStopping", "Keras-style wait counter, best_loss None before the first epoch",
                        EarlyStopping=WaitCounter)


# ---------------------------------------------------------------- 7.1 multiple choice
variants.wrong_values("question 7.1", "multiplies by 1 - p (vanilla dropout)", answer_dropout_test="a",
                      fails=("question 7.1",))
variants.wrong_values("question 7.1", "divides by 1 - p", answer_dropout_test="b", fails=("question 7.1",))
variants.wrong_values("question 7.1", "still drops at random", answer_dropout_test="d", fails=("question 7.1",))
variants.wrong_values("question 7.1", "not a string", answer_dropout_test=3, fails=("question 7.1",))
variants.correct_values("question 7.1", "upper case with spaces", answer_dropout_test=" C ")
