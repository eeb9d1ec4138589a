"""Plots used throughout the course: learning curves, decision boundaries,
per-layer histograms.

Every function draws into the Axes/Figure you pass (or a new one), returns
it, and never calls ``plt.show()`` -- the notebook displays it. Colours are
matplotlib's defaults (``"C0"``, ``"C1"``, ...), so class 0 has the same
colour in every plot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from ._args import as_float_array, check_callable, check_int, check_real

# ---------------------------------------------------------------------------
# input validation helpers (private)
# ---------------------------------------------------------------------------


def _check_ax(ax, func: str) -> Axes:
    """Return ``ax``, or a new Axes if it is None."""
    if ax is None:
        _, ax = plt.subplots()
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"{func}: ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _as_labels(value, argname: str, func: str, hint: str = "") -> np.ndarray:
    """Convert class labels to int64, rejecting negative or non-integer values."""
    array = as_float_array(value, argname, func)
    bad = ~np.isfinite(array) | (array != np.round(array)) | (array < 0)
    if np.any(bad):
        raise ValueError(
            f"{func}: {argname} must contain class labels 0, 1, 2, ..., but it "
            f"has the value {array[bad].flat[0]:.4g}{hint}"
        )
    return array.astype(np.int64)


# ---------------------------------------------------------------------------
# learning curves
# ---------------------------------------------------------------------------


def _check_curve(label, values, logy: bool, func: str) -> np.ndarray:
    """Return one curve as a 1-D float array, with clear errors."""
    curve = as_float_array(values, f"curves[{label!r}]", func)
    if curve.ndim != 1 or curve.size == 0:
        raise ValueError(
            f"{func}: curves[{label!r}] must be a non-empty 1-D sequence, "
            f"got shape {curve.shape}"
        )
    if logy and np.any(curve <= 0):
        raise ValueError(
            f"{func}: curves[{label!r}] has values <= 0, which a log y-axis "
            f"cannot show; use logy=False"
        )
    return curve


def plot_curves(curves, xlabel="epoch", ylabel="loss", title=None, ax=None, logy=False) -> Axes:
    """One line per curve, e.g. training and validation loss per epoch.

    Args:
        curves: mapping label -> 1-D sequence of numbers, e.g.
            ``{"train": train_losses, "val": val_losses}``. Lengths may
            differ; point ``i`` of every curve is drawn at x = i + 1
            (epoch 1 is the first). NaNs (a diverged run) leave gaps.
        xlabel, ylabel: axis labels (str).
        title: str or None.
        ax: matplotlib Axes to draw into, or None for a new figure.
        logy: if True, use a logarithmic y-axis (all values must be > 0).

    Returns:
        The Axes, with one Line2D per curve and a legend of the labels.
    """
    func = "plot_curves"
    if not isinstance(curves, Mapping):
        raise TypeError(
            f"{func}: curves must be a mapping label -> values, e.g. "
            f"{{'train': losses}}, got {type(curves).__name__}"
        )
    if len(curves) == 0:
        raise ValueError(f"{func}: curves is empty; pass at least one label -> values")
    checked = {str(label): _check_curve(label, values, logy, func)
               for label, values in curves.items()}
    ax = _check_ax(ax, func)
    for label, curve in checked.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax


# ---------------------------------------------------------------------------
# decision boundary
# ---------------------------------------------------------------------------


def _check_points(X, y, func: str):
    """Validate 2-D points X (N, 2) and labels y (N,)."""
    X = as_float_array(X, "X", func)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"{func}: X must have shape (N, 2) with N >= 1, got {X.shape}")
    y = _as_labels(y, "y", func)
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"{func}: y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}"
        )
    return X, y


def _grid(X: np.ndarray, resolution: int, padding: float):
    """Mesh covering X plus padding: xx, yy of shape (resolution, resolution)."""
    low = X.min(axis=0) - padding
    high = X.max(axis=0) + padding
    return np.meshgrid(np.linspace(low[0], high[0], resolution),
                       np.linspace(low[1], high[1], resolution))


def _predict_grid(predict, points: np.ndarray, func: str) -> np.ndarray:
    """Call ``predict`` on (M, 2) points and check it returns (M,) labels."""
    m = len(points)
    out = as_float_array(predict(points), "predict(X)", func)
    if out.ndim == 2 and out.shape[0] == m:
        raise ValueError(
            f"{func}: predict returned shape {out.shape} (scores?) for {m} points; "
            f"it must return class labels of shape ({m},), e.g. scores.argmax(axis=1)"
        )
    if out.shape != (m,):
        raise ValueError(
            f"{func}: predict must return class labels of shape ({m},), got {out.shape}"
        )
    hint = "; return class labels, e.g. scores.argmax(axis=1) or (probs > 0.5).astype(int)"
    return _as_labels(out, "predict(X)", func, hint)


def plot_decision_boundary(
    predict, X, y, ax=None, title=None, resolution=200, padding=0.5
) -> Axes:
    """Predicted class regions of a 2-D classifier, with the data on top.

    Args:
        predict: function mapping an (M, 2) float64 array to (M,) integer
            class labels (not scores: use ``scores.argmax(axis=1)``).
        X: array of shape (N, 2), the data points.
        y: integer array of shape (N,), their true classes.
        ax: matplotlib Axes to draw into, or None for a new figure.
        title: str or None.
        resolution: int >= 2, grid points per axis (predict is called once
            on resolution**2 points).
        padding: float >= 0, margin around the data's bounding box.

    Returns:
        The Axes: a filled contour of the predicted class, one scatter per
        true class (legend "class 0", "class 1", ...), axes labelled x1, x2.
    """
    func = "plot_decision_boundary"
    check_callable(predict, "predict", func)
    X, y = _check_points(X, y, func)
    resolution = check_int(resolution, "resolution", func, minimum=2)
    padding = check_real(padding, "padding", func, minimum=0)
    ax = _check_ax(ax, func)

    xx, yy = _grid(X, resolution, padding)
    predicted = _predict_grid(predict, np.column_stack([xx.ravel(), yy.ravel()]), func)
    classes = np.union1d(y, predicted)
    colours = [f"C{c}" for c in classes]  # class c always gets colour Cc

    region = np.searchsorted(classes, predicted).reshape(xx.shape)
    levels = np.arange(len(classes) + 1) - 0.5
    ax.contourf(xx, yy, region, levels=levels, cmap=ListedColormap(colours), alpha=0.3)
    for c, colour in zip(classes, colours):
        if np.any(y == c):
            pts = X[y == c]
            ax.scatter(pts[:, 0], pts[:, 1], color=colour, edgecolors="k", s=20,
                       label=f"class {c}")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax


# ---------------------------------------------------------------------------
# per-layer histograms
# ---------------------------------------------------------------------------


def _check_layers(values, func: str) -> list:
    """Validate a non-empty list of arrays; return them flattened as float64."""
    if isinstance(values, (np.ndarray, str)) or not isinstance(values, Sequence):
        raise TypeError(
            f"{func}: values must be a list of arrays (one per layer), "
            f"got {type(values).__name__}"
        )
    if len(values) == 0:
        raise ValueError(f"{func}: values is empty; pass one array per layer")
    layers = []
    for i, value in enumerate(values):
        flat = as_float_array(value, f"values[{i}] (layer {i + 1})", func).ravel()
        if flat.size == 0:
            raise ValueError(f"{func}: values[{i}] (layer {i + 1}) is empty")
        n_bad = int(np.sum(~np.isfinite(flat)))
        if n_bad:
            raise ValueError(
                f"{func}: values[{i}] (layer {i + 1}) has {n_bad} NaN/inf values; "
                f"the activations or gradients have overflowed"
            )
        layers.append(flat)
    return layers


def _check_empty_figure(fig, func: str) -> None:
    """Raise unless ``fig`` is a Figure without axes."""
    if not isinstance(fig, Figure):
        raise TypeError(
            f"{func}: fig must be a matplotlib Figure or None, got {type(fig).__name__}"
        )
    if fig.axes:
        raise ValueError(
            f"{func}: fig already has {len(fig.axes)} axes; pass an empty figure or None"
        )


def plot_layer_histograms(
    values, title="activations", xlabel="value", bins=50, fig=None
) -> Figure:
    """One histogram per layer, side by side, e.g. to watch activations vanish.

    Args:
        values: non-empty list of numeric arrays, one per layer, any shapes
            (each is flattened), e.g. ``[h1, h2, h3]``.
        title: str, the figure's suptitle.
        xlabel: str, label of every x-axis.
        bins: int >= 1, bins per histogram.
        fig: an empty matplotlib Figure to draw into, or None for a new one.

    Returns:
        The Figure, with one Axes per layer in a single row, sharing the y
        axis, titled "layer i" plus that layer's mean and std.
    """
    func = "plot_layer_histograms"
    layers = _check_layers(values, func)
    bins = check_int(bins, "bins", func, minimum=1)
    grid = dict(nrows=1, ncols=len(layers), sharey=True, squeeze=False)
    if fig is None:
        fig, axes = plt.subplots(**grid, figsize=(2.5 * len(layers) + 1, 3), layout="constrained")
    else:
        _check_empty_figure(fig, func)
        axes = fig.subplots(**grid)
    axes = axes[0]
    for i, (ax, flat) in enumerate(zip(axes, layers), start=1):
        ax.hist(flat, bins=bins)
        ax.set_title(f"layer {i}\nmean {flat.mean():.3g}, std {flat.std():.3g}", fontsize="medium")
        ax.set_xlabel(xlabel)
    axes[0].set_ylabel("count")
    fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------------
# optimizers: trajectories over contour plots, LR-finder curves
# ---------------------------------------------------------------------------


def _check_path(label, path, func: str) -> np.ndarray:
    """One optimizer path as a finite (k, 2) float array, k >= 1."""
    array = as_float_array(path, f"paths[{label!r}]", func)
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] == 0:
        raise ValueError(
            f"{func}: paths[{label!r}] must have shape (k, 2) with k >= 1 (one row per "
            f"point), got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{func}: paths[{label!r}] has NaN/inf points; drop them first")
    return array


def plot_trajectories(surface, paths, ax=None, title=None, levels=30, resolution=200) -> Axes:
    """Optimizer paths drawn over the contour plot of a 2-D function.

    Args:
        surface: a ``course_utils.surfaces.Surface`` (anything with ``grid(resolution)``,
            ``xlim``, ``ylim``, ``minima``, ``saddles``, ``min_value``, ``log_levels``
            and ``name``).
        paths: mapping label -> array of shape (k, 2), the points visited in order
            (e.g. from ``surfaces.trajectory``). Points outside the surface's region
            are clipped by the axes.
        ax: matplotlib Axes to draw into, or None for a new figure.
        title: str, or None for the surface's name.
        levels: int >= 2, number of contour levels (log-spaced above the minimum
            when ``surface.log_levels``).
        resolution: int >= 2, grid points per axis for the contours.

    Returns:
        The Axes: filled contours, one line per path (its final point marked), the
        common start, minima (stars) and saddle points (crosses), a legend, axis
        labels w1, w2, and the view limited to the surface's region.
    """
    func = "plot_trajectories"
    for attr in ("grid", "xlim", "ylim", "minima", "name"):
        if not hasattr(surface, attr):
            raise TypeError(f"{func}: surface must be a course_utils.surfaces.Surface, "
                            f"got {type(surface).__name__}")
    if not isinstance(paths, Mapping):
        raise TypeError(f"{func}: paths must be a mapping label -> (k, 2) array, "
                        f"got {type(paths).__name__}")
    checked = {str(label): _check_path(label, path, func) for label, path in paths.items()}
    levels = check_int(levels, "levels", func, minimum=2)
    resolution = check_int(resolution, "resolution", func, minimum=2)
    ax = _check_ax(ax, func)

    X, Y, Z = surface.grid(resolution)
    if getattr(surface, "log_levels", False):
        floor = surface.min_value
        top = float(Z.max() - floor)
        contour_levels = floor + np.geomspace(max(top, 1e-12) * 1e-4, max(top, 1e-12), levels)
        contour_levels = np.concatenate([[Z.min()], contour_levels])
    else:
        contour_levels = np.linspace(Z.min(), Z.max(), levels)
    ax.contourf(X, Y, Z, levels=contour_levels, cmap="Greys", alpha=0.35)
    ax.contour(X, Y, Z, levels=contour_levels, colors="grey", linewidths=0.5, alpha=0.6)

    for i, (label, path) in enumerate(checked.items()):
        colour = f"C{i}"
        ax.plot(path[:, 0], path[:, 1], "-", color=colour, lw=1.5, label=label,
                marker="o" if len(path) <= 60 else None, ms=2.5)
        ax.plot(*path[-1], "o", color=colour, mec="k", ms=6)
    starts = {tuple(p[0]) for p in checked.values()}
    for j, start in enumerate(starts):
        ax.plot(*start, "s", color="k", ms=7, label="start" if j == 0 else None)
    for j, point in enumerate(surface.minima):
        ax.plot(*point, "*", color="gold", mec="k", ms=15, label="minimum" if j == 0 else None)
    for j, point in enumerate(getattr(surface, "saddles", ())):
        ax.plot(*point, "X", color="white", mec="k", ms=10, label="saddle point" if j == 0 else None)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title(surface.name if title is None else title)
    ax.legend(fontsize="small", loc="best")
    return ax


def plot_lr_finder(lrs, losses, chosen_lr=None, ax=None, title="Learning-rate range test",
                   smoothed=None) -> Axes:
    """The loss of an LR range test against the learning rate (log x axis).

    Args:
        lrs: 1-D sequence of positive learning rates, one per step.
        losses: 1-D sequence of losses, same length (NaN/inf are skipped; the
            exploding end of the curve is cut from the y range).
        chosen_lr: the learning rate picked from the curve (drawn as a vertical
            line), or None.
        ax: matplotlib Axes to draw into, or None for a new figure.
        title: str or None.
        smoothed: optional 1-D sequence of smoothed losses, same length, drawn on top.

    Returns:
        The Axes, with the loss curve (and smoothed curve), the chosen learning rate,
        a legend and labelled axes.
    """
    func = "plot_lr_finder"
    lrs = as_float_array(lrs, "lrs", func)
    losses = as_float_array(losses, "losses", func)
    if lrs.ndim != 1 or lrs.size == 0 or losses.shape != lrs.shape:
        raise ValueError(f"{func}: lrs and losses must be 1-D sequences of the same length >= 1, "
                         f"got shapes {lrs.shape} and {losses.shape}")
    if not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"{func}: lrs must be finite and > 0 (a log axis is used)")
    curves = {"loss": losses}
    if smoothed is not None:
        smoothed = as_float_array(smoothed, "smoothed", func)
        if smoothed.shape != lrs.shape:
            raise ValueError(f"{func}: smoothed must have the shape of lrs {lrs.shape}, "
                             f"got {smoothed.shape}")
        curves["smoothed loss"] = smoothed
    ax = _check_ax(ax, func)
    for (label, curve), style in zip(curves.items(), ({"alpha": 0.5}, {"lw": 2})):
        ok = np.isfinite(curve)
        ax.plot(lrs[ok], curve[ok], label=label, **style)
    finite = losses[np.isfinite(losses)]
    if finite.size:
        low, first = float(finite.min()), float(finite[0])
        high = max(first, low) + 1.5 * (max(first, low) - low) + 1e-12
        ax.set_ylim(low - 0.05 * (high - low), high)
    if chosen_lr is not None:
        chosen_lr = check_real(chosen_lr, "chosen_lr", func, positive=True)
        ax.axvline(chosen_lr, color="C3", ls="--", label=f"chosen lr = {chosen_lr:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax


# ---------------------------------------------------------------------------
# counts: a histogram of numbers, a bar chart of labelled counts
# ---------------------------------------------------------------------------


def plot_histogram(values, bins=10, value_range=None, xlabel="value", ylabel="count",
                   title=None, ax=None) -> Axes:
    """A histogram of numbers, e.g. the scores of a class.

    Args:
        values: 1-D sequence of finite numbers, N >= 1.
        bins: number of bins (int >= 1).
        value_range: (low, high) the bins cover, e.g. ``(0, max_score)``; None: the data's.
        xlabel, ylabel: axis labels (str); title: str or None.
        ax: matplotlib Axes to draw into, or None for a new figure.

    Returns:
        The Axes, with one bar (patch) per bin whose heights add up to N.
    """
    func = "plot_histogram"
    values = as_float_array(values, "values", func)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"{func}: values must be a non-empty 1-D sequence of finite numbers, "
                         f"got shape {values.shape}")
    bins = check_int(bins, "bins", func, minimum=1)
    if value_range is not None:
        low, high = (check_real(v, "value_range", func) for v in value_range)
        if not low < high:
            raise ValueError(f"{func}: value_range must be (low, high) with low < high, got {value_range}")
        value_range = (low, high)
    ax = _check_ax(ax, func)
    ax.hist(values, bins=bins, range=value_range, color="C0", edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_bars(counts, xlabel="count", title=None, ax=None, percent=False) -> Axes:
    """Horizontal bars, one per label, top to bottom in the order given, e.g. how many
    submissions got each status, or each exercise's pass rate.

    Args:
        counts: mapping label -> number >= 0 (at least one label).
        xlabel: the x axis label (str); title: str or None.
        ax: matplotlib Axes to draw into, or None for a new figure.
        percent: if True the numbers are percentages: the axis runs from 0 to 100.

    Returns:
        The Axes, with one bar (patch) per label and the labels as y tick labels.
    """
    func = "plot_bars"
    if not isinstance(counts, Mapping) or len(counts) == 0:
        raise ValueError(f"{func}: counts must be a non-empty mapping label -> number, "
                         f"got {type(counts).__name__} of length {len(counts) if hasattr(counts, '__len__') else '?'}")
    labels = [str(label) for label in counts]
    heights = as_float_array(list(counts.values()), "counts", func)
    if not np.all(np.isfinite(heights) & (heights >= 0)):
        raise ValueError(f"{func}: counts must be finite numbers >= 0")
    ax = _check_ax(ax, func)
    positions = np.arange(len(labels))
    ax.barh(positions, heights, color="C0")
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    for y, h in zip(positions, heights):
        ax.annotate(f"{h:.0f}%" if percent else f"{h:g}", (h, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize="small")
    if percent:
        ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if title is not None:
        ax.set_title(title)
    return ax
