"""CMA-ES pieces without a study: precision, restarts, margin, learning rates, warm start."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

import hpo
from hpo.distributions import FloatDistribution, IntDistribution
from hpo.samplers._cmaes import CmaEsSampler
from hpo.samplers._cmaes._es import CmaEs, StrategyParameters, default_popsize
from hpo.samplers._cmaes._margin import Margin
from hpo.samplers._cmaes._restart import initial_book, next_run
from hpo.samplers._cmaes._space import UnitSpace
from hpo.samplers._cmaes._warm_start import warm_start_distribution
from hpo.trial import create_trial


def _state(study: hpo.Study) -> dict:
    return json.loads(next(v for k, v in study.system_attrs.items() if k.startswith("cma:")))


def _sphere(x: np.ndarray) -> np.ndarray:
    return (((x - 0.3) * 10) ** 2).sum(axis=1)


def _rosenbrock(x: np.ndarray) -> np.ndarray:
    z = x * 4 - 2
    return (100 * (z[:, 1:] - z[:, :-1] ** 2) ** 2 + (1 - z[:, :-1]) ** 2).sum(axis=1)


def _best(
    function: Callable[[np.ndarray], np.ndarray], es: CmaEs, budget: int, seed: int
) -> float:
    rng = np.random.default_rng(seed)
    best, used = np.inf, 0
    while used < budget:
        x = np.array([es.ask(rng) for _ in range(es.popsize)])
        values = function(x)
        best = min(best, float(values.min()))
        used += len(values)
        es.tell(x, values)
    return best


# Measured over 30 seeds: the 5-D sphere reaches 1e-6 within 448-600 evaluations and the 2-D
# Rosenbrock function reaches 1e-4 within 174-522; the budgets leave a margin of 1.3-1.7x.
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_precision_on_sphere_and_rosenbrock(seed: int) -> None:
    assert _best(_sphere, CmaEs(np.full(5, 0.5), 1 / 6), 800, seed) < 1e-6
    assert _best(_rosenbrock, CmaEs(np.full(2, 0.5), 1 / 6), 900, seed) < 1e-4


def test_separable_learns_an_axis_parallel_ellipsoid_faster() -> None:
    scales = 10.0 ** np.arange(8)

    def ellipsoid(x: np.ndarray) -> np.ndarray:
        return ((x - 0.4) ** 2 * scales).sum(axis=1)

    full = _best(ellipsoid, CmaEs(np.full(8, 0.5), 1 / 6), 1500, 0)
    separable = _best(ellipsoid, CmaEs(np.full(8, 0.5), 1 / 6, separable=True), 1500, 0)
    assert separable < full / 100


def test_default_strategy_parameters() -> None:
    assert default_popsize(2) == 6 and default_popsize(10) == 10
    params = StrategyParameters(10, 10)
    assert params.weights[: params.mu].sum() == pytest.approx(1.0)
    assert (params.weights[params.mu :] < 0).all()
    assert 0 < params.c_1 + params.c_mu <= 1
    assert params.mu_eff == pytest.approx(1 / (params.weights[: params.mu] ** 2).sum())
    separable = StrategyParameters(10, 10, separable=True)
    assert separable.c_1 > params.c_1 and (separable.weights >= 0).all()


def test_stops_on_a_flat_function() -> None:
    es = CmaEs(np.full(2, 0.5), 0.2)
    rng = np.random.default_rng(0)
    stopped_at = None
    for generation in range(100):
        x = np.array([es.ask(rng) for _ in range(es.popsize)])
        es.tell(x, np.zeros(len(x)))
        if es.should_stop():
            stopped_at = generation
            break
    assert stopped_at is not None and stopped_at < 40


def test_ipop_and_bipop_population_sizes() -> None:
    rng = np.random.default_rng(0)
    book = initial_book()
    sizes = []
    for _ in range(3):
        popsize, sigma, book = next_run("ipop", book, 100, 6, 2, 0.2, rng)
        sizes.append(popsize)
        assert sigma == 0.2
    assert sizes == [12, 24, 48]
    _, _, book = next_run("ipop", initial_book(), 100, 6, 3, 0.2, rng)
    assert next_run("ipop", book, 100, 6, 3, 0.2, rng)[0] == 54

    book = initial_book()
    regimes = []
    for _ in range(8):
        popsize, sigma, book = next_run("bipop", book, 600, 6, 2, 0.2, rng)
        regimes.append(book["regime"])
        if book["regime"] == "large":
            assert popsize == 6 * 2 ** book["n_large"] and sigma == 0.2
        else:
            assert 6 <= popsize <= max(6, 6 * 2 ** book["n_large"] // 2) and sigma <= 0.2
    assert "small" in regimes and "large" in regimes
    assert book["n_large"] >= 1


@pytest.mark.parametrize(("strategy", "inc"), [("ipop", -1), ("ipop", 3), ("bipop", -1)])
def test_sampler_restarts_with_a_larger_population(strategy: str, inc: int) -> None:
    def flat(trial: hpo.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.suggest_float("y", 0, 1)
        return 0.0

    sampler = CmaEsSampler(seed=0, restart_strategy=strategy, inc_popsize=inc)
    study = hpo.create_study(sampler=sampler)
    study.optimize(flat, n_trials=400)
    state = _state(study)
    assert state["run"] >= 1
    factor = 2 if inc == -1 else inc
    if strategy == "ipop":
        assert state["es"]["popsize"] == 6 * factor ** state["run"]
    else:
        assert state["book"]["n_large"] >= 1 or state["book"]["regime"] == "small"
    runs = {v[0] for t in study.trials for k, v in t.system_attrs.items() if "generation" in k}
    assert runs == set(range(state["run"] + 1))

    no_restart = hpo.create_study(sampler=CmaEsSampler(seed=0))
    no_restart.optimize(flat, n_trials=400)
    state = _state(no_restart)
    assert state["run"] == 0 and state["es"]["popsize"] == 6


def test_margin_keeps_probability_on_neighbouring_values() -> None:
    space = UnitSpace({"a": IntDistribution(0, 4), "b": IntDistribution(0, 4)})
    alpha = 0.05
    margin = Margin(space, alpha=alpha)
    # A tiny distribution inside the middle cell, off-centre, and one in the last cell.
    mean = np.array([0.5 + 0.05, 0.95])
    std = np.array([1e-4, 1e-4])
    new_mean, scale = margin.correct(mean, std, np.ones(2))
    lower, upper = space.cells(new_mean)
    from scipy.special import ndtr

    s = std * scale
    assert ndtr((lower[0] - new_mean[0]) / s[0]) == pytest.approx(alpha / 2, rel=1e-6)
    assert ndtr((new_mean[0] - upper[0]) / s[0]) == pytest.approx(alpha / 2, rel=1e-6)
    assert ndtr((lower[1] - new_mean[1]) / s[1]) == pytest.approx(alpha, rel=1e-6)
    assert scale[1] == 1.0  # at the end of the range only the mean moves
    # A distribution that is already wide is left alone.
    same_mean, same_scale = margin.correct(mean, np.array([0.5, 0.5]), np.ones(2))
    np.testing.assert_array_equal(same_mean, mean)
    np.testing.assert_array_equal(same_scale, np.ones(2))


def _integer_values_late(with_margin: bool) -> set[int]:
    def objective(trial: hpo.Trial) -> float:
        n = trial.suggest_int("n", -10, 10)
        x = trial.suggest_float("x", -1, 1)
        return (n - 3) ** 2 + x**2

    study = hpo.create_study(sampler=CmaEsSampler(seed=0, with_margin=with_margin))
    study.optimize(objective, n_trials=400)
    assert study.best_params["n"] == 3
    return {t.params["n"] for t in study.trials[-150:]}


def test_margin_keeps_an_integer_parameter_from_freezing() -> None:
    assert _integer_values_late(with_margin=False) == {3}
    assert len(_integer_values_late(with_margin=True)) > 1


def test_margin_reaches_an_integer_optimum_far_from_the_start() -> None:
    def objective(trial: hpo.Trial) -> float:
        values = [trial.suggest_int(f"n{i}", 0, 40) for i in range(4)]
        return float(sum((v - 37) ** 2 for v in values))

    study = hpo.create_study(sampler=CmaEsSampler(seed=1, with_margin=True))
    study.optimize(objective, n_trials=400)
    assert study.best_value == 0.0


def test_learning_rates_fall_on_noise() -> None:
    def noisy_walk(lr_adapt: bool) -> tuple[float, float]:
        es = CmaEs(np.full(4, 0.5), 0.05, lr_adapt=lr_adapt)
        rng = np.random.default_rng(0)
        noise = np.random.default_rng(1)
        for _ in range(60):
            x = np.array([es.ask(rng) for _ in range(es.popsize)])
            es.tell(x, noise.standard_normal(len(x)))
        eta = 1.0 if es.learning_rates is None else es.learning_rates.mean.eta
        return eta, float(np.abs(es.mean - 0.5).max() / es.sigma)

    eta, travelled = noisy_walk(True)
    plain_eta, plain_travelled = noisy_walk(False)
    assert plain_eta == 1.0
    assert eta < 0.4
    assert travelled < plain_travelled


def test_lr_adapt_sampler_optimizes() -> None:
    def objective(trial: hpo.Trial) -> float:
        return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(3))

    study = hpo.create_study(sampler=CmaEsSampler(seed=0, lr_adapt=True))
    study.optimize(objective, n_trials=300)
    assert study.best_value < 1e-2


def test_warm_start_distribution() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((200, 2))
    values = ((x - 0.8) ** 2).sum(axis=1)
    mean, sigma, cov = warm_start_distribution(x, values)
    assert np.abs(mean - 0.8).max() < 0.1
    assert sigma < 1 / 6
    assert np.linalg.det(cov) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least one"):
        warm_start_distribution(np.empty((0, 2)), np.empty(0))


def test_sampler_warm_starts_from_source_trials() -> None:
    distributions = {"x": FloatDistribution(-5, 5), "y": FloatDistribution(-5, 5)}
    rng = np.random.default_rng(0)
    points = rng.uniform(-5, 5, (100, 2))
    source = [
        create_trial(
            params={"x": float(px), "y": float(py)},
            distributions=distributions,
            value=float((px - 3) ** 2 + (py + 3) ** 2),
        )
        for px, py in points
    ]

    def objective(trial: hpo.Trial) -> float:
        x, y = trial.suggest_float("x", -5, 5), trial.suggest_float("y", -5, 5)
        return (x - 3) ** 2 + (y + 3) ** 2

    warm = hpo.create_study(sampler=CmaEsSampler(seed=0, source_trials=source))
    warm.optimize(objective, n_trials=12)
    cold = hpo.create_study(sampler=CmaEsSampler(seed=0))
    cold.optimize(objective, n_trials=12)
    assert min(t.value for t in warm.trials[1:]) < min(t.value for t in cold.trials[1:])
    state = _state(warm)
    np.testing.assert_allclose(state["es"]["mean"], [0.8, 0.2], atol=0.08)

    unusable = [create_trial(params={"z": 0.0}, distributions={"z": distributions["x"]}, value=0)]
    study = hpo.create_study(sampler=CmaEsSampler(seed=0, source_trials=unusable))
    with pytest.raises(ValueError, match="source_trials"):
        study.optimize(objective, n_trials=3)
