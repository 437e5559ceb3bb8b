"""Tests of FixedTrial: an objective run with given parameter values."""

from __future__ import annotations

import datetime
import warnings
from typing import Any

import pytest

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import HpoWarning
from hpo.trial import FixedTrial


def test_returns_given_params() -> None:
    trial = FixedTrial({"x": 0.25, "n": 4, "c": "sgd", "b": False})
    assert trial.suggest_float("x", 0.0, 1.0) == 0.25
    assert trial.suggest_int("n", 0, 10) == 4
    assert trial.suggest_categorical("c", ["adam", "sgd"]) == "sgd"
    assert trial.suggest_categorical("b", [True, False]) is False


def test_types_follow_the_distribution() -> None:
    trial = FixedTrial({"x": 1, "n": 3.0})
    x = trial.suggest_float("x", 0, 2)
    n = trial.suggest_int("n", 0, 5)
    assert x == 1.0 and isinstance(x, float)
    assert n == 3 and type(n) is int


def test_missing_param_raises_value_error() -> None:
    trial = FixedTrial({"x": 0.5})
    with pytest.raises(ValueError, match="'y'"):
        trial.suggest_float("y", 0.0, 1.0)


def test_out_of_range_warns_and_returns_value() -> None:
    trial = FixedTrial({"x": 5.0, "n": 20})
    with pytest.warns(HpoWarning, match="'x'"):
        assert trial.suggest_float("x", 0.0, 1.0) == 5.0
    with pytest.warns(HpoWarning, match="'n'"):
        assert trial.suggest_int("n", 0, 10) == 20


def test_off_step_warns() -> None:
    trial = FixedTrial({"x": 0.3})
    with pytest.warns(HpoWarning):
        trial.suggest_float("x", 0.0, 1.0, step=0.25)


def test_in_range_does_not_warn() -> None:
    trial = FixedTrial({"x": 0.5, "lr": 1e-3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trial.suggest_float("x", 0.0, 1.0, step=0.25)
        trial.suggest_float("lr", 1e-5, 1e-1, log=True)


def test_value_not_among_choices_raises() -> None:
    trial = FixedTrial({"c": "rmsprop"})
    with pytest.raises(ValueError, match="'rmsprop'"):
        trial.suggest_categorical("c", ["adam", "sgd"])


def test_invalid_range_raises() -> None:
    trial = FixedTrial({"lr": 0.5})
    with pytest.raises(ValueError, match="'lr'"):
        trial.suggest_float("lr", 1.0, 0.0)


def test_incompatible_second_suggest_raises() -> None:
    trial = FixedTrial({"x": 1})
    trial.suggest_float("x", 0, 2)
    with pytest.raises(ValueError):
        trial.suggest_int("x", 0, 2)


def test_same_name_with_another_range_raises() -> None:
    trial = FixedTrial({"x": 0.5})
    assert trial.suggest_float("x", 0, 1) == 0.5
    assert trial.suggest_float("x", 0, 1) == 0.5
    with pytest.raises(ValueError, match=r"'x'.*high=1\.0.*high=2\.0"):
        trial.suggest_float("x", 0, 2)


def test_value_of_the_wrong_type_names_the_parameter() -> None:
    trial = FixedTrial({"x": "0.5", "n": None})
    with pytest.raises(TypeError, match=r"'x'='0.5'"):
        trial.suggest_float("x", 0, 1)
    with pytest.raises(TypeError, match=r"'n'=None"):
        trial.suggest_int("n", 0, 1)


def test_non_str_name_raises() -> None:
    with pytest.raises(TypeError, match="name must be a str"):
        FixedTrial({1: 0.5}).suggest_float(1, 0, 1)  # type: ignore[arg-type,dict-item]


def test_never_prunes_and_report_is_validated() -> None:
    trial = FixedTrial({})
    for step in range(3):
        trial.report(1e9, step)
        assert trial.should_prune() is False
    with pytest.raises(ValueError):
        trial.report(1.0, -1)
    with pytest.raises(TypeError):
        trial.report("bad", 0)  # type: ignore[arg-type]


def test_params_and_distributions_only_for_asked_names() -> None:
    trial = FixedTrial({"x": 0.5, "unused": 1, "c": "a"})
    trial.suggest_float("x", 0.0, 1.0)
    trial.suggest_categorical("c", ["a", "b"])
    assert trial.params == {"x": 0.5, "c": "a"}
    assert trial.distributions == {
        "x": FloatDistribution(0.0, 1.0),
        "c": CategoricalDistribution(["a", "b"]),
    }


def test_attrs_number_and_start() -> None:
    trial = FixedTrial({}, number=12)
    trial.set_user_attr("u", [1])
    trial.set_system_attr("s", "v")
    assert trial.user_attrs == {"u": [1]}
    assert trial.system_attrs == {"s": "v"}
    assert trial.number == 12
    assert FixedTrial({}).number == 0
    start = trial.datetime_start
    assert isinstance(start, datetime.datetime) and start.tzinfo is not None


def test_runs_an_objective() -> None:
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10, 10)
        n = trial.suggest_int("n", 1, 5, step=2)
        return (x - 2) ** 2 + n

    assert objective(FixedTrial({"x": 2.0, "n": 3})) == 3.0


def test_int_step_param_stored_with_distribution() -> None:
    trial = FixedTrial({"n": 6})
    trial.suggest_int("n", 0, 10, step=2)
    assert trial.distributions["n"] == IntDistribution(0, 10, step=2)
