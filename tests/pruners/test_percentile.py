"""PercentilePruner against hand-computed histories."""

from __future__ import annotations

import pytest

import hpo
from hpo.pruners import PercentilePruner
from tests.pruners.helpers import NAN, complete, decisions, make_study, pruned, pruned_steps

# Five COMPLETE trials that reported 1, 2, 3, 4, 5 at step 0.
FIVE = [complete({0: float(v)}) for v in (1, 2, 3, 4, 5)]


@pytest.mark.parametrize(
    ("percentile", "kept", "stopped"),
    [
        (0.0, 1.0, 1.5),  # threshold is the best value, 1
        (25.0, 2.0, 2.5),  # 25th percentile of 1..5 is 2
        (50.0, 3.0, 3.5),
        (75.0, 4.0, 4.5),
        (100.0, 5.0, 5.5),  # only values worse than every peer are stopped
    ],
)
def test_minimize_threshold_is_the_percentile_of_peers(
    percentile: float, kept: float, stopped: float
) -> None:
    pruner = PercentilePruner(percentile, n_startup_trials=0)
    assert pruned_steps(make_study(pruner, FIVE), [(0, kept)]) == []
    assert pruned_steps(make_study(pruner, FIVE), [(0, stopped)]) == [0]


@pytest.mark.parametrize(
    ("percentile", "kept", "stopped"),
    [(25.0, 4.0, 3.5), (50.0, 3.0, 2.5), (100.0, 1.0, 0.5), (0.0, 5.0, 4.5)],
)
def test_maximize_keeps_the_top_percentile(percentile: float, kept: float, stopped: float) -> None:
    pruner = PercentilePruner(percentile, n_startup_trials=0)
    study = make_study(pruner, FIVE, direction="maximize")
    assert pruned_steps(study, [(0, kept)]) == []
    study = make_study(pruner, FIVE, direction="maximize")
    assert pruned_steps(study, [(0, stopped)]) == [0]


def test_trial_is_judged_by_its_best_value_so_far() -> None:
    history = [complete({0: 1.0, 1: 1.0})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0)
    # 0.5 at step 0 is better than the peers' 1.0, so a worse value at step 1 is forgiven.
    assert pruned_steps(make_study(pruner, history), [(0, 0.5), (1, 5.0)]) == []
    study = make_study(pruner, history, direction="maximize")
    assert pruned_steps(study, [(0, 2.0), (1, 0.0)]) == []


def test_peers_are_compared_by_their_value_at_the_same_step() -> None:
    # Peers were good at step 0 and bad at step 1; at step 1 only their step-1 value counts.
    history = [complete({0: 1.0, 1: 10.0})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0, n_warmup_steps=1)
    assert pruned_steps(make_study(pruner, history), [(0, 5.0), (1, 5.0)]) == []
    assert pruned_steps(make_study(pruner, history), [(0, 11.0), (1, 11.0)]) == [1]


def test_peers_that_did_not_report_the_step_are_not_compared() -> None:
    history = [complete({0: 1.0})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0)
    assert pruned_steps(make_study(pruner, history), [(0, 0.5), (1, 100.0)]) == []


def test_startup_counts_complete_trials_only() -> None:
    pruner = PercentilePruner(50, n_startup_trials=5)
    four = [complete({0: 1.0})] * 4
    assert pruned_steps(make_study(pruner, four), [(0, 9.0)]) == []
    assert pruned_steps(make_study(pruner, [*four, complete({0: 1.0})]), [(0, 9.0)]) == [0]
    many_pruned = four + [pruned({0: 1.0})] * 5
    assert pruned_steps(make_study(pruner, many_pruned), [(0, 9.0)]) == []


def test_pruned_trials_are_not_peers() -> None:
    # Median of COMPLETE peers is 1; PRUNED peers at 10 would have lifted it.
    history = [complete({0: 1.0})] * 2 + [pruned({0: 10.0})] * 5
    pruner = PercentilePruner(50, n_startup_trials=0)
    assert pruned_steps(make_study(pruner, history), [(0, 5.0)]) == [0]


def test_no_pruning_before_warmup() -> None:
    history = [complete({s: 1.0 for s in range(5)})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0, n_warmup_steps=3)
    reports = [(s, 9.0) for s in range(5)]
    assert pruned_steps(make_study(pruner, history), reports) == [3, 4]


def test_interval_checks_on_the_grid_after_warmup() -> None:
    history = [complete({s: 1.0 for s in range(20)})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0, n_warmup_steps=2, interval_steps=3)
    reports = [(s, 9.0) for s in range(12)]
    assert pruned_steps(make_study(pruner, history), reports) == [2, 5, 8, 11]


def test_interval_check_postponed_to_the_next_report_when_grid_step_is_skipped() -> None:
    history = [complete({s: 1.0 for s in range(20)})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0, n_warmup_steps=2, interval_steps=3)
    # Grid steps are 2, 5, 8, 11: checks fall on 3 (first report >= 2), 7 (>= 5), 8 and 12.
    reports = [(s, 9.0) for s in (0, 1, 3, 4, 7, 8, 10, 12)]
    assert pruned_steps(make_study(pruner, history), reports) == [3, 7, 8, 12]


def test_n_min_trials_counts_peers_with_a_number_at_the_step() -> None:
    pruner = PercentilePruner(50, n_startup_trials=0, n_min_trials=3)
    two = [complete({0: 1.0})] * 2
    assert pruned_steps(make_study(pruner, two), [(0, 9.0)]) == []
    three = [*two, complete({0: 1.0})]
    assert pruned_steps(make_study(pruner, three), [(0, 9.0)]) == [0]
    with_nan = [*two, complete({0: NAN}, value=1.0)]
    assert pruned_steps(make_study(pruner, with_nan), [(0, 9.0)]) == []


def test_nan_current_value_is_pruned() -> None:
    history = [complete({0: 1.0, 1: 1.0})] * 3
    pruner = PercentilePruner(50, n_startup_trials=0)
    assert pruned_steps(make_study(pruner, history), [(0, 0.5), (1, NAN)]) == [1]


def test_nan_values_of_peers_are_ignored() -> None:
    pruner = PercentilePruner(50, n_startup_trials=0)
    history = [complete({0: NAN}, value=1.0)] * 2 + [complete({0: 1.0})]
    assert pruned_steps(make_study(pruner, history), [(0, 5.0)]) == [0]
    all_nan = [complete({0: NAN}, value=1.0)] * 3
    assert pruned_steps(make_study(pruner, all_nan), [(0, 5.0)]) == []


def test_no_report_no_pruning() -> None:
    study = make_study(PercentilePruner(50, n_startup_trials=0), FIVE)
    assert not study.ask().should_prune()


def test_optimize_prunes_bad_trials_and_keeps_good_ones() -> None:
    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(10):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hpo.TrialPruned()
        return x

    study = hpo.create_study(
        pruner=PercentilePruner(25, n_startup_trials=3),
        sampler=hpo.samplers.RandomSampler(seed=0),
    )
    study.optimize(objective, n_trials=40)
    states = [t.state for t in study.trials]
    assert states.count(hpo.trial.TrialState.PRUNED) > 10
    best_x = min(t.params["x"] for t in study.trials)
    assert study.best_params["x"] == best_x  # the best configuration was never pruned


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"percentile": -1.0}, ValueError, "percentile=-1"),
        ({"percentile": 100.5}, ValueError, "percentile=100.5"),
        ({"percentile": "50"}, TypeError, "percentile"),
        ({"percentile": 50, "n_startup_trials": -1}, ValueError, "n_startup_trials=-1"),
        ({"percentile": 50, "n_warmup_steps": -2}, ValueError, "n_warmup_steps=-2"),
        ({"percentile": 50, "interval_steps": 0}, ValueError, "interval_steps=0"),
        ({"percentile": 50, "n_min_trials": 0}, ValueError, "n_min_trials=0"),
        ({"percentile": 50, "n_warmup_steps": 1.5}, TypeError, "n_warmup_steps"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        PercentilePruner(**kwargs)


def test_decisions_do_not_change_the_study() -> None:
    study = make_study(PercentilePruner(50, n_startup_trials=0), FIVE)
    before = [t.intermediate_values for t in study.trials]
    decisions(study, [(0, 9.0)])
    assert [t.intermediate_values for t in study.trials[:5]] == before
