"""Tests of best_trial, best_value, best_params and the Pareto front best_trials."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.samplers import RandomSampler, TPESampler
from hpo.study import Study
from hpo.trial import TrialState, create_trial


def _study_with_values(values: Sequence[float | Sequence[float]], **kwargs: Any) -> Study:
    study = hpo.create_study(sampler=RandomSampler(seed=0), **kwargs)
    for i, v in enumerate(values):
        params = {"i": float(i)}
        distributions = {"i": FloatDistribution(0, 1000)}
        if isinstance(v, Sequence):
            study.add_trial(create_trial(values=v, params=params, distributions=distributions))
        else:
            study.add_trial(create_trial(value=v, params=params, distributions=distributions))
    return study


# -- single objective -------------------------------------------------------------------------


def test_minimize() -> None:
    study = _study_with_values([3.0, -1.0, 2.0, 5.0])
    assert study.best_trial.number == 1
    assert study.best_value == -1.0
    assert study.best_params == {"i": 1.0}


def test_maximize() -> None:
    study = _study_with_values([3.0, -1.0, 7.0, 5.0], direction="maximize")
    assert study.best_trial.number == 2
    assert study.best_value == 7.0
    assert study.best_params == {"i": 2.0}


def test_best_follows_optimize() -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=10)
    best = min(study.trials, key=lambda t: t.value)
    assert study.best_trial == best
    assert study.best_value == best.value
    assert study.best_params == best.params


def test_infinite_values() -> None:
    study = _study_with_values([float("inf"), 2.0, float("-inf")])
    assert study.best_value == float("-inf")
    assert _study_with_values([float("inf")]).best_value == float("inf")


def test_only_complete_trials_count() -> None:
    study = _study_with_values([5.0])
    study.add_trial(create_trial(state=TrialState.PRUNED, value=-100.0))
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.ask()
    assert study.best_trial.number == 0


@pytest.mark.parametrize("attr", ["best_trial", "best_value", "best_params"])
def test_no_complete_trial_raises_value_error(attr: str) -> None:
    study = hpo.create_study()
    with pytest.raises(ValueError):
        getattr(study, attr)
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.add_trial(create_trial(state=TrialState.PRUNED, value=1.0))
    study.ask()
    with pytest.raises(ValueError):
        getattr(study, attr)


def test_ties_go_to_the_earliest_trial_whatever_finished_first() -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=0))
    first, second = study.ask(), study.ask()
    study.tell(second, 1.0)
    study.tell(first, 1.0)
    assert study.best_trial.number == 0


def test_infeasible_trials_are_never_best_and_optimize_logs_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    infeasible_first = TPESampler(seed=0, constraints_func=lambda t: [1.0 - t.number])
    study = hpo.create_study(sampler=infeasible_first)
    hpo.logging.set_verbosity(hpo.logging.INFO)
    try:
        with caplog.at_level(logging.INFO):
            study.optimize(lambda t: -float(t.number), n_trials=1)
            with pytest.raises(ValueError, match="feasible"):
                study.best_trial  # noqa: B018
            study.optimize(lambda t: 10.0, n_trials=1)
    finally:
        hpo.logging.set_verbosity(hpo.logging.WARNING)
    assert study.best_trial.number == 1
    assert study.trials[1].system_attrs["constraints"] == [0.0]
    messages = [r.getMessage() for r in caplog.records]
    assert "Trial 0 finished with value: -0.0 and parameters: {}." in messages
    assert any(m.startswith("Trial 1 finished") and "Best is trial 1" in m for m in messages)


@pytest.mark.parametrize("attr", ["best_trial", "best_value", "best_params"])
def test_multi_objective_raises_runtime_error(attr: str) -> None:
    study = _study_with_values([[1.0, 2.0]], directions=["minimize", "minimize"])
    with pytest.raises(RuntimeError):
        getattr(study, attr)


def test_best_trial_is_a_copy() -> None:
    study = _study_with_values([1.0])
    study.best_trial.params["i"] = 99.0
    study.best_params["j"] = 1
    assert study.best_params == {"i": 0.0}


def test_best_trials_single_objective() -> None:
    study = _study_with_values([2.0, 1.0, 3.0])
    assert [t.number for t in study.best_trials] == [1]


# -- Pareto front ------------------------------------------------------------------------------


def _numbers(study: Study) -> list[int]:
    return [t.number for t in study.best_trials]


def test_pareto_front_minimize() -> None:
    # (1,5) (2,2) (5,1) are the front; (3,3) is dominated by (2,2); (5,5) by all three.
    study = _study_with_values(
        [[1.0, 5.0], [3.0, 3.0], [2.0, 2.0], [5.0, 1.0], [5.0, 5.0]],
        directions=["minimize", "minimize"],
    )
    assert _numbers(study) == [0, 2, 3]


def test_pareto_front_maximize_minimize_mix() -> None:
    # Maximize the first objective, minimize the second.
    study = _study_with_values(
        [[1.0, 1.0], [2.0, 2.0], [2.0, 3.0], [0.0, 0.5], [1.0, 2.0], [3.0, 5.0]],
        directions=["maximize", "minimize"],
    )
    # (1,1) (2,2) (0,0.5) (3,5) are non-dominated; (2,3) loses to (2,2); (1,2) to (1,1).
    assert _numbers(study) == [0, 1, 3, 5]


def test_pareto_front_both_maximize() -> None:
    study = _study_with_values(
        [[1.0, 1.0], [2.0, 0.0], [0.0, 2.0], [1.0, 0.5]],
        directions=["maximize", "maximize"],
    )
    assert _numbers(study) == [0, 1, 2]


def test_duplicates_are_both_on_the_front() -> None:
    study = _study_with_values(
        [[1.0, 2.0], [2.0, 1.0], [1.0, 2.0], [3.0, 3.0]],
        directions=["minimize", "minimize"],
    )
    assert _numbers(study) == [0, 1, 2]


def test_three_objectives() -> None:
    study = _study_with_values(
        [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [1.0, 2.0, 4.0]],
        directions=["minimize", "minimize", "minimize"],
    )
    assert _numbers(study) == [0, 1, 2]


def test_front_ignores_unfinished_and_failed_trials() -> None:
    study = _study_with_values([[5.0, 5.0]], directions=["minimize", "minimize"])
    study.add_trial(create_trial(state=TrialState.PRUNED))
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.ask()
    assert _numbers(study) == [0]


def test_empty_front() -> None:
    study = hpo.create_study(directions=["minimize", "maximize"])
    assert study.best_trials == []


def test_front_trials_carry_values() -> None:
    study = _study_with_values([[1.0, 2.0], [2.0, 1.0]], directions=["minimize", "minimize"])
    assert [t.values for t in study.best_trials] == [[1.0, 2.0], [2.0, 1.0]]
