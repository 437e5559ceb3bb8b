from __future__ import annotations

import itertools

import pytest

import hpo
from hpo.samplers import RandomSampler
from hpo.visualization import (
    is_available,
    plot_intermediate_values,
    plot_optimization_history,
    plot_slice,
)


def _study(direction: str = "minimize") -> hpo.Study:
    study = hpo.create_study(direction=direction, sampler=RandomSampler(seed=1))

    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", 1e-3, 1.0, log=True)
        k = trial.suggest_int("k", 0, 3)
        for step in range(3):
            trial.report(x * (3 - step), step)
        return x + k

    study.optimize(objective, n_trials=12)
    return study


def test_plotly_is_available() -> None:
    assert is_available()


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_history_best_line_is_monotone(direction: str) -> None:
    study = _study(direction)
    figure = plot_optimization_history(study)
    values, best = figure.data[0].y, figure.data[1].y
    assert list(figure.data[0].x) == [t.number for t in study.trials]
    assert len(values) == 12
    pairs = list(itertools.pairwise(best))
    if direction == "minimize":
        assert all(b <= a for a, b in pairs)
        assert best[-1] == pytest.approx(study.best_value)
    else:
        assert all(b >= a for a, b in pairs)
        assert best[-1] == pytest.approx(study.best_value)


def test_history_needs_target_for_multi_objective() -> None:
    study = hpo.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3)
    with pytest.raises(ValueError, match="target"):
        plot_optimization_history(study)
    figure = plot_optimization_history(study, target=lambda t: t.values[0], target_name="a")
    assert len(figure.data[0].y) == 3


def test_intermediate_values_one_line_per_reporting_trial() -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 1e-3, 1.0, log=True), n_trials=2)
    figure = plot_intermediate_values(study)
    assert len(figure.data) == 12
    assert list(figure.data[0].x) == [0, 1, 2]


def test_slice_has_a_panel_per_parameter_and_log_axis() -> None:
    figure = plot_slice(_study())
    assert [trace.name for trace in figure.data] == ["k", "x"]
    assert figure.layout.xaxis2.type == "log"
    with pytest.raises(ValueError, match="nope"):
        plot_slice(_study(), params=["nope"])
