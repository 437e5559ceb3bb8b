"""plot_parallel_coordinate: both renderers draw the dimensions of parallel_data."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_parallel_coordinate as plotly_parallel
from hpo.visualization._data._parallel_coordinate import parallel_data
from hpo.visualization._data._trials import read_table
from hpo.visualization.matplotlib import plot_parallel_coordinate
from hpo.visualization.matplotlib._parallel_coordinate import dimension_range
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import colorbar_axes, is_empty, tick_labels


def _dimension_axes(ax):  # type: ignore[no-untyped-def]
    return {
        a.get_label().removeprefix("dimension "): a
        for a in ax.figure.axes
        if a.get_label().startswith("dimension ")
    }


def test_lines_pass_through_each_dimension_scaled_to_its_range() -> None:
    study = mixed_study()
    data = parallel_data(read_table(study), ["k", "x"], "Objective Value")
    figure = plotly_parallel(study, params=["k", "x"])
    ax = plot_parallel_coordinate(study, params=["k", "x"])
    assert tick_labels(ax) == [d.label for d in figure.data[0].dimensions]
    assert tick_labels(ax) == ["Objective Value", "k", "x"]
    (lines,) = ax.collections
    segments = lines.get_segments()
    assert len(segments) == 4  # the completed trials that have k and x
    for position, (dimension, trace_dimension) in enumerate(
        zip(data.dimensions, figure.data[0].dimensions, strict=True)
    ):
        low, high = dimension_range(dimension)
        assert list(trace_dimension.range) == [low, high]
        heights = np.array([segment[position][1] for segment in segments])
        assert heights * (high - low) + low == pytest.approx(dimension.values)
        assert all(segment[position][0] == position for segment in segments)
    assert lines.get_array().tolist() == data.color.tolist() == [0.5, 0.2, 0.9, 0.1]


def test_each_dimension_has_its_own_axis_and_ticks() -> None:
    study = mixed_study()
    ax = plot_parallel_coordinate(study)  # c conditional: only trials 0 and 2 have all
    (lines,) = ax.collections
    assert len(lines.get_segments()) == 2
    axes = _dimension_axes(ax)
    assert list(axes) == ["Objective Value", "c", "k", "x"]
    assert axes["Objective Value"].get_ylim() == (0.5, 0.9)
    assert tick_labels(axes["c"], "y") == ["a", "b", "c"]
    assert axes["c"].get_ylim() == (0.0, 2.0)
    assert axes["x"].get_ylim() == pytest.approx((-3.0, -1.0))  # log10 of 0.001 and 0.1
    assert tick_labels(axes["x"], "y") == ["0.001", "0.01", "0.1"]
    assert ax.get_title() == "Parallel Coordinate Plot"
    (colorbar,) = colorbar_axes(ax.figure)
    assert colorbar.get_ylabel() == "Objective Value"


def test_a_constant_dimension_sits_in_the_middle() -> None:
    study = hpo.create_study()
    dist = hpo.distributions.FloatDistribution(0.0, 1.0)
    for value in (1.0, 2.0):
        study.add_trial(
            hpo.create_trial(value=value, params={"x": 0.3}, distributions={"x": dist})
        )
    ax = plot_parallel_coordinate(study)
    (lines,) = ax.collections
    assert [segment[1][1] for segment in lines.get_segments()] == [0.5, 0.5]
    assert _dimension_axes(ax)["x"].get_ylim() == (-0.2, 0.8)


def test_target_and_multi_objective() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_parallel_coordinate(multi_objective_study())
    ax = plot_parallel_coordinate(
        multi_objective_study(), target=lambda t: t.values[1], target_name="b"
    )
    assert tick_labels(ax) == ["b", "x"]
    assert ax.collections[0].get_array().tolist() == [1.0, 0.0, -1.0]


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_nothing_to_show_warns_and_returns_an_empty_axes(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        ax = plot_parallel_coordinate(make(), params=params)
    assert is_empty(ax) and len(ax.figure.axes) == 1


def test_no_trial_with_every_parameter_draws_no_line() -> None:
    study = hpo.create_study()
    dist = hpo.distributions.FloatDistribution(0.0, 1.0)
    study.add_trial(hpo.create_trial(value=1.0, params={"x": 0.5}, distributions={"x": dist}))
    study.add_trial(hpo.create_trial(value=2.0, params={"y": 0.5}, distributions={"y": dist}))
    figure = plotly_parallel(study)
    ax = plot_parallel_coordinate(study)
    assert len(figure.data[0].dimensions[0].values) == 0
    assert len(ax.collections[0].get_segments()) == 0
    assert tick_labels(ax) == ["Objective Value", "x", "y"]


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_parallel_coordinate(mixed_study(), params=["nope"])
