from __future__ import annotations

from collections.abc import Callable

import pytest

import hpo
from hpo.terminator import (
    BaseTerminator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)


def _stagnation_callback(max_stagnation_trials: int, min_n_trials: int) -> TerminatorCallback:
    return TerminatorCallback(
        Terminator(BestValueStagnationEvaluator(max_stagnation_trials), min_n_trials=min_n_trials)
    )


def test_stops_a_converged_study() -> None:
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    # A plateau: every trial after the first ties with the best value.
    study.optimize(
        lambda trial: max(trial.suggest_float("x", 0.0, 1.0), 2.0),
        n_trials=100,
        callbacks=[_stagnation_callback(5, min_n_trials=3)],
    )
    assert len(study.trials) == 7


def test_does_not_stop_an_improving_study() -> None:
    study = hpo.create_study(direction="maximize", sampler=hpo.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda trial: trial.number + trial.suggest_float("x", 0.0, 0.5),
        n_trials=40,
        callbacks=[_stagnation_callback(1, min_n_trials=2)],
    )
    assert len(study.trials) == 40


def test_a_stopped_study_can_run_again() -> None:
    study = hpo.create_study()
    callback = TerminatorCallback(Terminator(BestValueStagnationEvaluator(0), min_n_trials=1))
    study.optimize(lambda trial: 1.0, n_trials=10, callbacks=[callback])
    assert len(study.trials) == 2
    study.optimize(lambda trial: 1.0, n_trials=10, callbacks=[callback])
    assert len(study.trials) == 3


def test_any_base_terminator_is_accepted() -> None:
    class _After(BaseTerminator):
        def should_terminate(self, study: hpo.Study) -> bool:
            return len(study.trials) >= 4

    study = hpo.create_study()
    study.optimize(lambda trial: 0.0, n_trials=10, callbacks=[TerminatorCallback(_After())])
    assert len(study.trials) == 4


def test_static_error_threshold_stops_once_the_count_falls_below() -> None:
    terminator = Terminator(
        BestValueStagnationEvaluator(10), StaticErrorEvaluator(8.0), min_n_trials=1
    )
    study = hpo.create_study()
    study.optimize(lambda trial: 0.0, n_trials=50, callbacks=[TerminatorCallback(terminator)])
    # Stagnation counts 10, 9, 8, 7: the fourth trial is below 8.
    assert len(study.trials) == 4


def test_refuses_what_is_not_a_terminator() -> None:
    with pytest.raises(TypeError, match="terminator"):
        TerminatorCallback(object())  # type: ignore[arg-type]


def _cross_validated(noise: float) -> Callable[[hpo.Trial], float]:
    """A quadratic whose three fold scores spread by ``noise`` around it."""

    def objective(trial: hpo.Trial) -> float:
        value = (trial.suggest_float("x", 0.0, 1.0) - 0.3) ** 2
        scores = [value - noise, value, value + noise]
        report_cross_validation_scores(trial, scores)
        return sum(scores) / 3

    return objective


def test_regret_bound_terminator_stops_once_the_regret_bound_is_below_the_noise() -> None:
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    terminator = Terminator(RegretBoundEvaluator(seed=0), min_n_trials=10)
    study.optimize(_cross_validated(1e-3), n_trials=40, callbacks=[TerminatorCallback(terminator)])
    # Not at the first chance: the bound needs some trials to fall below the error.
    assert 10 < len(study.trials) < 40


def test_regret_bound_terminator_keeps_going_when_the_noise_is_tiny() -> None:
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    terminator = Terminator(RegretBoundEvaluator(seed=0), min_n_trials=10)
    study.optimize(_cross_validated(1e-7), n_trials=18, callbacks=[TerminatorCallback(terminator)])
    assert len(study.trials) == 18
