"""Realistic wrong answers and correct-in-another-style answers for 01_backprop.

Each function below is executed in the notebook's namespace in place of the solution
(np is the notebook's numpy). Cache layouts of the solution: linear (x, W); relu x;
sigmoid and tanh: the output; leaky_relu (x, alpha).
"""

import numpy as np

from tests.harness import Registry

variants = Registry()

# ---------------------------------------------------------------- 1.1 graph gradients
variants.wrong_values("graph gradients", "multiply-gate rule used on the add gate", common=True,
                      message="multiply-gate rule", df_dx=5.0, df_dy=-2.0, df_dz=3.0,
                      fails=("graph gradients", "graph gradients (hidden)"))
variants.wrong_values("graph gradients", "forgot the upstream gradient z",
                      message="upstream gradient", df_dx=1.0, df_dy=1.0, df_dz=3.0,
                      fails=("graph gradients", "graph gradients (hidden)"))
variants.wrong_values("graph gradients", "df_dz taken as x", message="used x instead of q",
                      df_dx=-4.0, df_dy=-4.0, df_dz=-2.0, fails=("graph gradients", "graph gradients (hidden)"))
variants.wrong_values("graph gradients", "signs flipped", message="sign is flipped",
                      df_dx=4.0, df_dy=4.0, df_dz=-3.0, fails=("graph gradients", "graph gradients (hidden)"))
variants.correct_values("graph gradients", "numpy scalars and ints",
                        df_dx=np.float64(-4.0), df_dy=-4, df_dz=np.array(3.0))

# ---------------------------------------------------------------- 1.2 neuron gradients
_f = 1 / (1 + np.exp(-1.0))      # the neuron's output at w = (2, -3, -3), x = (-1, -2)
_ds = (1 - _f) * _f
variants.wrong_values("neuron gradients", "forgot the sigmoid's local gradient", common=True,
                      message="(1 - f) f", grad_w=np.array([-1.0, -2.0, 1.0]),
                      grad_x=np.array([2.0, -3.0]), fails=("neuron gradients", "neuron gradients (hidden)"))
variants.wrong_values("neuron gradients", "f instead of (1 - f) f",
                      grad_w=_f * np.array([-1.0, -2.0, 1.0]), grad_x=_f * np.array([2.0, -3.0]),
                      fails=("neuron gradients", "neuron gradients (hidden)"))
variants.wrong_values("neuron gradients", "bias gradient left at 0",
                      grad_w=_ds * np.array([-1.0, -2.0, 0.0]), grad_x=_ds * np.array([2.0, -3.0]),
                      fails=("neuron gradients", "neuron gradients (hidden)"))
variants.wrong_values("neuron gradients", "weights and inputs swapped",
                      message="used the weights instead of the inputs",
                      grad_w=_ds * np.array([2.0, -3.0, -3.0]), grad_x=_ds * np.array([-1.0, -2.0]),
                      fails=("neuron gradients", "neuron gradients (hidden)"))
variants.correct_values("neuron gradients", "python lists",
                        grad_w=[-_ds, -2 * _ds, _ds], grad_x=[2 * _ds, -3 * _ds])


# ---------------------------------------------------------------- 2.1 linear
@variants.wrong("linear_forward", "forgets the bias", common=True, message="forgot to add the bias",
                fails=("linear (hidden)", "linear_forward"))
def linear_forward(x, W, b):
    return x @ W, (x, W)


@variants.wrong("linear_forward", "returns only out, no cache", message="must return (out, cache)",
                fails=("linear (hidden)", "linear_backward", "linear_forward"))
def linear_forward(x, W, b):
    return x @ W + b


@variants.wrong("linear_forward", "adds the bias along the wrong axis", message="raised ValueError",
                fails=("linear (hidden)", "linear_backward", "linear_forward"))
def linear_forward(x, W, b):
    return x @ W + b[:, None], (x, W)


@variants.correct("linear_forward", "explicit loops")
def linear_forward(x, W, b):
    out = np.zeros((x.shape[0], W.shape[1]))
    for n in range(x.shape[0]):
        for m in range(W.shape[1]):
            out[n, m] = sum(x[n, i] * W[i, m] for i in range(W.shape[0])) + b[m]
    return out, (x.copy(), W.copy())


@variants.wrong("linear_backward", "averages db over the batch", common=True, message="averaged dout",
                fails=("linear (hidden)", "linear_backward"))
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


@variants.wrong("linear_backward", "divides dW by the batch size", message="same factor",
                fails=("linear (hidden)", "linear_backward"))
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout / x.shape[0], dout.sum(axis=0)


@variants.wrong("linear_backward", "forgets to transpose W in dx", message="raised ValueError",
                fails=("linear (hidden)", "linear_backward"))
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)


@variants.wrong("linear_backward", "dW computed as dout.T @ x", message="looks transposed",
                fails=("linear (hidden)", "linear_backward"))
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


@variants.wrong("linear_backward", "uses the last forward's x instead of the cache", fails=("linear (hidden)",))
def linear_forward(x, W, b):
    global _last_x
    _last_x = x
    return x @ W + b, W


@variants.also
def linear_backward(dout, cache):
    W = cache
    return dout @ W.T, _last_x.T @ dout, dout.sum(axis=0)


@variants.correct("linear_backward", "einsum and a dict cache")
def linear_forward(x, W, b):
    return np.einsum("nd,dm->nm", x, W) + b, {"x": x, "W": W}


@variants.also
def linear_backward(dout, cache):
    dx = np.einsum("nm,dm->nd", dout, cache["W"])
    dW = np.einsum("nd,nm->dm", cache["x"], dout)
    db = np.add.reduce(dout, axis=0)
    return dx, dW, db


# ---------------------------------------------------------------- 2.2 activations
@variants.wrong("relu_forward", "clips the input in place", common=True, message="in place", fails=("relu_forward",))
def relu_forward(x):
    x[x < 0] = 0
    return x, x


@variants.wrong("relu_forward", "absolute value instead of max(0, x)", fails=("relu (hidden)", "relu_forward"))
def relu_forward(x):
    return np.abs(x), x


@variants.wrong("relu_forward", "leaky slope on the negative side", fails=("relu (hidden)", "relu_forward"))
def relu_forward(x):
    return np.maximum(0.01 * x, x), x


@variants.correct("relu_forward", "multiply by the mask, cache the mask")
def relu_forward(x):
    mask = x > 0
    return x * mask, mask


@variants.also
def relu_backward(dout, cache):
    return np.where(cache, dout, 0.0)


@variants.wrong("relu_backward", "multiplies dout by x", common=True, message="instead of by the 0/1 mask",
                fails=("relu (hidden)", "relu_backward"))
def relu_backward(dout, cache):
    return dout * cache


@variants.wrong("relu_backward", "gradient 1 at x == 0", message="x >= 0", fails=("relu (hidden)", "relu_backward"))
def relu_backward(dout, cache):
    return dout * (cache >= 0)


@variants.wrong("relu_backward", "no mask at all", message="forgot the mask", fails=("relu (hidden)", "relu_backward"))
def relu_backward(dout, cache):
    return dout.copy()


@variants.wrong("relu_backward", "masks on the sign of dout", fails=("relu (hidden)", "relu_backward"))
def relu_backward(dout, cache):
    return dout * (dout > 0)


@variants.wrong("sigmoid_forward", "sign error in the exponent", common=True,
                fails=("sigmoid (hidden)", "sigmoid_forward"))
def sigmoid_forward(x):
    s = 1 / (1 + np.exp(x))
    return s, s


@variants.wrong("sigmoid_forward", "exp(x) / (1 + exp(x)) overflows for large x", fails=("sigmoid (hidden)",))
def sigmoid_forward(x):
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.exp(x) / (1 + np.exp(x))
    return s, s


@variants.wrong("sigmoid_forward", "returns the logistic of -x squared",
                fails=("sigmoid (hidden)", "sigmoid_backward", "sigmoid_forward"))
def sigmoid_forward(x):
    s = 1 / (1 + np.exp(-x)) ** 2
    return s, s


@variants.correct("sigmoid_forward", "naive formula, cache x, recompute in backward")
def sigmoid_forward(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x)), x


@variants.also
def sigmoid_backward(dout, cache):
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)


@variants.wrong("sigmoid_backward", "uses x instead of sigmoid(x)", common=True,
                message="used x instead of sigmoid(x)", fails=("sigmoid (hidden)", "sigmoid_backward"))
def sigmoid_forward(x):
    return 0.5 * (1 + np.tanh(0.5 * x)), x


@variants.also
def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)


@variants.wrong("sigmoid_backward", "forgets dout", message="forgot to multiply by dout",
                fails=("sigmoid (hidden)", "sigmoid_backward"))
def sigmoid_backward(dout, cache):
    return cache * (1 - cache)


@variants.wrong("sigmoid_backward", "s instead of s (1 - s)", fails=("sigmoid (hidden)", "sigmoid_backward"))
def sigmoid_backward(dout, cache):
    return dout * cache


@variants.wrong("tanh_forward", "sinh instead of tanh", common=True, fails=("tanh (hidden)", "tanh_forward"))
def tanh_forward(x):
    return np.sinh(x), np.tanh(x)


@variants.wrong("tanh_forward", "tanh of x / 2", fails=("tanh (hidden)", "tanh_backward", "tanh_forward"))
def tanh_forward(x):
    t = np.tanh(x / 2)
    return t, t


@variants.wrong("tanh_forward", "(e^x - e^-x) / (e^x + e^-x) overflows for large |x|", message="magnitude up to 800",
                fails=("tanh (hidden)",))
def tanh_forward(x):
    with np.errstate(over="ignore", invalid="ignore"):
        t = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return t, t


@variants.correct("tanh_forward", "exponential formula, cache x, 1/cosh^2 in backward")
def tanh_forward(x):
    e2 = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - e2) / (1 + e2), x


@variants.also
def tanh_backward(dout, cache):
    with np.errstate(over="ignore"):         # cosh(800) = inf: the derivative is 0 there, as it should be
        return dout / np.cosh(cache) ** 2


@variants.wrong("tanh_backward", "uses x instead of tanh(x)", common=True,
                message="used x instead of tanh(x)", fails=("tanh (hidden)", "tanh_backward"))
def tanh_forward(x):
    return np.tanh(x), x


@variants.also
def tanh_backward(dout, cache):
    return dout * (1 - cache ** 2)


@variants.wrong("tanh_backward", "1 - tanh instead of 1 - tanh^2", message="1 - tanh(x) instead",
                fails=("tanh (hidden)", "tanh_backward"))
def tanh_backward(dout, cache):
    return dout * (1 - cache)


@variants.wrong("tanh_backward", "forgets dout", message="forgot to multiply by dout",
                fails=("tanh (hidden)", "tanh_backward"))
def tanh_backward(dout, cache):
    return 1 - cache ** 2


@variants.wrong("tanh_backward", "squares the wrong thing", fails=("tanh (hidden)", "tanh_backward"))
def tanh_backward(dout, cache):
    return dout * (1 - cache) ** 2


@variants.wrong("leaky_relu_forward", "ignores alpha (hard-coded 0.01)", common=True,
                message="ignored the alpha argument",
                fails=("leaky_relu (hidden)", "leaky_relu_backward", "leaky_relu_forward"))
def leaky_relu_forward(x, alpha=0.01):
    return np.where(x > 0, x, 0.01 * x), (x, 0.01)


@variants.wrong("leaky_relu_forward", "slope alpha on the positive side",
                fails=("leaky_relu (hidden)", "leaky_relu_backward", "leaky_relu_forward"))
def leaky_relu_forward(x, alpha=0.01):
    return np.where(x > 0, alpha * x, x), (x, alpha)


@variants.wrong("leaky_relu_forward", "plain ReLU",
                fails=("leaky_relu (hidden)", "leaky_relu_backward", "leaky_relu_forward"))
def leaky_relu_forward(x, alpha=0.01):
    return np.maximum(0, x), (x, alpha)


@variants.wrong("leaky_relu_forward", "scales the negative inputs in place", message="in place",
                fails=("leaky_relu (hidden)", "leaky_relu_backward", "leaky_relu_forward"))
def leaky_relu_forward(x, alpha=0.01):
    x[x < 0] *= alpha
    return x, (x, alpha)


@variants.correct("leaky_relu_forward", "maximum(alpha x, x) with a mask cache")
def leaky_relu_forward(x, alpha=0.01):
    return np.maximum(alpha * x, x), {"positive": x > 0, "alpha": alpha}


@variants.also
def leaky_relu_backward(dout, cache):
    grad = np.full(dout.shape, cache["alpha"])
    grad[cache["positive"]] = 1.0
    return dout * grad


@variants.wrong("leaky_relu_backward", "default alpha in backward instead of forward's",
                common=True, message="used alpha = 0.01 in backward",
                fails=("leaky_relu (hidden)", "leaky_relu_backward"))
def leaky_relu_backward(dout, cache):
    x, _ = cache
    return dout * np.where(x > 0, 1.0, 0.01)


@variants.wrong("leaky_relu_backward", "zero gradient on the negative side", message="plain ReLU",
                fails=("leaky_relu (hidden)", "leaky_relu_backward"))
def leaky_relu_backward(dout, cache):
    x, _ = cache
    return dout * (x > 0)


@variants.wrong("leaky_relu_backward", "multiplies dout by the output",
                fails=("leaky_relu (hidden)", "leaky_relu_backward"))
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, x, alpha * x)


@variants.wrong("leaky_relu_backward", "slope 1 at x == 0", fails=("leaky_relu (hidden)", "leaky_relu_backward"))
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x >= 0, 1.0, alpha)


# ---------------------------------------------------------------- 2.3 softmax cross-entropy
@variants.wrong("softmax_cross_entropy", "no max subtraction: overflows for large logits",
                common=True, message="log-sum-exp", fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(N), y]).mean()
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N


@variants.wrong("softmax_cross_entropy", "sums over the batch instead of averaging",
                message="summed the loss", fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    return -logp[np.arange(N), y].sum(), d


@variants.wrong("softmax_cross_entropy", "forgets to divide dlogits by N",
                message="forgot to divide dlogits by the batch size",
                fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    return -logp[np.arange(N), y].mean(), d


@variants.wrong("softmax_cross_entropy", "forgets to subtract the one-hot labels",
                message="forgot to subtract 1 at the correct class",
                fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -logp[np.arange(N), y].mean(), np.exp(logp) / N


@variants.wrong("softmax_cross_entropy", "softmax over the batch axis",
                fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    z = logits - logits.max(axis=0, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=0, keepdims=True))
    d = np.exp(logp)
    d[np.arange(N), y] -= 1
    return -logp[np.arange(N), y].mean(), d / N


@variants.wrong("softmax_cross_entropy", "log of shifted softmax underflows to -inf",
                fails=("softmax_cross_entropy", "softmax_cross_entropy (hidden)"))
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        loss = -np.log(p[np.arange(N), y]).mean()
    d = p.copy()
    d[np.arange(N), y] -= 1
    return loss, d / N


@variants.correct("softmax_cross_entropy", "row loop with logaddexp and a one-hot matrix")
def softmax_cross_entropy(logits, y):
    N, C = logits.shape
    onehot = np.eye(C)[y]
    losses, probs = [], []
    for row, label in zip(logits, y):
        lse = np.logaddexp.reduce(row)
        losses.append(lse - row[label])
        probs.append(np.exp(row - lse))
    return float(np.mean(losses)), (np.array(probs) - onehot) / N


# ---------------------------------------------------------------- 2.4 two-layer net
@variants.wrong("two_layer_net", "forgets the ReLU", common=True, message="forgot the ReLU",
                fails=("two_layer_net", "two_layer_net (hidden)"))
def two_layer_net(params, x, y=None):
    h, c1 = linear_forward(x, params["W1"], params["b1"])
    scores, c2 = linear_forward(h, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, ds = softmax_cross_entropy(scores, y)
    dh, dW2, db2 = linear_backward(ds, c2)
    _, dW1, db1 = linear_backward(dh, c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@variants.wrong("two_layer_net", "returns softmax probabilities for y=None",
                message="applied softmax to the scores", fails=("two_layer_net", "two_layer_net (hidden)"))
def two_layer_net(params, x, y=None):
    h, c1 = linear_forward(x, params["W1"], params["b1"])
    a, c2 = relu_forward(h)
    scores, c3 = linear_forward(a, params["W2"], params["b2"])
    if y is None:
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    loss, ds = softmax_cross_entropy(scores, y)
    da, dW2, db2 = linear_backward(ds, c3)
    _, dW1, db1 = linear_backward(relu_backward(da, c2), c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@variants.wrong("two_layer_net", "skips the ReLU in the backward pass",
                fails=("two_layer_net", "two_layer_net (hidden)"))
def two_layer_net(params, x, y=None):
    h, c1 = linear_forward(x, params["W1"], params["b1"])
    a, c2 = relu_forward(h)
    scores, c3 = linear_forward(a, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, ds = softmax_cross_entropy(scores, y)
    da, dW2, db2 = linear_backward(ds, c3)
    _, dW1, db1 = linear_backward(da, c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@variants.wrong("two_layer_net", "gradients of the two layers swapped in the dict",
                fails=("two_layer_net", "two_layer_net (hidden)"))
def two_layer_net(params, x, y=None):
    h, c1 = linear_forward(x, params["W1"], params["b1"])
    a, c2 = relu_forward(h)
    scores, c3 = linear_forward(a, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, ds = softmax_cross_entropy(scores, y)
    da, dW2, db2 = linear_backward(ds, c3)
    _, dW1, db1 = linear_backward(relu_backward(da, c2), c1)
    return loss, {"W1": dW2, "b1": db2, "W2": dW1, "b2": db1}


@variants.wrong("two_layer_net", "grads under the wrong keys", message="wrong keys",
                fails=("two_layer_net", "two_layer_net (hidden)"))
def two_layer_net(params, x, y=None):
    h, c1 = linear_forward(x, params["W1"], params["b1"])
    a, c2 = relu_forward(h)
    scores, c3 = linear_forward(a, params["W2"], params["b2"])
    if y is None:
        return scores
    loss, ds = softmax_cross_entropy(scores, y)
    da, dW2, db2 = linear_backward(ds, c3)
    _, dW1, db1 = linear_backward(relu_backward(da, c2), c1)
    return loss, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


@variants.correct("two_layer_net", "inline NumPy without the layer functions")
def two_layer_net(params, x, y=None):
    h = x @ params["W1"] + params["b1"]
    a = np.maximum(h, 0)
    scores = a @ params["W2"] + params["b2"]
    if y is None:
        return scores
    n = x.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    ds = p
    ds[np.arange(n), y] -= 1
    ds /= n
    da = ds @ params["W2"].T
    dh = da * (h > 0)
    return loss, {"W2": a.T @ ds, "b2": ds.sum(0), "W1": x.T @ dh, "b1": dh.sum(0)}


# ---------------------------------------------------------------- 5.1 multiple choice
variants.wrong_values("question 5.1", "add gate", answer_gate="a", fails=("question 5.1",))
variants.wrong_values("question 5.1", "multiply gate", answer_gate="b", fails=("question 5.1",))
variants.wrong_values("question 5.1", "sigmoid gate", answer_gate="d", fails=("question 5.1",))
variants.wrong_values("question 5.1", "not a string", answer_gate=3, fails=("question 5.1",))
variants.correct_values("question 5.1", "upper case with spaces", answer_gate=" C ")
