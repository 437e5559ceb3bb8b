"""plot_slice: both renderers draw the panels of slice_panels."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_slice as plotly_slice
from hpo.visualization._data._slice import slice_panels
from hpo.visualization._data._trials import read_table
from hpo.visualization.matplotlib import plot_slice
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import colorbar_axes, is_empty, points, tick_labels


def test_one_panel_per_parameter_with_the_same_points() -> None:
    study = mixed_study()
    panels = slice_panels(read_table(study), ["c", "k", "x"])
    figure = plotly_slice(study)
    axes = plot_slice(study)
    assert isinstance(axes, np.ndarray) and axes.shape == (3,)
    for ax, trace, panel in zip(axes, figure.data, panels, strict=True):
        drawn = points(ax)
        assert drawn[:, 1].tolist() == list(trace.y) == panel.y.tolist()
        assert ax.collections[0].get_array().tolist() == panel.numbers.tolist()
        assert ax.get_xlabel() == trace.name == panel.column.name
    # Conditional c: only trials 0 and 2, drawn at their choice index.
    assert points(axes[0]).tolist() == [[0.0, 0.5], [2.0, 0.9]]
    assert list(figure.data[0].x) == ["a", "c"]
    assert points(axes[1])[:, 0].tolist() == [1, 2, 0, 3]
    assert points(axes[2])[:, 0].tolist() == [0.001, 0.01, 0.1, 1.0]


def test_axis_kinds_titles_and_colour_bar() -> None:
    axes = plot_slice(mixed_study())
    assert tick_labels(axes[0]) == ["a", "b", "c"]  # every choice, in choice order
    assert axes[1].get_xscale() == "linear" and axes[2].get_xscale() == "log"
    assert axes[0].get_ylabel() == "Objective Value"
    assert axes[0].figure.get_suptitle() == "Slice Plot"
    (colorbar,) = colorbar_axes(axes[0].figure)
    assert colorbar.get_ylabel() == "Trial"
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[2])


def test_one_parameter_gives_one_axes() -> None:
    ax = plot_slice(mixed_study(), params=["x"])
    assert not isinstance(ax, np.ndarray)
    assert ax.get_title() == "Slice Plot" and ax.get_xscale() == "log"
    assert points(ax)[:, 1].tolist() == [0.5, 0.2, 0.9, 0.1]


def test_target_and_multi_objective() -> None:
    study = multi_objective_study()
    with pytest.raises(ValueError, match="target"):
        plot_slice(study)
    ax = plot_slice(study, target=lambda t: t.values[1], target_name="b")
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
        ax = plot_slice(make(), params=params)
    assert not isinstance(ax, np.ndarray) and is_empty(ax)


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_slice(mixed_study(), params=["nope"])
