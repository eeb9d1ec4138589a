"""Realistic wrong answers and correct-in-another-style answers for 02_initialization.

Each function below is executed in the notebook's namespace in place of the solution
(np and torch are the notebook's). The initializer tests are statistical: they draw
arrays of 200,000+ weights and compare the sample bounds, mean, std and shape of the
distribution with the formulas, so every correct variant may consume the generator in
its own way.
"""

import numpy as np

from tests.harness import Registry

variants = Registry()


# ---------------------------------------------------------------- 2.1 zeros_init
@variants.wrong("zeros_init", "transposed shape (fan_out, fan_in)", common=True, message="looks transposed",
                fails=("zeros_init", "zeros_init (hidden)"))
def zeros_init(fan_in, fan_out):
    return np.zeros((fan_out, fan_in))


@variants.wrong("zeros_init", "np.zeros(fan_in, fan_out): the second argument is the dtype",
                message="raised TypeError", fails=("zeros_init", "zeros_init (hidden)"))
def zeros_init(fan_in, fan_out):
    return np.zeros(fan_in, fan_out)


@variants.wrong("zeros_init", "integer zeros", message="dtype int64", fails=("zeros_init", "zeros_init (hidden)"))
def zeros_init(fan_in, fan_out):
    return np.zeros((fan_in, fan_out), dtype=int)


@variants.wrong("zeros_init", "tiny constant instead of zeros", fails=("zeros_init", "zeros_init (hidden)"))
def zeros_init(fan_in, fan_out):
    return np.full((fan_in, fan_out), 1e-3)


@variants.correct("zeros_init", "torch zeros_ on the transposed tensor")
def zeros_init(fan_in, fan_out):
    return torch.nn.init.zeros_(torch.empty(int(fan_out), int(fan_in), dtype=torch.float64)).T.numpy()


@variants.correct("zeros_init", "0 * ones, reshaped")
def zeros_init(fan_in, fan_out):
    return (0.0 * np.ones(fan_in * fan_out)).reshape(fan_in, fan_out)


# ---------------------------------------------------------------- 2.1 small_normal_init
@variants.wrong("small_normal_init", "global np.random instead of rng", common=True, message="np.random",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return std * np.random.randn(fan_in, fan_out)


@variants.wrong("small_normal_init", "ignores the std argument", message="ignored the std argument",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, 0.01, size=(fan_in, fan_out))


@variants.wrong("small_normal_init", "std**2 as the scale", message="used std**2",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std ** 2, size=(fan_in, fan_out))


@variants.wrong("small_normal_init", "uniform on [-std, std]", message="U(-std, std)",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return rng.uniform(-std, std, size=(fan_in, fan_out))


@variants.wrong("small_normal_init", "a single random number for the whole array",
                message="every hidden unit still gets the same gradient",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std) * np.ones((fan_in, fan_out))


@variants.wrong("small_normal_init", "creates its own generator with a fixed seed", message="different seeds",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return np.random.default_rng(0).normal(0.0, std, size=(fan_in, fan_out))


@variants.wrong("small_normal_init", "one random row, tiled over all rows", message="equal to their neighbour",
                fails=("small_normal_init", "small_normal_init (hidden)"))
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return np.tile(rng.normal(0.0, std, size=fan_out), (fan_in, 1))


@variants.correct("small_normal_init", "standard normal times std, drawn flat")
def small_normal_init(fan_in, fan_out, rng, std=0.01):
    return std * rng.standard_normal(fan_in * fan_out).reshape(fan_in, fan_out)


# ---------------------------------------------------------------- 2.2 xavier_uniform
@variants.wrong("xavier_uniform", "std used as the uniform bound", common=True,
                message="used the std sqrt(2/(fan_in+fan_out)) as the bound",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "missing square root", message="forgot the square root",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * 6.0 / (fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "ignores the gain", message="ignored the gain argument",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "fan_in only", message="used fan_in instead of fan_in + fan_out",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "draws from [0, a) with rng.random", message="instead of [-bound, bound)",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return rng.random((fan_in, fan_out)) * gain * np.sqrt(6.0 / (fan_in + fan_out))


@variants.wrong("xavier_uniform", "normal distribution with the bound as std", message="normal distribution",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(6.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@variants.wrong("xavier_uniform", "one random row broadcast over all rows", message="equal to their neighbour",
                fails=("xavier_uniform", "xavier_uniform (hidden)"))
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return np.zeros((fan_in, fan_out)) + rng.uniform(-a, a, size=fan_out)


@variants.correct("xavier_uniform", "sqrt(3) * std bound, 2 * random - 1")
def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    bound = np.sqrt(3.0) * gain * np.sqrt(2.0 / (fan_in + fan_out))
    return (2.0 * rng.random((fan_in, fan_out)) - 1.0) * bound


# ---------------------------------------------------------------- 2.2 xavier_normal
@variants.wrong("xavier_normal", "uniform bound used as the std", common=True,
                message="used the uniform bound sqrt(6/(fan_in+fan_out)) as the std",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(6.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "variance used as the std", message="forgot the square root",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "ignores the gain", message="ignored the gain argument",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "uniform distribution with the right std",
                message="drew from a uniform distribution instead of a normal one",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "LeCun normal 1/fan_in", message="used 1/fan_in (LeCun)",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("xavier_normal", "gain squared (gain applied to the variance and the std)",
                fails=("xavier_normal", "xavier_normal (hidden)"))
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain ** 2 * np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@variants.correct("xavier_normal", "draws torch's (fan_out, fan_in) layout and transposes")
def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    std = gain * np.sqrt(2.0 / float(fan_in + fan_out))
    return rng.standard_normal((fan_out, fan_in)).T * std


# ---------------------------------------------------------------- 2.3 he_normal
@variants.wrong("he_normal", "missing factor 2 for ReLU", common=True, message="forgot the factor 2",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("he_normal", "fan_out instead of fan_in", message="used fan_out instead of fan_in",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))


@variants.wrong("he_normal", "missing square root", message="forgot the square root",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))


@variants.wrong("he_normal", "Xavier's formula", message="used Xavier's 2/(fan_in+fan_out)",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@variants.wrong("he_normal", "uniform distribution with He's std", message="uniform distribution",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_normal", "returns torch's (fan_out, fan_in) layout", message="looks transposed",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


@variants.wrong("he_normal", "one random column broadcast over all columns", message="equal to their neighbour",
                fails=("he_normal", "he_normal (hidden)"))
def he_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, 1)) * np.ones((1, fan_out))


@variants.correct("he_normal", "torch.nn.init.kaiming_normal_ with a generator seeded from rng")
def he_normal(fan_in, fan_out, rng):
    g = torch.Generator().manual_seed(int(rng.integers(2 ** 62)))
    w = torch.empty(int(fan_out), int(fan_in), dtype=torch.float64)
    torch.nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu", generator=g)
    return w.T.numpy().copy()


# ---------------------------------------------------------------- 2.3 he_uniform
@variants.wrong("he_uniform", "std used as the uniform bound", common=True,
                message="used the std sqrt(2/fan_in) as the bound", fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(2.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_uniform", "fan_out instead of fan_in", message="used fan_out instead of fan_in",
                fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_uniform", "missing factor 2 (LeCun uniform)", message="forgot the factor 2",
                fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(3.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_uniform", "missing square root", message="forgot the square root",
                fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    a = 6.0 / fan_in
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@variants.wrong("he_uniform", "normal distribution with He's std", message="normal distribution",
                fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@variants.wrong("he_uniform", "one random row broadcast over all rows", message="equal to their neighbour",
                fails=("he_uniform", "he_uniform (hidden)"))
def he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_in)
    return np.zeros((fan_in, fan_out)) + rng.uniform(-a, a, size=fan_out)


@variants.correct("he_uniform", "sqrt(3) times He's std, keyword arguments")
def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(3.0) * np.sqrt(2.0) / np.sqrt(fan_in)
    return rng.uniform(low=-bound, high=bound, size=(fan_in, fan_out))


# ---------------------------------------------------------------- 2.5 layer_stats
def _act(activation):
    """Helper shared by the wrong layer_stats variants below (added to each with variants.also)."""
    table = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    if callable(activation):
        return activation
    if activation not in table:
        raise ValueError(f"unknown activation {activation!r}")
    return table[activation]


@variants.wrong("layer_stats", "statistics of the pre-activations", common=True,
                message="before the activation", fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [], x
    for W in weights:
        z = h @ W
        stats.append((z.mean(), z.std()))
        h = f(z)
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "no activation after the last layer", message="after the last layer",
                fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [], x
    for i, W in enumerate(weights):
        h = h @ W
        if i < len(weights) - 1:
            h = f(h)
        stats.append((h.mean(), h.std()))
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "includes the input's statistics", message="not the input x",
                fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [(x.mean(), x.std())], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "per-unit std averaged over the units", message="std of each unit",
                fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std(axis=0).mean()))
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "activation applied before the matrix product",
                message="before the matrix product", fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [], x
    for W in weights:
        h = f(h) @ W
        stats.append((h.mean(), h.std()))
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "sigmoid written as (tanh(z) + 1) / 2 (it is (tanh(z / 2) + 1) / 2)",
                fails=("layer_stats (hidden)",))
def layer_stats(x, weights, activation):
    table = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: (np.tanh(z) + 1) / 2}
    if not callable(activation) and activation not in table:
        raise ValueError(f"unknown activation {activation!r}")
    f = activation if callable(activation) else table[activation]
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


@variants.wrong("layer_stats", "torch layout: h @ W.T", message="raised ValueError",
                fails=("layer_stats", "layer_stats (hidden)"))
def layer_stats(x, weights, activation):
    f = _act(activation)
    stats, h = [], x
    for W in weights:
        h = f(h @ W.T)
        stats.append((h.mean(), h.std()))
    return stats


variants.also(_act)   # the variant uses the helper above


@variants.wrong("layer_stats", "a function given as activation is ignored", message="ignored the activation",
                fails=("layer_stats", "layer_stats (hidden)", "layer_stats (raises)", "layer_stats (raises, hidden)"))
def layer_stats(x, weights, activation):
    f = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}.get(activation, lambda z: z)
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


@variants.wrong("layer_stats", "unknown names silently mean no activation",
                message="did not raise ValueError (it returned normally)",
                fails=("layer_stats (raises)", "layer_stats (raises, hidden)"))
def layer_stats(x, weights, activation):
    if callable(activation):
        f = activation
    else:
        f = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z))}.get(activation, lambda z: z)
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


@variants.wrong("layer_stats", "KeyError for unknown names", message="must raise ValueError",
                fails=("layer_stats (raises)", "layer_stats (raises, hidden)"))
def layer_stats(x, weights, activation):
    table = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    f = activation if callable(activation) else table[activation]
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


@variants.wrong("layer_stats", "bare ValueError without a message", message="name the unknown activation",
                fails=("layer_stats (raises)",))
def layer_stats(x, weights, activation):
    table = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    if not callable(activation) and activation not in table:
        raise ValueError()
    f = activation if callable(activation) else table[activation]
    stats, h = [], x
    for W in weights:
        h = f(h @ W)
        stats.append((h.mean(), h.std()))
    return stats


@variants.correct("layer_stats", "index loop, sample std (ddof=1), exp formulas")
def layer_stats(x, weights, activation):
    if isinstance(activation, str):
        if activation not in ("relu", "tanh", "sigmoid"):
            raise ValueError("activation must be None, 'relu', 'tanh', 'sigmoid' or callable, "
                             f"not {activation}")
    h = np.array(x, dtype=np.float64)
    result = []
    for i in range(len(weights)):
        z = np.dot(h, weights[i])
        if activation is None:
            h = z
        elif callable(activation):
            h = activation(z)
        elif activation == "relu":
            h = np.where(z > 0, z, 0.0)
        elif activation == "tanh":
            h = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        else:
            h = np.exp(-np.logaddexp(0.0, -z))
        result.append((np.sum(h) / h.size, np.std(h, ddof=1)))
    return result


@variants.correct("layer_stats", "torch forward, returns an array")
def layer_stats(x, weights, activation):
    fs = {None: lambda t: t, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    if not callable(activation) and activation not in fs:
        raise ValueError(f"unknown activation: {activation}")
    h, out = torch.as_tensor(np.asarray(x, dtype=np.float64)), []
    for W in weights:
        z = h @ torch.as_tensor(np.asarray(W, dtype=np.float64))
        h = torch.as_tensor(activation(z.numpy())) if callable(activation) else fs[activation](z)
        out.append([h.mean().item(), h.std(unbiased=False).item()])
    return np.array(out)


# ---------------------------------------------------------------- 4.1 multiple choice
variants.wrong_values("question 4.1", "stays the same", answer_relu_xavier="a", fails=("question 4.1",))
variants.wrong_values("question 4.1", "halved (confuses std with variance)", answer_relu_xavier="c",
                      fails=("question 4.1",))
variants.wrong_values("question 4.1", "doubles", answer_relu_xavier="d", fails=("question 4.1",))
variants.wrong_values("question 4.1", "not a string", answer_relu_xavier=2, fails=("question 4.1",))
variants.correct_values("question 4.1", "upper case with spaces", answer_relu_xavier=" B ")
