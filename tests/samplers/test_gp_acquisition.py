"""Tests of the GP acquisition functions and their optimizer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.samplers._gp._acquisition import Acquisition, log_ei, log_h, log_h_grad
from hpo.samplers._gp._model import GPRegressor
from hpo.samplers._gp._optimize_acqf import optimize_acquisition
from hpo.samplers._gp._search_space import denormalize, discrete_neighbors, round_normalized


def plain_h(z: np.ndarray) -> np.ndarray:
    return norm.pdf(z) + z * norm.cdf(z)


def test_log_h_matches_the_plain_formula_where_it_is_accurate() -> None:
    z = np.concatenate([np.linspace(-20.0, 6.0, 521), [-1.0, -0.999, -1.001]])
    expected = np.log(plain_h(z))
    np.testing.assert_allclose(log_h(z), expected, rtol=1e-9, atol=1e-12)


def test_log_h_is_finite_and_increasing_far_below_the_incumbent() -> None:
    z = -np.logspace(0, 6, 400)[::-1]  # from -1e6 up to -1
    values = log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) > 0)
    # Where plain evaluation underflows to -inf, the asymptote log phi(z) - 2 log|z| - 3/z^2
    # holds.
    assert log_h(np.array([-1e3]))[0] == pytest.approx(
        -0.5e6 - 0.5 * math.log(2 * math.pi) - 2 * math.log(1e3) - 3e-6, abs=1e-8
    )
    assert plain_h(np.array([-1e3]))[0] == 0.0
    # The two regimes meet without a jump.
    below, above = log_h(np.array([-1e3 - 1e-9, -1e3 + 1e-9]))
    assert above - below == pytest.approx(1e3 * 2e-9, rel=1e-3)


def test_log_h_gradient() -> None:
    z = np.array([-800.0, -30.0, -3.0, -1.0, 0.0, 2.5])
    eps = 1e-6 * np.maximum(1.0, np.abs(z))
    numeric = (log_h(z + eps) - log_h(z - eps)) / (2 * eps)
    np.testing.assert_allclose(log_h_grad(z, log_h(z)), numeric, rtol=1e-5)


def test_log_ei_equals_log_of_expected_improvement() -> None:
    mean = np.array([0.3, -1.0, 2.0, -4.0])
    variance = np.array([0.25, 1.0, 0.01, 0.5])
    best = 0.5
    std = np.sqrt(variance)
    z = (mean - best) / std
    expected = np.log((mean - best) * norm.cdf(z) + std * norm.pdf(z))
    np.testing.assert_allclose(log_ei(mean, variance, best), expected, rtol=1e-10)
    far = log_ei(np.array([-1e3]), np.array([1e-4]), 1.0)
    assert np.isfinite(far[0])


def make_model(seed: int, categorical: bool = False) -> GPRegressor:
    rng = np.random.default_rng(seed)
    X = rng.random((8, 3))
    if categorical:
        X[:, 2] = rng.integers(0, 3, 8)
    y = np.sin(4 * X[:, 0]) - X[:, 1]
    return GPRegressor(
        X, y, np.array([False, False, categorical]), np.array([3.0, 2.0, 1.0]), 1.0, 1e-4
    )


def test_acquisition_gradient_with_constraints() -> None:
    acq = Acquisition(make_model(0, True), 0.9, [(make_model(1, True), 0.2)])
    X = np.array([[0.3, 0.6, 1.0], [0.85, 0.1, 2.0], [0.5, 0.5, 0.0]])
    values, grad = acq.evaluate_with_grad(X)
    np.testing.assert_allclose(values, acq.evaluate(X), rtol=1e-9)
    eps = 1e-6
    for j in range(2):
        shift = np.zeros_like(X)
        shift[:, j] = eps
        numeric = (acq.evaluate(X + shift) - acq.evaluate(X - shift)) / (2 * eps)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-4, atol=1e-7)
    assert np.all(grad[:, 2] == 0.0)


def test_feasibility_term_lowers_the_acquisition_where_constraints_fail() -> None:
    X = np.array([[0.1], [0.9]])
    objective = GPRegressor(X, np.zeros(2), np.array([False]), np.array([1.0]), 1.0, 1e-6)
    constraint = GPRegressor(
        X, np.array([-2.0, 2.0]), np.array([False]), np.array([4.0]), 1.0, 1e-6
    )
    plain = Acquisition(objective, 0.0)
    constrained = Acquisition(objective, 0.0, [(constraint, 0.0)])
    points = np.array([[0.05], [0.95]])
    assert plain.evaluate(points)[0] == pytest.approx(plain.evaluate(points)[1])
    low, high = constrained.evaluate(points)
    assert low > high + 5.0
    only_feasibility = Acquisition(None, 0.0, [(constraint, 0.0)]).evaluate(points)
    assert only_feasibility[0] == pytest.approx(0.0, abs=1e-3)


SPACE = {
    "x": FloatDistribution(-1.0, 1.0),
    "n": IntDistribution(0, 10),
    "nl": IntDistribution(1, 100, log=True),
    "st": FloatDistribution(0.0, 1.0, step=0.1),
    "c": CategoricalDistribution(["a", "b", "c"]),
}


class TargetAcquisition(Acquisition):
    """A known smooth function with its maximum at a chosen normalized point."""

    def __init__(self, target: np.ndarray) -> None:
        super().__init__(None, 0.0)
        self.target = target

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        return self.evaluate_with_grad(X)[0]

    def evaluate_with_grad(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = np.atleast_2d(X)
        diff = X - self.target
        diff[:, 4] = (X[:, 4] != self.target[4]).astype(float)
        values = -np.sum(diff**2, axis=1)
        grad = -2 * diff
        grad[:, 4] = 0.0
        return values, grad


def test_optimizer_finds_the_maximum_on_a_mixed_space() -> None:
    target = round_normalized(np.array([[0.123, 0.7, 0.4, 0.33, 2.0]]), SPACE)[0]
    target[0] = 0.123
    point, value = optimize_acquisition(TargetAcquisition(target), SPACE, np.random.default_rng(0))
    assert point[0] == pytest.approx(0.123, abs=1e-4)
    np.testing.assert_allclose(point[1:], target[1:])
    assert value == pytest.approx(0.0, abs=1e-7)
    params = denormalize(point, SPACE)
    assert params["c"] == "c" and isinstance(params["n"], int)


def test_discrete_neighbors() -> None:
    point = round_normalized(np.array([[0.5, 0.0, 0.0, 0.99, 1.0]]), SPACE)[0]
    neighbors = discrete_neighbors(point, SPACE)
    changed = [tuple(np.flatnonzero(row != point)) for row in neighbors]
    assert all(len(c) == 1 for c in changed)
    assert changed.count((0,)) == 0  # continuous columns do not move
    assert changed.count((1,)) == 1  # n = 0 has one neighbour, n = 1
    assert changed.count((2,)) == 1  # nl = 1 has one neighbour, nl = 2
    assert changed.count((3,)) == 1  # st = 1.0 has one neighbour, 0.9
    assert changed.count((4,)) == 2  # two other categories
    values = [denormalize(row, SPACE) for row in neighbors]
    assert {v["n"] for v in values} == {0, 1} and {v["nl"] for v in values} == {1, 2}
    assert {v["st"] for v in values} == {1.0, 0.9}


def test_excluded_points_are_not_proposed() -> None:
    space = {"n": IntDistribution(0, 4), "c": CategoricalDistribution(["a", "b"])}
    target = round_normalized(np.array([[0.5, 1.0]]), space)[0]

    class Peak(Acquisition):
        def __init__(self) -> None:
            super().__init__(None, 0.0)

        def evaluate(self, X: np.ndarray) -> np.ndarray:
            return -np.sum((np.atleast_2d(X) - target) ** 2, axis=1)

        def evaluate_with_grad(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return self.evaluate(X), np.zeros_like(np.atleast_2d(X))

    rng = np.random.default_rng(0)
    point, _ = optimize_acquisition(Peak(), space, rng)
    np.testing.assert_allclose(point, target)
    second, _ = optimize_acquisition(Peak(), space, rng, exclude=target[None, :])
    assert not np.allclose(second, target)
    # The runner-up is a neighbour of the peak.
    assert np.sum(np.abs(second - target) > 1e-9) == 1
