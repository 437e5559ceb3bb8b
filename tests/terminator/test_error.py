from __future__ import annotations

import math

import numpy as np
import pytest

import hpo
from hpo.study import StudyDirection
from hpo.terminator import (
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from hpo.terminator._error import CV_SCORES_KEY, cross_validation_error
from hpo.trial import FixedTrial
from tests.terminator.helpers import trials_from_values

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def test_cross_validation_error_formula() -> None:
    # Five folds: variance 2 (divided by k), scaled by 1/5 + 1/4.
    assert cross_validation_error([1.0, 2.0, 3.0, 4.0, 5.0]) == pytest.approx(math.sqrt(0.9))
    # Three folds: variance 1/6, scaled by 1/3 + 1/2.
    assert cross_validation_error([0.5, 1.0, 1.5]) == pytest.approx(math.sqrt(5 / 36))
    assert cross_validation_error([2.0, 2.0]) == 0.0


def test_cross_validation_error_needs_two_scores() -> None:
    with pytest.raises(ValueError, match="two"):
        cross_validation_error([1.0])


def test_the_best_trial_gives_the_error_in_either_direction() -> None:
    trials = trials_from_values(
        [3.0, 1.0, 2.0], cv_scores={0: [1.0, 2.0, 3.0, 4.0, 5.0], 1: [0.5, 1.0, 1.5]}
    )
    evaluator = CrossValidationErrorEvaluator()
    assert evaluator.evaluate(trials, MIN) == pytest.approx(math.sqrt(5 / 36))
    assert evaluator.evaluate(trials, MAX) == pytest.approx(math.sqrt(0.9))


def test_missing_scores_on_the_best_trial_is_a_clear_error() -> None:
    trials = trials_from_values([3.0, 1.0], cv_scores={0: [1.0, 2.0]})
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        CrossValidationErrorEvaluator().evaluate(trials, MIN)
    assert CrossValidationErrorEvaluator().evaluate(trials, MAX) == pytest.approx(
        math.sqrt(0.25 * 1.5)
    )


def test_no_complete_trial_is_an_error() -> None:
    with pytest.raises(ValueError, match="COMPLETE"):
        CrossValidationErrorEvaluator().evaluate(trials_from_values([None]), MIN)


def test_static_error_is_constant() -> None:
    evaluator = StaticErrorEvaluator(0.25)
    assert evaluator.evaluate(trials_from_values([1.0, 2.0]), MIN) == 0.25
    assert evaluator.evaluate([], MAX) == 0.25
    with pytest.raises(TypeError, match="constant"):
        StaticErrorEvaluator("0.1")  # type: ignore[arg-type]


def test_report_stores_a_json_list_readable_by_the_evaluator() -> None:
    study = hpo.create_study(direction="maximize")

    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        scores = np.array([x, x + 0.1, x + 0.2])
        report_cross_validation_scores(trial, scores)
        return float(scores.mean())

    study.optimize(objective, n_trials=3)
    stored = study.trials[0].system_attrs[CV_SCORES_KEY]
    assert type(stored) is list and all(type(s) is float for s in stored)
    error = CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    assert error == pytest.approx(math.sqrt(np.var([0.0, 0.1, 0.2]) * (1 / 3 + 1 / 2)))


@pytest.mark.parametrize(
    ("scores", "error", "match"),
    [
        ([1.0], ValueError, "two"),
        ([], ValueError, "two"),
        ([1.0, float("nan")], ValueError, "finite"),
        ("12", TypeError, "sequence"),
        (1.0, TypeError, "sequence"),
        ([[1.0, 2.0]], TypeError, "one-dimensional"),
        (["a", "b"], TypeError, "numbers"),
        ([True, False], TypeError, "numbers"),
    ],
)
def test_report_refuses_bad_scores(scores: object, error: type[Exception], match: str) -> None:
    trial = hpo.create_study().ask()
    with pytest.raises(error, match=match):
        report_cross_validation_scores(trial, scores)  # type: ignore[arg-type]
    assert CV_SCORES_KEY not in trial.system_attrs


def test_report_refuses_an_object_that_is_not_a_trial() -> None:
    with pytest.raises(TypeError, match="Trial"):
        report_cross_validation_scores(object(), [1.0, 2.0])


def test_report_accepts_a_fixed_trial() -> None:
    report_cross_validation_scores(FixedTrial({}), [1.0, 2.0])
