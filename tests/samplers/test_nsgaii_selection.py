"""Tests of NSGA-II's elite selection: constrained sorting, crowding distance, tournaments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpo._pareto import nondominated_ranks
from hpo.samplers.nsgaii._child_generation import tournament
from hpo.samplers.nsgaii._selection import (
    constrained_dominates,
    constrained_ranks,
    crowding_distance,
    fast_nondominated_ranks,
    ranks_and_crowding,
    select_elites,
)

INF = math.inf


def test_ranks_of_hand_computed_fronts_with_ties_and_duplicates() -> None:
    losses = np.array(
        [
            [1.0, 5.0],  # front 0
            [2.0, 3.0],  # front 0
            [2.0, 3.0],  # duplicate: front 0 too
            [4.0, 1.0],  # front 0
            [3.0, 4.0],  # dominated by [2, 3] only -> front 1
            [4.0, 4.0],  # dominated by [3, 4] -> front 2
            [5.0, 1.0],  # tie in the second loss with [4, 1], dominated -> front 1
        ]
    )
    assert constrained_ranks(losses).tolist() == [0, 0, 0, 0, 1, 2, 1]


def test_crowding_distance_hand_computed() -> None:
    # Loss 0: sorted 0, 1, 3, 4 (range 4); loss 1: sorted 0, 2, 3, 6 (range 6).
    losses = np.array([[0.0, 6.0], [1.0, 3.0], [3.0, 2.0], [4.0, 0.0]])
    expected = [INF, (3 - 0) / 4 + (6 - 2) / 6, (4 - 1) / 4 + (3 - 0) / 6, INF]
    np.testing.assert_allclose(crowding_distance(losses), expected)


def test_crowding_distance_of_duplicates_and_small_fronts() -> None:
    assert crowding_distance(np.array([[1.0, 2.0], [2.0, 1.0]])).tolist() == [INF, INF]
    # Two equal middle points: each sees the other as a neighbour on one side.
    losses = np.array([[0.0, 2.0], [1.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    distance = crowding_distance(losses)
    assert distance[0] == INF and distance[3] == INF
    np.testing.assert_allclose(distance[1:3], [1 / 2 + 1 / 2, 1 / 2 + 1 / 2])
    # A constant objective adds nothing between the extremes.
    flat = crowding_distance(np.array([[0.0, 1.0], [1.0, 1.0], [3.0, 1.0]]))
    assert flat[1] == pytest.approx(3 / 3)


def test_crowding_distance_with_infinite_losses() -> None:
    # The infinite loss is an extreme point; the gaps use the finite range [0, 2].
    losses = np.array([[0.0, INF], [1.0, 2.0], [2.0, 1.0], [3.0, 0.0]])
    distance = crowding_distance(losses)
    assert distance[0] == INF and distance[3] == INF
    # Row 1: loss 0 gap (2 - 0) / 3; loss 1 neighbours 1 and 2 (inf clipped to 2): 1 / 2.
    assert distance[1] == pytest.approx(2 / 3 + 1 / 2)
    assert distance[2] == pytest.approx(2 / 3 + 2 / 2)
    assert np.all(~np.isnan(distance))


def test_constrained_domination_hand_computed() -> None:
    a, b = np.array([1.0, 1.0]), np.array([2.0, 2.0])
    assert constrained_dominates(a, b, 0.0, 0.0)
    assert not constrained_dominates(b, a, 0.0, 0.0)
    # A feasible worse point dominates an infeasible better one.
    assert constrained_dominates(b, a, 0.0, 0.1)
    assert not constrained_dominates(a, b, 0.1, 0.0)
    # Between infeasible points the smaller violation wins, whatever the losses.
    assert constrained_dominates(b, a, 0.2, 0.5)
    assert not constrained_dominates(a, b, 0.5, 0.5)


def test_constrained_ranks_put_infeasible_after_feasible_by_violation() -> None:
    losses = np.array([[0.0, 0.0], [3.0, 3.0], [1.0, 2.0], [2.0, 1.0], [0.0, 1.0], [5.0, 5.0]])
    violations = np.array([2.0, 0.0, 0.0, 0.0, 0.5, 2.0])
    # Feasible: [1, 2] and [2, 1] front 0, [3, 3] front 1. Infeasible: 0.5 then 2.0 (tied).
    assert constrained_ranks(losses, violations).tolist() == [3, 1, 0, 0, 2, 3]
    assert constrained_ranks(losses[[0, 4]], violations[[0, 4]]).tolist() == [1, 0]


def test_select_elites_cuts_the_last_front_by_crowding_distance() -> None:
    losses = np.array(
        [
            [0.0, 10.0],
            [1.0, 6.0],
            [1.1, 5.9],  # crowded between its two neighbours
            [1.2, 5.8],
            [10.0, 0.0],
            [11.0, 11.0],
        ]
    )
    assert sorted(select_elites(losses, None, 4).tolist()) == [0, 1, 3, 4]
    assert sorted(select_elites(losses, None, 5).tolist()) == [0, 1, 2, 3, 4]
    assert select_elites(losses, None, 10).tolist()[-1] == 5
    violations = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.0])
    # The infeasible extreme point falls behind the feasible dominated one.
    assert 4 not in select_elites(losses, violations, 5).tolist()


def test_single_objective_elites_are_the_best_values() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [1.0], [5.0]])
    assert sorted(select_elites(losses, None, 3).tolist()) == [1, 2, 3]


def test_tournament_prefers_better_front_then_larger_crowding() -> None:
    rng = np.random.RandomState(0)
    ranks = np.array([0, 1])
    assert all(tournament(rng, ranks, np.zeros(2), 1) == [0] for _ in range(20))
    crowding = np.array([0.1, INF])
    assert all(tournament(rng, np.zeros(2, dtype=int), crowding, 1) == [1] for _ in range(20))
    winners = tournament(rng, np.array([0, 0, 1, 2]), np.ones(4), 3)
    assert len(set(winners)) == 3


def test_ranks_and_crowding_per_front() -> None:
    losses = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    ranks, crowding = ranks_and_crowding(losses, None)
    assert ranks.tolist() == [0, 0, 1]
    assert crowding.tolist() == [INF, INF, INF]


def test_fast_sorting_matches_peeling_fronts() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n_rows, n_objectives = int(rng.integers(1, 40)), int(rng.integers(1, 4))
        losses = rng.integers(0, 5, size=(n_rows, n_objectives)).astype(float)
        if rng.random() < 0.3:
            losses[rng.integers(n_rows), rng.integers(n_objectives)] = INF
        n_below = int(rng.integers(1, n_rows + 1))
        assert fast_nondominated_ranks(losses).tolist() == nondominated_ranks(losses).tolist()
        assert (
            fast_nondominated_ranks(losses, n_below).tolist()
            == nondominated_ranks(losses, n_below).tolist()
        )


def test_all_fronts_crowding_matches_front_by_front() -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        n_rows, n_objectives = int(rng.integers(1, 30)), int(rng.integers(1, 4))
        losses = rng.integers(0, 6, size=(n_rows, n_objectives)).astype(float)
        if rng.random() < 0.3:
            losses[rng.integers(n_rows), rng.integers(n_objectives)] = INF
        violations = None
        if rng.random() < 0.5:
            violations = np.where(rng.random(n_rows) < 0.3, 1.0 + rng.integers(0, 2, n_rows), 0.0)
        ranks, crowding = ranks_and_crowding(losses, violations)
        for rank in np.unique(ranks):
            members = np.flatnonzero(ranks == rank)
            np.testing.assert_allclose(crowding[members], crowding_distance(losses[members]))
