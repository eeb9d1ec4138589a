"""Tests for course_utils.plotting (Agg backend, no windows: see conftest.py)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.data import make_spirals, make_xor
from course_utils.plotting import (
    plot_curves,
    plot_decision_boundary,
    plot_layer_histograms,
)
from tests.conftest import legend_texts


def xor_predict(points):
    """The ideal XOR classifier: 1 where the coordinates' signs differ."""
    return (points[:, 0] * points[:, 1] < 0).astype(int)


# ---------------------------------------------------------------------------
# plot_curves
# ---------------------------------------------------------------------------

def test_plot_curves_lines_labels_and_title():
    ax = plot_curves({"train": [3.0, 2.0, 1.5, 1.2], "val": np.array([3.1, 2.4])},
                     ylabel="cross-entropy", title="run 1")
    assert isinstance(ax, Axes)
    assert len(ax.get_lines()) == 2
    assert legend_texts(ax) == ["train", "val"]
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "cross-entropy"
    assert ax.get_title() == "run 1"
    assert ax.get_yscale() == "linear"


def test_plot_curves_data_and_x_positions():
    ax = plot_curves({"loss": [0.9, 0.5, 0.3]})
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.9, 0.5, 0.3])
    assert ax.get_title() == ""


def test_plot_curves_draws_into_given_axes_with_log_scale():
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_curves({"a": [1.0, 0.1, 0.01]}, ax=right, logy=True)
    assert ax is right
    assert len(left.get_lines()) == 0
    assert right.get_yscale() == "log"


def test_plot_curves_rejects_empty_mapping():
    with pytest.raises(ValueError, match="curves is empty"):
        plot_curves({})


def test_plot_curves_rejects_non_mapping():
    with pytest.raises(TypeError, match="mapping"):
        plot_curves([1.0, 2.0])


def test_plot_curves_rejects_2d_curve():
    with pytest.raises(ValueError, match=r"curves\['train'\].*1-D.*\(2, 2\)"):
        plot_curves({"train": [[1.0, 2.0], [3.0, 4.0]]})


def test_plot_curves_rejects_non_numeric_curve():
    with pytest.raises(TypeError, match=r"curves\['val'\] must contain numbers"):
        plot_curves({"train": [1.0], "val": ["a", "b"]})


def test_plot_curves_rejects_non_positive_values_on_log_axis():
    with pytest.raises(ValueError, match="log"):
        plot_curves({"train": [1.0, 0.0]}, logy=True)


def test_plot_curves_rejects_non_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_curves({"train": [1.0]}, ax="left")


# ---------------------------------------------------------------------------
# plot_decision_boundary
# ---------------------------------------------------------------------------

def test_decision_boundary_axes_content():
    X, y = make_xor(n_per_cluster=20, rng=0)
    ax = plot_decision_boundary(xor_predict, X, y, title="XOR", resolution=50)
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    assert ax.get_title() == "XOR"
    assert legend_texts(ax) == ["class 0", "class 1"]
    # one scatter per class holding all its points
    scatters = [c for c in ax.collections if c.get_label().startswith("class")]
    assert [len(s.get_offsets()) for s in scatters] == [40, 40]


def test_decision_boundary_grid_covers_data_plus_padding():
    X, y = make_xor(n_per_cluster=10, rng=1)
    seen = []

    def predict(points):
        seen.append(points.copy())
        return xor_predict(points)

    ax = plot_decision_boundary(predict, X, y, resolution=30, padding=0.25)
    assert len(seen) == 1 and seen[0].shape == (30 * 30, 2)
    np.testing.assert_allclose(seen[0].min(axis=0), X.min(axis=0) - 0.25)
    np.testing.assert_allclose(seen[0].max(axis=0), X.max(axis=0) + 0.25)
    x_low, x_high = ax.get_xlim()
    assert x_low <= X[:, 0].min() - 0.25 + 1e-9 and x_high >= X[:, 0].max() + 0.25 - 1e-9


def test_decision_boundary_three_classes_into_given_axes():
    X, y = make_spirals(n_per_class=20, n_classes=3, rng=0)
    fig, ax = plt.subplots()
    out = plot_decision_boundary(lambda p: (p[:, 0] > 0).astype(int) + (p[:, 1] > 0), X, y, ax=ax,
                                 resolution=20)
    assert out is ax
    assert legend_texts(ax) == ["class 0", "class 1", "class 2"]


def test_decision_boundary_rejects_scores():
    X, y = make_xor(n_per_cluster=5)
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        plot_decision_boundary(lambda p: np.zeros((len(p), 2)), X, y, resolution=10)


def test_decision_boundary_rejects_probabilities():
    X, y = make_xor(n_per_cluster=5)
    with pytest.raises(ValueError, match="class labels"):
        plot_decision_boundary(lambda p: np.full(len(p), 0.3), X, y, resolution=10)


def test_decision_boundary_rejects_wrong_prediction_length():
    X, y = make_xor(n_per_cluster=5)
    with pytest.raises(ValueError, match=r"shape \(100,\).*got \(99,\)"):
        plot_decision_boundary(lambda p: xor_predict(p)[:-1], X, y, resolution=10)


def test_decision_boundary_rejects_bad_X_and_y():
    X, y = make_xor(n_per_cluster=5)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\).*\(20, 3\)"):
        plot_decision_boundary(xor_predict, np.zeros((20, 3)), y)
    with pytest.raises(ValueError, match=r"y must have shape \(20,\).*\(19,\)"):
        plot_decision_boundary(xor_predict, X, y[:-1])
    with pytest.raises(TypeError, match="predict must be a function"):
        plot_decision_boundary(None, X, y)


# ---------------------------------------------------------------------------
# plot_layer_histograms
# ---------------------------------------------------------------------------

def test_layer_histograms_one_subplot_per_layer():
    rng = np.random.default_rng(0)
    values = [rng.standard_normal((50, 8)) * s for s in (1.0, 0.5, 0.1)]
    fig = plot_layer_histograms(values, title="tanh activations", bins=20)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert fig.get_suptitle() == "tanh activations"
    for i, (ax, v) in enumerate(zip(fig.axes, values), start=1):
        title = ax.get_title()
        assert title.startswith(f"layer {i}")
        assert f"std {v.std():.3g}" in title and f"mean {v.mean():.3g}" in title
        assert len(ax.patches) == 20
        assert sum(p.get_height() for p in ax.patches) == v.size
    # all subplots in one row, sharing the y axis
    assert len({round(ax.get_position().y0, 6) for ax in fig.axes}) == 1
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[2])


def test_layer_histograms_single_layer_into_given_figure():
    fig = plt.figure()
    out = plot_layer_histograms([np.arange(10.0)], fig=fig)
    assert out is fig
    assert len(fig.axes) == 1
    assert fig.axes[0].get_title().startswith("layer 1")


@pytest.mark.parametrize("values, error, match", [
    ([], ValueError, "values is empty"),
    (np.zeros((3, 4)), TypeError, "list of arrays"),
    ([np.zeros(3), np.array([])], ValueError, r"values\[1\] \(layer 2\) is empty"),
    ([np.array([1.0, np.nan])], ValueError, "NaN/inf"),
    ([np.zeros(3), ["a"]], TypeError, r"values\[1\]"),
])
def test_layer_histograms_rejects_bad_values(values, error, match):
    with pytest.raises(error, match=match):
        plot_layer_histograms(values)


def test_layer_histograms_rejects_non_empty_figure():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="already has 1 axes"):
        plot_layer_histograms([np.zeros(3)], fig=fig)


# ---------------------------------------------------------------------------
# plot_histogram, plot_bars (course report)
# ---------------------------------------------------------------------------

def test_plot_histogram_bins_cover_the_range_and_count_every_value():
    from course_utils.plotting import plot_histogram
    ax = plot_histogram([0, 1, 1.5, 9, 10], bins=5, value_range=(0, 10), xlabel="score", title="Scores")
    heights = [p.get_height() for p in ax.patches]
    assert heights == [3, 0, 0, 0, 2]          # [0, 2) [2, 4) ... [8, 10]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("score", "count", "Scores")


@pytest.mark.parametrize("values, kw, error", [
    ([], {}, ValueError), ([1, np.nan], {}, ValueError), ([1, 2], {"bins": 0}, ValueError),
    ([1, 2], {"value_range": (5, 5)}, ValueError),
])
def test_plot_histogram_rejects_bad_input(values, kw, error):
    from course_utils.plotting import plot_histogram
    with pytest.raises(error, match="plot_histogram"):
        plot_histogram(values, **kw)


def test_plot_bars_one_bar_per_label_in_order():
    from course_utils.plotting import plot_bars
    ax = plot_bars({"graded": 7, "timeout": 2, "missing": 1}, xlabel="submissions", title="Status")
    assert [p.get_width() for p in ax.patches] == [7, 2, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["graded", "timeout", "missing"]
    assert ax.yaxis_inverted() and ax.get_title() == "Status" and ax.get_xlabel() == "submissions"
    assert plot_bars({"a": 40.0}, percent=True).get_xlim() == (0, 100)


@pytest.mark.parametrize("counts", [{}, {"a": -1}, [1, 2]])
def test_plot_bars_rejects_bad_input(counts):
    from course_utils.plotting import plot_bars
    with pytest.raises(ValueError, match="plot_bars"):
        plot_bars(counts)
