"""Tests of Study.trials_dataframe: column names, values and types."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

import hpo
from hpo.samplers import RandomSampler
from hpo.study import Study
from hpo.trial import Trial, TrialState

DEFAULT_COLUMNS = [
    "number",
    "value",
    "datetime_start",
    "datetime_complete",
    "duration",
    "params_x",
    "user_attrs_u",
    "system_attrs_fixed_params",
    "state",
]


def _single_study() -> Study:
    study = hpo.create_study(sampler=RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.5})

    def objective(trial: Trial) -> float:
        trial.set_user_attr("u", trial.number * 10)
        return trial.suggest_float("x", 0, 1) * 2

    study.optimize(objective, n_trials=2)
    return study


def _multi_study() -> Study:
    study = hpo.create_study(directions=["minimize", "maximize"], sampler=RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 3.0), n_trials=2)
    return study


def test_default_columns() -> None:
    df = _single_study().trials_dataframe()
    assert list(df.columns) == DEFAULT_COLUMNS


def test_default_values() -> None:
    study = _single_study()
    df = study.trials_dataframe()
    trials = study.trials
    assert len(df) == 2
    assert df["number"].tolist() == [0, 1]
    assert df["value"].tolist() == [t.value for t in trials]
    assert df["params_x"].tolist() == [t.params["x"] for t in trials]
    assert df["params_x"].iloc[0] == 0.5
    assert df["user_attrs_u"].tolist() == [0, 10]
    assert df["system_attrs_fixed_params"].iloc[0] == {"x": 0.5}
    assert pd.isna(df["system_attrs_fixed_params"].iloc[1])
    assert df["state"].tolist() == ["COMPLETE", "COMPLETE"]


def test_state_as_string_for_every_state() -> None:
    study = hpo.create_study()
    study.tell(study.ask(), 1.0)
    study.tell(study.ask(), state=TrialState.PRUNED)
    study.tell(study.ask(), state=TrialState.FAIL)
    study.ask()
    study.enqueue_trial({})
    df = study.trials_dataframe(attrs=("number", "state"))
    assert df["state"].tolist() == ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"]
    assert all(isinstance(s, str) for s in df["state"])


def test_datetimes_and_duration() -> None:
    study = _single_study()
    study.ask()
    df = study.trials_dataframe()
    assert pd.api.types.is_timedelta64_dtype(df["duration"])
    assert pd.api.types.is_datetime64_any_dtype(df["datetime_start"])
    assert pd.api.types.is_datetime64_any_dtype(df["datetime_complete"])
    trial = study.trials[0]
    assert df["duration"].iloc[0] == pd.Timedelta(trial.duration)
    assert df["duration"].iloc[0] >= datetime.timedelta(0)
    assert pd.isna(df["duration"].iloc[2])
    assert pd.isna(df["datetime_complete"].iloc[2])
    assert pd.isna(df["value"].iloc[2])


def test_multi_objective_columns() -> None:
    df = _multi_study().trials_dataframe()
    assert list(df.columns) == [
        "number",
        "values_0",
        "values_1",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params_x",
        "state",
    ]
    assert df["values_1"].tolist() == [3.0, 3.0]


def test_multi_objective_with_metric_names() -> None:
    study = _multi_study()
    study.set_metric_names(["a", "b"])
    df = study.trials_dataframe()
    assert list(df.columns) == [
        "number",
        "values_a",
        "values_b",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params_x",
        "state",
    ]
    assert df["values_a"].tolist() == [t.values[0] for t in study.trials]
    multi = study.trials_dataframe(attrs=("number", "values"), multi_index=True)
    assert list(multi.columns) == [("number", ""), ("values", "a"), ("values", "b")]


def test_multi_index_single_objective() -> None:
    df = _single_study().trials_dataframe(multi_index=True)
    assert list(df.columns) == [
        ("number", ""),
        ("value", ""),
        ("datetime_start", ""),
        ("datetime_complete", ""),
        ("duration", ""),
        ("params", "x"),
        ("user_attrs", "u"),
        ("system_attrs", "fixed_params"),
        ("state", ""),
    ]
    assert df[("params", "x")].iloc[0] == 0.5


def test_multi_index_multi_objective() -> None:
    df = _multi_study().trials_dataframe(multi_index=True)
    assert list(df.columns) == [
        ("number", ""),
        ("values", 0),
        ("values", 1),
        ("datetime_start", ""),
        ("datetime_complete", ""),
        ("duration", ""),
        ("params", "x"),
        ("state", ""),
    ]


def test_intermediate_values_when_requested() -> None:
    study = hpo.create_study()

    def objective(trial: Trial) -> float:
        trial.report(1.0, 10)
        trial.report(2.0, 2)
        trial.report(3.0, 0)
        return 0.0

    study.optimize(objective, n_trials=1)
    assert "intermediate_values_0" not in study.trials_dataframe().columns
    df = study.trials_dataframe(attrs=("number", "intermediate_values"))
    assert list(df.columns) == [
        "number",
        "intermediate_values_0",
        "intermediate_values_2",
        "intermediate_values_10",
    ]
    assert df["intermediate_values_10"].iloc[0] == 1.0
    multi = study.trials_dataframe(attrs=("intermediate_values",), multi_index=True)
    assert ("intermediate_values", 0) in list(multi.columns)


def test_attrs_select_and_order_columns() -> None:
    study = hpo.create_study()

    def objective(trial: Trial) -> float:
        trial.suggest_float("z", 0, 1)
        trial.suggest_float("a", 0, 1)
        trial.set_user_attr("b", 1)
        trial.set_user_attr("a", 2)
        return 1.0

    study.optimize(objective, n_trials=1)
    df = study.trials_dataframe(attrs=("state", "params", "number", "user_attrs"))
    assert list(df.columns) == [
        "state",
        "params_a",
        "params_z",
        "number",
        "user_attrs_a",
        "user_attrs_b",
    ]


def test_params_union_over_trials() -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=0))

    def objective(trial: Trial) -> float:
        if trial.number == 0:
            trial.suggest_float("x", 0, 1)
        else:
            trial.suggest_int("y", 0, 3)
        return 1.0

    study.optimize(objective, n_trials=2)
    df = study.trials_dataframe(attrs=("number", "params"))
    assert list(df.columns) == ["number", "params_x", "params_y"]
    assert pd.isna(df["params_y"].iloc[0]) and pd.isna(df["params_x"].iloc[1])


@pytest.mark.parametrize("attrs", [("number", "foo"), ("param",)])
def test_unknown_attr_raises_value_error(attrs: tuple[str, ...]) -> None:
    study = _single_study()
    with pytest.raises(ValueError, match=attrs[-1]):
        study.trials_dataframe(attrs=attrs)


def test_empty_study() -> None:
    df = hpo.create_study().trials_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 0
    assert df.empty


def test_empty_study_multi_index() -> None:
    df = hpo.create_study().trials_dataframe(multi_index=True)
    assert len(df) == 0
