"""The pure decision rules shared by the pruners."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpo.pruners._rules import (
    best_so_far,
    bracket_budgets,
    check_int,
    check_min_resource,
    check_real,
    has_stagnated,
    is_check_step,
    is_promotable,
    n_brackets,
    percentile_threshold,
    rung_step,
    stable_bracket,
)

NAN = math.nan


@pytest.mark.parametrize(
    ("step", "reported", "warmup", "interval", "expected"),
    [
        (0, [0], 0, 1, True),
        (1, [0, 1], 2, 1, False),  # before warm-up
        (2, [0, 1, 2], 2, 3, True),  # on the grid
        (3, [0, 1, 2, 3], 2, 3, False),  # between grid steps
        (3, [0, 1, 3], 2, 3, True),  # grid step 2 skipped: checked at the next report
        (4, [0, 1, 3, 4], 2, 3, False),  # that interval was already checked at 3
        (7, [3, 7], 2, 3, True),
        (8, [3, 7, 8], 2, 3, True),
    ],
)
def test_is_check_step(
    step: int, reported: list[int], warmup: int, interval: int, expected: bool
) -> None:
    assert is_check_step(step, reported, warmup, interval) is expected


def test_best_so_far_ignores_nan() -> None:
    assert best_so_far([3.0, NAN, 1.0], maximize=False) == 1.0
    assert best_so_far([3.0, NAN, 1.0], maximize=True) == 3.0
    assert math.isnan(best_so_far([NAN, NAN], maximize=False))


def test_percentile_threshold() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, NAN])
    assert percentile_threshold(values, 25, maximize=False) == 2.0
    assert percentile_threshold(values, 25, maximize=True) == 4.0
    assert percentile_threshold(values, 50, maximize=False) == 3.0
    assert math.isnan(percentile_threshold(np.array([NAN]), 50, maximize=False))


def test_rung_step() -> None:
    assert [rung_step(1, 2, 0, k) for k in range(4)] == [1, 2, 4, 8]
    assert [rung_step(2, 3, 1, k) for k in range(3)] == [6, 18, 54]


@pytest.mark.parametrize(
    ("value", "others", "factor", "maximize", "expected"),
    [
        (5.0, [], 2, False, True),  # alone: the best is always promoted
        (6.0, [5.0], 2, False, False),  # n=2, top 1
        (4.0, [5.0], 2, False, True),
        (5.0, [5.0], 2, False, True),  # ties with the cutoff are promoted
        (4.0, [5.0, 3.0, 6.0], 2, False, True),  # n=4, top 2: {3, 4}
        (5.0, [4.0, 3.0, 6.0], 2, False, False),
        (4.0, [5.0, 3.0, 6.0], 4, False, False),  # n=4, rf=4: top 1
        (4.0, [5.0, 3.0, 6.0], 2, True, False),  # maximize: top 2 are {6, 5}
        (5.0, [4.0, 3.0, 6.0], 2, True, True),
        (2.0, [1.0, 3.0, 4.0, 5.0, 6.0], 3, False, True),  # n=6, rf=3: top 2
        (3.0, [1.0, 2.0, 4.0, 5.0, 6.0], 3, False, False),
    ],
)
def test_is_promotable(
    value: float, others: list[float], factor: int, maximize: bool, expected: bool
) -> None:
    rung = np.array([*others, value])
    assert is_promotable(value, rung, factor, maximize) is expected


@pytest.mark.parametrize(
    ("low", "high", "factor", "expected"),
    [(1, 81, 3, 5), (1, 80, 3, 4), (1, 9, 3, 3), (1, 8.99, 3, 2), (1, 1, 3, 1), (2, 64, 2, 6)],
)
def test_n_brackets(low: float, high: float, factor: int, expected: int) -> None:
    assert n_brackets(low, high, factor) == expected


def test_bracket_budgets_follow_hyperband() -> None:
    # n_s = ceil(B * eta^s / (s + 1)) with B the number of brackets, s = B - 1 - i.
    assert bracket_budgets(5, 3).tolist() == [81, 34, 15, 8, 5]
    assert bracket_budgets(3, 3).tolist() == [9, 5, 3]
    assert bracket_budgets(1, 3).tolist() == [1]


def test_stable_bracket_is_proportional_to_budget() -> None:
    budgets = np.array([9, 5, 3])
    counts = np.bincount(
        [stable_bracket(f"study_{n}", budgets) for n in range(17_000)], minlength=3
    )
    assert np.allclose(counts / counts.sum(), budgets / budgets.sum(), atol=0.02)


@pytest.mark.parametrize(
    ("values", "patience", "delta", "maximize", "expected"),
    [
        ([1.0], 0, 0.0, False, False),  # nothing before the window
        ([2.0, 1.0], 0, 0.0, False, False),  # improved
        ([1.0, 1.0], 0, 0.0, False, True),  # equal is no improvement
        ([1.0, 2.0], 0, 0.0, False, True),
        ([3.0, 2.0, 2.5], 1, 0.0, False, False),  # 2 in the window beats 3
        ([3.0, 2.9, 2.95], 1, 0.2, False, True),  # improvement 0.1 < min_delta
        ([3.0, 2.7, 2.95], 1, 0.2, False, False),  # improvement 0.3 > min_delta
        ([3.0, 2.0, 2.0], 2, 0.0, False, False),  # too few values for patience 2
        ([1.0, 0.5, 0.6], 1, 0.0, True, True),  # maximize: window best 0.6 < 1
        ([1.0, 1.5, 0.6], 1, 0.0, True, False),
        ([1.0, NAN, NAN], 1, 0.0, False, True),  # NaN never improves
        ([NAN, 1.0, 2.0], 1, 0.0, False, False),  # a number after only NaN improves
    ],
)
def test_has_stagnated(
    values: list[float], patience: int, delta: float, maximize: bool, expected: bool
) -> None:
    assert has_stagnated(values, patience, delta, maximize) is expected


def test_argument_checks() -> None:
    assert check_int("n", 3, 0) == 3
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int("n", True, 0)
    with pytest.raises(ValueError, match="n=-1"):
        check_int("n", -1, 0)
    assert check_real("x", np.float32(0.5)) == 0.5
    with pytest.raises(TypeError, match="x must be a number"):
        check_real("x", "0.5")
    assert check_min_resource("auto") is None
    assert check_min_resource(2) == 2.0
    with pytest.raises(ValueError, match="got 'fast'"):
        check_min_resource("fast")
    with pytest.raises(ValueError, match=r"got min_resource=0\.5"):
        check_min_resource(0.5)
    with pytest.raises(ValueError, match="got min_resource=nan"):
        check_min_resource(NAN)
