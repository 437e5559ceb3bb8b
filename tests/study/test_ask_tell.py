"""Tests of the ask-and-tell interface and of enqueued trials."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import UpdateFinishedTrialError
from hpo.samplers import RandomSampler
from hpo.study import Study
from hpo.trial import Trial, TrialState


def _study(**kwargs: Any) -> Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return hpo.create_study(**kwargs)


# -- ask ------------------------------------------------------------------------------------


def test_ask_returns_running_trials_with_consecutive_numbers() -> None:
    study = _study()
    trials = [study.ask() for _ in range(3)]
    assert all(isinstance(t, Trial) for t in trials)
    assert [t.number for t in trials] == [0, 1, 2]
    assert [t.state for t in study.trials] == [TrialState.RUNNING] * 3


def test_ask_fixed_distributions() -> None:
    study = _study()
    distributions = {
        "x": FloatDistribution(0, 1),
        "n": IntDistribution(1, 5),
        "c": CategoricalDistribution(["a", "b"]),
    }
    trial = study.ask(fixed_distributions=distributions)
    assert set(trial.params) == {"x", "n", "c"}
    assert 0 <= trial.params["x"] <= 1
    assert trial.params["n"] in range(1, 6)
    assert trial.params["c"] in ("a", "b")
    assert trial.distributions == distributions
    assert study.trials[0].params == trial.params
    # Suggesting again inside the objective returns the same values.
    assert trial.suggest_float("x", 0, 1) == trial.params["x"]


def test_ask_fixed_distributions_incompatible_with_study() -> None:
    study = _study()
    first = study.ask()
    first.suggest_float("x", 0, 1)
    with pytest.raises(ValueError):
        study.ask(fixed_distributions={"x": IntDistribution(0, 1)})


# -- tell -----------------------------------------------------------------------------------


def test_tell_with_trial_object() -> None:
    study = _study()
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    frozen = study.tell(trial, x * 2)
    assert frozen.state == TrialState.COMPLETE
    assert frozen.value == pytest.approx(x * 2)
    assert frozen.datetime_complete is not None
    assert study.trials[0].value == pytest.approx(x * 2)


def test_tell_with_trial_number() -> None:
    study = _study()
    study.ask()
    second = study.ask()
    study.tell(1, 3.0)
    assert study.trials[1].value == 3.0
    assert study.trials[0].state == TrialState.RUNNING
    assert second.number == 1


def test_tell_multi_objective() -> None:
    study = _study(directions=["minimize", "maximize"])
    trial = study.ask()
    frozen = study.tell(trial, [1.0, 2.0])
    assert frozen.values == [1.0, 2.0]


def test_tell_values_as_tuple() -> None:
    study = _study(directions=["minimize", "maximize"])
    study.tell(study.ask(), (1.0, 2.0))
    assert study.trials[0].values == [1.0, 2.0]


def test_tell_pruned_takes_last_intermediate_value() -> None:
    study = _study()
    trial = study.ask()
    trial.report(5.0, 1)
    trial.report(4.0, 3)
    frozen = study.tell(trial, state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED
    assert frozen.value == 4.0


def test_tell_pruned_without_reports() -> None:
    study = _study()
    frozen = study.tell(study.ask(), state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED
    assert frozen.value is None


def test_tell_fail() -> None:
    study = _study()
    frozen = study.tell(study.ask(), state=TrialState.FAIL)
    assert frozen.state == TrialState.FAIL
    assert frozen.value is None


@pytest.mark.parametrize("state", [TrialState.PRUNED, TrialState.FAIL])
def test_values_with_pruned_or_fail_raise(state: TrialState) -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError):
        study.tell(trial, 1.0, state=state)
    assert study.trials[0].state == TrialState.RUNNING


def test_complete_without_values_raises() -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError):
        study.tell(trial, state=TrialState.COMPLETE)
    assert study.trials[0].state == TrialState.RUNNING


@pytest.mark.parametrize("values", [float("nan"), [1.0, 2.0], "abc"])
def test_complete_with_invalid_values_raises(values: Any) -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError):
        study.tell(trial, values, state=TrialState.COMPLETE)
    assert study.trials[0].state == TrialState.RUNNING
    # The trial can still be told properly.
    assert study.tell(trial, 1.0).state == TrialState.COMPLETE


@pytest.mark.parametrize(
    ("values", "part"), [(None, "none"), (float("nan"), "nan"), ([1.0, 2.0], "2 value")]
)
def test_invalid_values_without_state_fail_the_trial(
    caplog: pytest.LogCaptureFixture, values: Any, part: str
) -> None:
    study = _study()
    trial = study.ask()
    with caplog.at_level(logging.WARNING):
        frozen = study.tell(trial, values)
    assert frozen.state == TrialState.FAIL
    assert part in frozen.system_attrs["fail_reason"].lower()
    assert any(part in r.getMessage().lower() for r in caplog.records)


def test_tell_twice_raises() -> None:
    study = _study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(UpdateFinishedTrialError):
        study.tell(trial, 2.0)
    with pytest.raises(UpdateFinishedTrialError):
        study.tell(0, 2.0)
    assert study.trials[0].value == 1.0


def test_skip_if_finished() -> None:
    study = _study()
    trial = study.ask()
    study.tell(trial, 1.0)
    frozen = study.tell(trial, 2.0, skip_if_finished=True)
    assert frozen.state == TrialState.COMPLETE
    assert frozen.value == 1.0
    assert study.tell(0, state=TrialState.FAIL, skip_if_finished=True).value == 1.0
    assert study.trials[0].value == 1.0


@pytest.mark.parametrize("number", [1, 100, -1])
def test_unknown_trial_number(number: int) -> None:
    study = _study()
    study.ask()
    with pytest.raises(ValueError, match=str(number)):
        study.tell(number, 1.0)


@pytest.mark.parametrize("state", [TrialState.RUNNING, TrialState.WAITING])
def test_tell_unfinished_state_raises(state: TrialState) -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError):
        study.tell(trial, 1.0, state=state)
    assert study.trials[0].state == TrialState.RUNNING


def test_tell_trial_of_another_study() -> None:
    study = _study()
    other = _study()
    trial = other.ask()
    with pytest.raises(ValueError):
        study.tell(trial, 1.0)
    assert other.trials[0].state == TrialState.RUNNING


def test_tell_calls_sampler_after_trial() -> None:
    calls: list[tuple[int, TrialState, Any]] = []

    class Recorder(RandomSampler):
        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            calls.append((trial.number, state, values))

    study = _study(sampler=Recorder(seed=0))
    study.tell(study.ask(), 1.5)
    study.tell(study.ask(), state=TrialState.FAIL)
    assert calls == [(0, TrialState.COMPLETE, [1.5]), (1, TrialState.FAIL, None)]


def test_ask_tell_loop_matches_optimize_results() -> None:
    study = _study()
    for _ in range(5):
        trial = study.ask()
        x = trial.suggest_float("x", -1, 1)
        study.tell(trial, x**2)
    assert len(study.trials) == 5
    assert study.best_value == min(t.value for t in study.trials)


# -- enqueue_trial --------------------------------------------------------------------------


def test_enqueued_params_used_by_next_trial() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.125, "c": "b", "n": 4})
    assert study.trials[0].state == TrialState.WAITING
    trial = study.ask()
    assert trial.number == 0
    assert trial.suggest_float("x", 0, 1) == 0.125
    assert trial.suggest_categorical("c", ["a", "b"]) == "b"
    assert trial.suggest_int("n", 0, 10) == 4
    study.tell(trial, 1.0)
    assert study.trials[0].params == {"x": 0.125, "c": "b", "n": 4}
    assert study.trials[0].system_attrs["fixed_params"] == {"x": 0.125, "c": "b", "n": 4}


def test_enqueued_trials_run_in_order_by_optimize() -> None:
    study = _study()
    for x in (0.1, 0.2, 0.3):
        study.enqueue_trial({"x": x})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    xs = [t.params["x"] for t in study.trials]
    assert xs[:3] == [0.1, 0.2, 0.3]
    assert len(xs) == 4
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_partial_params_sample_the_rest() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5})
    trial = study.ask()
    assert trial.suggest_float("x", 0, 1) == 0.5
    y = trial.suggest_float("y", 10, 20)
    assert 10 <= y <= 20


def test_enqueue_with_user_attrs() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5}, user_attrs={"source": "manual"})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].user_attrs == {"source": "manual"}


def test_skip_if_exists_for_waiting_trial() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)
    study.enqueue_trial({"x": 0.25}, skip_if_exists=True)
    assert len(study.trials) == 2


def test_skip_if_exists_for_finished_trial() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)
    assert len(study.trials) == 1


def test_without_skip_if_exists_duplicates_are_enqueued() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5})
    study.enqueue_trial({"x": 0.5})
    assert [t.state for t in study.trials] == [TrialState.WAITING] * 2


def test_out_of_range_fixed_value_raises_and_is_not_recorded() -> None:
    study = _study()
    study.enqueue_trial({"x": 5.0})
    trial = study.ask()
    with pytest.raises(ValueError, match=r"'x'=5\.0 is outside"):
        trial.suggest_float("x", 0, 1)
    assert trial.params == {}
    assert study.trials[0].params == {}


def test_in_range_fixed_value_does_not_warn() -> None:
    study = _study()
    study.enqueue_trial({"x": 0.5})
    trial = study.ask()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trial.suggest_float("x", 0, 1)


def test_fixed_value_not_among_choices_raises() -> None:
    study = _study()
    study.enqueue_trial({"c": "z"})
    trial = study.ask()
    with pytest.raises(ValueError, match="'z'"):
        trial.suggest_categorical("c", ["a", "b"])


def test_enqueue_params_must_be_a_dict() -> None:
    study = _study()
    with pytest.raises(TypeError):
        study.enqueue_trial([("x", 1.0)])  # type: ignore[arg-type]
    assert study.trials == []


def test_enqueued_params_are_copied() -> None:
    study = _study()
    params = {"x": 0.5}
    study.enqueue_trial(params)
    params["x"] = 0.9
    trial = study.ask()
    assert trial.suggest_float("x", 0, 1) == 0.5


class _Boom(Exception):
    pass


def test_trial_recorded_even_if_after_trial_hook_fails() -> None:
    class Broken(RandomSampler):
        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            raise _Boom("hook")

    study = _study(sampler=Broken(seed=0))
    trial = study.ask()
    with pytest.raises(_Boom):
        study.tell(trial, 2.0)
    stored = study.trials[0]
    assert stored.state == TrialState.COMPLETE
    assert stored.value == 2.0


def test_ask_calls_sampler_before_trial() -> None:
    started: list[tuple[int, TrialState]] = []

    class Recorder(RandomSampler):
        def before_trial(self, study: Any, trial: Any) -> None:
            started.append((trial.number, trial.state))

    study = _study(sampler=Recorder(seed=0))
    study.enqueue_trial({"x": 0.5})
    study.ask()
    study.ask()
    assert started == [(0, TrialState.RUNNING), (1, TrialState.RUNNING)]


def test_ask_takes_waiting_trials_first_in_order() -> None:
    study = _study()
    study.ask()
    study.enqueue_trial({"x": 0.1})
    study.enqueue_trial({"x": 0.2})
    first, second, third = study.ask(), study.ask(), study.ask()
    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert first.suggest_float("x", 0, 1) == 0.1
    assert second.suggest_float("x", 0, 1) == 0.2
    assert [t.state for t in study.trials] == [TrialState.RUNNING] * 4
