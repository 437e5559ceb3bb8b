"""ThresholdPruner: bounds, NaN, warm-up and interval."""

from __future__ import annotations

import pytest

from hpo.pruners import ThresholdPruner
from tests.pruners.helpers import NAN, make_study, pruned_steps

INF = float("inf")


def test_upper_bound() -> None:
    study = make_study(ThresholdPruner(upper=1.0))
    assert pruned_steps(study, [(0, 0.0), (1, 1.0), (2, 1.2), (3, 0.5)]) == [2]


def test_lower_bound() -> None:
    study = make_study(ThresholdPruner(lower=0.0))
    assert pruned_steps(study, [(0, 100.0), (1, 0.0), (2, -1.0)]) == [2]


def test_both_bounds_and_the_direction_does_not_matter() -> None:
    for direction in ("minimize", "maximize"):
        study = make_study(ThresholdPruner(lower=0.0, upper=1.0), direction=direction)
        assert pruned_steps(study, [(0, 0.5), (1, -0.1), (2, 0.5), (3, 1.1)]) == [1, 3]


def test_nan_is_pruned_and_infinities_follow_the_bounds() -> None:
    assert pruned_steps(make_study(ThresholdPruner(lower=0.0)), [(0, NAN)]) == [0]
    assert pruned_steps(make_study(ThresholdPruner(lower=0.0)), [(0, INF)]) == []
    assert pruned_steps(make_study(ThresholdPruner(upper=0.0)), [(0, INF)]) == [0]
    assert pruned_steps(make_study(ThresholdPruner(upper=0.0)), [(0, -INF)]) == []


def test_only_the_latest_value_counts() -> None:
    study = make_study(ThresholdPruner(upper=1.0))
    assert pruned_steps(study, [(0, 5.0), (1, 0.5), (2, 0.7)]) == [0]


def test_warmup_and_interval() -> None:
    pruner = ThresholdPruner(lower=0.0, upper=1.0, n_warmup_steps=1, interval_steps=2)
    study = make_study(pruner)
    # Checks at 1, 3, 5: step 0 is warm-up, 2 is off the grid, 4 is the postponed check of
    # grid step 3, 5 is on the grid.
    reports = [(0, 5.0), (1, 0.5), (2, 5.0), (4, 5.0), (5, NAN)]
    assert pruned_steps(study, reports) == [4, 5]


def test_interval_with_irregular_steps() -> None:
    study = make_study(ThresholdPruner(upper=1.0, interval_steps=3))
    assert pruned_steps(study, [(0, 0.5), (1, 5.0), (4, 5.0), (5, 5.0), (6, 5.0)]) == [4, 6]


def test_equal_bounds_are_allowed() -> None:
    study = make_study(ThresholdPruner(lower=1.0, upper=1.0))
    assert pruned_steps(study, [(0, 1.0), (1, 1.5)]) == [1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, TypeError, "both are None"),
        ({"lower": 2.0, "upper": 1.0}, ValueError, "lower=2.0 must not be greater than upper=1.0"),
        ({"lower": "a"}, TypeError, "lower must be a number or None, got 'a'"),
        ({"upper": [1.0]}, TypeError, "upper must be a number"),
        ({"upper": NAN}, ValueError, "upper must not be NaN"),
        ({"lower": 0.0, "n_warmup_steps": -1}, ValueError, "n_warmup_steps=-1"),
        ({"lower": 0.0, "interval_steps": 0}, ValueError, "interval_steps=0"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        ThresholdPruner(**kwargs)
