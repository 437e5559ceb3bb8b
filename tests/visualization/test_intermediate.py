from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_intermediate_values
from tests.visualization.helpers import mixed_study


def test_one_line_per_reporting_trial_including_pruned() -> None:
    figure = plot_intermediate_values(mixed_study())
    assert [trace.name for trace in figure.data] == [
        "Trial0",
        "Trial1",
        "Trial2",
        "Trial3",
        "Trial5",
    ]
    assert all(trace.type == "scatter" for trace in figure.data)
    assert list(figure.data[0].x) == [0, 1] and list(figure.data[0].y) == [1.0, 0.5]
    assert list(figure.data[4].y) == [7.0]


def test_no_reports_warns_and_is_empty() -> None:
    study = hpo.create_study()
    study.optimize(lambda t: 1.0, n_trials=2)
    with pytest.warns(HpoWarning, match="reported"):
        figure = plot_intermediate_values(study)
    assert len(figure.data) == 0


def _many_curves_study(n_trials: int) -> hpo.Study:
    study = hpo.create_study()
    for number in range(n_trials):
        trial = study.ask()
        for step in range(3):
            trial.report(float(number + step), step)
        if number % 4 == 3:
            study.tell(trial, state=hpo.trial.TrialState.PRUNED)
        elif number % 4 == 2:
            study.tell(trial, state=hpo.trial.TrialState.FAIL)
        else:
            study.tell(trial, float(number))
    return study


def test_a_hundred_curves_are_a_hundred_traces() -> None:
    figure = plot_intermediate_values(_many_curves_study(133))  # 100 complete or pruned
    assert len(figure.data) == 100
    assert figure.data[-1].name == "Trial132"


def test_many_curves_are_joined_into_one_trace_per_state_with_gaps() -> None:
    figure = plot_intermediate_values(_many_curves_study(400))
    assert [trace.name for trace in figure.data] == ["Complete trials", "Pruned trials"]
    complete, pruned = figure.data
    complete_numbers = [n for n in range(400) if n % 4 in (0, 1)]
    pruned_numbers = [n for n in range(400) if n % 4 == 3]
    for trace, numbers in ((complete, complete_numbers), (pruned, pruned_numbers)):
        # Each curve is its three steps then a gap (NaN) that breaks the line.
        assert len(trace.x) == 4 * len(numbers)
        x = np.asarray(trace.x, dtype=float).reshape(-1, 4)
        y = np.asarray(trace.y, dtype=float).reshape(-1, 4)
        assert np.isnan(x[:, 3]).all() and np.isnan(y[:, 3]).all()
        np.testing.assert_array_equal(x[:, :3], np.tile([0.0, 1.0, 2.0], (len(numbers), 1)))
        expected = np.asarray(numbers, dtype=float)[:, None] + np.arange(3.0)
        np.testing.assert_array_equal(y[:, :3], expected)
        # The hover label names the trial of every point.
        np.testing.assert_array_equal(
            np.asarray(trace.customdata).reshape(-1, 4), np.repeat(numbers, 4).reshape(-1, 4)
        )
        assert "Trial %{customdata}" in trace.hovertemplate
