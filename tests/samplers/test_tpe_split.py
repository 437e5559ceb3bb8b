import numpy as np
import pytest

from hpo.samplers._tpe._observations import COMPLETE, PRUNED
from hpo.samplers._tpe._split import (
    IncrementalRanking,
    finite_losses,
    rank_single_objective,
    reference_point,
    select_below_multi_objective,
)

NAN = float("nan")


def _rank(rows: list[tuple[int, float, float, float, float]], sign: float = 1.0) -> list[int]:
    states, values, steps, last_values, violations = (np.array(c) for c in zip(*rows))
    return rank_single_objective(states, values, steps, last_values, violations, sign).tolist()


def test_complete_trials_rank_by_value_in_the_study_direction() -> None:
    rows = [(COMPLETE, 3.0, -np.inf, NAN, NAN), (COMPLETE, 1.0, -np.inf, NAN, NAN)]
    assert _rank(rows) == [1, 0]
    assert _rank(rows, sign=-1.0) == [0, 1]


def test_pruned_trials_rank_after_complete_ones_by_step_then_value() -> None:
    rows = [
        (PRUNED, NAN, 3.0, 0.5, NAN),  # reached step 3
        (PRUNED, NAN, 7.0, 0.9, NAN),  # got further: better than any step-3 trial
        (COMPLETE, 100.0, -np.inf, NAN, NAN),  # complete: before every pruned trial
        (PRUNED, NAN, 3.0, 0.1, NAN),  # step 3 with a better value than row 0
        (PRUNED, NAN, -np.inf, NAN, NAN),  # pruned before reporting anything: last
    ]
    assert _rank(rows) == [2, 1, 3, 0, 4]
    # Maximizing flips the comparison of the values at equal steps only.
    assert _rank(rows, sign=-1.0) == [2, 1, 0, 3, 4]


def test_infeasible_trials_rank_last_by_total_violation() -> None:
    rows = [
        (COMPLETE, 0.0, -np.inf, NAN, 2.0),
        (COMPLETE, 5.0, -np.inf, NAN, 0.0),  # feasible (violation 0)
        (COMPLETE, 9.0, -np.inf, NAN, 0.5),
        (PRUNED, NAN, 4.0, 1.0, NAN),
        (COMPLETE, 7.0, -np.inf, NAN, NAN),  # no constraints recorded: feasible
    ]
    assert _rank(rows) == [1, 4, 3, 2, 0]


def test_multi_objective_takes_whole_fronts_first() -> None:
    losses = np.array(
        [
            [1.0, 4.0],  # front 0
            [2.0, 2.0],  # front 0
            [4.0, 1.0],  # front 0
            [3.0, 3.0],  # front 1
            [5.0, 5.0],  # front 2
        ]
    )
    assert sorted(select_below_multi_objective(losses, 3).tolist()) == [0, 1, 2]
    assert sorted(select_below_multi_objective(losses, 4).tolist()) == [0, 1, 2, 3]
    assert select_below_multi_objective(losses, 0).tolist() == []
    assert sorted(select_below_multi_objective(losses, 9).tolist()) == [0, 1, 2, 3, 4]


def test_multi_objective_breaks_ties_by_hypervolume_contribution() -> None:
    # One front of four points; (0.5, 0.5) adds the most volume and the two crowded points
    # near (0.9, 0.1) the least.
    losses = np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.11], [0.91, 0.1]])
    chosen = select_below_multi_objective(losses, 2).tolist()
    assert 1 in chosen
    assert not {2, 3} <= set(chosen)


def test_reference_point_is_worse_than_every_loss() -> None:
    losses = np.array([[1.0, -2.0], [3.0, np.inf], [2.0, 0.0]])
    reference = reference_point(losses)
    assert reference[0] > 3.0 and reference[1] > 0.0
    assert np.all(np.isfinite(reference))
    finite = finite_losses(np.array([[-np.inf, 0.0], [np.inf, -1.0]]), reference)
    assert np.all(np.isfinite(finite))
    assert finite[1, 0] == reference[0]
    assert finite[0, 0] < -1.0


@pytest.mark.parametrize("n_below", [1, 5, 17])
def test_selection_size(n_below: int) -> None:
    losses = np.random.default_rng(0).random((30, 3))
    chosen = select_below_multi_objective(losses, n_below)
    assert len(chosen) == n_below == len(set(chosen.tolist()))


def _random_table(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Rows of COMPLETE, PRUNED and infeasible trials with ties and NaNs, as the split sees."""
    states = rng.choice([COMPLETE, PRUNED], size=n)
    values = np.where(states == COMPLETE, rng.integers(0, 5, n).astype(float), np.nan)
    last_steps = np.where(states == PRUNED, rng.integers(0, 3, n).astype(float), -np.inf)
    last_values = np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 4, n).astype(float))
    violations = np.where(rng.random(n) < 0.2, rng.integers(0, 3, n).astype(float), np.nan)
    return states, values, last_steps, last_values, violations


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_incremental_ranking_equals_a_full_sort_as_rows_arrive(sign: float) -> None:
    rng = np.random.default_rng(3)
    columns = _random_table(rng, 300)
    ranking = IncrementalRanking()
    size = 0
    while size < 300:
        size = min(300, size + int(rng.choice([1, 1, 2, 5, 70])))  # 70: a full re-sort
        got = ranking.update(*(c[:size] for c in columns), sign)
        expected = rank_single_objective(*(c[:size] for c in columns), sign)
        assert got.tolist() == expected.tolist()


def test_incremental_ranking_starts_over_when_the_direction_changes() -> None:
    columns = _random_table(np.random.default_rng(4), 50)
    ranking = IncrementalRanking()
    ranking.update(*(c[:40] for c in columns), 1.0)
    got = ranking.update(*columns, -1.0)
    assert got.tolist() == rank_single_objective(*columns, -1.0).tolist()
