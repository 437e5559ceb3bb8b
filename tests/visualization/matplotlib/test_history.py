"""plot_optimization_history: both renderers show the data of history_lines / history_band."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_optimization_history as plotly_history
from hpo.visualization._data._history import history_band, history_lines
from hpo.visualization.matplotlib import plot_optimization_history
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import is_empty, legend_texts, points


def _study(name: str, values: list[float]) -> hpo.Study:
    study = hpo.create_study(study_name=name)
    for value in values:
        study.add_trial(hpo.create_trial(value=value))
    return study


def test_values_and_best_values_of_completed_trials() -> None:
    study = mixed_study()  # trials 4 (failed) and 5 (pruned) are not drawn
    (line,) = history_lines([study])
    assert line.numbers.tolist() == [0, 1, 2, 3]
    figure = plotly_history(study)
    ax = plot_optimization_history(study)
    assert list(figure.data[0].x) == line.numbers.tolist() == points(ax)[:, 0].tolist()
    assert list(figure.data[0].y) == line.values.tolist() == points(ax)[:, 1].tolist()
    (best,) = ax.get_lines()
    assert list(figure.data[1].y) == line.best_values.tolist() == best.get_ydata().tolist()
    assert best.get_ydata().tolist() == [0.5, 0.2, 0.2, 0.1]
    assert ax.get_title() == figure.layout.title.text == "Optimization History Plot"
    assert ax.get_xlabel() == "Trial" and ax.get_ylabel() == "Objective Value"
    assert legend_texts(ax) == ["Objective Value", "Best Value"]


def test_maximize_keeps_the_running_maximum() -> None:
    study = mixed_study("maximize")
    ax = plot_optimization_history(study)
    assert ax.get_lines()[0].get_ydata().tolist() == [0.5, 0.5, 0.9, 0.9]


def test_target_draws_no_best_line_and_names_the_axis() -> None:
    study = multi_objective_study()
    ax = plot_optimization_history(study, target=lambda t: t.values[1], target_name="acc")
    assert points(ax)[:, 1].tolist() == [1.0, 0.0, -1.0]
    assert ax.get_lines() == [] and ax.get_ylabel() == "acc"


def test_several_studies_one_pair_each() -> None:
    studies = [_study("a", [3.0, 1.0]), _study("b", [2.0, 4.0, 0.5])]
    ax = plot_optimization_history(studies)
    assert legend_texts(ax) == [
        "Objective Value of a",
        "Best Value of a",
        "Objective Value of b",
        "Best Value of b",
    ]
    assert points(ax, 1)[:, 1].tolist() == [2.0, 4.0, 0.5]
    assert [line.get_ydata().tolist() for line in ax.get_lines()] == [[3.0, 1.0], [2.0, 2.0, 0.5]]


def test_error_bar_shows_mean_and_std_across_studies() -> None:
    studies = [_study("a", [3.0, 1.0]), _study("b", [1.0, 3.0])]
    band = history_band(history_lines(studies))
    figure = plotly_history(studies, error_bar=True)
    ax = plot_optimization_history(studies, error_bar=True)
    assert band.value_mean.tolist() == [2.0, 2.0] and band.value_std.tolist() == [1.0, 1.0]
    assert list(figure.data[0].y) == band.value_mean.tolist()
    assert list(figure.data[0].error_y.array) == band.value_std.tolist()
    (container,) = ax.containers  # the errorbar: markers at the means, bars of +- std
    value_line, _, (bars,) = container
    assert container.get_label() == "Objective Value"
    assert value_line.get_ydata().tolist() == band.value_mean.tolist()
    spans = [(float(s[0][1]), float(s[1][1])) for s in bars.get_segments()]
    assert spans == [(1.0, 3.0), (1.0, 3.0)]
    best_line = ax.get_lines()[-1]
    assert best_line.get_label() == "Best Value"
    assert best_line.get_ydata().tolist() == band.best_mean.tolist() == [2.0, 1.0]
    assert legend_texts(ax) == ["Best Value", "Objective Value"]


@pytest.mark.parametrize("make", [hpo.create_study, failed_only_study])
def test_no_completed_trial_warns_and_leaves_the_axes_empty(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match="no trial completed"):
        ax = plot_optimization_history(make())
    assert is_empty(ax) and ax.get_title() == "Optimization History Plot"


def test_multi_objective_without_target_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_optimization_history(multi_objective_study())


def test_nan_values_are_not_drawn() -> None:
    study = _study("s", [1.0, 2.0])
    study.add_trial(hpo.create_trial(value=float("inf")))
    ax = plot_optimization_history(study)
    assert np.isfinite(points(ax)).all() and len(points(ax)) == 2
