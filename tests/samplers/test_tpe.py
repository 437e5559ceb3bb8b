import logging
import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hpo
from hpo._hypervolume import compute_hypervolume
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.pruners import BasePruner
from hpo.samplers import RandomSampler, TPESampler
from hpo.samplers._random import sample_uniform
from hpo.trial import FrozenTrial, TrialState, create_trial


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)


def _quadratic(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_int("y", -5, 5)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return (x - 1.5) ** 2 + (y + 2) ** 2 + {"a": 1.0, "b": 0.0, "c": 2.0}[c]


def _params_sequence(sampler: TPESampler, n_trials: int = 25) -> list[dict[str, Any]]:
    study = hpo.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=n_trials)
    return [t.params for t in study.trials]


@pytest.mark.parametrize("multivariate", [True, False])
def test_same_seed_same_proposals(multivariate: bool) -> None:
    first = _params_sequence(TPESampler(seed=3, multivariate=multivariate))
    second = _params_sequence(TPESampler(seed=3, multivariate=multivariate))
    third = _params_sequence(TPESampler(seed=4, multivariate=multivariate))
    assert first == second
    assert first != third


def test_reseed_rng_changes_the_sequence() -> None:
    sampler = TPESampler(seed=3)
    sampler.reseed_rng()
    assert _params_sequence(sampler, 12) != _params_sequence(TPESampler(seed=3), 12)


def test_pickled_sampler_continues_identically() -> None:
    sampler = TPESampler(seed=5)
    _params_sequence(sampler, 12)
    copy = pickle.loads(pickle.dumps(sampler))
    assert _params_sequence(copy, 15) == _params_sequence(sampler, 15)


@pytest.mark.parametrize("multivariate", [True, False])
def test_beats_random_search(multivariate: bool) -> None:
    tpe, random = [], []
    for seed in range(3):
        study = hpo.create_study(sampler=TPESampler(seed=seed, multivariate=multivariate))
        study.optimize(_quadratic, n_trials=60)
        tpe.append(study.best_value)
        study = hpo.create_study(sampler=RandomSampler(seed=seed))
        study.optimize(_quadratic, n_trials=60)
        random.append(study.best_value)
    assert np.mean(tpe) < 0.5 * np.mean(random)
    assert max(tpe) <= min(random)


def test_maximize_direction() -> None:
    study = hpo.create_study(direction="maximize", sampler=TPESampler(seed=0))
    study.optimize(lambda t: -((t.suggest_float("x", 0.0, 1.0) - 0.3) ** 2), n_trials=50)
    assert study.best_params["x"] == pytest.approx(0.3, abs=0.05)
    late = [t.params["x"] for t in study.trials[30:]]
    assert np.median(np.abs(np.array(late) - 0.3)) < 0.15


def test_startup_trials_are_uniform_random() -> None:
    # With n_startup_trials=50, the first 50 trials ignore how good earlier ones were.
    values = []
    for seed in range(20):
        study = hpo.create_study(sampler=TPESampler(seed=seed, n_startup_trials=50))
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=10)
        values += [t.params["x"] for t in study.trials]
    assert np.mean(values) == pytest.approx(0.5, abs=0.07)


_FLOATS = st.one_of(
    st.builds(
        lambda low, width: FloatDistribution(low, low + width),
        st.floats(-1e3, 1e3),
        st.floats(1e-6, 1e3),
    ),
    st.builds(
        lambda low, ratio: FloatDistribution(low, low * ratio, log=True),
        st.floats(1e-8, 1e2),
        st.floats(1.001, 1e6),
    ),
    st.builds(
        lambda low, step, n: FloatDistribution(low, low + step * n, step=step),
        st.integers(-100, 100).map(float),
        st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.5]),
        st.integers(1, 60),
    ),
)
_INTS = st.one_of(
    st.builds(
        lambda low, step, n: IntDistribution(low, low + step * n, step=step),
        st.integers(-100, 100),
        st.integers(1, 5),
        st.integers(1, 60),
    ),
    st.builds(
        lambda low, n: IntDistribution(low, low + n, log=True),
        st.integers(1, 100),
        st.integers(1, 10_000),
    ),
)
_CATEGORIES = st.integers(2, 8).map(lambda n: CategoricalDistribution(list(range(n))))
_SPACES = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.one_of(_FLOATS, _INTS, _CATEGORIES),
    min_size=1,
    max_size=4,
)


def _widened(dist: BaseDistribution) -> BaseDistribution:
    """The same kind of distribution over a wider range: past trials may have used one."""
    if isinstance(dist, FloatDistribution):
        if dist.log:
            return FloatDistribution(dist.low / 3, dist.high * 3, log=True)
        width = dist.high - dist.low
        if dist.step is None:
            return FloatDistribution(dist.low - width, dist.high + width)
        return FloatDistribution(
            dist.low - 4 * dist.step, dist.high + 4 * dist.step, step=dist.step
        )
    if isinstance(dist, IntDistribution):
        if dist.log:
            return IntDistribution(dist.low, dist.high * 3, log=True)
        return IntDistribution(dist.low - 4 * dist.step, dist.high + 4 * dist.step, step=dist.step)
    return dist


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    space=_SPACES,
    seed=st.integers(0, 2**31),
    n_history=st.integers(0, 25),
    options=st.fixed_dictionaries(
        {
            "n_startup_trials": st.integers(0, 3),
            "multivariate": st.booleans(),
            "consider_prior": st.booleans(),
            "consider_magic_clip": st.booleans(),
            "consider_endpoints": st.booleans(),
            "n_ei_candidates": st.integers(1, 30),
        }
    ),
)
def test_proposals_lie_inside_their_distributions(
    space: dict[str, BaseDistribution], seed: int, n_history: int, options: dict[str, Any]
) -> None:
    # Random search spaces and random histories (with values outside today's ranges, pruned,
    # failed and running trials): every proposal is inside the distribution asked for.
    rng = np.random.default_rng(seed)
    study = hpo.create_study(sampler=TPESampler(seed=seed, **options))
    history_rng = np.random.default_rng(seed + 1)
    for _ in range(n_history):
        params, distributions = {}, {}
        for name, dist in space.items():
            if rng.random() < 0.8:
                wide = _widened(dist) if rng.random() < 0.3 else dist
                params[name] = sample_uniform(history_rng, wide)
                distributions[name] = wide
        state = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL][rng.integers(3)]
        study.add_trial(
            create_trial(
                state=state,
                value=float(rng.normal()) if state == TrialState.COMPLETE else None,
                params=params,
                distributions=distributions,
                intermediate_values={0: float(rng.normal())} if rng.random() < 0.5 else {},
            )
        )
    if rng.random() < 0.5:
        running = study.ask()
        for name, dist in space.items():
            running._suggest(name, dist)

    def objective(trial: hpo.Trial) -> float:
        for name, dist in space.items():
            value = trial._suggest(name, dist)
            assert dist._contains(dist.to_internal_repr(value)), (name, dist, value)
        return float(rng.normal())

    study.optimize(objective, n_trials=12)


def _study_with_history(sampler: TPESampler, n: int = 20) -> hpo.Study:
    study = hpo.create_study(sampler=sampler)
    dist = FloatDistribution(0.0, 1.0)
    for i in range(n):
        x = (i + 0.5) / n
        study.add_trial(
            create_trial(params={"x": x}, distributions={"x": dist}, value=(x - 0.3) ** 2)
        )
    return study


def _proposal(study: hpo.Study, sampler: TPESampler, multivariate: bool) -> float:
    trial = study.ask()
    dist = FloatDistribution(0.0, 1.0)
    frozen = trial._cached_frozen_trial
    if multivariate:
        return sampler.sample_relative(study, frozen, {"x": dist})["x"]
    return sampler.sample_independent(study, frozen, "x", dist)


@pytest.mark.parametrize("multivariate", [True, False])
def test_constant_liar_steers_away_from_running_trials(multivariate: bool) -> None:
    def proposals(constant_liar: bool, running: bool) -> list[float]:
        values = []
        for seed in range(8):
            sampler = TPESampler(seed=seed, constant_liar=constant_liar)
            study = _study_with_history(TPESampler(seed=seed, constant_liar=constant_liar))
            if running:
                # Three workers are evaluating the best region right now.
                for x in (0.28, 0.3, 0.32):
                    study.enqueue_trial({"x": x})
                    study.ask().suggest_float("x", 0.0, 1.0)
            values.append(_proposal(study, sampler, multivariate))
        return values

    without_running = proposals(True, running=False)
    with_running = proposals(True, running=True)
    assert with_running != without_running
    distance = lambda xs: np.mean(np.abs(np.array(xs) - 0.3))  # noqa: E731
    assert distance(with_running) > distance(without_running)
    # Without the liar, running trials change nothing.
    assert proposals(False, running=True) == proposals(False, running=False)


def test_conditional_space_with_group() -> None:
    def objective(trial: hpo.Trial) -> float:
        branch = trial.suggest_categorical("branch", ["a", "b"])
        if branch == "a":
            x = trial.suggest_float("a_x", -5.0, 5.0)
            y = trial.suggest_float("a_y", -5.0, 5.0)
            return (x - 1) ** 2 + (y + 1) ** 2
        return 1.0 + trial.suggest_int("b_n", 0, 10) / 10

    sampler = TPESampler(seed=0)  # group=True is the default
    study = hpo.create_study(sampler=sampler)
    study.optimize(objective, n_trials=60)
    space = sampler.infer_relative_search_space(study, study.trials[-1])
    assert set(space) == {"branch", "a_x", "a_y", "b_n"}
    assert study.best_value < 0.3
    trial = study.ask()
    relative = sampler.sample_relative(study, trial._cached_frozen_trial, space)
    assert set(relative) == {"branch", "a_x", "a_y", "b_n"}


def test_group_needs_multivariate() -> None:
    with pytest.raises(ValueError, match="group=True needs multivariate"):
        TPESampler(group=True, multivariate=False)


def test_independent_sampling_warning(caplog: pytest.LogCaptureFixture) -> None:
    def objective(trial: hpo.Trial) -> float:
        if trial.number % 2:
            return trial.suggest_float("odd", 0.0, 1.0)
        return trial.suggest_float("even", 0.0, 1.0)

    # Without groups, "odd" and "even" are never in every trial; with groups (the default)
    # each is its own group and is sampled relatively.
    for warn, group, expected in [
        (True, False, True),
        (False, False, False),
        (True, None, False),
    ]:
        caplog.clear()
        sampler = TPESampler(
            seed=0, n_startup_trials=2, warn_independent_sampling=warn, group=group
        )
        study = hpo.create_study(sampler=sampler)
        with caplog.at_level(logging.WARNING):
            study.optimize(objective, n_trials=6)
        warned = any("sampled on its own" in r.getMessage() for r in caplog.records)
        assert warned is expected, (warn, group)


def test_constraints_push_trials_to_the_feasible_region() -> None:
    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_user_attr("c", x - 0.4)  # feasible when x <= 0.4
        return (x - 1.0) ** 2

    def constraints(trial: FrozenTrial) -> list[float]:
        return [trial.user_attrs["c"]]

    feasible_share = {}
    for constrained in (True, False):
        shares = []
        for seed in range(3):
            sampler = TPESampler(seed=seed, constraints_func=constraints if constrained else None)
            study = hpo.create_study(sampler=sampler)
            study.optimize(objective, n_trials=50)
            late = study.trials[20:]
            shares.append(np.mean([t.params["x"] <= 0.4 for t in late]))
            if constrained:
                assert study.trials[0].system_attrs["constraints"] == [
                    study.trials[0].params["x"] - 0.4
                ]
                assert study.best_params["x"] == pytest.approx(0.4, abs=0.05)
        feasible_share[constrained] = np.mean(shares)
    # The best feasible point sits on the boundary, so about half the late proposals near it
    # fall just outside; without constraints almost none are feasible.
    assert feasible_share[True] > 0.4
    assert feasible_share[True] > feasible_share[False] + 0.3


@pytest.mark.parametrize("bad", [[float("nan")], "abc", 3.0])
def test_bad_constraints_are_reported(bad: Any) -> None:
    study = hpo.create_study(sampler=TPESampler(constraints_func=lambda t: bad))
    with pytest.raises(ValueError, match="constraints_func"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    # The trial is still recorded, not lost, but without constraint values.
    assert study.trials[0].state == TrialState.COMPLETE
    assert "constraints" not in study.trials[0].system_attrs


def test_multi_objective_beats_random_by_hypervolume() -> None:
    def objective(trial: hpo.Trial) -> tuple[float, float]:
        x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)])
        g = 1 + 9 * np.mean(x[1:])
        return float(x[0]), float(g * (1 - math.sqrt(x[0] / g)))

    def volume(sampler: Any) -> float:
        study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(objective, n_trials=80)
        losses = np.array([t.values for t in study.best_trials])
        return compute_hypervolume(losses, np.array([1.1, 11.0]))

    tpe = [volume(TPESampler(seed=seed)) for seed in range(3)]
    random = [volume(RandomSampler(seed=seed)) for seed in range(3)]
    assert min(tpe) > max(random)


def test_multi_objective_maximize_and_mixed_directions() -> None:
    def objective(trial: hpo.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        return x, -((x - 1.0) ** 2)  # minimize x, maximize -(x - 1)^2: a trade-off

    study = hpo.create_study(directions=["minimize", "maximize"], sampler=TPESampler(seed=0))
    study.optimize(objective, n_trials=40)
    assert len(study.best_trials) > 5


class _ParityPruner(BasePruner):
    """Puts even-numbered trials in bracket 0 and odd ones in bracket 1."""

    def prune(self, study: hpo.Study, trial: FrozenTrial) -> bool:
        return False

    def bracket_id(self, study: hpo.Study, trial: FrozenTrial) -> int | None:
        return trial.number % 2


def test_learns_only_from_the_same_bracket() -> None:
    dist = FloatDistribution(0.0, 1.0)
    proposals: dict[int, list[float]] = {0: [], 1: []}
    for seed in range(6):
        sampler = TPESampler(seed=seed)
        study = hpo.create_study(sampler=sampler, pruner=_ParityPruner())
        rng = np.random.default_rng(seed)
        for number in range(40):
            x = float(rng.random())
            # Even trials are good near 0.1, odd ones near 0.9.
            target = 0.1 if number % 2 == 0 else 0.9
            study.add_trial(
                create_trial(params={"x": x}, distributions={"x": dist}, value=abs(x - target))
            )
        for _ in range(2):
            trial = study.ask()
            x = sampler.sample_independent(study, trial._cached_frozen_trial, "x", dist)
            proposals[trial.number % 2].append(x)
            study.tell(trial, 0.0)
    assert np.mean(proposals[0]) < 0.3
    assert np.mean(proposals[1]) > 0.7


def test_pruned_trials_inform_the_split() -> None:
    # Only pruned trials: those that got furthest are the good ones.
    dist = FloatDistribution(0.0, 1.0)
    sampler = TPESampler(seed=0, n_startup_trials=0)
    study = hpo.create_study(sampler=sampler)
    for i in range(30):
        x = (i + 0.5) / 30
        steps = 10 if x < 0.2 else 2
        study.add_trial(
            create_trial(
                state=TrialState.PRUNED,
                params={"x": x},
                distributions={"x": dist},
                intermediate_values={s: 1.0 for s in range(steps)},
            )
        )
    values = []
    for _ in range(10):
        trial = study.ask()
        values.append(sampler.sample_independent(study, trial._cached_frozen_trial, "x", dist))
    assert np.mean(values) < 0.3


def test_categorical_distance_function() -> None:
    def objective(trial: hpo.Trial) -> float:
        return abs(trial.suggest_categorical("n", list(range(20))) - 13)

    sampler = TPESampler(seed=0, categorical_distance_func={"n": lambda a, b: abs(a - b)})
    study = hpo.create_study(sampler=sampler)
    study.optimize(objective, n_trials=40)
    assert study.best_value <= 1


def test_custom_gamma_and_weights_are_used_and_checked() -> None:
    calls: list[int] = []

    def gamma(n: int) -> int:
        calls.append(n)
        return 2

    sampler = TPESampler(seed=0, gamma=gamma, weights=lambda n: np.linspace(0.5, 1.0, n))
    study = hpo.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=15)
    assert calls and max(calls) == 14

    study = hpo.create_study(sampler=TPESampler(n_startup_trials=1, gamma=lambda n: "x"))
    study.optimize(_quadratic, n_trials=1)
    with pytest.raises(ValueError, match="gamma"):
        study.optimize(_quadratic, n_trials=1)
    study = hpo.create_study(sampler=TPESampler(n_startup_trials=1, weights=lambda n: [1.0] * 3))
    study.optimize(_quadratic, n_trials=1)
    with pytest.raises(ValueError, match=r"weights\(\d+\) must return"):
        study.optimize(_quadratic, n_trials=1)


def test_hyperopt_parameters() -> None:
    sampler = TPESampler(**TPESampler.hyperopt_parameters(), seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=25)
    assert len(study.trials) == 25


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_startup_trials": -1}, "n_startup_trials must be >= 0, got -1"),
        ({"n_startup_trials": 1.5}, "n_startup_trials must be an int"),
        ({"n_ei_candidates": 0}, "n_ei_candidates must be >= 1, got 0"),
        ({"prior_weight": 0.0}, "prior_weight must be finite and > 0, got 0.0"),
        ({"prior_weight": -1.0}, "prior_weight"),
        ({"prior_weight": float("inf")}, "prior_weight"),
        ({"gamma": 0.1}, "gamma must be callable"),
        ({"weights": [1.0]}, "weights must be callable"),
        ({"constraints_func": 1}, "constraints_func must be callable"),
        ({"consider_prior": "yes"}, "consider_prior must be a bool"),
        ({"multivariate": 1}, "multivariate must be a bool"),
        ({"seed": "1"}, "seed must be an int"),
        ({"categorical_distance_func": [1]}, "categorical_distance_func must map"),
        ({"categorical_distance_func": {"c": 1}}, r"categorical_distance_func\['c'\]"),
    ],
)
def test_argument_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TPESampler(**kwargs)


def test_none_arguments_mean_defaults() -> None:
    explicit = TPESampler(
        seed=1,
        consider_prior=True,
        prior_weight=1.0,
        consider_magic_clip=True,
        consider_endpoints=False,
        multivariate=True,
        warn_independent_sampling=True,
        constant_liar=True,
    )
    implicit = TPESampler(
        seed=1,
        consider_prior=None,
        prior_weight=None,
        consider_magic_clip=None,
        consider_endpoints=None,
        multivariate=None,
        warn_independent_sampling=None,
        constant_liar=None,
    )
    assert _params_sequence(explicit, 15) == _params_sequence(implicit, 15)


def test_parallel_threads() -> None:
    study = hpo.create_study(sampler=TPESampler(seed=0))
    study.optimize(_quadratic, n_trials=40, n_jobs=2)
    assert len(study.trials) == 40
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_no_warning_for_a_trial_that_started_during_startup(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The trial's relative proposal was empty (startup), so its later parameters are sampled
    # independently; they belong to the relative space, so there is nothing to warn about.
    study = hpo.create_study(sampler=TPESampler(seed=0, n_startup_trials=2))
    slow = study.ask()
    slow.suggest_float("x", 0.0, 1.0)
    space = {"x": FloatDistribution(0.0, 1.0), "y": FloatDistribution(0.0, 1.0)}
    for value in (0.1, 0.5, 0.9):
        study.add_trial(
            create_trial(params={"x": value, "y": value}, distributions=space, value=value)
        )
    with caplog.at_level(logging.WARNING):
        slow.suggest_float("y", 0.0, 1.0)
        slow.suggest_float("z", 0.0, 1.0)  # a parameter no finished trial has
    messages = [r.getMessage() for r in caplog.records]
    assert not any("'y'" in m for m in messages)
    assert any("'z'" in m and "sampled on its own" in m for m in messages)
