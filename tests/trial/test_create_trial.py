"""Tests of create_trial: building validated trial records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.trial import FrozenTrial, TrialState, create_trial


def test_complete_trial() -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    t = create_trial(
        value=0.5,
        params={"x": 0.25, "c": "a"},
        distributions={"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a", "b"])},
        user_attrs={"u": 1},
        system_attrs={"s": 2},
        intermediate_values={0: 1.0, 1: 0.75},
    )
    after = datetime.datetime.now(datetime.timezone.utc)
    assert isinstance(t, FrozenTrial)
    assert t.state == TrialState.COMPLETE
    assert t.value == 0.5 and t.values == [0.5]
    assert t.params == {"x": 0.25, "c": "a"}
    assert t.user_attrs == {"u": 1} and t.system_attrs == {"s": 2}
    assert t.intermediate_values == {0: 1.0, 1: 0.75}
    assert t.number == -1
    assert t.datetime_start is not None and t.datetime_complete is not None
    assert before <= t.datetime_start <= t.datetime_complete <= after


def test_multi_objective_values() -> None:
    t = create_trial(values=[1.0, 2.0])
    assert t.values == [1.0, 2.0]


@pytest.mark.parametrize("state", [TrialState.PRUNED, TrialState.FAIL])
def test_finished_without_value(state: TrialState) -> None:
    t = create_trial(state=state)
    assert t.state == state
    assert t.value is None
    assert t.datetime_start is not None and t.datetime_complete is not None


def test_waiting_has_no_times() -> None:
    t = create_trial(state=TrialState.WAITING)
    assert t.datetime_start is None and t.datetime_complete is None


def test_running_has_start_only() -> None:
    t = create_trial(state=TrialState.RUNNING)
    assert t.datetime_start is not None and t.datetime_complete is None


def test_inputs_are_copied() -> None:
    params = {"x": 0.5}
    distributions: dict[str, Any] = {"x": FloatDistribution(0, 1)}
    user_attrs: dict[str, Any] = {"u": 1}
    t = create_trial(value=1.0, params=params, distributions=distributions, user_attrs=user_attrs)
    params["x"] = 0.9
    user_attrs["v"] = 2
    assert t.params == {"x": 0.5}
    assert t.user_attrs == {"u": 1}


def test_value_and_values_together() -> None:
    with pytest.raises(ValueError):
        create_trial(value=1.0, values=[1.0])


def test_complete_without_value() -> None:
    with pytest.raises(ValueError, match="COMPLETE"):
        create_trial(state=TrialState.COMPLETE)


@pytest.mark.parametrize("kwargs", [{"value": float("nan")}, {"values": [0.0, float("nan")]}])
def test_nan_value(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="NaN"):
        create_trial(**kwargs)


def test_params_without_distribution() -> None:
    with pytest.raises(ValueError, match="'x'"):
        create_trial(value=1.0, params={"x": 0.5}, distributions={})


def test_distribution_without_param() -> None:
    with pytest.raises(ValueError, match="'y'"):
        create_trial(value=1.0, params={}, distributions={"y": FloatDistribution(0, 1)})


@pytest.mark.parametrize(
    ("value", "dist"),
    [
        (2.0, FloatDistribution(0, 1)),
        (0.3, FloatDistribution(0, 1, step=0.25)),
        (11, IntDistribution(0, 10)),
        (3, IntDistribution(0, 10, step=2)),
        ("z", CategoricalDistribution(["a", "b"])),
    ],
)
def test_param_outside_distribution(value: Any, dist: Any) -> None:
    with pytest.raises(ValueError):
        create_trial(value=1.0, params={"p": value}, distributions={"p": dist})


def test_param_outside_distribution_is_named() -> None:
    with pytest.raises(ValueError, match=r"'p'.*2\.0"):
        create_trial(value=1.0, params={"p": 2.0}, distributions={"p": FloatDistribution(0, 1)})


def test_state_must_be_a_trial_state() -> None:
    with pytest.raises(TypeError, match=r"state must be a TrialState.*'COMPLETE' \(str\)"):
        create_trial(state="COMPLETE", value=1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("state", [TrialState.FAIL, TrialState.WAITING, TrialState.RUNNING])
def test_values_only_on_complete_and_pruned_trials(state: TrialState) -> None:
    with pytest.raises(ValueError, match=rf"A {state.name} trial cannot have values"):
        create_trial(state=state, value=1.0)


def test_pruned_trial_may_have_a_value() -> None:
    assert create_trial(state=TrialState.PRUNED, value=0.5).value == 0.5


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"value": "1"}, TypeError, r"'1' \(str\)"),
        ({"value": None, "values": 1.0}, TypeError, r"values must be a sequence"),
        ({"values": [1.0, None]}, TypeError, r"None \(NoneType\)"),
        ({"value": 10**400}, ValueError, "too large"),
        ({"value": 1.0, "intermediate_values": {"a": 1.0}}, TypeError, r"step 'a' \(str\)"),
        ({"value": 1.0, "intermediate_values": {True: 1.0}}, TypeError, r"step True \(bool\)"),
        ({"value": 1.0, "intermediate_values": {-1: 1.0}}, ValueError, r"step=-1"),
        ({"value": 1.0, "intermediate_values": {2**63: 1.0}}, ValueError, r"step=9223372036"),
        ({"value": 1.0, "intermediate_values": {0: "a"}}, TypeError, r"\[0\].*'a'"),
        ({"value": 1.0, "user_attrs": {1: "a"}}, TypeError, r"user_attrs keys must be str"),
        ({"value": 1.0, "system_attrs": {None: "a"}}, TypeError, r"system_attrs keys"),
        (
            {"value": 1.0, "params": {"x": 0.5}, "distributions": {"x": (0, 1)}},
            TypeError,
            r"distribution of 'x'",
        ),
    ],
)
def test_fields_of_the_wrong_type(kwargs: dict[str, Any], error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        create_trial(**kwargs)


def test_nan_and_inf_intermediate_values_are_valid() -> None:
    t = create_trial(value=1.0, intermediate_values={0: float("nan"), 2**63 - 1: float("inf")})
    assert t.intermediate_values[2**63 - 1] == float("inf")
