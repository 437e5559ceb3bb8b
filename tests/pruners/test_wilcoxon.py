"""WilcoxonPruner: one-sided signed-rank test against the best trial."""

from __future__ import annotations

import numpy as np
import pytest

from hpo.pruners import WilcoxonPruner
from hpo.pruners._wilcoxon import worse_by_signed_rank
from tests.pruners.helpers import NAN, complete, make_study, pruned_steps

# The best trial's score on 30 problem instances (steps are instance ids).
SCORES = {i: float(v) for i, v in enumerate(np.random.default_rng(0).normal(size=30))}
BEST = complete(SCORES, value=float(np.mean(list(SCORES.values()))))


def shifted(shift: float, instances: range | list[int]) -> list[tuple[int, float]]:
    return [(i, SCORES[i] + shift) for i in instances]


def test_exact_p_values() -> None:
    # All n differences positive: the one-sided exact p-value is 2 ** -n.
    assert worse_by_signed_rank(np.ones(4)) == pytest.approx(1 / 16)
    assert worse_by_signed_rank(np.ones(5)) == pytest.approx(1 / 32)
    assert worse_by_signed_rank(-np.ones(4)) == pytest.approx(1.0)
    # An infinite difference ranks first, like any largest one.
    inf = float("inf")
    assert worse_by_signed_rank(np.array([inf, 1, 2, 3])) == pytest.approx(1 / 16)
    assert worse_by_signed_rank(np.zeros(5)) == 1.0


def test_prunes_when_p_value_falls_below_threshold_minimize() -> None:
    # Worse on every instance: p = 1/8 after 3 instances, 1/16 after 4.
    study = make_study(WilcoxonPruner(p_threshold=0.1, n_startup_steps=0), [BEST])
    assert pruned_steps(study, shifted(0.5, range(6))) == [3, 4, 5]
    study = make_study(WilcoxonPruner(p_threshold=0.05, n_startup_steps=0), [BEST])
    assert pruned_steps(study, shifted(0.5, range(6))) == [4, 5]


def test_maximize() -> None:
    study = make_study(WilcoxonPruner(p_threshold=0.1), [BEST], direction="maximize")
    assert pruned_steps(study, shifted(-0.5, range(6))) == [3, 4, 5]
    study = make_study(WilcoxonPruner(p_threshold=0.1), [BEST], direction="maximize")
    assert pruned_steps(study, shifted(0.5, range(6))) == []


def test_better_trial_is_never_pruned() -> None:
    study = make_study(WilcoxonPruner(p_threshold=0.5), [BEST])
    assert pruned_steps(study, shifted(-0.5, range(30))) == []


def test_n_startup_steps() -> None:
    study = make_study(WilcoxonPruner(p_threshold=0.1, n_startup_steps=6), [BEST])
    assert pruned_steps(study, shifted(0.5, range(8))) == [5, 6, 7]


def test_never_with_fewer_than_two_instances() -> None:
    study = make_study(WilcoxonPruner(p_threshold=1.0, n_startup_steps=0), [BEST])
    assert pruned_steps(study, shifted(0.5, range(3))) == [1, 2]


def test_instances_in_any_order() -> None:
    order = [17, 3, 29, 8, 0, 11]
    study = make_study(WilcoxonPruner(p_threshold=0.1), [BEST])
    assert pruned_steps(study, shifted(0.5, order)) == [8, 0, 11]


def test_not_pruned_while_the_mean_is_at_least_as_good() -> None:
    flat = complete({i: 0.0 for i in range(10)}, value=0.0)
    study = make_study(WilcoxonPruner(p_threshold=0.5, n_startup_steps=0), [flat])
    # Slightly worse on most instances (p small) but far better on instance 6: the mean over
    # the shared instances is better, so the trial may still become the best.
    reports = [(i, 0.1) for i in range(6)] + [(6, -5.0), (7, 0.1)]
    assert pruned_steps(study, reports) == [1, 2, 3, 4, 5]


def test_ties_are_not_worse() -> None:
    study = make_study(WilcoxonPruner(p_threshold=0.5), [BEST])
    assert pruned_steps(study, shifted(0.0, range(10))) == []


def test_compared_with_the_best_trial_by_objective_value() -> None:
    # The second trial has worse intermediate scores but the better objective value.
    good_scores = complete({i: 0.0 for i in range(10)}, value=5.0)
    best_value = complete({i: 10.0 for i in range(10)}, value=1.0)
    study = make_study(WilcoxonPruner(p_threshold=0.1), [good_scores, best_value])
    assert pruned_steps(study, [(i, 5.0) for i in range(10)]) == []
    study = make_study(WilcoxonPruner(p_threshold=0.1), [good_scores, best_value])
    assert pruned_steps(study, [(i, 11.0) for i in range(10)]) == [3, 4, 5, 6, 7, 8, 9]


def test_only_shared_instances_are_compared() -> None:
    short = complete({0: 0.0, 1: 1.0, 2: 2.0}, value=0.0)
    study = make_study(WilcoxonPruner(p_threshold=0.1), [short])
    # Three shared instances give at best p = 1/8.
    assert pruned_steps(study, [(i, 100.0) for i in range(10)]) == []


def test_nan_instances_are_left_out() -> None:
    study = make_study(WilcoxonPruner(p_threshold=0.1), [BEST])
    reports = [(0, NAN), *shifted(0.5, range(1, 6))]
    # Four finite pairs are reached at instance 4.
    assert pruned_steps(study, reports) == [4, 5]
    with_nan_best = complete({**SCORES, 1: NAN}, value=0.0)
    study = make_study(WilcoxonPruner(p_threshold=0.1), [with_nan_best])
    assert pruned_steps(study, shifted(0.5, range(6))) == [4, 5]


def test_no_complete_trial_no_pruning() -> None:
    study = make_study(WilcoxonPruner(p_threshold=1.0))
    assert pruned_steps(study, shifted(5.0, range(10))) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"p_threshold": -0.1}, ValueError, "p_threshold=-0.1"),
        ({"p_threshold": 1.5}, ValueError, "p_threshold=1.5"),
        ({"p_threshold": "0.1"}, TypeError, "p_threshold"),
        ({"n_startup_steps": -1}, ValueError, "n_startup_steps=-1"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        WilcoxonPruner(**kwargs)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        WilcoxonPruner(0.1)  # type: ignore[misc]
