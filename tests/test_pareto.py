"""Tests of the Pareto-front helpers in hpo._pareto."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hpo._pareto import dominates, is_pareto_front, nondominated_ranks

INF = float("inf")


def _brute_front(losses: np.ndarray) -> np.ndarray:
    n = len(losses)
    return np.array(
        [
            not any(
                np.all(losses[j] <= losses[i]) and np.any(losses[j] < losses[i])
                for j in range(n)
                if j != i
            )
            for i in range(n)
        ],
        dtype=bool,
    )


def _brute_ranks(losses: np.ndarray) -> np.ndarray:
    ranks = np.full(len(losses), -1)
    remaining = list(range(len(losses)))
    rank = 0
    while remaining:
        front = _brute_front(losses[remaining])
        for index, on_front in zip(list(remaining), front):
            if on_front:
                ranks[index] = rank
        remaining = [i for i, f in zip(remaining, front) if not f]
        rank += 1
    return ranks


# -- is_pareto_front ----------------------------------------------------------------------------


def test_hand_computed_front() -> None:
    losses = np.array([[1, 5], [3, 3], [2, 2], [5, 1], [5, 5], [2, 4]], dtype=float)
    assert is_pareto_front(losses).tolist() == [True, False, True, True, False, False]


def test_equal_in_one_objective_is_dominated() -> None:
    losses = np.array([[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]])
    assert is_pareto_front(losses).tolist() == [True, False, True]


def test_duplicates_are_all_on_front() -> None:
    losses = np.array([[1.0, 1.0], [2.0, 0.0], [1.0, 1.0], [2.0, 2.0], [2.0, 2.0]])
    assert is_pareto_front(losses).tolist() == [True, True, True, False, False]


def test_all_equal() -> None:
    assert is_pareto_front(np.ones((4, 3))).tolist() == [True] * 4


def test_infinities() -> None:
    losses = np.array([[INF, 0.0], [0.0, INF], [INF, INF], [-INF, 5.0], [1.0, 1.0]])
    assert is_pareto_front(losses).tolist() == [True, False, False, True, True]


def test_one_objective() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [1.0]])
    assert is_pareto_front(losses).tolist() == [False, True, False, True]


def test_single_point() -> None:
    assert is_pareto_front(np.array([[4.0, 2.0]])).tolist() == [True]


def test_empty() -> None:
    result = is_pareto_front(np.zeros((0, 2)))
    assert result.shape == (0,) and result.dtype == bool


def test_three_objectives() -> None:
    losses = np.array([[1, 2, 3], [3, 2, 1], [2, 2, 2], [3, 3, 3], [1, 2, 4]], dtype=float)
    assert is_pareto_front(losses).tolist() == [True, True, True, False, False]


def test_accepts_lists() -> None:
    assert is_pareto_front([[1, 2], [2, 1], [3, 3]]).tolist() == [True, True, False]  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2)])
def test_wrong_dimensions(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="2-dimensional"):
        is_pareto_front(np.zeros(shape))


def test_input_not_modified() -> None:
    losses = np.array([[3.0, 1.0], [1.0, 3.0], [2.0, 2.0]])
    before = losses.copy()
    is_pareto_front(losses)
    np.testing.assert_array_equal(losses, before)


# -- nondominated_ranks -------------------------------------------------------------------------


def test_hand_computed_ranks() -> None:
    losses = np.array([[1, 5], [3, 3], [2, 2], [5, 1], [5, 5], [2, 4], [4, 4]], dtype=float)
    # Front 0: (1,5) (2,2) (5,1); front 1: (3,3) (2,4); front 2: (4,4); front 3: (5,5).
    assert nondominated_ranks(losses).tolist() == [0, 1, 0, 0, 3, 1, 2]


def test_ranks_chain() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [1.0], [4.0]])
    assert nondominated_ranks(losses).tolist() == [2, 0, 1, 0, 3]


def test_ranks_empty() -> None:
    assert nondominated_ranks(np.zeros((0, 2))).tolist() == []


def test_n_below_stops_early() -> None:
    losses = np.array([[3.0], [1.0], [2.0], [1.0], [4.0]])
    # Two rows reach rank 0, so ranking stops there; the rest share rank 1.
    assert nondominated_ranks(losses, n_below=2).tolist() == [1, 0, 1, 0, 1]
    # Three rows need rank 1 as well; the rest share rank 2.
    assert nondominated_ranks(losses, n_below=3).tolist() == [2, 0, 1, 0, 2]
    assert nondominated_ranks(losses, n_below=100).tolist() == [2, 0, 1, 0, 3]


def test_dominates() -> None:
    assert dominates(np.array([1.0, 1.0]), np.array([1.0, 2.0]))
    assert not dominates(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert not dominates(np.array([0.0, 3.0]), np.array([1.0, 2.0]))
    assert not dominates(np.array([1.0, 2.0]), np.array([1.0, 1.0]))


# -- against the O(n^2) definition --------------------------------------------------------------

small_values = st.sampled_from([-INF, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, INF])


@st.composite
def loss_arrays(draw: st.DrawFn) -> np.ndarray:
    n_points = draw(st.integers(0, 25))
    n_objectives = draw(st.integers(1, 4))
    values = st.one_of(small_values, st.floats(-10, 10)) if draw(st.booleans()) else small_values
    return draw(hnp.arrays(float, (n_points, n_objectives), elements=values))


@settings(max_examples=300, deadline=None)
@given(loss_arrays())
def test_front_matches_brute_force(losses: np.ndarray) -> None:
    np.testing.assert_array_equal(is_pareto_front(losses), _brute_front(losses))


@settings(max_examples=200, deadline=None)
@given(loss_arrays())
def test_ranks_match_brute_force(losses: np.ndarray) -> None:
    np.testing.assert_array_equal(nondominated_ranks(losses), _brute_ranks(losses))


@settings(max_examples=200, deadline=None)
@given(loss_arrays(), st.integers(0, 30))
def test_n_below_matches_brute_force(losses: np.ndarray, n_below: int) -> None:
    full = _brute_ranks(losses)
    # The smallest rank at which at least n_below rows are ranked; ranks above it are merged.
    cutoff = -1
    while np.sum(full <= cutoff) < min(n_below, len(losses)):
        cutoff += 1
    expected = np.where(full <= cutoff, full, cutoff + 1)
    np.testing.assert_array_equal(nondominated_ranks(losses, n_below=n_below), expected)


@settings(max_examples=100, deadline=None)
@given(loss_arrays())
def test_front_is_invariant_to_row_order(losses: np.ndarray) -> None:
    permutation = np.random.default_rng(0).permutation(len(losses))
    np.testing.assert_array_equal(
        is_pareto_front(losses[permutation]), is_pareto_front(losses)[permutation]
    )
