"""plot_rank: both renderers draw the panels of rank_panels."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_rank as plotly_rank
from hpo.visualization._data._rank import rank_panels
from hpo.visualization._data._trials import read_table
from hpo.visualization.matplotlib import plot_rank
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import colorbar_axes, is_empty, points, tick_labels


def test_one_parameter_against_the_target() -> None:
    study = mixed_study()
    panel = rank_panels(read_table(study), ["x"])["x", None]
    figure = plotly_rank(study, params=["x"])
    ax = plot_rank(study, params=["x"])
    assert not isinstance(ax, np.ndarray)
    assert points(ax)[:, 0].tolist() == list(figure.data[0].x) == panel.x.tolist()
    assert points(ax)[:, 1].tolist() == list(figure.data[0].y) == [0.5, 0.2, 0.9, 0.1]
    colors = ax.collections[0].get_array()
    assert colors.tolist() == list(figure.data[0].marker.color) == panel.color.tolist()
    assert colors.tolist() == pytest.approx([2 / 3, 1 / 3, 1.0, 0.0])
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "x"
    assert ax.get_ylabel() == "Objective Value" and ax.get_title() == "Rank Plot"


def test_colour_bar_is_labelled_with_value_quantiles() -> None:
    ax = plot_rank(mixed_study(), params=["x", "k"])
    (colorbar,) = colorbar_axes(ax.figure)
    assert colorbar.get_ylabel() == "Objective Value"
    quantiles = np.quantile([0.5, 0.2, 0.9, 0.1], [0, 0.25, 0.5, 0.75, 1])
    assert tick_labels(colorbar, "y") == [f"{q:.3g}" for q in quantiles]
    assert ax.collections[0].get_clim() == (0.0, 1.0)


def test_two_parameters_one_panel_three_a_matrix() -> None:
    ax = plot_rank(mixed_study(), params=["c", "k"])
    assert points(ax).tolist() == [[0.0, 1.0], [2.0, 0.0]]  # trials having both
    assert tick_labels(ax) == ["a", "b", "c"]
    axes = plot_rank(mixed_study())
    assert isinstance(axes, np.ndarray) and axes.shape == (3, 3)
    assert all(is_empty(axes[i, i]) for i in range(3))
    assert points(axes[1, 2]).tolist() == [[0.001, 1.0], [0.01, 2.0], [0.1, 0.0], [1.0, 3.0]]
    assert axes[2, 0].get_yscale() == "log" and axes[2, 0].get_ylabel() == "x"
    assert axes[2, 1].get_xlabel() == "k" and axes[0, 1].get_xlabel() == ""


def test_target_and_multi_objective() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_rank(multi_objective_study())
    ax = plot_rank(multi_objective_study(), target=lambda t: t.values[1], target_name="b")
    assert points(ax)[:, 1].tolist() == [1.0, 0.0, -1.0] and ax.get_ylabel() == "b"


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_nothing_to_show_warns_and_returns_an_empty_axes(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        ax = plot_rank(make(), params=params)
    assert not isinstance(ax, np.ndarray) and is_empty(ax)


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_rank(mixed_study(), params=["nope"])
