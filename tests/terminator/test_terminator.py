from __future__ import annotations

import pytest

import hpo
from hpo.study import StudyDirection
from hpo.terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
)
from hpo.trial import FrozenTrial, TrialState


class _Constant(BaseImprovementEvaluator):
    def __init__(self, value: float) -> None:
        self.value = value
        self.seen: list[int] = []

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        self.seen = [t.number for t in trials]
        return self.value


def _study_with(values: list[float | None], direction: str = "minimize") -> hpo.Study:
    study = hpo.create_study(direction=direction)
    for value in values:
        trial = study.ask()
        if value is None:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, value)
    return study


def test_stops_when_improvement_is_below_error() -> None:
    study = _study_with([1.0, 2.0, 3.0])
    assert Terminator(_Constant(0.5), StaticErrorEvaluator(1.0), min_n_trials=3).should_terminate(
        study
    )
    assert not Terminator(
        _Constant(1.0), StaticErrorEvaluator(1.0), min_n_trials=3
    ).should_terminate(study)
    assert not Terminator(
        _Constant(2.0), StaticErrorEvaluator(1.0), min_n_trials=3
    ).should_terminate(study)


def test_waits_for_min_n_trials_complete_trials_and_sees_only_those() -> None:
    improvement = _Constant(0.0)
    terminator = Terminator(improvement, StaticErrorEvaluator(1.0), min_n_trials=3)
    study = _study_with([1.0, None, 2.0])
    assert not terminator.should_terminate(study)
    study.tell(study.ask(), 3.0)
    assert terminator.should_terminate(study)
    assert improvement.seen == [0, 2, 3]


def test_stagnation_evaluator_is_paired_with_a_zero_error_by_default() -> None:
    terminator = Terminator(BestValueStagnationEvaluator(2), min_n_trials=1)
    assert isinstance(terminator._error_evaluator, StaticErrorEvaluator)
    assert terminator._error_evaluator.evaluate([], StudyDirection.MINIMIZE) == 0.0
    assert not terminator.should_terminate(_study_with([1.0, 1.0, 1.0]))
    assert terminator.should_terminate(_study_with([1.0, 1.0, 1.0, 1.0]))


def test_other_evaluators_are_paired_with_the_cross_validation_error() -> None:
    terminator = Terminator(_Constant(0.0), min_n_trials=1)
    assert isinstance(terminator._error_evaluator, CrossValidationErrorEvaluator)
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        terminator.should_terminate(_study_with([1.0]))


def test_direction_reaches_the_evaluators() -> None:
    # Values rise: a maximized study keeps improving, a minimized one stagnates from trial 0.
    values: list[float | None] = [1.0, 2.0, 3.0, 4.0]
    terminator = Terminator(BestValueStagnationEvaluator(2), min_n_trials=1)
    assert terminator.should_terminate(_study_with(values, "minimize"))
    assert not terminator.should_terminate(_study_with(values, "maximize"))


def test_multi_objective_study_is_refused() -> None:
    study = hpo.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match="single-objective"):
        Terminator(_Constant(0.0), StaticErrorEvaluator(0.0)).should_terminate(study)


class _NotAnEvaluator:
    pass


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_n_trials": 0}, ValueError, "min_n_trials"),
        ({"min_n_trials": -3}, ValueError, "min_n_trials"),
        ({"min_n_trials": 2.5}, TypeError, "min_n_trials"),
        ({"improvement_evaluator": _NotAnEvaluator()}, TypeError, "improvement_evaluator"),
        ({"error_evaluator": _NotAnEvaluator()}, TypeError, "error_evaluator"),
        ({"error_evaluator": _Constant(1.0)}, TypeError, "error_evaluator"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    kwargs.setdefault("improvement_evaluator", _Constant(1.0))
    with pytest.raises(error, match=match):
        Terminator(**kwargs)  # type: ignore[arg-type]


def test_base_classes_are_abstract() -> None:
    for base in (BaseImprovementEvaluator, BaseErrorEvaluator):
        with pytest.raises(TypeError):
            base()  # type: ignore[abstract]


def test_default_terminator_bounds_the_regret_against_the_cross_validation_error() -> None:
    terminator = Terminator()
    assert isinstance(terminator._improvement_evaluator, RegretBoundEvaluator)
    assert isinstance(terminator._error_evaluator, CrossValidationErrorEvaluator)
    assert terminator._min_n_trials == 20


def test_the_package_is_reachable_as_optuna_would_be() -> None:
    import hpo as optuna

    callback = optuna.terminator.TerminatorCallback()
    assert isinstance(callback._terminator, optuna.terminator.Terminator)
