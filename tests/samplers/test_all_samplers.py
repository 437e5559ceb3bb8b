"""Properties every sampler keeps, over generated mixed and conditional search spaces.

* Every value a trial receives lies in the distribution it asked for, with the right type,
  whether it came from the sampler's joint proposal or from its independent sampling.
* The same seed gives the same trials.
* A used sampler pickles (a study pickles its sampler).
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpo
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.samplers import (
    BaseSampler,
    BruteForceSampler,
    CmaEsSampler,
    GPSampler,
    NSGAIIISampler,
    NSGAIISampler,
    PartialFixedSampler,
    QMCSampler,
    RandomSampler,
    TPESampler,
)

SamplerFactory = Callable[[int], BaseSampler]

SAMPLERS: dict[str, SamplerFactory] = {
    "random": lambda seed: RandomSampler(seed=seed),
    "tpe": lambda seed: TPESampler(seed=seed, n_startup_trials=3),
    "tpe_univariate": lambda seed: TPESampler(seed=seed, n_startup_trials=3, multivariate=False),
    "qmc": lambda seed: QMCSampler(scramble=True, seed=seed, warn_independent_sampling=False),
    "cmaes": lambda seed: CmaEsSampler(seed=seed, warn_independent_sampling=False),
    "cmaes_margin": lambda seed: CmaEsSampler(
        seed=seed, with_margin=True, warn_independent_sampling=False
    ),
    "cmaes_separable": lambda seed: CmaEsSampler(
        seed=seed, use_separable_cma=True, warn_independent_sampling=False
    ),
    "gp": lambda seed: GPSampler(seed=seed, n_startup_trials=4, warn_independent_sampling=False),
    "nsga2": lambda seed: NSGAIISampler(seed=seed, population_size=4),
    "nsga3": lambda seed: NSGAIIISampler(seed=seed, population_size=4),
    "partial_fixed": lambda seed: PartialFixedSampler({"branch": "b"}, RandomSampler(seed=seed)),
}

N_TRIALS = 14


@dataclass(frozen=True)
class Param:
    name: str
    distribution: BaseDistribution


def _float_params(name: str) -> st.SearchStrategy[Param]:
    @st.composite
    def build(draw: st.DrawFn) -> Param:
        kind = draw(st.sampled_from(["plain", "log", "step"]))
        if kind == "log":
            low = draw(st.sampled_from([1e-6, 1e-3, 0.5, 1.0]))
            high = low * draw(st.sampled_from([1.0, 2.0, 1e3, 1e6]))
            return Param(name, FloatDistribution(low, high, log=True))
        low = draw(st.sampled_from([-1e3, -1.0, 0.0, 0.25]))
        width = draw(st.sampled_from([0.0, 0.5, 1.0, 100.0]))
        if kind == "step":
            step = draw(st.sampled_from([0.25, 0.5]))
            width = math.floor(width / step) * step
            return Param(name, FloatDistribution(low, low + width, step=step))
        return Param(name, FloatDistribution(low, low + width))

    return build()


def _int_params(name: str) -> st.SearchStrategy[Param]:
    @st.composite
    def build(draw: st.DrawFn) -> Param:
        if draw(st.booleans()):
            low = draw(st.integers(1, 10))
            return Param(name, IntDistribution(low, low + draw(st.integers(0, 1000)), log=True))
        low = draw(st.integers(-50, 50))
        step = draw(st.sampled_from([1, 1, 2, 3]))
        return Param(name, IntDistribution(low, low + step * draw(st.integers(0, 20)), step=step))

    return build()


def _categorical_params(name: str) -> st.SearchStrategy[Param]:
    choices = st.lists(
        st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b"])),
        min_size=1,
        max_size=4,
        unique_by=lambda v: (type(v), v),
    )
    return choices.map(lambda c: Param(name, CategoricalDistribution(c)))


def _params(prefix: str, n: int) -> st.SearchStrategy[list[Param]]:
    kinds = [_float_params, _int_params, _categorical_params]
    return st.tuples(
        *(st.sampled_from(kinds).flatmap(lambda k, i=i: k(f"{prefix}{i}")) for i in range(n))
    ).map(list)


# A space: common parameters, then a branch choosing one of two conditional groups.
SPACES = st.tuples(
    st.integers(1, 3).flatmap(lambda n: _params("p", n)),
    st.integers(0, 2).flatmap(lambda n: _params("a", n)),
    st.integers(0, 2).flatmap(lambda n: _params("b", n)),
)


def _suggest(trial: hpo.Trial, param: Param) -> Any:
    dist = param.distribution
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(param.name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(param.name, dist.low, dist.high, log=dist.log, step=dist.step)
    assert isinstance(dist, CategoricalDistribution)
    return trial.suggest_categorical(param.name, list(dist.choices))


def _objective(space: tuple[list[Param], list[Param], list[Param]]) -> Any:
    common, group_a, group_b = space

    def objective(trial: hpo.Trial) -> tuple[float, float]:
        params = list(common)
        if group_a or group_b:
            branch = trial.suggest_categorical("branch", ["a", "b"])
            params += group_a if branch == "a" else group_b
        total = 0.0
        for param in params:
            value = _suggest(trial, param)
            assert_in_distribution(param, value)
            total += hash(repr(value)) % 97 / 97.0
        return total, -total

    return objective


def assert_in_distribution(param: Param, value: Any) -> None:
    dist = param.distribution
    if isinstance(dist, FloatDistribution):
        assert type(value) is float, (param, value)
    elif isinstance(dist, IntDistribution):
        assert type(value) is int, (param, value)
    else:
        assert isinstance(dist, CategoricalDistribution)
        assert any(type(c) is type(value) and c == value for c in dist.choices), (param, value)
    assert dist._contains(dist.to_internal_repr(value)), (param, value)


def _directions(name: str) -> list[str]:
    return ["minimize", "maximize"] if name.startswith("nsga") else ["minimize"]


def _optimize(study: hpo.Study, space: Any, n_trials: int) -> None:
    objective = _objective(space)
    if len(study.directions) == 1:
        study.optimize(lambda t: objective(t)[0], n_trials=n_trials)
    else:
        study.optimize(objective, n_trials=n_trials)


def _run(name: str, seed: int, space: Any, n_trials: int = N_TRIALS) -> hpo.Study:
    study = hpo.create_study(directions=_directions(name), sampler=SAMPLERS[name](seed))
    _optimize(study, space, n_trials)
    return study


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    verbosity = hpo.logging.get_verbosity()
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    yield
    hpo.logging.set_verbosity(verbosity)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(space=SPACES)
def test_values_lie_in_their_distributions(name: str, space: Any) -> None:
    study = _run(name, seed=1, space=space)
    assert [t.state for t in study.trials] == [hpo.trial.TrialState.COMPLETE] * N_TRIALS
    for trial in study.trials:
        for param_name, value in trial.params.items():
            assert_in_distribution(Param(param_name, trial.distributions[param_name]), value)


FIXED_SPACE = (
    [
        Param("p0", FloatDistribution(-5.0, 5.0)),
        Param("p1", IntDistribution(1, 1000, log=True)),
        Param("p2", FloatDistribution(0.0, 1.0, step=0.1)),
    ],
    [Param("a0", CategoricalDistribution(["x", "y", None]))],
    [Param("b0", FloatDistribution(1e-4, 1.0, log=True))],
)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_same_seed_same_trials(name: str) -> None:
    def params(seed: int) -> list[dict[str, Any]]:
        return [t.params for t in _run(name, seed, FIXED_SPACE, n_trials=20).trials]

    first = params(3)
    assert first == params(3)
    assert first != params(4)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_a_used_sampler_pickles(name: str) -> None:
    study = _run(name, 0, FIXED_SPACE, n_trials=8)
    copy = pickle.loads(pickle.dumps(study.sampler))
    assert type(copy) is type(study.sampler)
    study.sampler = copy
    _optimize(study, FIXED_SPACE, 4)
    assert [t.state for t in study.trials] == [hpo.trial.TrialState.COMPLETE] * 12


def test_brute_force_values_lie_in_finite_conditional_spaces() -> None:
    finite = (
        [
            Param("p0", IntDistribution(0, 6, step=3)),
            Param("p1", CategoricalDistribution([1, "1"])),
        ],
        [Param("a0", FloatDistribution(0.0, 1.0, step=0.5))],
        [Param("b0", IntDistribution(1, 4, log=True))],
    )
    study = hpo.create_study(sampler=BruteForceSampler(seed=0))
    objective = _objective(finite)
    study.optimize(lambda t: objective(t)[0], n_trials=100)
    # 3 x 2 common combinations times (3 + 4) branch leaves, each run once.
    assert len(study.trials) == 3 * 2 * (3 + 4)
    assert len({tuple(sorted(map(repr, t.params.items()))) for t in study.trials}) == 42
