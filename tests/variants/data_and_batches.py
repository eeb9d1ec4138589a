"""Realistic wrong answers and correct-in-another-style answers for 07_data_and_batches.

Each function below is executed in the notebook's namespace in place of the solution (np is the
notebook's numpy). fit_standardizer and standardize share a solution cell and a test cell, and so do
shift_images and random_shift: a variant of one of them keeps the solution of the other.

The random parts (minibatch_indices, random_shift) are tested by their properties, not by one
particular draw: any correct way of drawing from ``rng`` must pass, so the correct variants below
draw differently from the solution.
"""

import numpy as np

from tests.harness import Registry

variants = Registry()


# ---------------------------------------------------------------- 1.1 fit_standardizer
@variants.wrong("fit_standardizer", "leaves the scale of a constant feature at 0", common=True,
                message="left the scale of a constant feature at 0",
                fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    return X_train.mean(axis=0), X_train.std(axis=0)


@variants.wrong("fit_standardizer", "sample standard deviation, ddof=1", message="ddof=1",
                fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    std = X_train.std(axis=0, ddof=1)
    return X_train.mean(axis=0), np.where(std == 0, 1.0, std)


@variants.wrong("fit_standardizer", "the variance instead of the standard deviation",
                message="variance instead of the standard deviation",
                fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    var = X_train.var(axis=0)
    return X_train.mean(axis=0), np.where(var == 0, 1.0, var)


@variants.wrong("fit_standardizer", "one mean and std for all pixels together (no axis)",
                message="one value per feature", fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    std = X_train.std()
    return X_train.mean(), std if std > 0 else 1.0


@variants.wrong("fit_standardizer", "adds a small eps to the std instead of using 1 for a constant feature",
                message="exactly 1 where it is 0", fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    return X_train.mean(axis=0), X_train.std(axis=0) + 1e-8


@variants.wrong("fit_standardizer", "centres X_train in place before taking the std", message="modified its input",
                fails=("fit_standardizer", "fit_standardizer (hidden)"))
def fit_standardizer(X_train):
    mean = X_train.mean(axis=0)
    X_train -= mean
    std = np.sqrt(np.mean(X_train ** 2, axis=0))
    return mean, np.where(std == 0, 1.0, std)


@variants.correct("fit_standardizer", "a loop over the columns, the std from its definition")
def fit_standardizer(X_train):
    N, D = X_train.shape
    mean, scale = np.zeros(D), np.ones(D)
    for j in range(D):
        column = X_train[:, j]
        mean[j] = column.sum() / N
        std = np.sqrt(((column - mean[j]) ** 2).sum() / N)
        if std > 0:
            scale[j] = std
    return mean, scale


@variants.correct("fit_standardizer", "a threshold like course_utils.data's (std < 1e-12 -> 1)")
def fit_standardizer(X_train):
    std = np.std(X_train, axis=0)
    scale = std.copy()
    scale[std < 1e-12] = 1.0
    return np.mean(X_train, axis=0), scale


# ---------------------------------------------------------------- 1.1 standardize
@variants.wrong("standardize", "standardizes X in place and returns it", common=True, message="modified its input X",
                fails=("standardize", "standardize (hidden)"))
def standardize(X, mean, scale):
    X -= mean
    X /= scale
    return X


@variants.wrong("standardize", "refits: uses X's own mean and std", message="its own mean and std",
                fails=("standardize", "standardize (hidden)"))
def standardize(X, mean, scale):
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)


@variants.wrong("standardize", "multiplies by scale", message="multiplied by scale",
                fails=("standardize", "standardize (hidden)"))
def standardize(X, mean, scale):
    return (X - mean) * scale


@variants.wrong("standardize", "forgets the mean", message="forgot to subtract the mean",
                fails=("standardize", "standardize (hidden)"))
def standardize(X, mean, scale):
    return X / scale


@variants.correct("standardize", "a copy updated in place, np.subtract / np.divide")
def standardize(X, mean, scale):
    out = np.array(X, dtype=np.float64, copy=True)
    np.subtract(out, mean, out=out)
    np.divide(out, scale, out=out)
    return out


# ---------------------------------------------------------------- 1.2 zca_whitening
@variants.wrong("zca_whitening", "np.cov with its default N - 1", common=True, message="N - 1",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    lam, U = np.linalg.eigh(np.cov(X_train, rowvar=False))
    return X_train.mean(axis=0), (U / np.sqrt(lam + eps)) @ U.T


@variants.wrong("zca_whitening", "PCA whitening: no rotation back with U.T", message="PCA whitening",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    mean = X_train.mean(axis=0)
    lam, U = np.linalg.eigh((X_train - mean).T @ (X_train - mean) / len(X_train))
    return mean, U / np.sqrt(lam + eps)


@variants.wrong("zca_whitening", "eps left out", message="left out eps",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    mean = X_train.mean(axis=0)
    lam, U = np.linalg.eigh((X_train - mean).T @ (X_train - mean) / len(X_train))
    with np.errstate(divide="ignore", invalid="ignore"):
        return mean, (U / np.sqrt(lam)) @ U.T


@variants.wrong("zca_whitening", "no square root", message="forgot the square root",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    mean = X_train.mean(axis=0)
    lam, U = np.linalg.eigh((X_train - mean).T @ (X_train - mean) / len(X_train))
    return mean, (U / (lam + eps)) @ U.T


@variants.wrong("zca_whitening", "covariance of the uncentred data", message="without subtracting the mean",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    lam, U = np.linalg.eigh(X_train.T @ X_train / len(X_train))
    return X_train.mean(axis=0), (U / np.sqrt(lam + eps)) @ U.T


@variants.wrong("zca_whitening", "centres X_train in place", message="modified its input",
                fails=("zca_whitening", "zca_whitening (hidden)"))
def zca_whitening(X_train, eps=1e-2):
    mean = X_train.mean(axis=0)
    X_train -= mean
    lam, U = np.linalg.eigh(X_train.T @ X_train / len(X_train))
    return mean, (U / np.sqrt(lam + eps)) @ U.T


@variants.correct("zca_whitening", "from the SVD of the centred data (full V, zero-padded eigenvalues)")
def zca_whitening(X_train, eps=1e-2):
    N, D = X_train.shape
    mean = X_train.mean(axis=0)
    _, s, Vt = np.linalg.svd(X_train - mean, full_matrices=True)
    lam = np.zeros(D)
    lam[:len(s)] = s ** 2 / N
    return mean, Vt.T @ np.diag(1.0 / np.sqrt(lam + eps)) @ Vt


@variants.correct("zca_whitening", "np.cov(bias=True), eigh of C + eps I, then the inverse square root")
def zca_whitening(X_train, eps=1e-2):
    C = np.atleast_2d(np.cov(X_train.T, bias=True))
    mu, V = np.linalg.eigh(C + eps * np.eye(len(C)))
    return X_train.mean(axis=0), V @ np.diag(mu ** -0.5) @ V.T


# ---------------------------------------------------------------- 2.1 minibatch_indices
@variants.wrong("minibatch_indices", "loses the last, shorter batch (range stops at n - batch_size)", common=True,
                message="dropped the last, shorter batch", fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


@variants.wrong("minibatch_indices", "np.array_split into ceil(n / batch_size) nearly equal parts",
                message="np.array_split", fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.permutation(n) if shuffle else np.arange(n)
    parts = np.array_split(order, max(1, -(-n // batch_size)))
    if drop_last:
        parts = [p for p in parts if len(p) == batch_size]
    return [p for p in parts if len(p)]


@variants.wrong("minibatch_indices", "draws the indices with replacement", message="with replacement",
                fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.integers(0, n, size=n) if shuffle else np.arange(n)
    end = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, end, batch_size)]


@variants.wrong("minibatch_indices", "shuffles the order of the batches, not of the examples",
                message="not only the order of the batches", fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    end = n - n % batch_size if drop_last else n
    batches = [np.arange(i, min(i + batch_size, n)) for i in range(0, end, batch_size)]
    if shuffle:
        batches = [batches[k] for k in rng.permutation(len(batches))]
    return batches


@variants.wrong("minibatch_indices", "draws from the global np.random", message="not from np.random",
                fails=("minibatch_indices",))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = np.random.permutation(n) if shuffle else np.arange(n)
    end = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, end, batch_size)]


@variants.wrong("minibatch_indices", "a generator with a fixed seed inside",
                message="do not create a generator with a fixed seed",
                fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = np.random.default_rng(0).permutation(n) if shuffle else np.arange(n)
    end = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, end, batch_size)]


@variants.wrong("minibatch_indices", "n // batch_size + 1 batches: an empty one when batch_size divides n",
                message="last batch is empty", fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.permutation(n) if shuffle else np.arange(n)
    count = n // batch_size if drop_last else n // batch_size + 1
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(count)]


@variants.wrong("minibatch_indices", "ignores drop_last", message="although drop_last=True",
                fails=("minibatch_indices", "minibatch_indices (hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@variants.wrong("minibatch_indices", "a hand-written shuffle that swaps each element with any position (biased)",
                message="not uniform", fails=("minibatch_indices (hidden)",))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = np.arange(n)
    if shuffle:
        for i in range(n):
            j = rng.integers(0, n)
            order[i], order[j] = order[j], order[i]
    end = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, end, batch_size)]


@variants.wrong("minibatch_indices", "yields the batches (a generator, usable once)", message="generator",
                fails=("minibatch_indices",
                       "minibatch_indices (hidden)",
                       "minibatch_indices (raises)",
                       "minibatch_indices (raises, hidden)"))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size < 1:
        raise ValueError(batch_size)
    order = rng.permutation(n) if shuffle else np.arange(n)
    end = n - n % batch_size if drop_last else n
    for i in range(0, end, batch_size):
        yield order[i:i + batch_size]


@variants.wrong("minibatch_indices", "no check of batch_size (range raises only for 0)",
                message="did not raise ValueError", fails=("minibatch_indices (raises, hidden)",))
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    order = rng.permutation(n) if shuffle else np.arange(n)
    end = n - n % batch_size if drop_last and batch_size else n
    return [order[i:i + batch_size] for i in range(0, end, batch_size)]


@variants.correct("minibatch_indices", "argsort of uniform numbers, np.split at multiples of batch_size")
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if not batch_size >= 1:
        raise ValueError("batch_size must be positive")
    order = np.argsort(rng.random(n)) if shuffle else np.arange(n)
    batches = np.split(order, np.arange(batch_size, n, batch_size))
    if n == 0:
        return []
    if drop_last and len(batches[-1]) < batch_size:
        batches = batches[:-1]
    return batches


@variants.correct("minibatch_indices", "rng.shuffle on a list, then a loop collecting int64 arrays")
def minibatch_indices(n, batch_size, rng, shuffle=True, drop_last=False):
    if batch_size <= 0:
        raise ValueError(f"bad batch size {batch_size}")
    indices = list(range(n))
    if shuffle:
        rng.shuffle(indices)
    batches, current = [], []
    for index in indices:
        current.append(index)
        if len(current) == batch_size:
            batches.append(np.array(current, dtype=np.int64))
            current = []
    if current and not drop_last:
        batches.append(np.array(current, dtype=np.int64))
    return batches


# ---------------------------------------------------------------- 2.2 minibatch_grad_std
@variants.wrong("minibatch_grad_std", "sigma / sqrt(m): no finite-population factor", common=True,
                message="finite-population factor", fails=("minibatch_grad_std", "minibatch_grad_std (hidden)"))
def minibatch_grad_std(per_example_grads, batch_size):
    if not 1 <= batch_size <= len(per_example_grads):
        raise ValueError(batch_size)
    return per_example_grads.std(axis=0) / np.sqrt(batch_size)


@variants.wrong("minibatch_grad_std", "(N - m) / N", message="(N - m) / N instead",
                fails=("minibatch_grad_std", "minibatch_grad_std (hidden)"))
def minibatch_grad_std(per_example_grads, batch_size):
    N = len(per_example_grads)
    if not 1 <= batch_size <= N:
        raise ValueError(batch_size)
    return np.sqrt(per_example_grads.var(axis=0) / batch_size * (N - batch_size) / N)


@variants.wrong("minibatch_grad_std", "the sample variance, ddof=1", message="ddof=1",
                fails=("minibatch_grad_std", "minibatch_grad_std (hidden)"))
def minibatch_grad_std(per_example_grads, batch_size):
    N = len(per_example_grads)
    if not 1 <= batch_size <= N:
        raise ValueError(batch_size)
    correction = (N - batch_size) / (N - 1) if N > 1 else 0.0
    return np.sqrt(per_example_grads.var(axis=0, ddof=1) / batch_size * correction)


@variants.wrong("minibatch_grad_std", "returns the variance", message="returned the variance",
                fails=("minibatch_grad_std", "minibatch_grad_std (hidden)"))
def minibatch_grad_std(per_example_grads, batch_size):
    N = len(per_example_grads)
    if not 1 <= batch_size <= N:
        raise ValueError(batch_size)
    correction = (N - batch_size) / (N - 1) if N > 1 else 0.0
    return per_example_grads.var(axis=0) / batch_size * correction


@variants.wrong("minibatch_grad_std", "0 / 0 = NaN for a single example", message="NaN",
                fails=("minibatch_grad_std (hidden)",))
def minibatch_grad_std(per_example_grads, batch_size):
    N = len(per_example_grads)
    if not 1 <= batch_size <= N:
        raise ValueError(batch_size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(per_example_grads.var(axis=0) / batch_size * (N - batch_size) / (N - 1))


@variants.wrong("minibatch_grad_std", "no check of batch_size", message="did not raise ValueError",
                fails=("minibatch_grad_std (raises)", "minibatch_grad_std (raises, hidden)"))
def minibatch_grad_std(per_example_grads, batch_size):
    N = len(per_example_grads)
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = (N - batch_size) / (N - 1) if N > 1 else 0.0
        return np.sqrt(np.abs(per_example_grads.var(axis=0) / batch_size * correction))


@variants.correct("minibatch_grad_std", "a loop over the coordinates, the spread times sqrt((N - m) / (m (N - 1)))")
def minibatch_grad_std(per_example_grads, batch_size):
    N, D = per_example_grads.shape
    if batch_size < 1 or batch_size > N:
        raise ValueError("batch_size out of range")
    if batch_size == N:
        return np.zeros(D)
    factor = np.sqrt((N - batch_size) / (batch_size * (N - 1)))
    out = np.empty(D)
    for d in range(D):
        column = per_example_grads[:, d]
        out[d] = np.sqrt(np.mean((column - column.mean()) ** 2)) * factor
    return out


# ---------------------------------------------------------------- 3.1 shift_images
@variants.wrong("shift_images", "np.roll: wraps around", common=True, message="np.roll",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    dx = np.broadcast_to(dx, len(images))
    dy = np.broadcast_to(dy, len(images))
    return np.stack([np.roll(image, (int(y), int(x)), axis=(0, 1)) for image, x, y in zip(images, dx, dy)])


@variants.wrong("shift_images", "dx and dy swapped (dx moves down)", message="swapped dx and dy",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx, dy = np.broadcast_to(dy, N), np.broadcast_to(dx, N)
    out = np.zeros_like(images)
    for i in range(N):
        x, y = int(dx[i]), int(dy[i])
        if abs(x) < W and abs(y) < H:
            out[i, max(y, 0):H + min(y, 0), max(x, 0):W + min(x, 0)] = \
                images[i, max(-y, 0):H + min(-y, 0), max(-x, 0):W + min(-x, 0)]
    return out


@variants.wrong("shift_images", "moves the other way", message="moved the other way",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx, dy = -np.broadcast_to(dx, N), -np.broadcast_to(dy, N)
    out = np.zeros_like(images)
    for i in range(N):
        x, y = int(dx[i]), int(dy[i])
        if abs(x) < W and abs(y) < H:
            out[i, max(y, 0):H + min(y, 0), max(x, 0):W + min(x, 0)] = \
                images[i, max(-y, 0):H + min(-y, 0), max(-x, 0):W + min(-x, 0)]
    return out


@variants.wrong("shift_images", "slices a[:-k]: a shift of 0 raises (an empty slice)",
                message="a[:-k] is empty when k = 0", fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx, dy = np.broadcast_to(dx, N), np.broadcast_to(dy, N)
    out = np.zeros_like(images)
    for i in range(N):
        moved = np.zeros((H, W))
        x, y = int(dx[i]), int(dy[i])
        if x >= 0:
            moved[:, x:] = images[i][:, :-x]
        else:
            moved[:, :x] = images[i][:, -x:]
        if y >= 0:
            out[i, y:] = moved[:-y]
        else:
            out[i, :y] = moved[-y:]
    return out


@variants.wrong("shift_images", "slices a[:W - k]: a shift beyond the image raises", message="counts from the end",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx, dy = np.broadcast_to(dx, N), np.broadcast_to(dy, N)
    out = np.zeros_like(images)
    for i in range(N):
        x, y = int(dx[i]), int(dy[i])
        cols_to, cols_from = (slice(x, W), slice(0, W - x)) if x >= 0 else (slice(0, W + x), slice(-x, W))
        rows_to, rows_from = (slice(y, H), slice(0, H - y)) if y >= 0 else (slice(0, H + y), slice(-y, H))
        out[i, rows_to, cols_to] = images[i, rows_from, cols_from]
    return out


@variants.wrong("shift_images", "one shift for all images: dx[0], dy[0]", message="shifted every image by dx[0]",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    x, y = int(np.ravel(dx)[0]), int(np.ravel(dy)[0])
    out = np.zeros_like(images)
    if abs(x) < W and abs(y) < H:
        out[:, max(y, 0):H + min(y, 0), max(x, 0):W + min(x, 0)] = \
            images[:, max(-y, 0):H + min(-y, 0), max(-x, 0):W + min(-x, 0)]
    return out


@variants.wrong("shift_images", "shifts the input in place", message="modified its input",
                fails=("shift_images", "shift_images (hidden)"))
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx, dy = np.broadcast_to(dx, N), np.broadcast_to(dy, N)
    for i in range(N):
        x, y = int(dx[i]), int(dy[i])
        moved = np.zeros((H, W))
        if abs(x) < W and abs(y) < H:
            moved[max(y, 0):H + min(y, 0), max(x, 0):W + min(x, 0)] = \
                images[i, max(-y, 0):H + min(-y, 0), max(-x, 0):W + min(-x, 0)]
        images[i] = moved
    return images


@variants.correct("shift_images", "pad with zeros, then crop the window (vectorised per shift)")
def shift_images(images, dx, dy):
    N, H, W = images.shape
    dx = np.broadcast_to(np.asarray(dx, dtype=int), (N,))
    dy = np.broadcast_to(np.asarray(dy, dtype=int), (N,))
    px, py = W, H
    padded = np.pad(images, ((0, 0), (py, py), (px, px)))
    out = np.empty_like(images)
    for i in range(N):
        x, y = int(np.clip(dx[i], -W, W)), int(np.clip(dy[i], -H, H))
        out[i] = padded[i, py - y:py - y + H, px - x:px - x + W]
    return out


@variants.correct("shift_images", "pixel by pixel, reading from where each pixel comes from")
def shift_images(images, dx, dy):
    N, H, W = images.shape
    shifts = list(zip(np.broadcast_to(dx, N), np.broadcast_to(dy, N)))
    out = np.zeros(images.shape)
    for i, (x, y) in enumerate(shifts):
        for r in range(H):
            for c in range(W):
                r0, c0 = r - y, c - x
                if 0 <= r0 < H and 0 <= c0 < W:
                    out[i, r, c] = images[i, r0, c0]
    return out


# ---------------------------------------------------------------- 3.1 random_shift
@variants.wrong("random_shift", "rng.integers(-k, k): the upper end is never drawn", common=True,
                message="both ends are included", fails=("random_shift", "random_shift (hidden)"))
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError(max_shift)
    dx = rng.integers(-max_shift, max_shift, size=len(images), endpoint=max_shift == 0)
    dy = rng.integers(-max_shift, max_shift, size=len(images), endpoint=max_shift == 0)
    return shift_images(images, dx, dy)


@variants.wrong("random_shift", "one shift for the whole batch", message="one dx and one dy per image",
                fails=("random_shift", "random_shift (hidden)"))
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError(max_shift)
    dx, dy = rng.integers(-max_shift, max_shift + 1, size=2)
    return shift_images(images, dx, dy)


@variants.wrong("random_shift", "the same number for dx and dy", message="draw dx and dy separately",
                fails=("random_shift", "random_shift (hidden)"))
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError(max_shift)
    d = rng.integers(-max_shift, max_shift + 1, size=len(images))
    return shift_images(images, d, d)


@variants.wrong("random_shift", "rounds uniform floats: the ends are half as likely", message="not uniform",
                fails=("random_shift (hidden)",))
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError(max_shift)
    dx = np.round(rng.uniform(-max_shift, max_shift, size=len(images))).astype(int)
    dy = np.round(rng.uniform(-max_shift, max_shift, size=len(images))).astype(int)
    return shift_images(images, dx, dy)


@variants.wrong("random_shift", "draws from the global np.random", message="not from np.random",
                fails=("random_shift",))
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError(max_shift)
    dx = np.random.randint(-max_shift, max_shift + 1, size=len(images))
    dy = np.random.randint(-max_shift, max_shift + 1, size=len(images))
    return shift_images(images, dx, dy)


@variants.correct("random_shift", "rng.choice from the list of shifts, one (dx, dy) pair per image in a loop")
def random_shift(images, max_shift, rng):
    if max_shift < 0:
        raise ValueError("max_shift must not be negative")
    choices = np.arange(-max_shift, max_shift + 1)
    out = np.empty_like(images)
    for i in range(len(images)):
        x, y = rng.choice(choices, size=2)
        out[i] = shift_images(images[i:i + 1], x, y)[0]
    return out


# ---------------------------------------------------------------- 5.1 question
variants.wrong_values("question 5.1", "mirroring", answer_augmentation="a", fails=("question 5.1",))
variants.wrong_values("question 5.1", "rotating by 180 degrees", answer_augmentation="b", fails=("question 5.1",))
variants.wrong_values("question 5.1", "all four", answer_augmentation="e", fails=("question 5.1",))
variants.wrong_values("question 5.1", "not a string", answer_augmentation=3, fails=("question 5.1",))
variants.correct_values("question 5.1", "upper case with spaces", answer_augmentation=" C ")
