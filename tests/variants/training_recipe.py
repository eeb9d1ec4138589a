"""Realistic wrong answers and correct-in-another-style answers for 06_training_recipe.

Each function below is executed in the notebook's namespace in place of the solution
(np, torch, F and time are the notebook's imports). The capstone variants train small
models for a few epochs only, so that the whole set runs in reasonable time.
"""

import numpy as np

from tests.harness import Registry

variants = Registry()


# ---------------------------------------------------------------- 1.1 expected_initial_loss
@variants.wrong("expected_initial_loss", "log base 10", common=True, message="log base 10",
                fails=("expected_initial_loss",
                       "expected_initial_loss (hidden)",
                       "expected_initial_loss (raises, hidden)"))
def expected_initial_loss(num_classes):
    if num_classes < 2:
        raise ValueError("need at least 2 classes")
    return float(np.log10(num_classes))


@variants.wrong("expected_initial_loss", "log base 2", message="log base 2",
                fails=("expected_initial_loss",
                       "expected_initial_loss (hidden)",
                       "expected_initial_loss (raises, hidden)"))
def expected_initial_loss(num_classes):
    if num_classes < 2:
        raise ValueError("need at least 2 classes")
    return float(np.log2(num_classes))


@variants.wrong("expected_initial_loss", "returns the probability 1/C", message="probability 1/C",
                fails=("expected_initial_loss",
                       "expected_initial_loss (hidden)",
                       "expected_initial_loss (raises, hidden)"))
def expected_initial_loss(num_classes):
    if num_classes < 2:
        raise ValueError("need at least 2 classes")
    return 1.0 / num_classes


@variants.wrong("expected_initial_loss", "returns ln(1/C): forgot the minus sign", message="minus the log-probability",
                fails=("expected_initial_loss",
                       "expected_initial_loss (hidden)",
                       "expected_initial_loss (raises, hidden)"))
def expected_initial_loss(num_classes):
    if num_classes < 2:
        raise ValueError("need at least 2 classes")
    return float(np.log(1.0 / num_classes))


@variants.wrong("expected_initial_loss", "no validation at all",
                message="did not raise ValueError or TypeError (it returned normally)",
                fails=("expected_initial_loss (raises)", "expected_initial_loss (raises, hidden)"))
def expected_initial_loss(num_classes):
    return float(np.log(num_classes))


@variants.wrong("expected_initial_loss", "accepts non-integer class counts",
                fails=("expected_initial_loss (raises, hidden)",))
def expected_initial_loss(num_classes):
    if num_classes < 2:
        raise ValueError("need at least 2 classes")
    return float(np.log(num_classes))


@variants.correct("expected_initial_loss", "math.log of 1/C with operator.index validation")
def expected_initial_loss(num_classes):
    import math
    import operator
    c = operator.index(num_classes)          # TypeError for floats, strings, None
    if c < 2:
        raise ValueError(f"num_classes must be >= 2, got {c}")
    return -math.log(1.0 / c)


@variants.correct("expected_initial_loss", "PyTorch cross-entropy of equal scores")
def expected_initial_loss(num_classes):
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError("num_classes must be an integer")
    if num_classes < 2:
        raise ValueError("num_classes must be at least 2")
    logits = torch.zeros(1, int(num_classes), dtype=torch.float64)
    return F.cross_entropy(logits, torch.tensor([0])).item()


# ---------------------------------------------------------------- 3.1 overfit_small_batch
@variants.wrong("overfit_small_batch", "rebinds the loop variable: params never change", common=True,
                message="never changed params", fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: {} for key in params}
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key, p in params.items():
            if update is None:
                p = p - lr * grads[key]
            else:
                p = update(p, grads[key], states[key], lr)
    return losses


@variants.wrong("overfit_small_batch", "records the loss after each update", message="after each update",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: {} for key in params}
    losses = []
    for _ in range(steps):
        _, grads = loss_and_grads(params, x, y)
        for key in params:
            if update is None:
                params[key] = params[key] - lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
        losses.append(loss_and_grads(params, x, y)[0])
    return losses


@variants.wrong("overfit_small_batch", "adds the gradient (gradient ascent)", message="instead of subtracting",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: {} for key in params}
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in params:
            if update is None:
                params[key] += lr * grads[key]
            else:
                params[key] = update(params[key], -grads[key], states[key], lr)
    return losses


@variants.wrong("overfit_small_batch", "ignores the update rule", message="ignored the update rule",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in params:
            params[key] -= lr * grads[key]
    return losses


@variants.wrong("overfit_small_batch", "one state dict shared by all parameters",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    state = {}
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in params:
            if update is None:
                params[key] -= lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], state, lr)
    return losses


@variants.wrong("overfit_small_batch", "creates the state dicts anew at every step", message="ignored the update rule",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        states = {key: {} for key in params}          # momentum / Adam forget everything each step
        for key in params:
            if update is None:
                params[key] -= lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
    return losses


@variants.wrong("overfit_small_batch", "zips params and grads values (assumes the same key order)",
                fails=("overfit_small_batch (hidden)",))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = [{} for _ in params]
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for i, (key, g) in enumerate(zip(list(params), grads.values())):
            if update is None:
                params[key] = params[key] - lr * g
            else:
                params[key] = update(params[key], g, states[i], lr)
    return losses


@variants.wrong("overfit_small_batch", "trains a copy of params: the caller's dict never changes",
                message="did you train a copy", fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    params = {key: value.copy() for key, value in params.items()}      # "to be safe"
    states = {key: {} for key in params}
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in params:
            if update is None:
                params[key] = params[key] - lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
    return losses


@variants.wrong("overfit_small_batch", "computes the gradients once, before the loop",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: {} for key in params}
    _, grads = loss_and_grads(params, x, y)
    losses = []
    for _ in range(steps):
        losses.append(loss_and_grads(params, x, y)[0])
        for key in params:
            if update is None:
                params[key] -= lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
    return losses


@variants.wrong("overfit_small_batch", "one step too few", message="losses has shape",
                fails=("overfit_small_batch", "overfit_small_batch (hidden)"))
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: {} for key in params}
    losses = []
    for _ in range(steps - 1):
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in params:
            if update is None:
                params[key] -= lr * grads[key]
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
    return losses


@variants.correct("overfit_small_batch", "new arrays stored in the dict, loop over grads, numpy array of losses")
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {}
    losses = np.zeros(steps)
    for t in range(steps):
        losses[t], grads = loss_and_grads(params, x, y)
        for key, g in grads.items():
            if update is None:
                params[key] = params[key] - lr * g
            else:
                params[key] = update(params[key], g, states.setdefault(key, {}), lr=lr)
    return losses


@variants.correct("overfit_small_batch", "while loop, np.subtract in place, positional lr")
def overfit_small_batch(loss_and_grads, params, x, y, lr, steps, update=None):
    states = {key: dict() for key in sorted(params)}
    losses, t = [], 0
    while t < steps:
        loss, grads = loss_and_grads(params, x, y)
        losses.append(loss)
        for key in sorted(params):
            if update is None:
                np.subtract(params[key], lr * grads[key], out=params[key])
            else:
                params[key] = update(params[key], grads[key], states[key], lr)
        t += 1
    return losses


# ---------------------------------------------------------------- 5.1 sample_log_uniform
@variants.wrong("sample_log_uniform", "uniform in the values, not in log space", common=True,
                message="uniformly in the values", fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return rng.uniform(low, high, size=size)


@variants.wrong("sample_log_uniform", "treats low and high as exponents", message="as exponents",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return 10.0 ** rng.uniform(low, high, size=size)


@variants.wrong("sample_log_uniform", "returns the exponents u instead of 10 ** u", message="outside [low, high]",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return rng.uniform(np.log10(low), np.log10(high), size=size)


@variants.wrong("sample_log_uniform", "ignores size: returns one number", message="size=size",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high))


@variants.wrong("sample_log_uniform", "natural log with 10 ** u", message="mixed log bases",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return 10.0 ** rng.uniform(np.log(low), np.log(high), size=size)


@variants.wrong("sample_log_uniform", "log10 with exp", message="mixed log bases",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return np.exp(rng.uniform(np.log10(low), np.log10(high), size=size))


@variants.wrong("sample_log_uniform", "draws from np.random instead of rng", message="rng argument",
                fails=("sample_log_uniform", "sample_log_uniform (hidden)"))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return 10.0 ** np.random.uniform(np.log10(low), np.log10(high), size=size)


@variants.wrong("sample_log_uniform", "no validation of low and high", message="instead of ValueError",
                fails=("sample_log_uniform (raises)", "sample_log_uniform (raises, hidden)"))
def sample_log_uniform(low, high, size, rng):
    with np.errstate(divide="ignore"):
        return 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=size)


@variants.wrong("sample_log_uniform", "checks low > 0 but not low < high",
                message="did not raise ValueError (it returned normally)",
                fails=("sample_log_uniform (raises, hidden)",))
def sample_log_uniform(low, high, size, rng):
    if low <= 0:
        raise ValueError(f"low must be positive, got {low}")
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=size)


@variants.wrong("sample_log_uniform", "an evenly spaced log grid instead of random samples",
                fails=("sample_log_uniform (hidden)",))
def sample_log_uniform(low, high, size, rng):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    values = np.logspace(np.log10(low), np.log10(high), int(np.prod(size)))
    return values.reshape(size)


@variants.correct("sample_log_uniform", "natural logs and exp")
def sample_log_uniform(low, high, size, rng):
    if low <= 0 or high <= low:
        raise ValueError(f"need 0 < low < high, got {low}, {high}")
    return np.exp(rng.uniform(np.log(low), np.log(high), size))


@variants.correct("sample_log_uniform", "low * (high / low) ** U(0, 1)")
def sample_log_uniform(low, high, size, rng):
    if not (low > 0 and high > low):
        raise ValueError("need 0 < low < high")
    return low * (high / low) ** rng.random(size)


@variants.correct("sample_log_uniform", "scipy.stats.loguniform with the generator")
def sample_log_uniform(low, high, size, rng):
    from scipy import stats
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return stats.loguniform(low, high).rvs(size=size, random_state=rng)


# ---------------------------------------------------------------- 7.1 diagnose
@variants.wrong("diagnose", "NaN-blind: comparisons with NaN are False", common=True, message="NaN",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    start, end = train[0], train[-1]
    if end >= start:
        return "lr_too_high"
    if end > 0.8 * start:
        return "lr_too_low"
    if val[-1] - end > 0.2 * start:
        return "overfitting"
    if end > 0.3 * start:
        return "underfitting"
    return "good"


@variants.wrong("diagnose", "looks at the training curve only (never says overfitting)",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train = np.asarray(train_curve, float)
    if not np.all(np.isfinite(train)) or train[-1] >= train[0]:
        return "lr_too_high"
    if train[-1] > 0.8 * train[0]:
        return "lr_too_low"
    if train[-1] > 0.3 * train[0]:
        return "underfitting"
    return "good"


@variants.wrong("diagnose", "absolute thresholds tuned for 10 classes", message="relative",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))) or train[-1] >= train[0]:
        return "lr_too_high"
    if train[0] - train[-1] < 0.4:
        return "lr_too_low"
    if val[-1] - train[-1] > 0.4:
        return "overfitting"
    if train[-1] > 0.6:
        return "underfitting"
    return "good"


@variants.wrong("diagnose", "overfitting and underfitting swapped", fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))) or train[-1] >= train[0]:
        return "lr_too_high"
    if train[-1] > 0.8 * train[0]:
        return "lr_too_low"
    if val[-1] - train[-1] > 0.2 * train[0]:
        return "underfitting"
    if train[-1] > 0.3 * train[0]:
        return "overfitting"
    return "good"


@variants.wrong("diagnose", "labels outside the vocabulary", message="not one of the labels",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))) or train[-1] >= train[0]:
        return "high_lr"
    if train[-1] > 0.8 * train[0]:
        return "low_lr"
    if val[-1] - train[-1] > 0.2 * train[0]:
        return "overfit"
    if train[-1] > 0.3 * train[0]:
        return "underfit"
    return "good"


@variants.wrong("diagnose", "lr_too_high only for NaN/inf, not for a rising loss",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))):
        return "lr_too_high"
    drop = (train[0] - train[-1]) / train[0]
    if drop < 0.2:
        return "lr_too_low"
    if val[-1] - train[-1] > 0.2 * train[0]:
        return "overfitting"
    if train[-1] > 0.3 * train[0]:
        return "underfitting"
    return "good"


@variants.wrong("diagnose", "overfitting only when the validation loss rises", message="need not rise",
                fails=("diagnose (hidden)",))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))) or train[-1] >= train[0]:
        return "lr_too_high"
    if train[-1] > 0.8 * train[0]:
        return "lr_too_low"
    if val[-1] > 1.1 * val.min():                     # a flat validation loss far above train is missed
        return "overfitting"
    if train[-1] > 0.3 * train[0]:
        return "underfitting"
    return "good"


@variants.wrong("diagnose", "any gap between validation and training counts as overfitting",
                fails=("diagnose", "diagnose (hidden)"))
def diagnose(train_curve, val_curve):
    train, val = np.asarray(train_curve, float), np.asarray(val_curve, float)
    if not (np.all(np.isfinite(train)) and np.all(np.isfinite(val))) or train[-1] >= train[0]:
        return "lr_too_high"
    if train[-1] > 0.8 * train[0]:
        return "lr_too_low"
    if val[-1] > train[-1]:
        return "overfitting"
    if train[-1] > 0.3 * train[0]:
        return "underfitting"
    return "good"


@variants.correct("diagnose", "smoothed curve ends, other thresholds, a val/train ratio")
def diagnose(train_curve, val_curve):
    tr, va = np.array(train_curve, dtype=float), np.array(val_curve, dtype=float)
    if np.isnan(tr).any() or np.isnan(va).any() or np.isinf(tr).any() or np.isinf(va).any():
        return "lr_too_high"
    L0 = tr[0]
    k = max(1, len(tr) // 5)                  # average the last 20% of the epochs
    end_t, end_v = tr[-k:].mean(), va[-k:].mean()
    if tr.max() > 1.5 * L0 or end_t > L0:
        return "lr_too_high"
    if (L0 - end_t) / L0 < 0.3:
        return "lr_too_low"
    if end_v > 2 * end_t and end_v - end_t > 0.15 * L0:
        return "overfitting"
    if end_t / L0 > 0.25:
        return "underfitting"
    return "good"


@variants.correct("diagnose", "strict thresholds, plain Python loops, validation rise")
def diagnose(train_curve, val_curve):
    import math
    train, val = list(train_curve), list(val_curve)
    for v in train + val:
        if not math.isfinite(v):
            return "lr_too_high"
    start = train[0]
    if train[-1] > start:
        return "lr_too_high"
    if start - train[-1] < 0.1 * start:
        return "lr_too_low"
    gap = val[-1] - train[-1]
    if gap > 0.1 * start and (val[-1] > 1.05 * min(val) or gap > 0.3 * start):
        return "overfitting"
    if train[-1] > 0.35 * start:
        return "underfitting"
    return "good"


@variants.correct("diagnose", "a table of rules on relative drop and relative gap, medians of the last epochs")
def diagnose(train_curve, val_curve):
    curves = np.vstack([np.asarray(train_curve, dtype=float), np.asarray(val_curve, dtype=float)])
    if not np.isfinite(curves).all():
        return "lr_too_high"
    start = curves[0, 0]
    tail = curves[:, -3:] if curves.shape[1] > 3 else curves[:, -1:]
    end_train, end_val = np.median(tail, axis=1)
    drop, gap = 1 - end_train / start, (end_val - end_train) / start
    rules = [("lr_too_high", drop <= 0), ("lr_too_low", drop < 0.25), ("overfitting", gap > 0.25),
             ("underfitting", end_train > 0.25 * start), ("good", True)]
    return next(label for label, holds in rules if holds)


# ---------------------------------------------------------------- 9 capstone
@variants.wrong("train_capstone", "forgot model.eval(): dropout stays on when predicting", common=True,
                message="model.eval()", fails=("train_capstone",))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(15):
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.wrong("train_capstone", "learning rate 0: the model never trains", message="below the threshold",
                fails=("train_capstone", "train_capstone (hidden)"))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
                                torch.nn.Dropout(0.2), torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(3):
        model.train()
        for i in range(0, len(yt), 128):
            loss = F.cross_entropy(model(Xt[i:i + 128]), yt[i:i + 128])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())
    model.eval()

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.wrong("train_capstone", "shuffles the inputs but not the labels", message="below the threshold",
                fails=("train_capstone", "train_capstone (hidden)"))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
                                torch.nn.Dropout(0.2), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(8):
        model.train()
        perm = torch.randperm(len(yt))
        Xs = Xt[perm]                                    # the labels yt are left in their old order
        for i in range(0, len(yt), 128):
            loss = F.cross_entropy(model(Xs[i:i + 128]), yt[i:i + 128])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())
    model.eval()

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.wrong("train_capstone", "an untrained linear model", message="below the threshold",
                fails=("train_capstone", "train_capstone (hidden)"))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(scale=0.01, size=(64, 10)), np.zeros(10)
    return (lambda X: np.argmax(X @ W + b, axis=1)), {"train_loss": [2.3], "val_loss": [2.3]}


@variants.wrong("train_capstone", "predict returns scores instead of labels", message="return labels",
                fails=("train_capstone", "train_capstone (hidden)"))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(5):
        for i in range(0, len(yt), 128):
            loss = F.cross_entropy(model(Xt[i:i + 128]), yt[i:i + 128])
            opt.zero_grad()
            loss.backward()
            opt.step()

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).numpy()
    return predict, {"train_loss": [loss.item()], "val_loss": [loss.item()]}


# Which budget catches it (the visible 5 s or the hidden 0.5 s) depends on how fast the machine
# is at the moment, so the expected message is the part both failures share.
@variants.wrong("train_capstone", "never checks the clock: a fixed, long training",
                message="stop when the budget runs out", fails=("train_capstone", "train_capstone (hidden)"))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(350):                                   # about 4 CPU seconds, whatever the budget
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 32):
            idx = perm[i:i + 32]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.wrong("train_capstone", "batch norm left in training mode when predicting", message="model.eval()",
                fails=("train_capstone (hidden)",))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(15):
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())

    def predict(X):                                        # batch statistics of X: fine for a big batch only
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.wrong("train_capstone", "predict squeezes its output (a scalar for one example)",
                message="squeeze", fails=("train_capstone (hidden)",))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(15):
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 128):
            idx = perm[i:i + 128]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        history["val_loss"].append(loss.item())

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(X, dtype=torch.float32)).argmax(1).squeeze().numpy()
    return predict, history


@variants.wrong("train_capstone", "good model, but the history is left empty", message="one loss per epoch",
                fails=("train_capstone",))
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(scale=0.01, size=(64, 10)), np.zeros(10)
    onehot = np.eye(10)[y_train]
    for _ in range(300):                                  # softmax regression, full-batch gradient descent
        s = X_train @ W + b
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot) / len(y_train)
        W -= 0.5 * (X_train.T @ grad + 1e-3 * W)
        b -= 0.5 * grad.sum(axis=0)
    return (lambda X: np.argmax(np.asarray(X) @ W + b, axis=1)), {"train_loss": [], "val_loss": []}


@variants.correct("train_capstone", "trains until the CPU budget runs out, keeps the best epoch's weights")
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    import copy
    start = time.process_time()
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    Xv, yv = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)
    model = torch.nn.Sequential(torch.nn.Linear(64, 96), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                torch.nn.Linear(96, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-3)
    history = {"train_loss": [], "val_loss": []}
    best = (np.inf, None)
    while time.process_time() - start < 0.9 * time_budget_s:   # uses (almost) the whole budget
        model.train()
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            history["train_loss"].append(F.cross_entropy(model(Xt), yt).item())
            history["val_loss"].append(F.cross_entropy(model(Xv), yv).item())
        if history["val_loss"][-1] < best[0]:
            best = (history["val_loss"][-1], copy.deepcopy(model.state_dict()))
    model.load_state_dict(best[1])
    model.eval()

    def predict(X):
        with torch.no_grad():
            return model(torch.tensor(np.asarray(X), dtype=torch.float32)).argmax(1).numpy()
    return predict, history


@variants.correct("train_capstone", "wide MLP without batch norm, SGD with momentum and a cosine schedule")
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    start = time.perf_counter()
    torch.manual_seed(seed)
    Xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    Xv, yv = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)
    model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                torch.nn.Linear(256, 10))
    epochs = 25
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    gen = torch.Generator().manual_seed(seed)
    history = {"train_loss": [], "val_loss": []}
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(yt), generator=gen)
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        schedule.step()
        model.eval()
        with torch.no_grad():
            history["train_loss"].append(F.cross_entropy(model(Xt), yt).item())
            history["val_loss"].append(F.cross_entropy(model(Xv), yv).item())
        if time.perf_counter() - start > time_budget_s:
            break

    def predict(X):
        with torch.no_grad():
            return model(torch.as_tensor(np.asarray(X), dtype=torch.float32)).argmax(dim=1).numpy()
    return predict, history


@variants.correct("train_capstone", "NumPy softmax regression with full-batch gradient descent")
def train_capstone(X_train, y_train, X_val, y_val, time_budget_s, seed=0):
    rng = np.random.default_rng(seed)
    n, d = X_train.shape
    W, b = rng.normal(scale=0.01, size=(d, 10)), np.zeros(10)
    onehot = np.eye(10)[y_train]

    def loss_of(X, y, W, b):
        s = X @ W + b
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -logp[np.arange(len(y)), y].mean(), np.exp(logp)

    history = {"train_loss": [], "val_loss": []}
    for _ in range(300):
        loss, p = loss_of(X_train, y_train, W, b)
        grad = (p - onehot) / n
        W -= 0.5 * (X_train.T @ grad + 1e-3 * W)
        b -= 0.5 * grad.sum(axis=0)
        history["train_loss"].append(loss)
        history["val_loss"].append(loss_of(X_val, y_val, W, b)[0])
    return (lambda X: np.argmax(np.asarray(X) @ W + b, axis=1)), history


# ---------------------------------------------------------------- 10.1 multiple choice
variants.wrong_values("question 10.1", "learning rate", answer_initial_loss="a", fails=("question 10.1",))
variants.wrong_values("question 10.1", "model too small", answer_initial_loss="c", fails=("question 10.1",))
variants.wrong_values("question 10.1", "training set too small", answer_initial_loss="d", fails=("question 10.1",))
variants.wrong_values("question 10.1", "not a string", answer_initial_loss=2, fails=("question 10.1",))
variants.correct_values("question 10.1", "upper case with spaces", answer_initial_loss=" B ")
