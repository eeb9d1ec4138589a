"""Realistic wrong answers and correct-in-another-style answers for 03_optimizers.

Each function below is executed in the notebook's namespace in place of the solution
(np and math are the notebook's imports). The update rules keep their memory in the
`state` dict; the solution uses keys "velocity", "sum_sq", "sq_avg", and "t", "m", "v".
"""

import math

import numpy as np

from tests.harness import Registry

variants = Registry()

# ---------------------------------------------------------------- 1.1 sgd
@variants.wrong("sgd", "adds the gradient", common=True, message="added the gradient instead of subtracting",
                fails=("sgd", "sgd (hidden)"))
def sgd(w, dw, state, lr):
    return w + lr * dw


@variants.wrong("sgd", "forgets the learning rate", message="forgot to multiply the gradient by the learning rate",
                fails=("sgd", "sgd (hidden)"))
def sgd(w, dw, state, lr):
    return w - dw


@variants.wrong("sgd", "returns the step", message="returned the step", fails=("sgd", "sgd (hidden)"))
def sgd(w, dw, state, lr):
    return -lr * dw


@variants.wrong("sgd", "updates w in place", message="modified its input w in place", fails=("sgd", "sgd (hidden)"))
def sgd(w, dw, state, lr):
    w -= lr * dw
    return w


@variants.correct("sgd", "np.subtract with an explicit copy and a loop over elements")
def sgd(w, dw, state, lr):
    out = np.array(w, dtype=np.float64, copy=True)
    for idx in np.ndindex(out.shape):
        out[idx] = out[idx] - lr * dw[idx]
    return out


# ---------------------------------------------------------------- 1.2 sgd_momentum
@variants.wrong("sgd_momentum", "dampened gradient (1 - mu) dw", common=True, message="dampened the gradient",
                fails=("sgd_momentum", "sgd_momentum (hidden)"))
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    v = momentum * state.get("v", np.zeros_like(w)) + (1 - momentum) * dw
    state["v"] = v
    return w - lr * v


@variants.wrong("sgd_momentum", "steps with the old velocity", message="updated w with the old velocity",
                fails=("sgd_momentum", "sgd_momentum (hidden)"))
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    v = state.get("v", np.zeros_like(w))
    w_new = w - lr * v
    state["v"] = momentum * v + dw
    return w_new


@variants.wrong("sgd_momentum", "lr inside and outside the velocity", message="multiplied the gradient by lr twice",
                fails=("sgd_momentum", "sgd_momentum (hidden)"))
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    state["v"] = momentum * state.get("v", 0.0) + lr * dw
    return w - lr * state["v"]


@variants.wrong("sgd_momentum", "rebinds state instead of filling it (never accumulates)",
                fails=("sgd_momentum", "sgd_momentum (hidden)"))
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    if not state:
        state = {"v": np.zeros_like(w)}
    state["v"] = momentum * state["v"] + dw
    return w - lr * state["v"]


@variants.wrong("sgd_momentum", "velocity in a global variable, reset only when the shape changes",
                fails=("sgd_momentum (hidden)",))
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    global _velocity
    if "_velocity" not in globals() or _velocity.shape != w.shape:
        _velocity = np.zeros_like(w)
    _velocity = momentum * _velocity + dw
    return w - lr * _velocity


@variants.correct("sgd_momentum", "the slides' convention u = mu u - lr dw; w + u (constant lr)")
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    if "u" not in state:
        state["u"] = np.zeros_like(w)
    state["u"] *= momentum
    state["u"] -= lr * dw
    return w + state["u"]


@variants.correct("sgd_momentum", "torch-style: the first velocity is a copy of dw")
def sgd_momentum(w, dw, state, lr, momentum=0.9):
    if "buf" in state:
        state["buf"] = state["buf"] * momentum + dw
    else:
        state["buf"] = dw.copy()
    return w - lr * state["buf"]


# ---------------------------------------------------------------- 1.3 nesterov
@variants.wrong("nesterov", "plain momentum", common=True, message="did plain momentum",
                fails=("nesterov", "nesterov (hidden)"))
def nesterov(w, dw, state, lr, momentum=0.9):
    state["v"] = momentum * state.get("v", 0.0) + dw
    return w - lr * state["v"]


@variants.wrong("nesterov", "look-ahead term with the old velocity", fails=("nesterov", "nesterov (hidden)"))
def nesterov(w, dw, state, lr, momentum=0.9):
    v_old = state.get("v", np.zeros_like(w))
    state["v"] = momentum * v_old + dw
    return w - lr * (dw + momentum * v_old)


@variants.wrong("nesterov", "leaves dw out of the step", message="left dw out of the step",
                fails=("nesterov", "nesterov (hidden)"))
def nesterov(w, dw, state, lr, momentum=0.9):
    state["v"] = momentum * state.get("v", 0.0) + dw
    return w - lr * momentum * state["v"]


@variants.wrong("nesterov", "dampened velocity", message="dampened the gradient",
                fails=("nesterov", "nesterov (hidden)"))
def nesterov(w, dw, state, lr, momentum=0.9):
    state["v"] = momentum * state.get("v", 0.0) + (1 - momentum) * dw
    return w - lr * (dw + momentum * state["v"])


@variants.correct("nesterov", "CS231n form: v = mu v - lr dw; w += -mu v_prev + (1 + mu) v")
def nesterov(w, dw, state, lr, momentum=0.9):
    v_prev = state.get("v", np.zeros_like(w))
    v = momentum * v_prev - lr * dw
    state["v"] = v
    return w - momentum * v_prev + (1 + momentum) * v


# ---------------------------------------------------------------- 1.4 adagrad
@variants.wrong("adagrad", "eps inside the square root", common=True, message="put eps inside the square root",
                fails=("adagrad", "adagrad (hidden)"))
def adagrad(w, dw, state, lr, eps=1e-10):
    state["G"] = state.get("G", 0.0) + dw ** 2
    return w - lr * dw / np.sqrt(state["G"] + eps)


@variants.wrong("adagrad", "moving average instead of a sum (RMSprop)", fails=("adagrad", "adagrad (hidden)"))
def adagrad(w, dw, state, lr, eps=1e-10):
    state["G"] = 0.99 * state.get("G", 0.0) + 0.01 * dw ** 2
    return w - lr * dw / (np.sqrt(state["G"]) + eps)


@variants.wrong("adagrad", "divides by the sum before adding dw**2", message="divided by the sum from before this step",
                fails=("adagrad", "adagrad (hidden)"))
def adagrad(w, dw, state, lr, eps=1e-10):
    G = state.get("G", np.zeros_like(w))
    w_new = w - lr * dw / (np.sqrt(G) + eps)
    state["G"] = G + dw ** 2
    return w_new


@variants.wrong("adagrad", "no square root", message="forgot the square root", fails=("adagrad", "adagrad (hidden)"))
def adagrad(w, dw, state, lr, eps=1e-10):
    state["G"] = state.get("G", 0.0) + dw ** 2
    return w - lr * dw / (state["G"] + eps)


@variants.wrong("adagrad", "accumulator starts at eps instead of 0, no eps in the denominator",
                fails=("adagrad", "adagrad (hidden)"))
def adagrad(w, dw, state, lr, eps=1e-10):
    state["G"] = state.get("G", eps) + dw ** 2
    return w - lr * dw / np.sqrt(state["G"])


@variants.correct("adagrad", "in-place accumulation with np.add and np.divide")
def adagrad(w, dw, state, lr, eps=1e-10):
    acc = state.setdefault("acc", np.zeros(np.shape(w)))
    np.add(acc, np.square(dw), out=acc)
    step = np.divide(dw, np.sqrt(acc) + eps)
    return np.subtract(w, lr * step)


# ---------------------------------------------------------------- 1.5 rmsprop
@variants.wrong("rmsprop", "eps inside the square root", common=True, message="put eps inside the square root",
                fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    state["s"] = alpha * state.get("s", 0.0) + (1 - alpha) * dw ** 2
    return w - lr * dw / np.sqrt(state["s"] + eps)


@variants.wrong("rmsprop", "running sum (AdaGrad)", message="kept a running sum", fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    state["s"] = state.get("s", 0.0) + dw ** 2
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


@variants.wrong("rmsprop", "alpha and 1 - alpha swapped", message="swapped alpha and 1 - alpha",
                fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    state["s"] = (1 - alpha) * state.get("s", 0.0) + alpha * dw ** 2
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


@variants.wrong("rmsprop", "Adam-style bias correction", message="bias correction",
                fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    state["t"] = state.get("t", 0) + 1
    state["s"] = alpha * state.get("s", 0.0) + (1 - alpha) * dw ** 2
    return w - lr * dw / (np.sqrt(state["s"] / (1 - alpha ** state["t"])) + eps)


@variants.wrong("rmsprop", "default alpha 0.9 (Hinton's lecture value)", fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.9, eps=1e-8):
    state["s"] = alpha * state.get("s", 0.0) + (1 - alpha) * dw ** 2
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


@variants.wrong("rmsprop", "average started at the first dw**2 instead of 0", message="started s at dw**2",
                fails=("rmsprop", "rmsprop (hidden)"))
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    if "s" not in state:
        state["s"] = dw ** 2
    else:
        state["s"] = alpha * state["s"] + (1 - alpha) * dw ** 2
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


@variants.correct("rmsprop", "lerp-style update of the average")
def rmsprop(w, dw, state, lr, alpha=0.99, eps=1e-8):
    if "avg" not in state:
        state["avg"] = np.zeros_like(w)
    state["avg"] += (1 - alpha) * (dw * dw - state["avg"])
    return w - lr * dw / (state["avg"] ** 0.5 + eps)


# ---------------------------------------------------------------- 1.6 adam
@variants.wrong("adam", "no bias correction", common=True, message="forgot the bias correction",
                fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)


@variants.wrong("adam", "eps inside the square root", message="put eps inside the square root",
                fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    return w - lr * (state["m"] / (1 - beta1 ** t)) / np.sqrt(state["v"] / (1 - beta2 ** t) + eps)


@variants.wrong("adam", "t starts at 0 (division by zero)", message="NaN or inf", fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0)
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = w - lr * (state["m"] / (1 - beta1 ** t)) / (np.sqrt(state["v"] / (1 - beta2 ** t)) + eps)
    state["t"] = t + 1
    return out


@variants.wrong("adam", "t incremented twice (t = 2 at the first step)", message="used t = 2 at the first step",
                fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] = state.get("t", 1) + 1
    t = state["t"]
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    return w - lr * (state["m"] / (1 - beta1 ** t)) / (np.sqrt(state["v"] / (1 - beta2 ** t)) + eps)


@variants.wrong("adam", "bias correction of m only", fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    return w - lr * (state["m"] / (1 - beta1 ** t)) / (np.sqrt(state["v"]) + eps)


@variants.wrong("adam", "betas swapped between m and v", fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta2 * state.get("m", 0.0) + (1 - beta2) * dw
    state["v"] = beta1 * state.get("v", 0.0) + (1 - beta1) * dw ** 2
    return w - lr * (state["m"] / (1 - beta2 ** t)) / (np.sqrt(state["v"] / (1 - beta1 ** t)) + eps)


@variants.wrong("adam", "the paper's 'efficient' form: bias corrections folded into lr, eps added to sqrt(v)",
                message="the paper's 'efficient' form", fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    lr_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - lr_t * state["m"] / (np.sqrt(state["v"]) + eps)


@variants.wrong("adam", "m and v overwritten by their bias-corrected values", fails=("adam", "adam (hidden)"))
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = (beta1 * state.get("m", 0.0) + (1 - beta1) * dw) / (1 - beta1 ** t)
    state["v"] = (beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2) / (1 - beta2 ** t)
    return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)


@variants.correct("adam", "torch's folded form: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps")
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if not state:
        state.update(step=0, exp_avg=np.zeros_like(w), exp_avg_sq=np.zeros_like(w))
    state["step"] += 1
    state["exp_avg"] += (1 - beta1) * (dw - state["exp_avg"])
    state["exp_avg_sq"] = state["exp_avg_sq"] * beta2 + (1 - beta2) * dw * dw
    bias1 = 1 - beta1 ** state["step"]
    bias2 = 1 - beta2 ** state["step"]
    denom = np.sqrt(state["exp_avg_sq"]) / math.sqrt(bias2) + eps
    return w - (lr / bias1) * state["exp_avg"] / denom


@variants.correct("adam", "bias corrections kept as running products beta**t")
def adam(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if "m" not in state:
        state["m"], state["v"], state["b1t"], state["b2t"] = 0 * w, 0 * w, 1.0, 1.0
    state["b1t"] *= beta1
    state["b2t"] *= beta2
    state["m"] = beta1 * state["m"] + (1 - beta1) * dw
    state["v"] = beta2 * state["v"] + (1 - beta2) * dw ** 2
    return w - lr * (state["m"] / (1 - state["b1t"])) / (np.sqrt(state["v"] / (1 - state["b2t"])) + eps)


# ---------------------------------------------------------------- 1.7 adamw
@variants.wrong("adamw", "L2 penalty in the gradient (Adam with weight_decay)", common=True,
                message="added weight_decay * w to the gradient", fails=("adamw", "adamw (hidden)"))
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam(w, dw + weight_decay * w, state, lr, beta1, beta2, eps)


@variants.wrong("adamw", "decay not scaled by lr", message="forgot to multiply the decay by the learning rate",
                fails=("adamw", "adamw (hidden)"))
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam(w - weight_decay * w, dw, state, lr, beta1, beta2, eps)


@variants.wrong("adamw", "decay applied after the Adam step", message="applied the decay after the Adam step",
                fails=("adamw", "adamw (hidden)"))
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    w_new = adam(w, dw, state, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w_new


@variants.wrong("adamw", "no weight decay at all", message="forgot the weight decay", fails=("adamw", "adamw (hidden)"))
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam(w, dw, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


@variants.wrong("adamw", "forgets to pass beta1, beta2 and eps on to adam", fails=("adamw (hidden)",))
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam(w - lr * weight_decay * w, dw, state, lr=lr)


@variants.correct("adamw", "inline Adam, decay term added to the step")
def adamw(w, dw, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw ** 2
    m_hat = state["m"] / (1 - beta1 ** t)
    v_hat = state["v"] / (1 - beta2 ** t)
    return w - lr * (weight_decay * w + m_hat / (np.sqrt(v_hat) + eps))


# ---------------------------------------------------------------- 3.x schedules
@variants.wrong("step_decay", "no floor: epoch / every", common=True, message="without rounding down",
                fails=("step_decay", "step_decay (hidden)"))
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch / every)


@variants.wrong("step_decay", "drops one epoch early", message="dropped one epoch too early",
                fails=("step_decay", "step_decay (hidden)"))
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** ((epoch + 1) // every)


@variants.wrong("step_decay", "operator precedence: lr0 * drop ** epoch // every",
                fails=("step_decay", "step_decay (hidden)"))
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** epoch // every


@variants.wrong("step_decay", "multiplies instead of powering", message="multiplied by drop instead of raising",
                fails=("step_decay", "step_decay (hidden)"))
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop * (epoch // every)


@variants.wrong("step_decay", "rounds up: math.ceil(epoch / every)", fails=("step_decay", "step_decay (hidden)"))
def step_decay(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** math.ceil(epoch / every)


@variants.correct("step_decay", "loop halving every `every` epochs, math.floor")
def step_decay(lr0, epoch, drop=0.5, every=10):
    lr = lr0
    for _ in range(math.floor(epoch / every)):
        lr *= drop
    return lr


@variants.wrong("exponential_decay", "k used as the decay factor", common=True, message="used k as the decay factor",
                fails=("exponential_decay", "exponential_decay (hidden)"))
def exponential_decay(lr0, t, k):
    return lr0 * k ** t


@variants.wrong("exponential_decay", "sign error", message="forgot the minus sign",
                fails=("exponential_decay", "exponential_decay (hidden)"))
def exponential_decay(lr0, t, k):
    return lr0 * math.exp(k * t)


@variants.wrong("exponential_decay", "t outside the exponential", message="multiplied by t outside",
                fails=("exponential_decay", "exponential_decay (hidden)"))
def exponential_decay(lr0, t, k):
    return lr0 * math.exp(-k) * t


@variants.wrong("exponential_decay", "first-order approximation (1 - k)**t",
                fails=("exponential_decay", "exponential_decay (hidden)"))
def exponential_decay(lr0, t, k):
    return lr0 * (1 - k) ** t


@variants.correct("exponential_decay", "numpy power of exp(-k)")
def exponential_decay(lr0, t, k):
    return float(lr0 * np.power(np.exp(-k), t))


@variants.wrong("inverse_decay", "missing parentheses lr0 / 1 + k t", common=True, message="missing parentheses",
                fails=("inverse_decay", "inverse_decay (hidden)"))
def inverse_decay(lr0, t, k):
    return lr0 / 1 + k * t


@variants.wrong("inverse_decay", "1 / sqrt schedule", message="square root",
                fails=("inverse_decay", "inverse_decay (hidden)"))
def inverse_decay(lr0, t, k):
    return lr0 / math.sqrt(1 + k * t)


@variants.wrong("inverse_decay", "parentheses in the wrong place", message="parentheses in the wrong place",
                fails=("inverse_decay", "inverse_decay (hidden)"))
def inverse_decay(lr0, t, k):
    return lr0 / (1 + k) * t


@variants.wrong("inverse_decay", "squared denominator", fails=("inverse_decay", "inverse_decay (hidden)"))
def inverse_decay(lr0, t, k):
    return lr0 / (1 + k * t) ** 2


@variants.correct("inverse_decay", "multiplicative factor form")
def inverse_decay(lr0, t, k):
    factor = 1.0 / (1.0 + k * t)
    return lr0 * factor


@variants.wrong("cosine_annealing", "amplitude lr0 instead of lr0 - lr_min", common=True,
                message="used lr0 instead of lr0 - lr_min", fails=("cosine_annealing", "cosine_annealing (hidden)"))
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr_min + lr0 * (1 + math.cos(math.pi * t / T)) / 2


@variants.wrong("cosine_annealing", "ignores lr_min", message="ignored lr_min",
                fails=("cosine_annealing", "cosine_annealing (hidden)"))
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr0 * (1 + math.cos(math.pi * t / T)) / 2


@variants.wrong("cosine_annealing", "no pi in the cosine", message="forgot the factor pi",
                fails=("cosine_annealing", "cosine_annealing (hidden)"))
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(t / T)) / 2


@variants.wrong("cosine_annealing", "forgot to halve", message="forgot to halve",
                fails=("cosine_annealing", "cosine_annealing (hidden)"))
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / T))


@variants.wrong("cosine_annealing", "T - 1 in the cosine (reaches lr_min one step early)",
                fails=("cosine_annealing", "cosine_annealing (hidden)"))
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / (T - 1))) / 2


@variants.correct("cosine_annealing", "cos^2 form")
def cosine_annealing(lr0, t, T, lr_min=0):
    return lr_min + (lr0 - lr_min) * math.cos(math.pi * t / (2 * T)) ** 2


@variants.wrong("triangular_clr", "cycle without the 1 +", common=True, message="never leaves base_lr",
                fails=("triangular_clr", "triangular_clr (hidden)"))
def triangular_clr(t, base_lr, max_lr, step_size):
    cycle = math.floor(t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


@variants.wrong("triangular_clr", "step_size taken as the whole cycle", message="length of a whole cycle",
                fails=("triangular_clr", "triangular_clr (hidden)"))
def triangular_clr(t, base_lr, max_lr, step_size):
    half = step_size / 2
    cycle = math.floor(1 + t / (2 * half))
    x = abs(t / half - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


@variants.wrong("triangular_clr", "sawtooth", message="sawtooth", fails=("triangular_clr", "triangular_clr (hidden)"))
def triangular_clr(t, base_lr, max_lr, step_size):
    return base_lr + (max_lr - base_lr) * (t % step_size) / step_size


@variants.wrong("triangular_clr", "starts at max_lr (cosine-like phase)",
                fails=("triangular_clr", "triangular_clr (hidden)"))
def triangular_clr(t, base_lr, max_lr, step_size):
    cycle = math.floor(1 + t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * min(1.0, x)


@variants.correct("triangular_clr", "position within the cycle, rising then falling")
def triangular_clr(t, base_lr, max_lr, step_size):
    pos = t % (2 * step_size)
    frac = pos / step_size if pos <= step_size else 2 - pos / step_size
    return base_lr + (max_lr - base_lr) * frac


# ---------------------------------------------------------------- 4.1 lr_range_test
@variants.wrong("lr_range_test", "linear learning-rate spacing", common=True,
                message="spaced the learning rates linearly", fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.linspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "never stops", message="stopped before num_steps",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses = [], []
    with np.errstate(all="ignore"):
        for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
            loss, grads = loss_and_grad(params, batches[i % len(batches)])
            lrs.append(lr)
            losses.append(loss)
            for k in params:
                params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "records the loss after the update", message="before the update that uses it",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        batch = batches[i % len(batches)]
        _, grads = loss_and_grad(params, batch)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
        loss = loss_and_grad(params, batch)[0]
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "trains the caller's params in place", message="in place",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k][...] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "drops the exploding point", message="keep the point that triggers the stop",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        lrs.append(lr)
        losses.append(loss)
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "one state dict shared by all parameters", message="its own state dict",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    state = {}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], state, lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "always uses the first batch", fails=("lr_range_test (hidden)",))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for lr in np.geomspace(lr_min, lr_max, num_steps):
        loss, grads = loss_and_grad(params, batches[0])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "stops on stop_factor times the first loss, not the best one",
                fails=("lr_range_test (hidden)",))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses = [], []
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * losses[0]:
            break
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "exponent i / num_steps: never reaches lr_max", message="lrs is wrong",
                fails=("lr_range_test", "lr_range_test (hidden)"))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i in range(num_steps):
        lr = lr_min * (lr_max / lr_min) ** (i / num_steps)
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "does not pass **hyper on to the rule (momentum is lost)",
                fails=("lr_range_test (hidden)",))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr)
    return np.array(lrs), np.array(losses)


@variants.wrong("lr_range_test", "ignores stop_factor (always 4)", fails=("lr_range_test (hidden)",))
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    states = {k: {} for k in params}
    lrs, losses, best = [], [], np.inf
    for i, lr in enumerate(np.geomspace(lr_min, lr_max, num_steps)):
        loss, grads = loss_and_grad(params, batches[i % len(batches)])
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss) or loss > 4.0 * best:
            break
        best = min(best, loss)
        for k in params:
            params[k] = rule(params[k], grads[k], states[k], lr=lr, **hyper)
    return np.array(lrs), np.array(losses)


@variants.correct("lr_range_test", "lr multiplied by a constant factor, itertools.cycle over batches")
def lr_range_test(loss_and_grad, params, batches, rule, lr_min=1e-6, lr_max=10.0, num_steps=100,
                  stop_factor=4.0, **hyper):
    import copy
    import itertools
    current = copy.deepcopy(params)
    states = {k: {} for k in current}
    factor = (lr_max / lr_min) ** (1 / (num_steps - 1))
    lr, lrs, losses = lr_min, [], []
    for _, batch in zip(range(num_steps), itertools.cycle(batches)):
        loss, grads = loss_and_grad(current, batch)
        exploded = bool(losses) and (not math.isfinite(loss) or loss > stop_factor * min(losses))
        lrs.append(lr)
        losses.append(loss)
        if exploded or not math.isfinite(loss):
            break
        current = {k: rule(current[k], grads[k], states[k], lr=lr, **hyper) for k in current}
        lr *= factor
    return lrs, losses


# ---------------------------------------------------------------- 4.2 suggest_lr
@variants.wrong("suggest_lr", "no bias correction", common=True, message="forgot the bias correction",
                fails=("suggest_lr", "suggest_lr (hidden)"))
def suggest_lr(lrs, losses, beta=0.9):
    smoothed, avg = [], 0.0
    for loss in losses:
        avg = beta * avg + (1 - beta) * loss
        smoothed.append(avg)
    smoothed = np.array(smoothed)
    return float(lrs[np.argmin(np.where(np.isfinite(smoothed), smoothed, np.inf))] / 10), smoothed


@variants.wrong("suggest_lr", "returns the lr at the minimum", message="divide it by 10",
                fails=("suggest_lr", "suggest_lr (hidden)"))
def suggest_lr(lrs, losses, beta=0.9):
    out, avg = [], 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    out = np.array(out)
    return float(lrs[np.argmin(np.where(np.isfinite(out), out, np.inf))]), out


@variants.wrong("suggest_lr", "minimum of the raw losses", message="took the minimum of the raw losses",
                fails=("suggest_lr", "suggest_lr (hidden)"))
def suggest_lr(lrs, losses, beta=0.9):
    out, avg = [], 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    raw = np.where(np.isfinite(losses), losses, np.inf)
    return float(lrs[np.argmin(raw)] / 10), np.array(out)


@variants.wrong("suggest_lr", "nan wins the argmin", fails=("suggest_lr (hidden)",))
def suggest_lr(lrs, losses, beta=0.9):
    out, avg = [], 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    out = np.array(out)
    return float(lrs[np.argmin(out)] / 10), out


@variants.wrong("suggest_lr", "beta and 1 - beta swapped", fails=("suggest_lr", "suggest_lr (hidden)"))
def suggest_lr(lrs, losses, beta=0.9):
    out, avg = [], 0.0
    for i, loss in enumerate(losses):
        avg = (1 - beta) * avg + beta * loss
        out.append(avg / (1 - beta ** (i + 1)))
    out = np.array(out)
    return float(lrs[np.argmin(np.where(np.isfinite(out), out, np.inf))] / 10), out


@variants.wrong("suggest_lr", "keeps the last of tied minima (<= in a search loop)",
                message="tie for the smallest smoothed loss", fails=("suggest_lr (hidden)",))
def suggest_lr(lrs, losses, beta=0.9):
    smoothed, avg, best, best_i = [], 0.0, np.inf, 0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        smoothed.append(avg / (1 - beta ** (i + 1)))
        if np.isfinite(smoothed[-1]) and smoothed[-1] <= best:
            best, best_i = smoothed[-1], i
    return float(lrs[best_i] / 10), np.array(smoothed)


@variants.wrong("suggest_lr", "average started at the first loss instead of 0, no bias correction",
                fails=("suggest_lr (hidden)",))
def suggest_lr(lrs, losses, beta=0.9):
    smoothed, avg = [], losses[0]
    for loss in losses:
        avg = beta * avg + (1 - beta) * loss
        smoothed.append(avg)
    smoothed = np.array(smoothed)
    return float(lrs[np.argmin(np.where(np.isfinite(smoothed), smoothed, np.inf))] / 10), smoothed


@variants.correct("suggest_lr", "closed-form weights, nanargmin")
def suggest_lr(lrs, losses, beta=0.9):
    losses = np.asarray(losses, dtype=float)
    n = len(losses)
    smoothed = np.empty(n)
    with np.errstate(invalid="ignore"):
        for i in range(n):
            weights = (1 - beta) * beta ** np.arange(i, -1, -1)
            smoothed[i] = np.dot(weights, losses[: i + 1]) / weights.sum()
    finite = np.where(np.isfinite(smoothed), smoothed, np.nan)
    return np.asarray(lrs)[np.nanargmin(finite)] / 10, smoothed


# ---------------------------------------------------------------- 7.1 multiple choice
variants.wrong_values("question 7.1", "constant learning rate", answer_robbins_monro="a", fails=("question 7.1",))
variants.wrong_values("question 7.1", "exponential decay", answer_robbins_monro="c", fails=("question 7.1",))
variants.wrong_values("question 7.1", "1 / sqrt decay", answer_robbins_monro="e", fails=("question 7.1",))
variants.wrong_values("question 7.1", "not a string", answer_robbins_monro=4, fails=("question 7.1",))
variants.correct_values("question 7.1", "upper case with spaces", answer_robbins_monro=" D ")
