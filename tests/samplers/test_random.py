"""Tests of RandomSampler and sample_uniform."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import hpo
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.exceptions import HpoWarning
from hpo.samplers import RandomSampler
from hpo.samplers._random import sample_uniform
from hpo.trial import Trial, TrialState, create_trial

# p-value below which a uniformity test fails; generous, and the seeds are fixed.
P_THRESHOLD = 1e-4


@st.composite
def distributions(draw: st.DrawFn) -> BaseDistribution:
    kind = draw(st.sampled_from(["float", "float_log", "float_step", "int", "int_log", "cat"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HpoWarning)
        if kind == "float":
            low = draw(st.floats(-1e6, 1e6))
            return FloatDistribution(low, low + draw(st.floats(0, 1e6)))
        if kind == "float_log":
            low = draw(st.floats(1e-10, 1e3))
            return FloatDistribution(low, low * draw(st.floats(1, 1e6)), log=True)
        if kind == "float_step":
            low = draw(st.integers(-1000, 1000)) / 8
            step = draw(st.sampled_from([0.001, 0.01, 0.1, 0.125, 0.3, 0.5, 1.0, 7.0]))
            return FloatDistribution(low, low + draw(st.floats(0, 100)), step=step)
        if kind == "int":
            low = draw(st.integers(-(10**6), 10**6))
            step = draw(st.integers(1, 20))
            return IntDistribution(low, low + draw(st.integers(0, 10**4)), step=step)
        if kind == "int_log":
            low = draw(st.integers(1, 10**5))
            return IntDistribution(low, low + draw(st.integers(0, 10**6)), log=True)
        choices = draw(
            st.lists(
                st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3)),
                min_size=1,
                max_size=8,
            )
        )
        return CategoricalDistribution(choices)


def _sample(sampler: RandomSampler, dist: BaseDistribution, n: int) -> list[Any]:
    study = hpo.create_study(sampler=sampler)
    trial = create_trial(state=TrialState.RUNNING)
    return [sampler.sample_independent(study, trial, "p", dist) for _ in range(n)]


class TestInsideDistribution:
    @settings(max_examples=300, deadline=None)
    @given(distributions(), st.integers(0, 2**32 - 1))
    def test_sample_uniform_inside(self, dist: BaseDistribution, seed: int) -> None:
        rng = np.random.default_rng(seed)
        for _ in range(20):
            value = sample_uniform(rng, dist)
            if isinstance(dist, FloatDistribution):
                assert isinstance(value, float)
            elif isinstance(dist, IntDistribution):
                assert type(value) is int
            else:
                assert any(
                    value is c or (value == c and type(value) is type(c)) for c in dist.choices
                )
            assert dist._contains(dist.to_internal_repr(value)), (dist, value)

    @settings(max_examples=50, deadline=None)
    @given(distributions())
    def test_sampler_inside(self, dist: BaseDistribution) -> None:
        for value in _sample(RandomSampler(seed=0), dist, 10):
            assert dist._contains(dist.to_internal_repr(value))

    def test_through_a_study(self) -> None:
        study = hpo.create_study(sampler=RandomSampler(seed=3))

        def objective(trial: Trial) -> float:
            x = trial.suggest_float("x", -2, 3)
            lr = trial.suggest_float("lr", 1e-6, 1e-2, log=True)
            q = trial.suggest_float("q", 0, 1, step=0.2)
            n = trial.suggest_int("n", 2, 20, step=3)
            m = trial.suggest_int("m", 1, 1000, log=True)
            c = trial.suggest_categorical("c", ["a", "b", None])
            assert -2 <= x <= 3 and 1e-6 <= lr <= 1e-2
            assert any(math.isclose(q, k * 0.2, abs_tol=1e-9) for k in range(6))
            assert n in range(2, 21, 3) and 1 <= m <= 1000 and c in ("a", "b", None)
            return x

        study.optimize(objective, n_trials=30)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)


class TestReachability:
    def test_every_int_reachable(self) -> None:
        values = set(_sample(RandomSampler(seed=0), IntDistribution(-2, 4), 300))
        assert values == set(range(-2, 5))

    def test_every_int_step_point_reachable(self) -> None:
        values = set(_sample(RandomSampler(seed=0), IntDistribution(1, 13, step=4), 200))
        assert values == {1, 5, 9, 13}

    def test_every_int_log_value_reachable(self) -> None:
        values = set(_sample(RandomSampler(seed=0), IntDistribution(1, 8, log=True), 2000))
        assert values == set(range(1, 9))

    def test_every_float_grid_point_reachable(self) -> None:
        values = _sample(RandomSampler(seed=0), FloatDistribution(0, 1, step=0.25), 300)
        assert {round(v / 0.25) for v in values} == {0, 1, 2, 3, 4}
        assert max(values) == 1.0 and min(values) == 0.0

    def test_every_choice_reachable(self) -> None:
        choices = ["a", 1, 2.5, None, True, False]
        values = _sample(RandomSampler(seed=0), CategoricalDistribution(choices), 300)
        assert {repr(v) for v in values} == {repr(c) for c in choices}

    def test_single_value(self) -> None:
        assert set(_sample(RandomSampler(seed=0), IntDistribution(5, 5), 10)) == {5}
        assert set(_sample(RandomSampler(seed=0), FloatDistribution(2.0, 2.0), 10)) == {2.0}


class TestUniformity:
    def test_categorical_chi_square(self) -> None:
        values = _sample(RandomSampler(seed=1), CategoricalDistribution(list(range(10))), 5000)
        counts = Counter(values)
        assert stats.chisquare([counts[i] for i in range(10)]).pvalue > P_THRESHOLD

    def test_int_chi_square(self) -> None:
        values = _sample(RandomSampler(seed=2), IntDistribution(0, 20, step=2), 5000)
        counts = Counter(values)
        assert stats.chisquare([counts[i] for i in range(0, 21, 2)]).pvalue > P_THRESHOLD

    def test_float_step_chi_square(self) -> None:
        values = _sample(RandomSampler(seed=3), FloatDistribution(0, 1, step=0.1), 5000)
        counts = Counter(round(v * 10) for v in values)
        assert stats.chisquare([counts[i] for i in range(11)]).pvalue > P_THRESHOLD

    def test_float_uniform(self) -> None:
        values = np.array(_sample(RandomSampler(seed=4), FloatDistribution(-3, 5), 3000))
        assert stats.kstest(values, "uniform", args=(-3, 8)).pvalue > P_THRESHOLD
        histogram, _ = np.histogram(values, bins=8, range=(-3, 5))
        assert stats.chisquare(histogram).pvalue > P_THRESHOLD

    def test_float_log_uniform_in_log_space(self) -> None:
        values = np.array(
            _sample(RandomSampler(seed=5), FloatDistribution(1e-3, 1e3, log=True), 3000)
        )
        logs = np.log10(values)
        assert stats.kstest(logs, "uniform", args=(-3, 6)).pvalue > P_THRESHOLD
        histogram, _ = np.histogram(logs, bins=6, range=(-3, 3))
        assert stats.chisquare(histogram).pvalue > P_THRESHOLD
        # Not uniform on the linear scale: most values are far below the midpoint 500.
        assert np.mean(values < 500) > 0.9

    def test_int_log_favours_small_values(self) -> None:
        values = np.array(_sample(RandomSampler(seed=6), IntDistribution(1, 100, log=True), 4000))
        # Log-uniform over [0.5, 100.5]: P(n <= 10) = log(10.5 / 0.5) / log(100.5 / 0.5).
        expected = math.log(21) / math.log(201)
        assert abs(np.mean(values <= 10) - expected) < 0.04


class TestSeeds:
    @staticmethod
    def _run(sampler: RandomSampler) -> list[dict[str, Any]]:
        study = hpo.create_study(sampler=sampler)
        study.optimize(
            lambda t: (
                t.suggest_float("x", 0, 1)
                + t.suggest_int("n", 0, 100)
                + len(str(t.suggest_categorical("c", ["a", "bb", "ccc"])))
            ),
            n_trials=10,
        )
        return [t.params for t in study.trials]

    def test_same_seed_same_sequence(self) -> None:
        assert self._run(RandomSampler(seed=42)) == self._run(RandomSampler(seed=42))

    def test_different_seed_different_sequence(self) -> None:
        assert self._run(RandomSampler(seed=42)) != self._run(RandomSampler(seed=43))

    def test_no_seed_differs(self) -> None:
        assert self._run(RandomSampler()) != self._run(RandomSampler())

    def test_reseed_rng_changes_the_sequence(self) -> None:
        reseeded = RandomSampler(seed=42)
        reseeded.reseed_rng()
        assert self._run(reseeded) != self._run(RandomSampler(seed=42))

    def test_sample_uniform_is_deterministic_given_rng(self) -> None:
        dist = FloatDistribution(0, 1)
        a = [sample_uniform(np.random.default_rng(7), dist) for _ in range(3)]
        assert a[0] == a[1] == a[2]


def test_unsupported_distribution_raises() -> None:
    class Custom(BaseDistribution):
        def to_external_repr(self, v: float) -> float:
            return v

        def to_internal_repr(self, v: Any) -> float:
            return float(v)

        def single(self) -> bool:
            return False

        def _contains(self, v: float) -> bool:
            return True

    with pytest.raises(TypeError):
        sample_uniform(np.random.default_rng(0), Custom())
