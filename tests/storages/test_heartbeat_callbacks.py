"""Tests of RetryFailedTrialCallback on an in-memory study."""

from __future__ import annotations

import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.samplers import RandomSampler
from hpo.storages import InMemoryStorage, RetryFailedTrialCallback
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState


def _study() -> Study:
    return hpo.create_study(storage=InMemoryStorage(), sampler=RandomSampler(seed=0))


def _fail_next(study: Study, *, suggest: bool = True) -> FrozenTrial:
    """Run the next trial (a new or a waiting one) and fail it, as a dead worker would."""
    trial = study.ask()
    if suggest:
        trial.suggest_float("x", 0, 1)
        trial.suggest_categorical("c", ["a", "b"])
    trial.report(0.5, 0)
    trial.report(0.25, 2)
    trial.set_user_attr("u", "kept")
    return study.tell(trial, state=TrialState.FAIL)


def test_enqueues_waiting_trial_with_same_params() -> None:
    study = _study()
    failed = _fail_next(study)
    RetryFailedTrialCallback()(study, failed)
    trials = study.trials
    assert len(trials) == 2
    retry = trials[1]
    assert retry.state == TrialState.WAITING
    assert retry.params == failed.params
    assert retry.distributions == failed.distributions
    assert retry.user_attrs == {"u": "kept"}
    assert retry.system_attrs["failed_trial"] == 0
    assert retry.system_attrs["retry_history"] == [0]
    assert retry.intermediate_values == {}
    # The failed trial is left as it was.
    assert trials[0] == failed


def test_retry_runs_with_the_same_params() -> None:
    study = _study()
    failed = _fail_next(study)
    RetryFailedTrialCallback()(study, failed)

    def objective(trial: Trial) -> float:
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=1)
    retry = study.trials[1]
    assert retry.state == TrialState.COMPLETE
    assert retry.params["x"] == failed.params["x"]
    assert retry.value == failed.params["x"]
    assert RetryFailedTrialCallback.retried_trial_number(retry) == 0


def test_inherit_intermediate_values() -> None:
    study = _study()
    failed = _fail_next(study)
    RetryFailedTrialCallback(inherit_intermediate_values=True)(study, failed)
    assert study.trials[1].intermediate_values == {0: 0.5, 2: 0.25}


def test_fixed_params_of_an_enqueued_trial_are_kept() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.75, "never_asked": 3})
    failed = _fail_next(study)
    RetryFailedTrialCallback()(study, failed)
    retry = study.trials[1]
    assert retry.system_attrs["fixed_params"] == {"x": 0.75, "never_asked": 3}
    assert retry.params["x"] == 0.75


def test_retry_of_a_retry_keeps_history() -> None:
    study = _study()
    callback = RetryFailedTrialCallback()
    callback(study, _fail_next(study))
    second_failure = _fail_next(study, suggest=False)  # runs the waiting retry
    assert second_failure.number == 1
    callback(study, second_failure)
    third = study.trials[2]
    assert third.state == TrialState.WAITING
    assert third.system_attrs["failed_trial"] == 0
    assert third.system_attrs["retry_history"] == [0, 1]
    assert third.params == study.trials[0].params
    assert RetryFailedTrialCallback.retried_trial_number(third) == 0
    assert RetryFailedTrialCallback.retry_history(third) == [0, 1]


@pytest.mark.parametrize("max_retry", [0, 1, 2])
def test_max_retry_respected(max_retry: int) -> None:
    study = _study()
    callback = RetryFailedTrialCallback(max_retry=max_retry)
    failed = _fail_next(study)
    for _ in range(5):
        before = len(study.trials)
        callback(study, failed)
        if len(study.trials) == before:
            break
        failed = _fail_next(study, suggest=False)
    # The original trial plus max_retry retries, each of which failed in turn.
    assert len(study.trials) == 1 + max_retry
    assert all(t.state == TrialState.FAIL for t in study.trials)


def test_no_limit_by_default() -> None:
    study = _study()
    callback = RetryFailedTrialCallback()
    failed = _fail_next(study)
    for _ in range(4):
        callback(study, failed)
        failed = _fail_next(study, suggest=False)
    assert RetryFailedTrialCallback.retry_history(failed) == [0, 1, 2, 3]


@pytest.mark.parametrize("max_retry", [-1, -5])
def test_negative_max_retry(max_retry: int) -> None:
    with pytest.raises(ValueError, match=str(max_retry)):
        RetryFailedTrialCallback(max_retry=max_retry)


def test_static_methods_on_an_original_trial() -> None:
    study = _study()
    failed = _fail_next(study)
    assert RetryFailedTrialCallback.retried_trial_number(failed) is None
    assert RetryFailedTrialCallback.retry_history(failed) == []


def test_retry_history_is_a_copy() -> None:
    study = _study()
    RetryFailedTrialCallback()(study, _fail_next(study))
    retry = study.trials[1]
    RetryFailedTrialCallback.retry_history(retry).append(99)
    assert RetryFailedTrialCallback.retry_history(retry) == [0]


def test_trial_without_params() -> None:
    study = _study()
    failed = study.tell(study.ask(), state=TrialState.FAIL)
    RetryFailedTrialCallback()(study, failed)
    retry = study.trials[1]
    assert retry.state == TrialState.WAITING and retry.params == {}
    assert retry.distributions == {}


def test_retry_keeps_distribution_for_compatibility() -> None:
    study = _study()
    RetryFailedTrialCallback()(study, _fail_next(study))
    assert study.trials[1].distributions["x"] == FloatDistribution(0, 1)
