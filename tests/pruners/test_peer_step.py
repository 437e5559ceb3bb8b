"""The settings and first checks shared by the percentile, median and Pareto median pruners."""

from __future__ import annotations

import pytest

from hpo.pruners import MedianPruner, ParetoMedianPruner, PercentilePruner
from tests.pruners.helpers import complete, make_study

PRUNERS = [
    lambda **kw: PercentilePruner(25.0, **kw),
    lambda **kw: MedianPruner(**kw),
    lambda **kw: ParetoMedianPruner(**kw),
]


@pytest.mark.parametrize("make", PRUNERS)
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_startup_trials": -1}, ValueError, "n_startup_trials=-1"),
        ({"n_warmup_steps": -1}, ValueError, "n_warmup_steps=-1"),
        ({"interval_steps": 0}, ValueError, "interval_steps=0"),
        ({"n_min_trials": 0}, ValueError, "n_min_trials=0"),
        ({"n_warmup_steps": 1.5}, TypeError, "n_warmup_steps must be an integer"),
    ],
)
def test_every_peer_pruner_checks_the_same_settings(
    make: object, kwargs: dict[str, object], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        make(**kwargs)  # type: ignore[operator]


def test_due_step_waits_for_startup_trials_warmup_and_interval() -> None:
    pruner = MedianPruner(n_startup_trials=2, n_warmup_steps=2, interval_steps=2)
    one = make_study(pruner, [complete({0: 1.0})])
    assert pruner._due_step(one, {3: 1.0}) is None  # one COMPLETE trial of the two needed
    two = make_study(pruner, [complete({0: 1.0}), complete({0: 2.0})])
    assert pruner._due_step(two, {}) is None
    assert pruner._due_step(two, {1: 1.0}) is None  # warm-up
    assert pruner._due_step(two, {2: 1.0, 3: 1.0}) is None  # step 2 had this interval's check
    due = pruner._due_step(two, {4: 1.0})
    assert due is not None
    step, completed = due
    assert step == 4
    assert sorted(t.number for t in completed) == [0, 1]


def test_due_step_needs_a_complete_trial_even_without_startup_trials() -> None:
    pruner = MedianPruner(n_startup_trials=0)
    assert pruner._due_step(make_study(pruner), {0: 1.0}) is None
