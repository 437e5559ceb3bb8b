from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_parallel_coordinate
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


def test_dimensions_values_and_ticks() -> None:
    figure = plot_parallel_coordinate(mixed_study(direction="maximize"), params=["k", "x"])
    (trace,) = figure.data
    assert trace.type == "parcoords"
    target, k, x = trace.dimensions
    assert target.label == "Objective Value" and list(target.values) == [0.5, 0.2, 0.9, 0.1]
    assert list(k.values) == [1, 2, 0, 3] and k.tickvals is None
    assert list(x.values) == [-3, -2, -1, 0]  # log10 of a log-scale parameter
    assert list(x.ticktext) == ["0.001", "0.01", "0.1", "1"]
    assert list(trace.line.color) == [0.5, 0.2, 0.9, 0.1]
    assert not trace.line.reversescale


def test_conditional_parameter_keeps_trials_having_all() -> None:
    figure = plot_parallel_coordinate(mixed_study())
    labels = [d.label for d in figure.data[0].dimensions]
    assert labels == ["Objective Value", "c", "k", "x"]
    c = figure.data[0].dimensions[1]
    assert list(c.values) == [0, 2] and list(c.ticktext) == ["a", "b", "c"]


def test_target_and_multi_objective() -> None:
    study = multi_objective_study()
    with pytest.raises(ValueError, match="target"):
        plot_parallel_coordinate(study)
    figure = plot_parallel_coordinate(study, target=lambda t: t.values[1], target_name="b")
    assert figure.data[0].dimensions[0].label == "b"
    assert list(figure.data[0].dimensions[0].values) == [1.0, 0.0, -1.0]


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_empty_warns(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        figure = plot_parallel_coordinate(make(), params=params)
    assert len(figure.data) == 0


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_parallel_coordinate(mixed_study(), params=["nope"])
