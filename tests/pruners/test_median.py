"""MedianPruner: the percentile rule at 50."""

from __future__ import annotations

import numpy as np
import pytest

from hpo.pruners import MedianPruner, PercentilePruner
from tests.pruners.helpers import NAN, complete, make_study, pruned_steps


def test_median_pruner_is_a_percentile_pruner() -> None:
    assert isinstance(MedianPruner(), PercentilePruner)


def test_prunes_above_the_median_and_keeps_the_median() -> None:
    history = [complete({0: float(v)}) for v in (1, 2, 3, 4)]  # median 2.5
    pruner = MedianPruner(n_startup_trials=0)
    assert pruned_steps(make_study(pruner, history), [(0, 2.5)]) == []
    assert pruned_steps(make_study(pruner, history), [(0, 2.6)]) == [0]
    study = make_study(pruner, history, direction="maximize")
    assert pruned_steps(study, [(0, 2.4)]) == [0]


def test_default_waits_for_five_complete_trials() -> None:
    four = [complete({0: 1.0})] * 4
    assert pruned_steps(make_study(MedianPruner(), four), [(0, 9.0)]) == []
    five = [*four, complete({0: 1.0})]
    assert pruned_steps(make_study(MedianPruner(), five), [(0, 9.0)]) == [0]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_same_decisions_as_percentile_50_on_random_histories(direction: str) -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        history = []
        for _ in range(int(rng.integers(1, 8))):
            steps = np.flatnonzero(rng.random(6) < 0.7)
            values = rng.normal(size=steps.size)
            values[rng.random(steps.size) < 0.1] = NAN
            intermediate = {int(s): float(v) for s, v in zip(steps, values)}
            history.append(complete(intermediate, value=0.0))
        reports = [(s, float(rng.normal())) for s in range(6)]
        kwargs = {"n_startup_trials": 2, "n_warmup_steps": 1, "n_min_trials": 2}
        median = pruned_steps(make_study(MedianPruner(**kwargs), history, direction), reports)
        percentile = pruned_steps(
            make_study(PercentilePruner(50.0, **kwargs), history, direction), reports
        )
        assert median == percentile


def test_keyword_only_n_min_trials() -> None:
    with pytest.raises(TypeError):
        MedianPruner(5, 0, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_startup_trials": -1}, "n_startup_trials=-1"),
        ({"n_warmup_steps": -1}, "n_warmup_steps=-1"),
        ({"interval_steps": 0}, "interval_steps=0"),
        ({"n_min_trials": 0}, "n_min_trials=0"),
    ],
)
def test_invalid_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        MedianPruner(**kwargs)


def test_repr_names_the_settings() -> None:
    assert repr(MedianPruner(3, 2, 1, n_min_trials=4)) == (
        "MedianPruner(n_startup_trials=3, n_warmup_steps=2, interval_steps=1, n_min_trials=4)"
    )
