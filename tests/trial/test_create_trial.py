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
