from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.terminator import BestValueStagnationEvaluator, StaticErrorEvaluator
from hpo.trial import TrialState
from hpo.visualization._data._terminator_improvement import terminator_improvement_data
from hpo.visualization._terminator_improvement import WARMUP_OPACITY, plot_terminator_improvement


def _study(values: list[float]) -> hpo.Study:
    study = hpo.create_study()
    for value in values:
        study.add_trial(hpo.create_trial(value=value))
    return study


def test_stagnation_estimates_and_warmup_split() -> None:
    study = _study([3.0, 1.0, 2.0, 2.5])
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    figure = plot_terminator_improvement(
        study, improvement_evaluator=BestValueStagnationEvaluator(5), min_n_trials=3
    )
    warmup, counted = figure.data
    # Best value reached at position 1: stagnation room is 5 - (trials since the best).
    assert list(warmup.x) == [0, 1, 2, 3] and list(warmup.y) == [5.0, 5.0, 4.0, 3.0]
    assert warmup.opacity == WARMUP_OPACITY and warmup.showlegend is False
    assert list(counted.x) == [3] and list(counted.y) == [3.0]


def test_plot_error_adds_the_error_line() -> None:
    study = _study([3.0, 1.0])
    figure = plot_terminator_improvement(
        study,
        plot_error=True,
        improvement_evaluator=BestValueStagnationEvaluator(5),
        error_evaluator=StaticErrorEvaluator(0.5),
        min_n_trials=1,
    )
    names = [trace.name for trace in figure.data]
    assert names == ["Terminator Improvement", "Terminator Improvement", "Error"]
    assert list(figure.data[-1].x) == [0, 1] and list(figure.data[-1].y) == [0.5, 0.5]


def test_data_without_errors_and_default_evaluator() -> None:
    study = _study([float(i % 5) for i in range(6)])
    data = terminator_improvement_data(study, min_n_trials=4)
    assert data.errors is None
    assert data.n_warmup == 4
    assert data.trial_numbers.tolist() == list(range(6))
    assert (data.improvements >= 0).all()


def test_bad_arguments() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="single-objective"):
        plot_terminator_improvement(study)
    with pytest.raises(ValueError, match="min_n_trials"):
        plot_terminator_improvement(_study([1.0]), min_n_trials=0)


def test_empty_study_warns() -> None:
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        figure = plot_terminator_improvement(hpo.create_study())
    assert [len(trace.x) for trace in figure.data] == [0]
