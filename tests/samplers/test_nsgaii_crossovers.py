"""Tests of the crossover and mutation operators of the genetic samplers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hpo
from hpo.samplers.nsgaii import (
    BaseCrossover,
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from hpo.samplers.nsgaii._child_generation import perform_crossover

ALL_CROSSOVERS: list[BaseCrossover] = [
    UniformCrossover(),
    BLXAlphaCrossover(),
    SBXCrossover(),
    VSBXCrossover(),
    UNDXCrossover(),
    SPXCrossover(),
]

N_DRAWS = 300


def draws(crossover: BaseCrossover, parents: np.ndarray, bounds: np.ndarray, seed: int = 0):
    rng = np.random.RandomState(seed)
    study = hpo.create_study(directions=["minimize", "minimize"])
    return np.array(
        [perform_crossover(crossover, rng, study, parents, bounds) for _ in range(N_DRAWS)]
    )


@pytest.mark.parametrize("crossover", ALL_CROSSOVERS, ids=str)
def test_children_stay_inside_the_bounds(crossover: BaseCrossover) -> None:
    rng = np.random.RandomState(1)
    bounds = np.array([[0.0, 1.0], [-5.0, 5.0], [math.log(1e-3), math.log(10.0)]])
    for _ in range(4):
        parents = bounds[:, 0] + rng.rand(crossover.n_parents, 3) * (bounds[:, 1] - bounds[:, 0])
        children = draws(crossover, parents, bounds, seed=int(rng.randint(1000)))
        assert np.all(children >= bounds[:, 0]) and np.all(children <= bounds[:, 1])


def test_n_parents() -> None:
    assert [c.n_parents for c in ALL_CROSSOVERS] == [2, 2, 2, 2, 3, 3]


def test_uniform_crossover_takes_each_coordinate_from_a_parent() -> None:
    parents = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    children = draws(UniformCrossover(swapping_prob=0.25), parents, np.array([[0.0, 1.0]] * 4))
    assert set(np.unique(children)) == {0.0, 1.0}
    assert children.mean() == pytest.approx(0.25, abs=0.05)


def test_blx_alpha_child_range() -> None:
    parents = np.array([[0.4], [0.6]])
    wide = np.array([[-10.0, 10.0]])
    children = draws(BLXAlphaCrossover(alpha=0.5), parents, wide)[:, 0]
    # Uniform on [0.4 - 0.1, 0.6 + 0.1]: reaches near both ends and never past them.
    assert children.min() >= 0.3 and children.max() <= 0.7
    assert children.min() < 0.32 and children.max() > 0.68
    assert np.mean(children < 0.4) == pytest.approx(0.25, abs=0.06)


@pytest.mark.parametrize("crossover_class", [SBXCrossover, VSBXCrossover])
def test_sbx_children_are_symmetric_around_the_parents_mean(crossover_class: Any) -> None:
    parents = np.array([[0.4], [0.6]])
    bounds = np.array([[0.0, 1.0]])
    children = draws(crossover_class(eta=2.0, use_child_gene_prob=1.0), parents, bounds)[:, 0]
    assert np.mean(children) == pytest.approx(0.5, abs=0.02)
    assert np.mean(children < 0.5) == pytest.approx(0.5, abs=0.07)
    # A larger index keeps the children closer to their parents.
    tight = draws(crossover_class(eta=50.0, use_child_gene_prob=1.0), parents, bounds)[:, 0]
    assert np.mean(np.abs(tight - 0.5)) < np.mean(np.abs(children - 0.5))
    assert np.all(np.abs(np.abs(tight - 0.5) - 0.1) < 0.06)


def test_sbx_use_child_gene_prob_zero_returns_the_first_parent() -> None:
    parents = np.array([[0.2, 0.3], [0.7, 0.9]])
    children = draws(SBXCrossover(use_child_gene_prob=0.0), parents, np.array([[0.0, 1.0]] * 2))
    assert np.all(children == parents[0])


def test_undx_children_spread_along_and_across_the_parents_line() -> None:
    parents = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.0]])
    bounds = np.array([[-50.0, 50.0], [-50.0, 50.0]])
    children = draws(UNDXCrossover(sigma_xi=0.5, sigma_eta=0.3), parents, bounds)
    np.testing.assert_allclose(children.mean(axis=0), [1.0, 0.0], atol=0.15)
    # Along the line: sd 0.5 * |p2 - p1| = 1; across: sd 0.3 * distance of p3 (1) = 0.3.
    assert np.std(children[:, 0]) == pytest.approx(1.0, rel=0.15)
    assert np.std(children[:, 1]) == pytest.approx(0.3, rel=0.15)


def test_undx_needs_the_third_parent() -> None:
    crossover = UNDXCrossover()
    with pytest.raises(IndexError):
        crossover.crossover(np.zeros((2, 2)), np.random.RandomState(0), None, None)  # type: ignore[arg-type]


def test_spx_children_lie_in_the_expanded_simplex() -> None:
    parents = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    bounds = np.array([[-10.0, 10.0], [-10.0, 10.0]])
    epsilon = 2.0
    children = draws(SPXCrossover(epsilon=epsilon), parents, bounds)
    centroid = parents.mean(axis=0)
    vertices = centroid + epsilon * (parents - centroid)
    # Barycentric coordinates with respect to the expanded vertices are all non-negative.
    matrix = np.vstack([vertices.T, np.ones(3)])
    weights = np.linalg.solve(matrix, np.vstack([children.T, np.ones(len(children))]))
    assert np.all(weights > -1e-9)
    # Outside the parents' own simplex too, since it is expanded.
    assert np.any(children.sum(axis=1) > 1.0)
    np.testing.assert_allclose(children.mean(axis=0), centroid, atol=0.15)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: UniformCrossover(swapping_prob=1.5), "swapping_prob"),
        (lambda: BLXAlphaCrossover(alpha=-1.0), "alpha"),
        (lambda: SBXCrossover(eta=0.0), "eta"),
        (lambda: VSBXCrossover(uniform_crossover_prob=2.0), "uniform_crossover_prob"),
        (lambda: SBXCrossover(use_child_gene_prob=-0.1), "use_child_gene_prob"),
        (lambda: UNDXCrossover(sigma_xi=0.0), "sigma_xi"),
        (lambda: SPXCrossover(epsilon=-2.0), "epsilon"),
        (lambda: PolynomialMutation(eta=-1.0), "eta"),
    ],
)
def test_bad_operator_arguments(factory: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        factory()
    with pytest.raises(TypeError):
        UniformCrossover(swapping_prob="0.5")  # type: ignore[arg-type]


def test_polynomial_mutation_stays_inside_and_near() -> None:
    rng = np.random.RandomState(0)
    bounds = np.array([0.0, 1.0])
    mutation = PolynomialMutation(eta=20.0)
    for start in [0.0, 0.3, 1.0]:
        values = np.array([mutation.mutation(start, rng, None, bounds) for _ in range(300)])  # type: ignore[arg-type]
        assert np.all((values >= 0.0) & (values <= 1.0))
        assert np.median(np.abs(values - start)) < 0.05
        assert np.any(values != start)
    wide = PolynomialMutation(eta=1.0)
    spread = np.array([wide.mutation(0.5, rng, None, bounds) for _ in range(300)])  # type: ignore[arg-type]
    assert np.median(np.abs(spread - 0.5)) > 0.05


def test_a_crossover_that_returns_nan_is_reported() -> None:
    class Broken(BaseCrossover):
        n_parents = 2

        def crossover(self, parents_params, rng, study, search_space_bounds):  # type: ignore[no-untyped-def]
            return np.full(parents_params.shape[1], np.nan)

    with pytest.raises(ValueError, match="Broken"):
        perform_crossover(
            Broken(),
            np.random.RandomState(0),
            None,
            np.zeros((2, 1)),
            np.array([[0.0, 1.0]]),  # type: ignore[arg-type]
        )


def test_children_far_outside_are_clipped_after_many_draws() -> None:
    class Far(BaseCrossover):
        n_parents = 2

        def crossover(self, parents_params, rng, study, search_space_bounds):  # type: ignore[no-untyped-def]
            return np.array([5.0, -5.0])

    child = perform_crossover(
        Far(),
        np.random.RandomState(0),
        None,
        np.zeros((2, 2)),
        np.array([[0.0, 1.0]] * 2),  # type: ignore[arg-type]
    )
    assert child.tolist() == [1.0, 0.0]
