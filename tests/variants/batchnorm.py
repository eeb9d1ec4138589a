"""Realistic wrong answers and correct-in-another-style answers for 05_batchnorm.

Each function below is executed in the notebook's namespace in place of the solution
(np is the notebook's numpy). Cache layouts of the solution: batchnorm (xhat, xmu, ivar,
sqrtvar, gamma) from a training-mode call; layernorm (xhat, ivar, gamma); spatial
batchnorm (batchnorm cache, x.shape).

The backward tests build their cache with the student's own batchnorm_forward. When that
forward is wrong in training mode, they compare the backward passes with the numerical
gradient of that forward, so a wrong forward whose backward passes are consistent with it
loses the forward's points only: the wrong forward variants that change the training output
come with such consistent backward passes.

Every batchnorm_forward below raises ValueError for N = 1 in training mode, as torch does and the
exercise asks, except the variant registered for forgetting that check: each wrong variant makes
one mistake only, so the test that catches it is the one meant to.
"""

import numpy as np

from tests.harness import Registry

variants = Registry()


# ---------------------------------------------------------------- 1.1 batchnorm_forward
@variants.wrong("batchnorm_forward", "normalises with the unbiased variance (consistent backward passes)",
                common=True, message="unbiased variance (ddof=1)",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    bn_state.setdefault("running_mean", np.zeros(D))
    bn_state.setdefault("running_var", np.ones(D))
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var
    ivar = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * ivar
    return gamma * xhat + beta, (xhat, x - mu, ivar, gamma)


@variants.also
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar * (dxhat - dxhat.mean(axis=0)) - ivar ** 3 * xmu * (dxhat * xmu).sum(axis=0) / (N - 1)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.also
def batchnorm_backward_alt(dout, cache):
    return batchnorm_backward(dout, cache)


@variants.wrong("batchnorm_forward", "normalises with the running statistics in training (consistent backward)",
                message="running statistics in training mode",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    bn_state.setdefault("running_mean", np.zeros(D))
    bn_state.setdefault("running_var", np.ones(D))
    ivar = 1 / np.sqrt(bn_state["running_var"] + eps)
    xhat = (x - bn_state["running_mean"]) * ivar
    if train:
        bn_state["running_mean"] = 0.9 * bn_state["running_mean"] + 0.1 * x.mean(axis=0)
        bn_state["running_var"] = 0.9 * bn_state["running_var"] + 0.1 * x.var(axis=0, ddof=1)
    return gamma * xhat + beta, (xhat, ivar, gamma)


@variants.also
def batchnorm_backward(dout, cache):
    xhat, ivar, gamma = cache
    return dout * gamma * ivar, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.also
def batchnorm_backward_alt(dout, cache):
    return batchnorm_backward(dout, cache)



@variants.wrong("batchnorm_forward", "biased variance in the running estimate",
                message="biased batch variance in the running estimate",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "momentum on the old value (0.9 on the new one)",
                message="momentum on the old value", fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = momentum * bn_state["running_mean"] + (1 - momentum) * mu
    bn_state["running_var"] = momentum * bn_state["running_var"] + (1 - momentum) * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "batch statistics at test time", message="test batch's statistics",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    if train:
        bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
        bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "updates the running statistics at test time too",
                message="must stay unchanged", fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    if train:
        sqrtvar = np.sqrt(var + eps)
        ivar = 1 / sqrtvar
        xhat = xmu * ivar
    else:
        sqrtvar = np.sqrt(bn_state["running_var"] + eps)
        ivar = 1 / sqrtvar
        xhat = (x - bn_state["running_mean"]) * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * x.var(axis=0, ddof=1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "reads the running statistics but never stores the update",
                message="forgot to update the running mean", fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    running_mean = bn_state.setdefault("running_mean", np.zeros(D))
    running_var = bn_state.setdefault("running_var", np.ones(D))
    if not train:
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    running_mean = (1 - momentum) * running_mean + momentum * mu      # local variables only
    running_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "ignores the momentum argument (always 0.1)",
                fails=("batchnorm_forward (hidden)",))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = 0.9 * bn_state["running_mean"] + 0.1 * mu
    bn_state["running_var"] = 0.9 * bn_state["running_var"] + 0.1 * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "forgets eps in training (backward consistent with it)",
                message="forgot eps inside the square root", fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "ignores the eps argument (always 1e-5)", fails=("batchnorm_forward (hidden)",))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    eps = 1e-5
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "starts the running variance at zeros instead of ones",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.zeros(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "centres x in place", message="in place",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    x -= mu
    xmu = x
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu.copy(), ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "no check for a single example in training (silent inf / NaN)",
                message="did not raise ValueError (it returned normally)", fails=("batchnorm_forward (raises)",))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    with np.errstate(divide="ignore", invalid="ignore"):
        bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
        bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "no check for N = 1: N / (N - 1) raises ZeroDivisionError",
                message="got 'ZeroDivisionError'", fails=("batchnorm_forward (raises)",))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    ivar = 1 / np.sqrt(var + eps)
    xhat = xmu * ivar
    unbiased = N / (N - 1)
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * unbiased * var
    return gamma * xhat + beta, (xhat, xmu, ivar, np.sqrt(var + eps), gamma)


@variants.wrong("batchnorm_forward", "running variance from var + eps (the variable under the square root)",
                message="eps only goes under the square root",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var_eps = (xmu ** 2).mean(axis=0) + eps
    sqrtvar = np.sqrt(var_eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var_eps * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.wrong("batchnorm_forward", "forgets eps at test time only",
                message="forgot eps inside the square root at test time",
                fails=("batchnorm_forward", "batchnorm_forward (hidden)"))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"]) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.correct("batchnorm_forward", "dict cache storing x, np.std, in-place running updates; "
                                       "backward passes recompute from x")
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if not bn_state:
        bn_state.update(running_mean=np.zeros(D), running_var=np.ones(D))
    if train:
        if N == 1:
            raise ValueError("need at least 2 examples in training mode")
        mu, std = np.mean(x, axis=0), np.std(x, axis=0)
        bn_state["running_mean"] *= 1 - momentum
        bn_state["running_mean"] += momentum * mu
        bn_state["running_var"] *= 1 - momentum
        bn_state["running_var"] += momentum * std ** 2 * N / (N - 1)
        out = gamma * (x - mu) / np.sqrt(std ** 2 + eps) + beta
    else:
        out = (x - bn_state["running_mean"]) * (gamma / np.sqrt(bn_state["running_var"] + eps)) + beta
    return out, {"x": x, "gamma": gamma, "eps": eps}


@variants.also
def batchnorm_backward(dout, cache):
    x, gamma, eps = cache["x"], cache["gamma"], cache["eps"]
    N = x.shape[0]
    mu = x.sum(axis=0) / N
    var = ((x - mu) ** 2).sum(axis=0) / N
    inv = (var + eps) ** -0.5
    dxhat = dout * gamma
    dvar = np.sum(dxhat * (x - mu), axis=0) * -0.5 * inv ** 3
    dmu = -np.sum(dxhat * inv, axis=0) + dvar * np.mean(-2 * (x - mu), axis=0)
    dx = dxhat * inv + dvar * 2 * (x - mu) / N + dmu / N
    return dx, np.sum(dout * (x - mu) * inv, axis=0), np.sum(dout, axis=0)


@variants.also
def batchnorm_backward_alt(dout, cache):
    x, gamma, eps = cache["x"], cache["gamma"], cache["eps"]
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    dgamma, dbeta = (dout * xhat).sum(axis=0), dout.sum(axis=0)
    dx = gamma / np.sqrt(x.var(axis=0) + eps) * (dout - dbeta / len(x) - xhat * dgamma / len(x))
    return dx, dgamma, dbeta


@variants.correct("batchnorm_forward", "loop over features, cache (x, mu, var, gamma, eps)")
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, D = x.shape
    if N < 2 and train:
        raise ValueError(f"N = {N}")
    if "running_mean" not in bn_state:
        bn_state["running_mean"] = np.zeros(D)
        bn_state["running_var"] = np.ones(D)
    out = np.empty_like(x)
    new_mean, new_var = bn_state["running_mean"].copy(), bn_state["running_var"].copy()
    mus, variances = np.empty(D), np.empty(D)
    for j in range(D):
        column = x[:, j]
        if train:
            m = sum(column) / N
            v = sum((c - m) ** 2 for c in column) / N
            new_mean[j] = (1 - momentum) * new_mean[j] + momentum * m
            new_var[j] = (1 - momentum) * new_var[j] + momentum * v * N / (N - 1)
        else:
            m, v = bn_state["running_mean"][j], bn_state["running_var"][j]
        mus[j], variances[j] = m, v
        out[:, j] = gamma[j] * (column - m) / (v + eps) ** 0.5 + beta[j]
    bn_state["running_mean"], bn_state["running_var"] = new_mean, new_var
    return out, (x, mus, variances, gamma, eps)


@variants.also
def batchnorm_backward(dout, cache):
    x, mu, var, gamma, eps = cache
    xhat = (x - mu) / np.sqrt(var + eps)
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + eps)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.also
def batchnorm_backward_alt(dout, cache):
    return batchnorm_backward(dout, cache)


# ---------------------------------------------------------------- 2.1 batchnorm_backward
@variants.wrong("batchnorm_backward", "treats the batch mean and variance as constants", common=True,
                message="treated the batch mean and variance as constants",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    return dout * gamma * ivar, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "drops the path through the mean",
                message="dropped the path through the batch mean",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dvar = 0.5 * (-(dxhat * xmu).sum(axis=0) / sqrtvar ** 2) / sqrtvar
    dx = dxhat * ivar + 2.0 * xmu * dvar / N
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "drops the path through the variance",
                message="dropped the path through the batch variance",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dx1 = dout * gamma * ivar
    dx = dx1 - dx1.sum(axis=0) / N
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "dgamma without xhat", message="summed dout without multiplying by xhat",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dout.sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "dbeta averaged", message="averaged dout over the batch",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.mean(axis=0)


@variants.wrong("batchnorm_backward", "forgets the 1/2 of the square root's derivative",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dvar = -(dxhat * xmu).sum(axis=0) / sqrtvar ** 2 / sqrtvar
    dx1 = dxhat * ivar + 2.0 * xmu * dvar / N
    return dx1 - dx1.sum(axis=0) / N, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward", "scales dout in place", message="in place",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    dout *= gamma
    dx = ivar / N * (N * dout - dout.sum(axis=0) - xhat * (dout * xhat).sum(axis=0))
    return dx, dgamma, dbeta


@variants.wrong("batchnorm_backward", "sums dxhat * xmu over every element (np.sum without axis=0)",
                message="summed dxhat * xmu over every element (np.sum without axis=0)",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    divar = np.sum(dxhat * xmu)
    dvar = 0.5 * (-divar / sqrtvar ** 2) / sqrtvar
    dx1 = dxhat * ivar + 2.0 * xmu * dvar / N
    dx = dx1 - np.sum(dx1, axis=0) / N
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)


@variants.wrong("batchnorm_backward", "sums dmu over every element (np.sum without axis=0)",
                message="dgamma and dbeta are right, so the mistake is in what only dx uses",
                fails=("batchnorm_backward", "batchnorm_backward (hidden)"))
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dvar = 0.5 * (-np.sum(dxhat * xmu, axis=0) / sqrtvar ** 2) / sqrtvar
    dx1 = dxhat * ivar + 2.0 * xmu * dvar / N
    dmu = -np.sum(dx1)
    return dx1 + dmu / N, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)


@variants.wrong("batchnorm_backward", "uses the last forward call's values instead of the cache",
                fails=("batchnorm_backward (hidden)",))
def batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    global _last
    N, D = x.shape
    if train and N == 1:
        raise ValueError("N = 1")
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(D), np.ones(D)
    if not train:
        return gamma * (x - bn_state["running_mean"]) / np.sqrt(bn_state["running_var"] + eps) + beta, None
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1 / sqrtvar
    xhat = xmu * ivar
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
    bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    _last = (xhat, ivar, gamma)
    return gamma * xhat + beta, (xhat, xmu, ivar, sqrtvar, gamma)


@variants.also
def batchnorm_backward(dout, cache):
    xhat, ivar, gamma = _last
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.correct("batchnorm_backward", "per-feature loops, mean form")
def batchnorm_backward(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N, D = dout.shape
    dx, dgamma, dbeta = np.zeros((N, D)), np.zeros(D), np.zeros(D)
    for j in range(D):
        g = dout[:, j] * gamma[j]
        dbeta[j] = dout[:, j].sum()
        dgamma[j] = (dout[:, j] * xhat[:, j]).sum()
        dx[:, j] = ivar[j] * (g - g.mean() - xhat[:, j] * (g * xhat[:, j]).mean())
    return dx, dgamma, dbeta


# ---------------------------------------------------------------- 2.2 batchnorm_backward_alt
@variants.wrong("batchnorm_backward_alt", "drops the xhat * dgamma term", common=True,
                message="the xhat * dgamma term", fails=("batchnorm_backward_alt", "batchnorm_backward_alt (hidden)"))
def batchnorm_backward_alt(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    return (gamma * ivar / N) * (N * dout - dbeta), dgamma, dbeta


@variants.wrong("batchnorm_backward_alt", "sums dxhat * xhat over every element (no axis=0)",
                message="summed dxhat * xhat over every element (np.sum without axis=0)",
                fails=("batchnorm_backward_alt", "batchnorm_backward_alt (hidden)"))
def batchnorm_backward_alt(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dxhat = dout * gamma
    dx = ivar / N * (N * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum())
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("batchnorm_backward_alt", "forgets the 1/N", message="forgot the factor 1/N",
                fails=("batchnorm_backward_alt", "batchnorm_backward_alt (hidden)"))
def batchnorm_backward_alt(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    return (gamma * ivar) * (N * dout - dbeta - xhat * dgamma), dgamma, dbeta


@variants.wrong("batchnorm_backward_alt", "forgets gamma", message="forgot to multiply dout by gamma",
                fails=("batchnorm_backward_alt", "batchnorm_backward_alt (hidden)"))
def batchnorm_backward_alt(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    return (ivar / N) * (N * dout - dbeta - xhat * dgamma), dgamma, dbeta


@variants.wrong("batchnorm_backward_alt", "N - 1 instead of N",
                fails=("batchnorm_backward_alt", "batchnorm_backward_alt (hidden)"))
def batchnorm_backward_alt(dout, cache):
    xhat, xmu, ivar, sqrtvar, gamma = cache
    N = dout.shape[0]
    dbeta, dgamma = dout.sum(axis=0), (dout * xhat).sum(axis=0)
    return (gamma * ivar / (N - 1)) * ((N - 1) * dout - dbeta - xhat * dgamma), dgamma, dbeta


@variants.correct("batchnorm_backward_alt", "calls the graph version (allowed)")
def batchnorm_backward_alt(dout, cache):
    return batchnorm_backward(dout, cache)


@variants.correct("batchnorm_backward_alt", "mean form with xmu instead of xhat")
def batchnorm_backward_alt(dout, cache):
    _, xmu, ivar, _, gamma = cache
    dxhat = dout * gamma
    dx = ivar * (dxhat - dxhat.mean(axis=0)) - xmu * ivar ** 3 * (dxhat * xmu).mean(axis=0)
    return dx, (dout * xmu * ivar).sum(axis=0), dout.sum(axis=0)


# ---------------------------------------------------------------- 3.1 layer norm
@variants.wrong("layernorm_forward", "normalises over the batch axis", common=True,
                message="normalised each feature over the batch",
                fails=("layernorm (hidden)", "layernorm_backward", "layernorm_forward"))
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta, (xhat, 1 / np.sqrt(var + eps), gamma)


@variants.wrong("layernorm_forward", "unbiased variance", message="unbiased variance (ddof=1)",
                fails=("layernorm (hidden)", "layernorm_backward", "layernorm_forward"))
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, ddof=1, keepdims=True)
    ivar = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * ivar
    return gamma * xhat + beta, (xhat, ivar, gamma)


@variants.wrong("layernorm_forward", "forgets keepdims", message="raised ValueError",
                fails=("layernorm (hidden)", "layernorm_backward", "layernorm_forward"))
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1), x.var(axis=1)
    ivar = 1 / np.sqrt(var + eps)
    xhat = (x - mu) * ivar
    return gamma * xhat + beta, (xhat, ivar, gamma)


@variants.wrong("layernorm_forward", "eps outside the square root",
                fails=("layernorm (hidden)", "layernorm_backward", "layernorm_forward"))
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    ivar = 1 / (np.sqrt(var) + eps)
    xhat = (x - mu) * ivar
    return gamma * xhat + beta, (xhat, ivar, gamma)


@variants.wrong("layernorm_backward", "treats the row statistics as constants", common=True,
                message="treated the row mean and variance as constants",
                fails=("layernorm (hidden)", "layernorm_backward"))
def layernorm_backward(dout, cache):
    xhat, ivar, gamma = cache
    return dout * gamma * ivar, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("layernorm_backward", "closed form summed over the batch axis",
                message="over the batch axis instead of over the features",
                fails=("layernorm (hidden)", "layernorm_backward"))
def layernorm_backward(dout, cache):
    xhat, ivar, gamma = cache
    dxhat = dout * gamma
    dx = ivar * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.wrong("layernorm_backward", "dgamma and dbeta summed over the features", message="shape (4,)",
                fails=("layernorm (hidden)", "layernorm_backward"))
def layernorm_backward(dout, cache):
    xhat, ivar, gamma = cache
    D = dout.shape[1]
    dxhat = dout * gamma
    dx = (ivar / D) * (D * dxhat - dxhat.sum(axis=1, keepdims=True)
                       - xhat * (dxhat * xhat).sum(axis=1, keepdims=True))
    return dx, (dout * xhat).sum(axis=1), dout.sum(axis=1)


@variants.wrong("layernorm_backward", "forgets gamma", message="forgot to multiply dout by gamma",
                fails=("layernorm (hidden)", "layernorm_backward"))
def layernorm_backward(dout, cache):
    xhat, ivar, gamma = cache
    D = dout.shape[1]
    dx = (ivar / D) * (D * dout - dout.sum(axis=1, keepdims=True) - xhat * (dout * xhat).sum(axis=1, keepdims=True))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@variants.correct("layernorm_forward", "transposed batch norm (CS231n trick)")
def layernorm_forward(x, gamma, beta, eps=1e-5):
    N = x.shape[0]
    xhat_t, bn_cache = batchnorm_forward(x.T, np.ones(N), np.zeros(N), {}, True, eps=eps)
    xhat = xhat_t.T
    return gamma * xhat + beta, (bn_cache, xhat, gamma)


@variants.also
def layernorm_backward(dout, cache):
    bn_cache, xhat, gamma = cache
    dx_t, _, _ = batchnorm_backward((dout * gamma).T, bn_cache)
    return dx_t.T, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)


@variants.correct("layernorm_forward", "dict cache with x and np.std, recomputed in backward")
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=1)[:, None]
    std = np.sqrt(np.std(x, axis=1) ** 2 + eps)[:, None]
    return (x - mu) / std * gamma + beta, {"x": x, "gamma": gamma, "eps": eps}


@variants.also
def layernorm_backward(dout, cache):
    x, gamma, eps = cache["x"], cache["gamma"], cache["eps"]
    D = x.shape[1]
    xmu = x - x.mean(axis=1, keepdims=True)
    inv = 1 / np.sqrt((xmu ** 2).mean(axis=1, keepdims=True) + eps)
    dxhat = dout * gamma
    dvar = np.sum(dxhat * xmu, axis=1, keepdims=True) * -0.5 * inv ** 3
    dmu = -np.sum(dxhat * inv, axis=1, keepdims=True)
    dx = dxhat * inv + dvar * 2 * xmu / D + dmu / D
    return dx, np.sum(dout * xmu * inv, axis=0), np.sum(dout, axis=0)


# ---------------------------------------------------------------- 3.2 spatial batch norm
@variants.wrong("spatial_batchnorm_forward", "reshape to (-1, C) without moving the channel axis",
                common=True, message="changed 12 outputs, in channels [0, 1, 2] of examples [0, 1]; in BatchNorm2d it "
                                     "changes exactly the N*H*W = 12 outputs of channel 1",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_backward", "spatial_batchnorm_forward"))
def spatial_batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    out2, bn_cache = batchnorm_forward(x.reshape(-1, C), gamma, beta, bn_state, train, momentum=momentum, eps=eps)
    return out2.reshape(N, C, H, W), (bn_cache, x.shape)


@variants.also
def spatial_batchnorm_backward(dout, cache):
    bn_cache, (N, C, H, W) = cache
    dx2, dgamma, dbeta = batchnorm_backward_alt(dout.reshape(-1, C), bn_cache)
    return dx2.reshape(N, C, H, W), dgamma, dbeta


@variants.wrong("spatial_batchnorm_forward", "instance norm: statistics per example and channel",
                message="that is instance norm",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_backward", "spatial_batchnorm_forward"))
def spatial_batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(C), np.ones(C)
    if not train:
        xhat = (x - bn_state["running_mean"][:, None, None]) / np.sqrt(bn_state["running_var"][:, None, None] + eps)
        return gamma[:, None, None] * xhat + beta[:, None, None], None
    mu, var = x.mean(axis=(2, 3), keepdims=True), x.var(axis=(2, 3), keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    m = H * W
    bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu.mean(axis=(0, 2, 3))
    bn_state["running_var"] = ((1 - momentum) * bn_state["running_var"]
                               + momentum * var.mean(axis=(0, 2, 3)) * m / (m - 1))
    return gamma[:, None, None] * xhat + beta[:, None, None], (xhat, var, gamma, eps)


@variants.also
def spatial_batchnorm_backward(dout, cache):
    xhat, var, gamma, eps = cache
    g = dout * gamma[:, None, None]
    dx = (g - g.mean(axis=(2, 3), keepdims=True)
          - xhat * (g * xhat).mean(axis=(2, 3), keepdims=True)) / np.sqrt(var + eps)
    return dx, (dout * xhat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))


@variants.wrong("spatial_batchnorm_forward", "unbiased factor N/(N-1) instead of NHW/(NHW-1)",
                message="used N/(N-1)", fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_forward"))
def spatial_batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(C), np.ones(C)
    if train:
        mu, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
        bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * N / (N - 1)
    else:
        mu, var = bn_state["running_mean"], bn_state["running_var"]
    xhat = (x - mu[:, None, None]) / np.sqrt(var[:, None, None] + eps)
    return gamma[:, None, None] * xhat + beta[:, None, None], (xhat, var, gamma, eps)


@variants.also
def spatial_batchnorm_backward(dout, cache):
    xhat, var, gamma, eps = cache
    g = dout * gamma[:, None, None]
    dx = (g - g.mean(axis=(0, 2, 3), keepdims=True)
          - xhat * (g * xhat).mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(var[:, None, None] + eps)
    return dx, (dout * xhat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))


@variants.wrong("spatial_batchnorm_forward", "moves the channel axis last but forgets to move it back",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_forward"))
def spatial_batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    out2, bn_cache = batchnorm_forward(x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, bn_state, train,
                                       momentum=momentum, eps=eps)
    return out2.reshape(N, C, H, W), (bn_cache, x.shape)


@variants.wrong("spatial_batchnorm_backward", "reshapes dout without the transpose", common=True,
                message="without moving its channel axis last first",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_backward"))
def spatial_batchnorm_backward(dout, cache):
    bn_cache, (N, C, H, W) = cache
    dx2, dgamma, dbeta = batchnorm_backward_alt(dout.reshape(-1, C), bn_cache)
    return dx2.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta


@variants.wrong("spatial_batchnorm_backward", "reshapes dx back without the inverse transpose",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_backward"))
def spatial_batchnorm_backward(dout, cache):
    bn_cache, (N, C, H, W) = cache
    dx2, dgamma, dbeta = batchnorm_backward_alt(dout.transpose(0, 2, 3, 1).reshape(-1, C), bn_cache)
    return dx2.reshape(N, C, H, W), dgamma, dbeta


@variants.wrong("spatial_batchnorm_backward", "averages dgamma and dbeta over the positions",
                fails=("spatial_batchnorm (hidden)", "spatial_batchnorm_backward"))
def spatial_batchnorm_backward(dout, cache):
    bn_cache, (N, C, H, W) = cache
    dx2, dgamma, dbeta = batchnorm_backward_alt(dout.transpose(0, 2, 3, 1).reshape(-1, C), bn_cache)
    return dx2.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma / (H * W), dbeta / (H * W)


@variants.correct("spatial_batchnorm_forward", "direct computation over axes (0, 2, 3) with its own backward")
def spatial_batchnorm_forward(x, gamma, beta, bn_state, train, momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    if "running_mean" not in bn_state:
        bn_state["running_mean"], bn_state["running_var"] = np.zeros(C), np.ones(C)
    if train:
        mu, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        m = N * H * W
        bn_state["running_mean"] = (1 - momentum) * bn_state["running_mean"] + momentum * mu
        bn_state["running_var"] = (1 - momentum) * bn_state["running_var"] + momentum * var * m / (m - 1)
    else:
        mu, var = bn_state["running_mean"], bn_state["running_var"]
    shape = (1, C, 1, 1)
    xhat = (x - mu.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), {"xhat": xhat, "var": var, "gamma": gamma, "eps": eps}


@variants.also
def spatial_batchnorm_backward(dout, cache):
    xhat, var, gamma, eps = cache["xhat"], cache["var"], cache["gamma"], cache["eps"]
    C = gamma.shape[0]
    m = dout.size // C
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * xhat).sum(axis=(0, 2, 3))
    scale = (gamma / np.sqrt(var + eps) / m).reshape(1, C, 1, 1)
    dx = scale * (m * dout - dbeta.reshape(1, C, 1, 1) - xhat * dgamma.reshape(1, C, 1, 1))
    return dx, dgamma, dbeta


# ---------------------------------------------------------------- 4.1 fold_batchnorm
@variants.wrong("fold_batchnorm", "forgets the running mean", common=True,
                message="forgot to subtract the running mean", fails=("fold_batchnorm", "fold_batchnorm (hidden)"))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s, b * s + beta


@variants.wrong("fold_batchnorm", "divides by the variance instead of the std",
                message="divided by running_var + eps instead of its square root",
                fails=("fold_batchnorm", "fold_batchnorm (hidden)"))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / (running_var + eps)
    return W * s, (b - running_mean) * s + beta


@variants.wrong("fold_batchnorm", "forgets beta", message="forgot to add beta",
                fails=("fold_batchnorm", "fold_batchnorm (hidden)"))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s, (b - running_mean) * s


@variants.wrong("fold_batchnorm", "scales the rows of W instead of its columns", message="raised ValueError",
                fails=("fold_batchnorm", "fold_batchnorm (hidden)"))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    return W * s[:, None], (b - running_mean) * s + beta


@variants.wrong("fold_batchnorm", "ignores the eps argument", fails=("fold_batchnorm (hidden)",))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + 1e-5)
    return W * s, (b - running_mean) * s + beta


@variants.wrong("fold_batchnorm", "scales W in place", message="in place",
                fails=("fold_batchnorm", "fold_batchnorm (hidden)"))
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    W *= s
    return W, (b - running_mean) * s + beta


@variants.correct("fold_batchnorm", "explicit diagonal matrix")
def fold_batchnorm(W, b, gamma, beta, running_mean, running_var, eps=1e-5):
    S = np.diag(gamma / np.sqrt(running_var + eps))
    return W @ S, beta + (b - running_mean) @ S


# ---------------------------------------------------------------- 7.1 multiple choice
variants.wrong_values("question 7.1", "zero mean and unit std", answer_bn_stats="a", fails=("question 7.1",))
variants.wrong_values("question 7.1", "gamma and beta swapped", answer_bn_stats="b", fails=("question 7.1",))
variants.wrong_values("question 7.1", "the running statistics", answer_bn_stats="d", fails=("question 7.1",))
variants.wrong_values("question 7.1", "not a string", answer_bn_stats=3, fails=("question 7.1",))
variants.correct_values("question 7.1", "upper case with spaces", answer_bn_stats=" C ")
