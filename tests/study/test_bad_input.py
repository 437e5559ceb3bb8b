"""Bad input to Study, on every backend: a clear error, nothing half-written, a working study.

Each case checks the exception and that its message names the argument or parameter, then
that no trial is left RUNNING and three TPE trials still complete (``assert_study_healthy``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.distributions import FloatDistribution, IntDistribution
from hpo.samplers import BaseSampler, TPESampler
from hpo.storages import BaseStorage
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState, create_trial
from tests.bad_input_support import (
    assert_study_healthy,
    fails_with,
    good_objective,
    make_study,
)

# -- no trial stays RUNNING ---------------------------------------------------------------------


class _BadFloat:
    def __float__(self) -> float:
        raise ZeroDivisionError("no float here")


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        pytest.param(10**400, "OverflowError", id="int-beyond-float"),
        pytest.param(_BadFloat(), "ZeroDivisionError", id="float-raises"),
        pytest.param([1.0, _BadFloat()], "ZeroDivisionError", id="in-a-sequence"),
    ],
)
def test_unconvertible_objective_value_fails_the_trial(
    storage: BaseStorage, returned: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    study = make_study(storage)
    with caplog.at_level(logging.WARNING, logger="hpo"):
        study.optimize(lambda t: returned, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.FAIL
    assert "could not be converted to float" in trial.system_attrs["fail_reason"]
    assert reason in trial.system_attrs["fail_reason"]
    assert any("could not be converted" in r.getMessage() for r in caplog.records)
    assert_study_healthy(study)


def test_tell_with_unconvertible_value_fails_the_trial(storage: BaseStorage) -> None:
    study = make_study(storage)
    trial = study.ask()
    frozen = study.tell(trial, 10**400)
    assert frozen.state == TrialState.FAIL
    assert "OverflowError" in frozen.system_attrs["fail_reason"]
    assert_study_healthy(study)


def test_ask_with_a_non_distribution_creates_nothing(local_storage: BaseStorage) -> None:
    study = make_study(local_storage)
    with pytest.raises(TypeError, match=r"fixed_distributions\['x'\].*'str' \(str\)"):
        study.ask(fixed_distributions={"x": "str"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="fixed_distributions must be a dict"):
        study.ask(fixed_distributions=[FloatDistribution(0, 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameter name must be a str"):
        study.ask(fixed_distributions={1: FloatDistribution(0, 1)})  # type: ignore[dict-item]
    assert study.trials == []
    assert_study_healthy(study)


def test_ask_fails_the_trial_when_a_fixed_distribution_does_not_fit(storage: BaseStorage) -> None:
    study = make_study(storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(ValueError, match="Cannot use IntDistribution"):
        study.ask(fixed_distributions={"x": IntDistribution(0, 1)})
    trial = study.trials[-1]
    assert trial.state == TrialState.FAIL
    assert "IntDistribution" in trial.system_attrs["fail_reason"]
    assert_study_healthy(study)


class _BrokenBeforeTrial(TPESampler):
    def __init__(self) -> None:
        super().__init__(seed=0, n_startup_trials=2)
        self.broken = True
        self.after_trial_calls = 0

    def before_trial(self, study: Any, trial: FrozenTrial) -> None:
        if self.broken:
            raise RuntimeError("before_trial broke")
        super().before_trial(study, trial)

    def after_trial(self, *args: Any) -> None:
        self.after_trial_calls += 1
        super().after_trial(*args)


def test_sampler_before_trial_error_fails_the_trial(storage: BaseStorage) -> None:
    sampler = _BrokenBeforeTrial()
    study = make_study(storage, sampler=sampler)
    with pytest.raises(RuntimeError, match="before_trial broke"):
        study.ask()
    with pytest.raises(RuntimeError, match="before_trial broke"):
        study.optimize(good_objective, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 2
    assert all("before_trial broke" in t.system_attrs["fail_reason"] for t in study.trials)
    # The sampler never started those trials, so it is not told they ended.
    assert sampler.after_trial_calls == 0
    sampler.broken = False
    assert_study_healthy(study)


def test_add_running_trial_is_refused(storage: BaseStorage) -> None:
    study = make_study(storage)
    with pytest.raises(ValueError, match="RUNNING"):
        study.add_trial(create_trial(state=TrialState.RUNNING))
    assert study.trials == []
    assert_study_healthy(study)


# -- enqueued values that the distribution does not hold ----------------------------------------


def _log_objective(trial: Trial) -> float:
    return math.log(trial.suggest_float("x", 1e-3, 1.0, log=True)) ** 2


@pytest.mark.parametrize(
    ("value", "error", "pattern"),
    [
        pytest.param(-1.0, ValueError, r"'x'=-1\.0 is outside", id="negative-for-log"),
        pytest.param(5.0, ValueError, r"'x'=5\.0 is outside", id="above-high"),
        pytest.param(math.nan, ValueError, r"'x'=nan.*NaN", id="nan"),
        pytest.param(math.inf, ValueError, r"'x'=inf is outside", id="inf"),
        pytest.param("0.5", TypeError, r"'x'='0\.5'.*\(str\)", id="str"),
        pytest.param(True, TypeError, r"'x'=True.*\(bool\)", id="bool"),
        pytest.param(None, TypeError, r"'x'=None", id="none"),
    ],
)
def test_enqueued_value_outside_the_distribution_never_reaches_the_sampler(
    storage: BaseStorage, value: Any, error: type[Exception], pattern: str
) -> None:
    study = make_study(storage)
    study.optimize(_log_objective, n_trials=2)
    study.enqueue_trial({"x": value})
    failed = fails_with(study, _log_objective, error, pattern)
    assert failed.params == {}
    # The next trials use the TPE model of x, which must hold only valid values.
    assert_study_healthy(study, _log_objective)
    assert all(1e-3 <= t.params["x"] <= 1.0 for t in study.trials if t.params)


def test_enqueued_value_off_the_grid_or_not_a_choice(storage: BaseStorage) -> None:
    study = make_study(storage)
    study.enqueue_trial({"s": 0.3})
    failed = fails_with(
        study, lambda t: t.suggest_float("s", 0.0, 1.0, step=0.25), ValueError, r"'s'=0\.3"
    )
    assert failed.params == {}
    study.enqueue_trial({"c": "z"})
    fails_with(study, lambda t: t.suggest_categorical("c", ["a", "b"]), ValueError, "'z'")
    assert_study_healthy(study)


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        pytest.param(None, r"params must be a dict.*None", id="none"),
        pytest.param([("x", 1.0)], r"params must be a dict", id="list"),
        pytest.param({1: 1.0}, r"name must be a str, got 1", id="int-name"),
        pytest.param({"x": [1.0]}, r"params\['x'\].*\[1\.0\] \(list\)", id="list-value"),
        pytest.param({"x": (1, 2)}, r"params\['x'\].*\(tuple\)", id="tuple-value"),
        pytest.param({"x": {"a": 1}}, r"params\['x'\].*\(dict\)", id="dict-value"),
        pytest.param({"x": 1j}, r"params\['x'\].*\(complex\)", id="complex-value"),
    ],
)
def test_enqueue_with_bad_params_writes_nothing(
    local_storage: BaseStorage, params: Any, pattern: str
) -> None:
    study = make_study(local_storage)
    with pytest.raises(TypeError, match=pattern):
        study.enqueue_trial(params)
    assert study.trials == []
    with pytest.raises(TypeError, match="user_attrs"):
        study.enqueue_trial({"x": 1.0}, user_attrs={1: "a"})  # type: ignore[dict-item]
    assert study.trials == []
    assert_study_healthy(study)


# -- add_trial ------------------------------------------------------------------------------------


def _frozen(**changes: Any) -> FrozenTrial:
    trial = create_trial(value=1.0)
    for name, value in changes.items():
        setattr(trial, name, value)
    return trial


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        pytest.param(lambda: None, TypeError, r"FrozenTrial.*None \(NoneType\)", id="none"),
        pytest.param(lambda: {"value": 1.0}, TypeError, r"FrozenTrial.*\(dict\)", id="dict"),
        pytest.param(
            lambda: _frozen(state="COMPLETE"),
            TypeError,
            r"state must be a TrialState.*'COMPLETE'",
            id="state-str",
        ),
        pytest.param(
            lambda: create_trial(state=TrialState.FAIL, values=[1.0]),
            ValueError,
            r"FAIL trial cannot have values",
            id="fail-with-values",
        ),
        pytest.param(
            lambda: _frozen(state=TrialState.WAITING, datetime_start=None, datetime_complete=None),
            ValueError,
            r"WAITING trial cannot have values",
            id="waiting-with-values",
        ),
        pytest.param(
            lambda: _frozen(intermediate_values={"a": 1.0}),
            TypeError,
            r"step 'a' \(str\)",
            id="step-str",
        ),
        pytest.param(
            lambda: _frozen(intermediate_values={1.5: 1.0}),
            TypeError,
            r"step 1.5 \(float\)",
            id="step-float",
        ),
        pytest.param(
            lambda: _frozen(intermediate_values={-1: 1.0}),
            ValueError,
            r"\[-1\].*step=-1",
            id="step-negative",
        ),
        pytest.param(
            lambda: _frozen(intermediate_values={2**70: 1.0}),
            ValueError,
            r"step=11805",
            id="step-too-large",
        ),
        pytest.param(
            lambda: _frozen(intermediate_values={0: "a"}),
            TypeError,
            r"\[0\].*value.*'a'",
            id="intermediate-value-str",
        ),
        pytest.param(lambda: _frozen(value="1.0"), TypeError, r"'1.0' \(str\)", id="value-str"),
        pytest.param(lambda: _frozen(value=10**400), ValueError, r"too large", id="value-huge"),
        pytest.param(
            lambda: _frozen(params={1: 0.5}, distributions={1: FloatDistribution(0, 1)}),
            TypeError,
            r"name must be a str, got 1",
            id="param-name-int",
        ),
        pytest.param(
            lambda: _frozen(params={"x": 0.5}, distributions={"x": "float"}),
            TypeError,
            r"distribution of 'x'.*'float'",
            id="distribution-str",
        ),
        pytest.param(
            lambda: _frozen(params={"x": "0.5"}, distributions={"x": FloatDistribution(0, 1)}),
            TypeError,
            r"'x'='0.5'",
            id="param-value-str",
        ),
        pytest.param(
            lambda: create_trial(values=[1.0, 2.0]),
            ValueError,
            r"2 value\(s\).*1 objective",
            id="too-many-values",
        ),
    ],
)
def test_add_bad_trial_writes_nothing(
    storage: BaseStorage, make: Callable[[], Any], error: type[Exception], pattern: str
) -> None:
    study = make_study(storage)
    with pytest.raises(error, match=pattern):
        study.add_trial(make())
    with pytest.raises(error, match=pattern):
        study.add_trials([create_trial(value=0.0), make()])
    assert study.trials == []
    assert_study_healthy(study)


# -- bad arguments of tell, optimize, get_trials, create_study ----------------------------------


def test_tell_with_a_string_state(storage: BaseStorage) -> None:
    study = make_study(storage)
    trial = study.ask()
    with pytest.raises(TypeError, match=r"state must be a TrialState.*'COMPLETE' \(str\)"):
        study.tell(trial, 1.0, state="COMPLETE")  # type: ignore[arg-type]
    # Nothing was recorded: the caller can still tell the trial properly.
    assert study.trials[0].state == TrialState.RUNNING
    study.tell(trial, 1.0, state=TrialState.COMPLETE)
    assert_study_healthy(study)


def _some_callback(study: Study, trial: FrozenTrial) -> None:
    pass


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        pytest.param({"func": None}, TypeError, r"func must be a callable.*None", id="func-none"),
        pytest.param({"n_trials": "3"}, TypeError, r"n_trials.*'3' \(str\)", id="n_trials-str"),
        pytest.param(
            {"n_trials": 2.0}, TypeError, r"n_trials.*2\.0 \(float\)", id="n_trials-float"
        ),
        pytest.param({"n_trials": -1}, ValueError, r"n_trials=-1", id="n_trials-negative"),
        pytest.param({"timeout": "1"}, TypeError, r"timeout.*'1' \(str\)", id="timeout-str"),
        pytest.param({"timeout": math.nan}, ValueError, r"timeout=nan", id="timeout-nan"),
        pytest.param({"timeout": 0}, ValueError, r"timeout=0", id="timeout-zero"),
        pytest.param({"callbacks": [None]}, TypeError, r"callbacks.*None", id="callbacks-none"),
        pytest.param(
            {"callbacks": _some_callback},
            TypeError,
            r"callbacks must be a list.*function",
            id="callbacks-function",
        ),
        pytest.param(
            {"catch": ValueError()},
            TypeError,
            r"catch must be an exception type.*ValueError\(\)",
            id="catch-instance",
        ),
        pytest.param(
            {"catch": [1]}, TypeError, r"catch must hold exception types.*1", id="catch-int"
        ),
        pytest.param({"n_jobs": "2"}, ValueError, r"n_jobs='2'", id="n_jobs-str"),
    ],
)
def test_optimize_with_bad_arguments_starts_no_trial(
    local_storage: BaseStorage, kwargs: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    study = make_study(local_storage)
    arguments: dict[str, Any] = {"func": good_objective, "n_trials": 1, **kwargs}
    func = arguments.pop("func")
    with pytest.raises(error, match=pattern):
        study.optimize(func, **arguments)
    assert study.trials == []
    assert_study_healthy(study)


@pytest.mark.parametrize("states", ["COMPLETE", TrialState.COMPLETE, ["COMPLETE"], 1])
def test_get_trials_with_bad_states(local_storage: BaseStorage, states: Any) -> None:
    study = make_study(local_storage)
    with pytest.raises(TypeError, match="states"):
        study.get_trials(states=states)
    assert_study_healthy(study)
    assert len(study.get_trials(states=[TrialState.COMPLETE])) == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        pytest.param(
            {"sampler": "tpe"}, TypeError, r"sampler must be.*'tpe' \(str\)", id="sampler"
        ),
        pytest.param({"sampler": TPESampler}, TypeError, r"sampler must be", id="sampler-class"),
        pytest.param({"pruner": 123}, TypeError, r"pruner must be.*123 \(int\)", id="pruner"),
        pytest.param(
            {"study_name": 123}, TypeError, r"study_name must be.*123 \(int\)", id="name"
        ),
        pytest.param({"direction": "max"}, ValueError, r"direction='max'", id="direction"),
        pytest.param({"directions": "minimize"}, ValueError, r"directions", id="directions"),
    ],
)
def test_create_study_with_bad_arguments_creates_nothing(
    local_storage: BaseStorage, kwargs: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        hpo.create_study(storage=local_storage, **kwargs)
    assert local_storage.get_all_studies() == []
    with pytest.raises(error, match=pattern):
        hpo.create_study(
            storage=local_storage, **{"study_name": "s", "load_if_exists": True, **kwargs}
        )
    assert local_storage.get_all_studies() == []


@pytest.mark.parametrize(
    "kwargs", [{"sampler": "tpe"}, {"pruner": 123}, {"study_name": 123}, {"direction": "max"}]
)
def test_create_study_with_bad_arguments_creates_no_database(
    tmp_path: Path, kwargs: dict[str, Any]
) -> None:
    path = tmp_path / "never.db"
    with pytest.raises((TypeError, ValueError)):
        hpo.create_study(storage=f"sqlite:///{path}", **kwargs)
    assert not path.exists()


def test_load_study_with_bad_sampler_or_pruner(local_storage: BaseStorage) -> None:
    make_study(local_storage, study_name="s")
    with pytest.raises(TypeError, match="sampler"):
        hpo.load_study(study_name="s", storage=local_storage, sampler="tpe")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pruner"):
        hpo.load_study(study_name="s", storage=local_storage, pruner=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="study_name"):
        hpo.load_study(study_name=123, storage=local_storage)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "parameter"), [("timeout=abc", "timeout"), ("check_same_thread=maybe", "check")]
)
def test_sqlite_url_with_a_bad_query_parameter(tmp_path: Path, query: str, parameter: str) -> None:
    path = tmp_path / "never.db"
    with pytest.raises(ValueError, match=rf"query parameter.*{parameter}"):
        hpo.create_study(storage=f"sqlite:///{path}?{query}")
    assert not path.exists()


def test_sampler_type_check_accepts_subclasses() -> None:
    class Mine(BaseSampler):
        def infer_relative_search_space(self, study: Any, trial: Any) -> dict[str, Any]:
            return {}

        def sample_relative(self, study: Any, trial: Any, search_space: Any) -> dict[str, Any]:
            return {}

        def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
            return 0.5

    study = hpo.create_study(sampler=Mine())
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].params == {"x": 0.5}
