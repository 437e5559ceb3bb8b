"""Tests of the Gaussian-process core: kernel, posterior, hyperparameter fit, normalization."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.samplers._gp._model import (
    DETERMINISTIC_NOISE_VAR,
    GPRegressor,
    _negative_log_posterior,
    fit_gp,
    standardize,
)
from hpo.samplers._gp._search_space import (
    denormalize,
    is_categorical,
    normalize_params,
    round_normalized,
    unit_to_normalized,
)


def matern52(r: float) -> float:
    return (1 + math.sqrt(5) * r + 5 * r * r / 3) * math.exp(-math.sqrt(5) * r)


def test_posterior_two_points_closed_form() -> None:
    X = np.array([[0.2, 0.0], [0.6, 1.0]])
    y = np.array([1.0, -0.5])
    isl = np.array([4.0, 0.25])
    scale, noise = 1.5, 0.01
    gp = GPRegressor(X, y, np.array([False, False]), isl, scale, noise)

    def k(a: np.ndarray, b: np.ndarray) -> float:
        return scale * matern52(math.sqrt(float(np.sum(isl * (a - b) ** 2))))

    K = np.array([[k(a, b) for b in X] for a in X]) + noise * np.eye(2)
    x_new = np.array([0.3, 0.5])
    kstar = np.array([k(x_new, b) for b in X])
    expected_mean = kstar @ np.linalg.solve(K, y)
    expected_var = scale - kstar @ np.linalg.solve(K, kstar)
    mean, var = gp.posterior(x_new[None, :])
    assert mean[0] == pytest.approx(expected_mean, rel=1e-9)
    assert var[0] == pytest.approx(expected_var, rel=1e-9)
    assert gp.kernel(X, X)[0, 1] == pytest.approx(k(X[0], X[1]))
    # Far away the posterior falls back to the prior.
    mean_far, var_far = gp.posterior(np.array([[50.0, 50.0]]))
    assert abs(mean_far[0]) < 1e-6 and var_far[0] == pytest.approx(scale)


def test_categorical_column_uses_hamming_distance() -> None:
    X = np.array([[0.5, 0.0], [0.5, 2.0]])
    gp = GPRegressor(X, np.zeros(2), np.array([False, True]), np.array([1.0, 0.7]), 1.0, 1e-3)
    K = gp.kernel(X, np.array([[0.5, 1.0], [0.5, 2.0]]))
    # Choices 0 and 2 are as far apart as 1 and 2: distance 1 on that column.
    assert K[0, 0] == pytest.approx(matern52(math.sqrt(0.7)))
    assert K[0, 0] == pytest.approx(K[1, 0])
    assert K[1, 1] == pytest.approx(1.0)


def test_posterior_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((7, 3))
    X[:, 2] = rng.integers(0, 3, 7)
    gp = GPRegressor(
        X, rng.normal(size=7), np.array([False, False, True]), np.array([3, 1, 2.0]), 1.2, 1e-3
    )
    x = np.array([[0.31, 0.72, 1.0], [0.9, 0.1, 0.0]])
    mean, var, mean_grad, var_grad = gp.posterior_with_grad(x)
    mean_ref, var_ref = gp.posterior(x)
    np.testing.assert_allclose(mean, mean_ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(var, var_ref, rtol=1e-7, atol=1e-12)
    eps = 1e-6
    for j in range(2):
        shift = np.zeros_like(x)
        shift[:, j] = eps
        m_plus, v_plus = gp.posterior(x + shift)
        m_minus, v_minus = gp.posterior(x - shift)
        np.testing.assert_allclose(mean_grad[:, j], (m_plus - m_minus) / (2 * eps), rtol=1e-5)
        np.testing.assert_allclose(var_grad[:, j], (v_plus - v_minus) / (2 * eps), rtol=1e-4)
    assert np.all(mean_grad[:, 2] == 0.0)


def test_marginal_likelihood_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((9, 2))
    y = np.sin(5 * X[:, 0]) + X[:, 1]
    diff = X[:, None, :] - X[None, :, :]
    distances = diff * diff
    theta = np.array([0.5, -0.3, 0.2, math.log(0.05)])
    _, grad = _negative_log_posterior(theta, distances, y, None)
    eps = 1e-6
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = eps
        numeric = (
            _negative_log_posterior(theta + step, distances, y, None)[0]
            - _negative_log_posterior(theta - step, distances, y, None)[0]
        ) / (2 * eps)
        assert grad[j] == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def test_fit_improves_marginal_likelihood_and_interpolates() -> None:
    rng = np.random.default_rng(2)
    X = rng.random((25, 2))
    y, _, _ = standardize(np.sin(6 * X[:, 0]) + 0.1 * X[:, 1])
    d = 2
    start = GPRegressor(
        X, y, np.zeros(d, bool), np.full(d, math.exp(-2.0)), 1.0, 1e-2
    )  # close to the optimizer's default start
    fitted = fit_gp(X, y, np.zeros(d, bool))
    assert fitted.log_marginal_likelihood() > start.log_marginal_likelihood() + 5.0
    # The fitted model says x0 matters far more than x1.
    assert fitted.inverse_squared_lengthscales[0] > 10 * fitted.inverse_squared_lengthscales[1]
    mean, var = fitted.posterior(X)
    np.testing.assert_allclose(mean, y, atol=0.1)
    assert np.all(var >= 0.0)
    # A warm start from the fit lands on the same optimum.
    again = fit_gp(X, y, np.zeros(d, bool), warm_start=fitted)
    assert again.log_marginal_likelihood() == pytest.approx(
        fitted.log_marginal_likelihood(), abs=1e-3
    )


def test_deterministic_objective_fixes_the_noise() -> None:
    rng = np.random.default_rng(3)
    X = rng.random((10, 1))
    y, _, _ = standardize(rng.normal(size=10))  # pure noise would get a large noise term
    gp = fit_gp(X, y, np.array([False]), deterministic_objective=True)
    assert gp.noise_var == DETERMINISTIC_NOISE_VAR
    noisy = fit_gp(X, y, np.array([False]))
    assert noisy.noise_var > 1e-3


def test_duplicate_points_stay_positive_definite() -> None:
    X = np.array([[0.5], [0.5], [0.5]])
    gp = fit_gp(X, np.array([0.0, 0.0, 0.0]), np.array([False]), deterministic_objective=True)
    mean, var = gp.posterior(np.array([[0.5], [0.1]]))
    assert np.all(np.isfinite(mean)) and np.all(var >= 0.0)


def test_fit_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="Shapes"):
        fit_gp(np.zeros((3, 2)), np.zeros(4), np.zeros(2, bool))


def test_standardize_constant_input() -> None:
    z, mean, std = standardize(np.full(4, 7.0))
    assert mean == 7.0 and std > 0.0 and np.all(z == 0.0)


SPACE = {
    "x": FloatDistribution(-2.0, 2.0),
    "lg": FloatDistribution(1e-3, 10.0, log=True),
    "st": FloatDistribution(0.0, 1.0, step=0.25),
    "n": IntDistribution(-5, 7, step=3),
    "nl": IntDistribution(1, 1000, log=True),
    "c": CategoricalDistribution(["a", None, 3]),
}


def test_normalize_params_and_back() -> None:
    params = {"x": 1.0, "lg": 0.1, "st": 0.75, "n": 1, "nl": 10, "c": None}
    trial = hpo.trial.create_trial(params=params, distributions=SPACE, value=0.0)
    row = normalize_params([trial], SPACE)[0]
    assert row[0] == pytest.approx(0.75)
    assert row[1] == pytest.approx((math.log(0.1) - math.log(1e-3)) / math.log(1e4))
    assert row[2] == pytest.approx(3.5 / 5)  # 4th of 5 cells, at its centre
    assert row[3] == pytest.approx(2.5 / 5)
    assert row[4] == pytest.approx((math.log(10) - math.log(0.5)) / (math.log(1000.5 / 0.5)))
    assert row[5] == 1.0
    assert is_categorical(SPACE).tolist() == [False] * 5 + [True]
    back = denormalize(row, SPACE)
    assert back["x"] == pytest.approx(1.0) and back["lg"] == pytest.approx(0.1)
    assert {k: v for k, v in back.items() if k not in ("x", "lg")} == {
        "st": 0.75,
        "n": 1,
        "nl": 10,
        "c": None,
    }


def test_random_unit_points_map_inside_distributions() -> None:
    rng = np.random.default_rng(4)
    unit = rng.random((300, len(SPACE)))
    unit[:5] = 0.0
    unit[5:10] = 1.0
    points = unit_to_normalized(unit, SPACE)
    np.testing.assert_array_equal(round_normalized(points, SPACE), points)
    for point in points:
        params = denormalize(point, SPACE)
        for name, dist in SPACE.items():
            assert dist._contains(dist.to_internal_repr(params[name])), (name, params[name])


def test_hamming_term_equals_one_hot_with_a_shared_length_scale() -> None:
    rng = np.random.default_rng(5)
    index = rng.integers(0, 4, size=(6, 1)).astype(float)
    x = rng.random((6, 1))
    hamming = GPRegressor(
        np.hstack([x, index]), np.zeros(6), np.array([False, True]), np.array([2.0, 0.8]), 1.0, 0.1
    )
    one_hot = np.hstack([x, np.eye(4)[index[:, 0].astype(int)]])
    euclidean = GPRegressor(
        one_hot, np.zeros(6), np.zeros(5, bool), np.array([2.0, 0.4, 0.4, 0.4, 0.4]), 1.0, 0.1
    )
    np.testing.assert_allclose(
        hamming.kernel(hamming.X, hamming.X), euclidean.kernel(one_hot, one_hot), rtol=1e-12
    )
