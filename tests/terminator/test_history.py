from __future__ import annotations

import pytest

import hpo
from hpo.terminator import (
    BestValueStagnationEvaluator,
    StaticErrorEvaluator,
    improvement_history,
    report_cross_validation_scores,
)
from hpo.trial import TrialState


def test_one_estimate_per_complete_trial() -> None:
    study = hpo.create_study(direction="maximize")
    for value in (1.0, None, 3.0, 2.0, 2.5):
        trial = study.ask()
        if value is None:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, value)
    history = improvement_history(
        study, BestValueStagnationEvaluator(4), StaticErrorEvaluator(0.5), min_n_trials=3
    )
    assert history.trial_numbers == [0, 2, 3, 4]
    assert history.improvements == [4.0, 4.0, 3.0, 2.0]
    assert history.errors == [0.5] * 4
    assert history.min_n_trials == 3


def test_errors_can_be_skipped_and_default_to_the_terminators_choice() -> None:
    study = hpo.create_study()

    def objective(trial: hpo.Trial) -> float:
        scores = [1.0, 2.0, 3.0] if trial.number == 0 else [trial.number, trial.number + 1.0]
        report_cross_validation_scores(trial, scores)
        return sum(scores) / len(scores)

    study.optimize(objective, n_trials=3)
    history = improvement_history(study, BestValueStagnationEvaluator(2), compute_errors=False)
    assert history.errors is None
    assert improvement_history(study, BestValueStagnationEvaluator(2)).errors == [0.0] * 3


def test_empty_study_and_multi_objective() -> None:
    history = improvement_history(hpo.create_study(), BestValueStagnationEvaluator())
    assert history.trial_numbers == history.improvements == history.errors == []
    with pytest.raises(ValueError, match="single-objective"):
        improvement_history(
            hpo.create_study(directions=["minimize", "minimize"]), BestValueStagnationEvaluator()
        )
