"""The multi-objective pruning rules on hand-computed arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpo._study_direction import StudyDirection
from hpo.pruners._pareto_rules import (
    best_so_far_losses,
    crowding_distances,
    direction_signs,
    is_pareto_promotable,
    rank_is_worse_than_median,
)

INF = math.inf
FRONT = np.array([[1.0, 4.0], [2.0, 3.0], [3.0, 2.0], [4.0, 1.0]])


def test_direction_signs() -> None:
    signs = direction_signs([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE])
    assert signs.tolist() == [1.0, -1.0]


def test_best_so_far_is_per_objective_and_ignores_nan() -> None:
    losses = np.array([[3.0, math.nan], [1.0, 5.0], [2.0, 4.0]])
    assert best_so_far_losses(losses).tolist() == [1.0, 4.0]
    only_nan = best_so_far_losses(np.array([[math.nan, 1.0]]))
    assert math.isnan(only_nan[0]) and only_nan[1] == 1.0


def test_crowding_distance_of_a_front() -> None:
    ranks = np.zeros(4, dtype=int)
    # Interior points: (3 - 1) / 3 in each objective, summed.
    assert crowding_distances(FRONT, ranks).tolist() == [INF, 4 / 3, 4 / 3, INF]


def test_crowding_distance_is_per_front_and_order_free_for_duplicates() -> None:
    losses = np.array([[1.0, 3.0], [3.0, 1.0], [2.0, 2.0], [2.0, 2.0], [5.0, 5.0]])
    ranks = np.array([0, 0, 0, 0, 1])
    distances = crowding_distances(losses, ranks)
    # Duplicates share one position: neighbours 1 and 3 in both objectives, range 2.
    assert distances.tolist() == [INF, INF, 2.0, 2.0, 0.0]
    assert crowding_distances(losses[::-1], ranks[::-1]).tolist() == distances[::-1].tolist()


def test_crowding_distance_with_an_infinite_value_marks_its_neighbours_isolated() -> None:
    losses = np.array([[0.0, INF], [1.0, 2.0], [2.0, 1.0], [3.0, 0.0]])
    distances = crowding_distances(losses, np.zeros(4, dtype=int))
    assert distances[0] == INF and distances[3] == INF
    assert distances[1] == INF  # the range of objective 1 is infinite: no finite share


@pytest.mark.parametrize(
    ("trial", "worse"),
    [
        ([0.5, 0.5], False),  # dominates everything: rank 0
        ([2.5, 2.5], False),  # on the pool's front between (2, 3) and (3, 2)
        ([3.0, 3.0], True),  # dominated by (2, 3) and (3, 2): rank 1 > median 0
        ([4.0, 4.0], True),
    ],
)
def test_rank_against_the_median_of_a_single_front(trial: list[float], worse: bool) -> None:
    assert rank_is_worse_than_median(np.array(trial), FRONT) is worse


def test_rank_against_a_layered_pool() -> None:
    # Peers on three fronts: ranks 0, 1, 1, 2 (median 1).
    peers = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [4.0, 4.0]])
    assert rank_is_worse_than_median(np.array([2.5, 2.5]), peers) is False  # rank 1
    assert rank_is_worse_than_median(np.array([3.5, 3.5]), peers) is True  # rank 2 > 1
    # One peer: worse exactly when it dominates.
    one = np.array([[1.0, 1.0]])
    assert rank_is_worse_than_median(np.array([1.0, 1.0]), one) is False  # equal: no dominance
    assert rank_is_worse_than_median(np.array([0.0, 9.0]), one) is False
    assert rank_is_worse_than_median(np.array([1.0, 1.5]), one) is True


def test_promotion_keeps_the_best_ranks_then_the_most_isolated() -> None:
    # Four front points and one dominated point; eta=2 promotes 2 of 5: the two ends.
    dominated = np.vstack([FRONT, [[2.5, 3.5]]])
    assert is_pareto_promotable(dominated, 2) is False
    ends_last = np.vstack([FRONT[[1, 2, 3]], [[2.5, 3.5]], FRONT[[0]]])
    assert is_pareto_promotable(ends_last, 2) is True  # an end: infinite crowding
    interior_last = np.vstack([FRONT[[0, 2, 3]], [[2.5, 3.5]], FRONT[[1]]])
    assert is_pareto_promotable(interior_last, 2) is False
    # eta=2 with 6 points promotes 3: the ends and then an interior point tied at 4/3.
    six = np.vstack([[[5.0, 5.0], [6.0, 6.0]], FRONT[[0, 2, 3]], FRONT[[1]]])
    assert is_pareto_promotable(six, 2) is True  # tied with the third promoted point
    assert is_pareto_promotable(six[[0, 2, 3, 4, 5, 1]], 2) is False  # (6, 6): rank 2


def test_promotion_of_the_first_and_of_a_lone_front_point() -> None:
    assert is_pareto_promotable(np.array([[1.0, 1.0]]), 4) is True
    losses = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [0.5, 0.5]])
    assert is_pareto_promotable(losses, 4) is True  # alone on the front
    assert is_pareto_promotable(losses[[3, 1, 2, 0]], 4) is False
