from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_rank
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


def test_single_param_against_target() -> None:
    figure = plot_rank(mixed_study(), params=["x"])
    (points,) = figure.data
    assert points.type == "scatter"
    assert list(points.x) == [0.001, 0.01, 0.1, 1.0] and list(points.y) == [0.5, 0.2, 0.9, 0.1]
    assert list(points.marker.color) == pytest.approx([2 / 3, 1 / 3, 1.0, 0.0])
    assert (
        figure.layout.xaxis.type == "log" and figure.layout.yaxis.title.text == "Objective Value"
    )


def test_two_params_one_panel_conditional() -> None:
    figure = plot_rank(mixed_study(), params=["c", "x"])
    (points,) = figure.data
    assert list(points.x) == ["a", "c"] and list(points.y) == [0.001, 0.1]
    assert figure.layout.xaxis.type == "category" and figure.layout.yaxis.type == "log"
    assert list(points.marker.color) == pytest.approx([2 / 3, 1.0])


def test_matrix_for_three_params() -> None:
    figure = plot_rank(mixed_study())
    assert len(figure.data) == 6
    assert sum(trace.marker.showscale is True for trace in figure.data) == 1
    assert figure.layout.xaxis9.type == "log"


def test_target_and_multi_objective() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_rank(multi_objective_study())
    figure = plot_rank(multi_objective_study(), target=lambda t: t.values[1])
    assert list(figure.data[0].marker.color) == [1.0, 0.5, 0.0]


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_empty_warns(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        figure = plot_rank(make(), params=params)
    assert len(figure.data) == 0


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_rank(mixed_study(), params=["nope"])
