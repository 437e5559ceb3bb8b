"""Tests of Study: adding trials, reading trials, attributes and metric names."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.samplers import RandomSampler
from hpo.study import Study
from hpo.trial import FrozenTrial, TrialState, create_trial


def _study(**kwargs: Any) -> Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return hpo.create_study(**kwargs)


def _trial(value: float = 1.0, x: float = 0.5, **kwargs: Any) -> FrozenTrial:
    return create_trial(
        value=value, params={"x": x}, distributions={"x": FloatDistribution(0, 1)}, **kwargs
    )


# -- add_trial / add_trials ------------------------------------------------------------------


def test_add_trial_assigns_number_and_keeps_fields() -> None:
    study = _study()
    study.add_trial(
        create_trial(
            value=0.25,
            params={"x": 0.5, "c": "a"},
            distributions={
                "x": FloatDistribution(0, 1),
                "c": CategoricalDistribution(["a", "b"]),
            },
            user_attrs={"u": 1},
            system_attrs={"s": 2},
            intermediate_values={0: 1.0},
        )
    )
    study.add_trial(_trial(0.5))
    trials = study.trials
    assert [t.number for t in trials] == [0, 1]
    t = trials[0]
    assert t.state == TrialState.COMPLETE and t.value == 0.25
    assert t.params == {"x": 0.5, "c": "a"}
    assert t.user_attrs == {"u": 1} and t.system_attrs == {"s": 2}
    assert t.intermediate_values == {0: 1.0}
    assert study.best_value == 0.25


def test_add_trial_does_not_change_the_given_record() -> None:
    study = _study()
    record = _trial()
    study.add_trial(record)
    study.add_trial(record)
    assert record.number == -1
    assert [t.number for t in study.trials] == [0, 1]


def test_add_trials() -> None:
    study = _study()
    study.add_trials([_trial(3.0), _trial(1.0), create_trial(state=TrialState.FAIL)])
    assert [t.number for t in study.trials] == [0, 1, 2]
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAIL]
    assert study.best_trial.number == 1


def test_add_trials_from_another_study() -> None:
    source = _study()
    source.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    target = _study()
    target.add_trials(source.trials)
    assert [t.params for t in target.trials] == [t.params for t in source.trials]
    assert [t.value for t in target.trials] == [t.value for t in source.trials]


def test_add_waiting_trial_is_run_next() -> None:
    study = _study()
    study.add_trial(
        create_trial(
            state=TrialState.WAITING,
            params={"n": 3},
            distributions={"n": IntDistribution(0, 10)},
        )
    )
    study.optimize(lambda t: t.suggest_int("n", 0, 10), n_trials=1)
    assert study.trials[0].state == TrialState.COMPLETE
    assert study.trials[0].value == 3.0


@pytest.mark.parametrize(
    ("directions", "trial"),
    [
        (["minimize"], create_trial(values=[1.0, 2.0])),
        (["minimize", "maximize"], create_trial(value=1.0)),
        (["minimize", "maximize"], create_trial(values=[1.0, 2.0, 3.0])),
    ],
)
def test_add_trial_values_count_mismatch(directions: list[str], trial: FrozenTrial) -> None:
    study = _study(directions=directions)
    with pytest.raises(ValueError):
        study.add_trial(trial)
    assert study.trials == []


def test_add_invalid_trial_raises() -> None:
    study = _study()
    now = datetime.datetime.now(datetime.timezone.utc)
    inconsistent = FrozenTrial(0, TrialState.COMPLETE, None, now, now, {}, {}, {}, {}, {}, 0)
    with pytest.raises(ValueError):
        study.add_trial(inconsistent)
    outside = _trial()
    outside.params["x"] = 3.0
    with pytest.raises(ValueError):
        study.add_trial(outside)
    assert study.trials == []


def test_add_trial_with_incompatible_distribution_raises() -> None:
    study = _study()
    study.add_trial(_trial())
    with pytest.raises(ValueError):
        study.add_trial(
            create_trial(value=1.0, params={"x": 1}, distributions={"x": IntDistribution(0, 1)})
        )
    assert len(study.trials) == 1


def test_add_trials_validates_each() -> None:
    study = _study()
    with pytest.raises(ValueError):
        study.add_trials([_trial(), create_trial(values=[1.0, 2.0])])
    assert all(t.values != [1.0, 2.0] for t in study.trials)


# -- trials / get_trials -------------------------------------------------------------------


def _mixed_study() -> Study:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study.tell(study.ask(), state=TrialState.PRUNED)
    study.tell(study.ask(), state=TrialState.FAIL)
    study.ask()
    study.enqueue_trial({"x": 0.5})
    return study


def test_trials_in_number_order_with_all_states() -> None:
    study = _mixed_study()
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4, 5]
    assert [t.state for t in study.trials] == [
        TrialState.COMPLETE,
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.FAIL,
        TrialState.RUNNING,
        TrialState.WAITING,
    ]


@pytest.mark.parametrize(
    ("states", "numbers"),
    [
        ((TrialState.COMPLETE,), [0, 1]),
        ((TrialState.PRUNED, TrialState.FAIL), [2, 3]),
        ([TrialState.RUNNING, TrialState.WAITING], [4, 5]),
        ((), []),
        (None, [0, 1, 2, 3, 4, 5]),
    ],
)
def test_get_trials_states(states: Any, numbers: list[int]) -> None:
    study = _mixed_study()
    assert [t.number for t in study.get_trials(states=states)] == numbers


def test_get_trials_deepcopy_is_independent() -> None:
    study = _study()
    trial = study.ask()
    trial.set_user_attr("nested", {"a": [1]})
    study.tell(trial, 1.0)
    copies = study.get_trials(deepcopy=True)
    copies[0].user_attrs["nested"]["a"].append(2)
    copies[0].params["y"] = 1
    copies[0].values = [9.0]
    fresh = study.trials[0]
    assert fresh.user_attrs == {"nested": {"a": [1]}}
    assert fresh.params == {}
    assert fresh.value == 1.0
    also = study.trials
    also[0].user_attrs.clear()
    assert study.trials[0].user_attrs == {"nested": {"a": [1]}}


def test_get_trials_without_deepcopy_returns_same_data() -> None:
    study = _mixed_study()
    assert study.get_trials(deepcopy=False) == study.get_trials(deepcopy=True)


def test_trials_are_frozen_trials() -> None:
    study = _mixed_study()
    assert all(isinstance(t, FrozenTrial) for t in study.trials)
    assert copy.deepcopy(study.trials) == study.trials


# -- attributes -------------------------------------------------------------------------------


def test_user_attrs() -> None:
    study = _study()
    assert study.user_attrs == {}
    study.set_user_attr("dataset", "mnist")
    study.set_user_attr("sizes", [1, 2])
    study.set_user_attr("dataset", "cifar")
    assert study.user_attrs == {"dataset": "cifar", "sizes": [1, 2]}


def test_user_attrs_returned_as_copy() -> None:
    study = _study()
    study.set_user_attr("sizes", [1, 2])
    study.user_attrs["sizes"].append(3)
    study.user_attrs["new"] = 1
    assert study.user_attrs == {"sizes": [1, 2]}


def test_system_attrs() -> None:
    study = _study()
    study.set_system_attr("sampler:state", {"k": 1})
    assert study.system_attrs["sampler:state"] == {"k": 1}


def test_metric_names() -> None:
    study = _study(directions=["minimize", "maximize"])
    assert study.metric_names is None
    study.set_metric_names(["loss", "accuracy"])
    assert study.metric_names == ["loss", "accuracy"]
    reloaded = hpo.load_study(study_name=study.study_name, storage=study._storage)
    assert reloaded.metric_names == ["loss", "accuracy"]


@pytest.mark.parametrize("names", [["a"], ["a", "b", "c"], []])
def test_metric_names_wrong_length(names: list[str]) -> None:
    study = _study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError):
        study.set_metric_names(names)
    assert study.metric_names is None


def test_study_name_and_repr() -> None:
    study = hpo.create_study(study_name="my-study")
    assert study.study_name == "my-study"
    assert "my-study" in repr(study)
