"""Tests for the optimizer plots of course_utils.plotting: plot_trajectories, plot_lr_finder."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from course_utils.plotting import plot_lr_finder, plot_trajectories
from course_utils.surfaces import ill_conditioned_quadratic, rosenbrock, saddle, trajectory
from tests.conftest import legend_texts


def gd(w, dw, state, lr):
    return w - lr * dw


@pytest.mark.parametrize("surface", [ill_conditioned_quadratic(), saddle(), rosenbrock()],
                         ids=["quadratic", "saddle", "rosenbrock"])
def test_plot_trajectories_draws_paths_markers_and_labels(surface):
    paths = {"sgd": trajectory(gd, surface, 40, lr=1e-3),
             "sgd, larger lr": trajectory(gd, surface, 100, lr=1e-2)}
    ax = plot_trajectories(surface, paths)
    assert isinstance(ax, Axes)
    labels = legend_texts(ax)
    assert labels[:2] == ["sgd", "sgd, larger lr"]
    assert "start" in labels and "minimum" in labels
    assert ("saddle point" in labels) == bool(surface.saddles)
    assert ax.get_xlabel() == "w1" and ax.get_ylabel() == "w2"
    assert ax.get_title() == surface.name
    assert ax.get_xlim() == pytest.approx(surface.xlim)
    assert ax.get_ylim() == pytest.approx(surface.ylim)
    line = next(l for l in ax.get_lines() if l.get_label() == "sgd")
    np.testing.assert_allclose(line.get_xydata(), paths["sgd"])


def test_plot_trajectories_into_given_axes_with_title():
    fig, axes = plt.subplots(1, 2)
    ax = plot_trajectories(saddle(), {"one point": [[0.5, 0.5]]}, ax=axes[1], title="T", levels=5)
    assert ax is axes[1] and ax.get_title() == "T"


@pytest.mark.parametrize("args, error, match", [
    (("not a surface", {}), TypeError, "Surface"),
    ((saddle(), [[0, 0]]), TypeError, "mapping"),
    ((saddle(), {"a": np.zeros((3, 3))}), ValueError, r"shape \(k, 2\)"),
    ((saddle(), {"a": [[0, 0], [np.nan, 1]]}), ValueError, "NaN"),
    ((saddle(), {"a": [["x", "y"]]}), TypeError, "numbers"),
])
def test_plot_trajectories_clear_errors(args, error, match):
    with pytest.raises(error, match=match):
        plot_trajectories(*args)


def test_plot_trajectories_rejects_bad_levels():
    with pytest.raises(ValueError, match="levels"):
        plot_trajectories(saddle(), {}, levels=1)


def test_plot_lr_finder_curve_chosen_lr_and_log_axis():
    lrs = np.geomspace(1e-4, 10, 50)
    losses = 2.0 - np.tanh(np.log10(lrs) + 3)
    losses[-5:] = [3, 10, 100, np.inf, np.nan]
    smoothed = np.convolve(losses[:-2], np.ones(3) / 3, mode="same")
    smoothed = np.concatenate([smoothed, [np.nan, np.nan]])
    ax = plot_lr_finder(lrs, losses, chosen_lr=0.03, smoothed=smoothed)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "learning rate" and ax.get_ylabel() == "loss"
    assert legend_texts(ax) == ["loss", "smoothed loss", "chosen lr = 0.03"]
    assert ax.get_title() == "Learning-rate range test"
    loss_line = ax.get_lines()[0]
    assert len(loss_line.get_xdata()) == 48            # inf and nan skipped
    low, high = ax.get_ylim()
    assert low < losses[:-5].min() and high < 100      # the explosion does not squash the curve


def test_plot_lr_finder_without_choice_and_errors():
    ax = plot_lr_finder([1e-3, 1e-2], [1.0, 0.5], title=None)
    assert legend_texts(ax) == ["loss"] and ax.get_title() == ""
    with pytest.raises(ValueError, match="same length"):
        plot_lr_finder([1e-3, 1e-2], [1.0])
    with pytest.raises(ValueError, match="> 0"):
        plot_lr_finder([0.0, 1e-2], [1.0, 0.5])
    with pytest.raises(ValueError, match="chosen_lr"):
        plot_lr_finder([1e-3, 1e-2], [1.0, 0.5], chosen_lr=-1)
    with pytest.raises(ValueError, match="smoothed"):
        plot_lr_finder([1e-3, 1e-2], [1.0, 0.5], smoothed=[1.0])
