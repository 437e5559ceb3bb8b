from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_contour
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


def test_two_params_one_panel_with_log_axis() -> None:
    figure = plot_contour(mixed_study(), params=["x", "k"])
    contour, points = figure.data
    assert contour.type == "contour" and points.type == "scatter"
    assert list(points.x) == [0.001, 0.01, 0.1, 1.0] and list(points.y) == [1, 2, 0, 3]
    assert figure.layout.xaxis.type == "log" and figure.layout.xaxis.title.text == "x"
    assert figure.layout.yaxis.title.text == "k"
    z = np.asarray(contour.z, dtype=float)
    assert z.shape == (100, 100)
    assert np.nanmin(z) == 0.1 and np.nanmax(z) == 0.9
    assert contour.colorbar.title.text == "Objective Value"
    assert contour.reversescale  # minimize: best values dark


def test_categorical_axis_and_conditional_parameter() -> None:
    figure = plot_contour(mixed_study(), params=["c", "k"])
    contour, points = figure.data
    assert list(contour.x) == ["a", "b", "c"]
    assert list(points.x) == ["a", "c"] and list(points.y) == [1, 0]
    assert figure.layout.xaxis.type == "category"


def test_three_params_make_a_matrix_without_diagonal() -> None:
    figure = plot_contour(mixed_study())
    assert len(figure.data) == 2 * 6
    # row 1 (y = c), column 2 (x = k)
    points = figure.data[1]
    assert points.xaxis == "x2" and points.yaxis == "y2"
    assert list(points.x) == [1, 0] and list(points.y) == ["a", "c"]
    assert figure.layout.xaxis9.title.text == "x" and figure.layout.xaxis9.type == "log"
    assert sum(trace.showscale is True for trace in figure.data[::2]) == 1


def test_target_and_multi_objective() -> None:
    study = multi_objective_study()
    with pytest.raises(ValueError, match="target"):
        plot_contour(study)
    with pytest.warns(HpoWarning, match="two parameters"):
        figure = plot_contour(study, target=lambda t: t.values[0])
    assert len(figure.data) == 0


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_empty_warns(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        figure = plot_contour(make(), params=params)
    assert len(figure.data) == 0


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_contour(mixed_study(), params=["x", "nope"])
