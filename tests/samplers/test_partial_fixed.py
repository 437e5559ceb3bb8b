"""Tests of PartialFixedSampler."""

from __future__ import annotations

from typing import Any

import pytest

import hpo
from hpo.distributions import BaseDistribution
from hpo.exceptions import HpoWarning
from hpo.samplers import PartialFixedSampler, QMCSampler, RandomSampler, TPESampler
from hpo.trial import FrozenTrial, Trial, TrialState


def objective(trial: Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_int("y", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return x * x + y + (0.0 if c == "a" else 1.0)


def test_fixed_values_are_used_and_the_rest_is_sampled() -> None:
    sampler = PartialFixedSampler({"y": 3, "c": "b"}, RandomSampler(seed=0))
    study = hpo.create_study(sampler=sampler)
    study.optimize(objective, n_trials=20)
    assert all(t.params["y"] == 3 and t.params["c"] == "b" for t in study.trials)
    assert len({t.params["x"] for t in study.trials}) == 20


def test_free_parameters_match_the_base_sampler_alone() -> None:
    fixed = hpo.create_study(sampler=PartialFixedSampler({"y": 7}, RandomSampler(seed=42)))
    fixed.optimize(objective, n_trials=10)

    def without_y(trial: Trial) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        c = trial.suggest_categorical("c", ["a", "b", "c"])
        return x * x + (0.0 if c == "a" else 1.0)

    alone = hpo.create_study(sampler=RandomSampler(seed=42))
    alone.optimize(without_y, n_trials=10)
    assert [(t.params["x"], t.params["c"]) for t in fixed.trials] == [
        (t.params["x"], t.params["c"]) for t in alone.trials
    ]


def test_fixed_parameters_leave_the_relative_space_of_the_base_sampler() -> None:
    seen: list[dict[str, BaseDistribution]] = []

    class Recording(QMCSampler):
        def sample_relative(
            self, study: Any, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
        ) -> dict[str, Any]:
            seen.append(dict(search_space))
            return super().sample_relative(study, trial, search_space)

    study = hpo.create_study(sampler=PartialFixedSampler({"x": 1.5}, Recording(seed=0)))
    study.optimize(objective, n_trials=4)
    assert [t.params["x"] for t in study.trials] == [1.5] * 4
    assert seen[-1].keys() == {"y", "c"}
    # The QMC base sampler drew its relative points for y and c only.
    assert study.system_attrs["qmc:sample_id:sobol"] == 2


def test_out_of_range_fixed_value_warns_and_is_used() -> None:
    study = hpo.create_study(sampler=PartialFixedSampler({"y": 20}, RandomSampler(seed=0)))
    with pytest.warns(HpoWarning, match="'y'.*20"):
        study.optimize(objective, n_trials=1)
    assert study.trials[0].params["y"] == 20
    assert study.trials[0].state == TrialState.COMPLETE


def test_hooks_and_reseeding_reach_the_base_sampler() -> None:
    calls: list[str] = []

    class Recording(RandomSampler):
        def before_trial(self, study: Any, trial: FrozenTrial) -> None:
            calls.append("before")

        def after_trial(self, study: Any, trial: FrozenTrial, state: Any, values: Any) -> None:
            calls.append(f"after:{state.name}")

        def reseed_rng(self) -> None:
            calls.append("reseed")

    sampler = PartialFixedSampler({"x": 0.0}, Recording(seed=0))
    study = hpo.create_study(sampler=sampler)
    study.optimize(objective, n_trials=2)
    sampler.reseed_rng()
    assert calls == ["before", "after:COMPLETE", "before", "after:COMPLETE", "reseed"]


def test_works_with_tpe_as_base() -> None:
    base = TPESampler(seed=1, n_startup_trials=3, multivariate=True)
    study = hpo.create_study(sampler=PartialFixedSampler({"c": "a"}, base))
    study.optimize(objective, n_trials=8)
    assert {t.params["c"] for t in study.trials} == {"a"}


@pytest.mark.parametrize(
    ("fixed_params", "base_sampler", "match"),
    [
        ([("x", 1.0)], RandomSampler(), "fixed_params"),
        ({1: 1.0}, RandomSampler(), "fixed_params"),
        ({"x": 1.0}, "random", "base_sampler"),
        ({"x": 1.0}, None, "base_sampler"),
    ],
)
def test_bad_arguments(fixed_params: Any, base_sampler: Any, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        PartialFixedSampler(fixed_params, base_sampler)
