"""Tests of GPSampler."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.samplers import RandomSampler
from hpo.samplers._gp._sampler import GPSampler
from hpo.trial import FrozenTrial, Trial, TrialState


def branin(trial: Trial) -> float:
    x = trial.suggest_float("x", -5.0, 10.0)
    y = trial.suggest_float("y", 0.0, 15.0)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def test_finds_near_optimum_better_than_random() -> None:
    gp_best, random_best = [], []
    for seed in range(3):
        study = hpo.create_study(sampler=GPSampler(seed=seed, n_startup_trials=8))
        study.optimize(branin, n_trials=30)
        gp_best.append(study.best_value)
        study = hpo.create_study(sampler=RandomSampler(seed=seed))
        study.optimize(branin, n_trials=30)
        random_best.append(study.best_value)
    # Branin's minimum is 0.397887.
    assert max(gp_best) < 0.45
    assert np.median(gp_best) < np.median(random_best)


def mixed(trial: Trial) -> float:
    x = trial.suggest_float("x", -3.0, 2.0)
    lg = trial.suggest_float("lg", 1e-4, 1e2, log=True)
    st = trial.suggest_float("st", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", -5, 7, step=3)
    nl = trial.suggest_int("nl", 1, 1000, log=True)
    c = trial.suggest_categorical("c", ["a", "b", None, 3])
    return x**2 + math.log(lg) ** 2 + st + abs(n - 1) + math.log(nl) + (0.0 if c == "b" else 1.0)


def test_values_inside_distributions_and_reproducible() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = hpo.create_study(sampler=GPSampler(seed=seed, n_startup_trials=5))
        study.optimize(mixed, n_trials=14)
        return [t.params for t in study.trials]

    trials = run(1)
    for p in trials:
        assert -3.0 <= p["x"] <= 2.0
        assert 1e-4 <= p["lg"] <= 1e2
        assert p["st"] in {0.0, 0.25, 0.5, 0.75, 1.0}
        assert p["n"] in {-5, -2, 1, 4, 7} and isinstance(p["n"], int)
        assert isinstance(p["nl"], int) and 1 <= p["nl"] <= 1000
        assert p["c"] in ["a", "b", None, 3]
    assert run(1) == trials
    assert run(2) != trials


def test_constraints_steer_away_from_the_infeasible_region() -> None:
    # Minimize x^2 + y^2 subject to x + y >= 1: the best feasible point is (0.5, 0.5).
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", -2.0, 2.0)
        y = trial.suggest_float("y", -2.0, 2.0)
        trial.set_user_attr("c", 1.0 - x - y)
        return x * x + y * y

    def constraints(trial: FrozenTrial) -> Sequence[float]:
        return [trial.user_attrs["c"]]

    sampler = GPSampler(seed=0, n_startup_trials=8, constraints_func=constraints)
    study = hpo.create_study(sampler=sampler)
    study.optimize(objective, n_trials=25)
    late = study.trials[12:]
    assert all(t.system_attrs[CONSTRAINTS_KEY] == [t.user_attrs["c"]] for t in study.trials)
    # The optimum lies on the boundary, so proposals end up on it, on either side by a hair.
    # Random search is feasible about 34% of the time here; without the constraint the
    # search would go to (0, 0), far inside the infeasible region.
    nearly_feasible = [t for t in late if t.system_attrs[CONSTRAINTS_KEY][0] <= 0.01]
    assert len(nearly_feasible) >= 0.7 * len(late)
    feasible = [t for t in study.trials if t.system_attrs[CONSTRAINTS_KEY][0] <= 0.0]
    assert min(t.value for t in feasible) < 0.5 + 0.05


def test_without_feasible_trials_it_searches_for_feasibility() -> None:
    def objective(trial: Trial) -> float:
        return trial.suggest_float("x", 0.0, 1.0)

    def constraints(trial: FrozenTrial) -> Sequence[float]:
        return [trial.params["x"] - 0.05]  # feasible only for x <= 0.05

    sampler = GPSampler(seed=3, n_startup_trials=3, constraints_func=constraints)
    study = hpo.create_study(sampler=sampler)
    study.enqueue_trial({"x": 0.9})
    study.enqueue_trial({"x": 0.6})
    study.enqueue_trial({"x": 0.4})
    study.optimize(objective, n_trials=6)
    assert min(t.params["x"] for t in study.trials[3:]) <= 0.05


def test_running_trials_are_accounted_for() -> None:
    def quadratic(x: float, y: float) -> float:
        return (x - 0.3) ** 2 + (y + 0.2) ** 2

    study = hpo.create_study(sampler=GPSampler(seed=0, deterministic_objective=True))
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-1, 1, size=(12, 2)):
        study.enqueue_trial({"x": float(x), "y": float(y)})
        trial = study.ask()
        study.tell(
            trial, quadratic(trial.suggest_float("x", -1, 1), trial.suggest_float("y", -1, 1))
        )
    first = study.ask()
    a = (first.suggest_float("x", -1, 1), first.suggest_float("y", -1, 1))
    second = study.ask()  # `first` is still RUNNING
    b = (second.suggest_float("x", -1, 1), second.suggest_float("y", -1, 1))
    assert math.dist(a, b) > 0.02
    study.tell(first, quadratic(*a))
    study.tell(second, quadratic(*b))
    assert min(quadratic(*a), quadratic(*b)) < 0.05


SPACE_2D = {
    "x": hpo.distributions.FloatDistribution(-1, 1),
    "y": hpo.distributions.FloatDistribution(-1, 1),
}


def seeded_study(seed: int) -> hpo.Study:
    study = hpo.create_study(sampler=GPSampler(seed=seed, deterministic_objective=True))
    rng = np.random.default_rng(100 + seed)
    for x, y in rng.uniform(-1, 1, (8, 2)):
        params = {"x": float(x), "y": float(y)}
        value = math.sin(3 * x) + y * y
        study.add_trial(hpo.trial.create_trial(params=params, distributions=SPACE_2D, value=value))
    return study


def propose(trial: Trial) -> tuple[float, float]:
    return trial.suggest_float("x", -1, 1), trial.suggest_float("y", -1, 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pending_trial_changes_the_proposal(seed: int) -> None:
    alone = propose(seeded_study(seed).ask())
    study = seeded_study(seed)
    pending = propose(study.ask())
    assert pending == pytest.approx(alone)  # same seed, same data: same proposal
    with_pending = propose(study.ask())  # the first trial is still RUNNING
    assert math.dist(with_pending, alone) > 0.1


def test_multi_objective_runs_and_spreads_along_the_front() -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        return x, (1 + y) * (1 - math.sqrt(x))

    sampler = GPSampler(seed=0, n_startup_trials=6)
    study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=20)
    assert len(study.trials) == 20
    late = study.trials[6:]
    # The front is y = 0: the model drives y down, and x spreads over the front.
    assert np.median([t.params["y"] for t in late]) < 0.2
    assert len(study.best_trials) >= 4


def test_maximize_direction() -> None:
    study = hpo.create_study(direction="maximize", sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(lambda t: -((t.suggest_float("x", -3, 3) - 1.0) ** 2), n_trials=15)
    assert study.best_value > -0.01


def test_parameters_outside_the_space_are_sampled_independently_with_a_warning() -> None:
    def objective(trial: Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("xa", 0, 1)
        return trial.suggest_float("xb", 0, 1) + 1

    study = hpo.create_study(sampler=GPSampler(seed=0, n_startup_trials=4))
    study.enqueue_trial({"kind": "a"})
    study.enqueue_trial({"kind": "b"})
    study.optimize(objective, n_trials=4)
    with pytest.warns(HpoWarning, match="independent sampler"):
        study.optimize(objective, n_trials=1)
    quiet = hpo.create_study(
        sampler=GPSampler(seed=0, n_startup_trials=4, warn_independent_sampling=False)
    )
    quiet.enqueue_trial({"kind": "a"})
    quiet.enqueue_trial({"kind": "b"})
    quiet.optimize(objective, n_trials=5)  # filterwarnings=error: no warning here


def test_startup_trials_use_the_independent_sampler() -> None:
    class Recording(RandomSampler):
        calls = 0

        def sample_independent(self, *args: Any) -> Any:
            Recording.calls += 1
            return super().sample_independent(*args)

    sampler = GPSampler(seed=0, n_startup_trials=4, independent_sampler=Recording(seed=0))
    study = hpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 6)
    assert Recording.calls == 8  # two parameters in each of the four startup trials


def test_failed_and_pruned_trials_are_ignored() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 3 == 1:
            raise hpo.TrialPruned()
        return x

    study = hpo.create_study(sampler=GPSampler(seed=0, n_startup_trials=3))
    study.optimize(objective, n_trials=10)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 7


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"seed": "1"}, TypeError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"n_startup_trials": -1}, ValueError, "n_startup_trials"),
        ({"n_startup_trials": 2.0}, TypeError, "n_startup_trials"),
        ({"independent_sampler": "random"}, TypeError, "independent_sampler"),
        ({"deterministic_objective": "yes"}, TypeError, "deterministic_objective"),
        ({"constraints_func": 3}, TypeError, "constraints_func"),
        ({"warn_independent_sampling": None}, TypeError, "warn_independent_sampling"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        GPSampler(**kwargs)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        GPSampler(0)  # type: ignore[misc]


def test_bad_constraint_values_raise() -> None:
    sampler = GPSampler(seed=0, constraints_func=lambda t: [float("nan")])
    study = hpo.create_study(sampler=sampler)
    with pytest.raises(ValueError, match="NaN"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_warp_keeps_the_order_and_tames_a_long_tail() -> None:
    from hpo.samplers._gp._sampler import _warp

    rng = np.random.default_rng(0)
    losses = np.sort(np.exp(rng.normal(scale=2.0, size=40)))  # a long right tail
    warped = _warp(losses)
    assert np.all(np.diff(warped) > 0)
    # The best ten values take a larger share of the range than they do unwarped.
    share = (warped[9] - warped[0]) / np.ptp(warped)
    assert share > 3 * (losses[9] - losses[0]) / np.ptp(losses)
    assert np.all(_warp(np.full(3, 2.0)) == 2.0)


def test_no_startup_trials() -> None:
    # The first trial has no model yet: it is sampled independently, without a warning.
    study = hpo.create_study(sampler=GPSampler(seed=0, n_startup_trials=0))
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=6)
    assert len(study.trials) == 6
