"""SuccessiveHalvingPruner (asynchronous) against hand-computed rung promotions."""

from __future__ import annotations

from pathlib import Path

import pytest

import hpo
from hpo.pruners import SuccessiveHalvingPruner
from hpo.pruners._successive_halving import MIN_RESOURCE_KEY
from hpo.trial import TrialState
from tests.pruners.helpers import NAN, complete, first_pruned_step, make_study
from tests.storages.conftest import BACKENDS, make_storage_factory


def constant(value: float, steps: int) -> list[tuple[int, float]]:
    return [(s, value) for s in range(steps)]


def run_sequence(
    pruner: SuccessiveHalvingPruner, values: list[float], steps: int, direction: str = "minimize"
) -> tuple[hpo.Study, list[int | None]]:
    """Run one trial per value, one after the other; return the first pruned step of each."""
    study = make_study(pruner, direction=direction)
    return study, [first_pruned_step(study, constant(v, steps)) for v in values]


def rung_attrs(trial: hpo.trial.FrozenTrial | hpo.Trial) -> dict[str, float]:
    return {k: v for k, v in trial.system_attrs.items() if k.startswith("completed_rung_")}


def test_reduction_factor_2() -> None:
    # Rungs at steps 1, 2, 4. Promoted: top max(1, n // 2) of the n values at a rung.
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study, pruned_at = run_sequence(pruner, [5.0, 4.0, 6.0, 4.5, 3.0], steps=6)
    # rung 0: [5] ok; [5,4] 4 ok; [5,4,6] top 1 -> 6 out; [5,4,6,4.5] top 2 {4,4.5} ok;
    # rung 1 for 4.5: [5,4,4.5] top 1 -> out at step 2; 3.0 is the best everywhere.
    assert pruned_at == [None, None, 1, 2, None]
    trials = study.trials
    assert rung_attrs(trials[2]) == {"completed_rung_0": 6.0}
    assert rung_attrs(trials[3]) == {"completed_rung_0": 4.5, "completed_rung_1": 4.5}
    assert rung_attrs(trials[4]) == {f"completed_rung_{k}": 3.0 for k in range(3)}


def test_reduction_factor_3() -> None:
    # Rungs at steps 1, 3, 9.
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    values = [5.0, 4.0, 6.0, 4.5, 3.0, 4.2, 3.5]
    _, pruned_at = run_sequence(pruner, values, steps=10)
    # rung 0 sizes 1..7 keep top 1,1,1,1,1,2,2; 3.5 passes rung 0 (top 2 of 7: {3, 3.5}) but
    # at rung 1 the values are [5, 4, 3, 3.5]: top 1 -> out at step 3.
    assert pruned_at == [None, None, 1, 1, None, 1, 3]


def test_reduction_factor_4_with_min_resource_2_and_irregular_steps() -> None:
    # Rungs at steps 2, 8, 32.
    pruner = SuccessiveHalvingPruner(min_resource=2, reduction_factor=4)
    study, pruned_at = run_sequence(pruner, [5.0, 4.0, 3.0, 6.0, 2.5], steps=10)
    assert pruned_at == [None, None, None, 2, None]
    # A trial that jumps from step 0 to step 10 completes rungs 0 and 1 in one report.
    assert first_pruned_step(study, [(0, 2.0), (10, 2.0)]) is None
    assert rung_attrs(study.trials[-1]) == {"completed_rung_0": 2.0, "completed_rung_1": 2.0}
    # A trial that jumps past rung 0 with a bad value is stopped there, at the jump.
    assert first_pruned_step(study, [(0, 9.0), (10, 9.0)]) == 10


def test_maximize_mirrors_minimize() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    _, pruned_at = run_sequence(pruner, [-5.0, -4.0, -6.0, -4.5, -3.0], 6, "maximize")
    assert pruned_at == [None, None, 1, 2, None]


def test_min_early_stopping_rate_moves_the_first_rung() -> None:
    # min_resource 1, rf 2, rate 2: rungs at 4, 8.
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, min_early_stopping_rate=2)
    _, pruned_at = run_sequence(pruner, [5.0, 6.0, 4.0, 4.5], steps=9)
    assert pruned_at == [None, 4, None, 8]


def test_bootstrap_count_stops_trials_until_enough_have_completed_the_rung() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    study, pruned_at = run_sequence(pruner, [5.0, 4.0, 3.0, 6.0, 2.0], steps=4)
    # Trials 0 and 1 find fewer than 2 others at rung 0. Trial 2 is promoted from rung 0
    # ([5, 4, 3], top 1) but is first at rung 1 (step 2). Trial 3 loses at rung 0 ([5,4,3,6],
    # top 2). Trial 4 wins rung 0 and meets one other at rung 1: not enough.
    assert pruned_at == [1, 1, 2, 1, 2]
    assert rung_attrs(study.trials[2]) == {"completed_rung_0": 3.0, "completed_rung_1": 3.0}


def test_running_trials_compete_without_waiting() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study = make_study(pruner)
    leader, follower = study.ask(), study.ask()
    leader.report(1.0, 1)
    assert not leader.should_prune()
    follower.report(2.0, 1)  # leader is still running; its rung value already counts
    assert follower.should_prune()


def test_nan_at_a_rung_is_pruned_but_not_between_rungs() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=2, reduction_factor=2)
    study = make_study(pruner)
    trial = study.ask()
    trial.report(NAN, 0)
    assert not trial.should_prune()
    trial.report(NAN, 2)
    assert trial.should_prune()
    assert "completed_rung_0" not in study.trials[0].system_attrs


def test_auto_min_resource_waits_for_a_complete_trial_then_uses_its_steps() -> None:
    pruner = SuccessiveHalvingPruner(reduction_factor=2)
    study = make_study(pruner)
    # No COMPLETE trial: nothing is pruned and nothing recorded.
    assert first_pruned_step(study, constant(5.0, 250)) is None
    assert rung_attrs(study.trials[0]) == {}
    # The first COMPLETE trial had last step 249: min_resource = 249 // 100 = 2, rungs 2, 4.
    assert first_pruned_step(study, constant(4.0, 5)) is None
    assert rung_attrs(study.trials[1]) == {"completed_rung_0": 4.0, "completed_rung_1": 4.0}
    assert study.system_attrs[MIN_RESOURCE_KEY] == 2.0
    assert first_pruned_step(study, constant(6.0, 5)) == 2


def test_auto_min_resource_is_shared_through_the_study() -> None:
    study = make_study(SuccessiveHalvingPruner(), [complete(dict(constant(1.0, 300)))])
    assert first_pruned_step(study, constant(1.0, 4)) is None  # records min_resource = 2
    # Another process joins after a longer trial finished: it still uses the recorded value.
    study.add_trial(hpo.create_trial(value=1.0, intermediate_values=dict(constant(1.0, 1000))))
    other = hpo.load_study(study_name=study.study_name, storage=study._storage)
    other.pruner = SuccessiveHalvingPruner(reduction_factor=2)
    assert first_pruned_step(other, constant(9.0, 4)) == 2


def test_short_completed_trial_gives_min_resource_1() -> None:
    study = make_study(SuccessiveHalvingPruner(reduction_factor=2), [complete({0: 1.0, 5: 1.0})])
    assert first_pruned_step(study, constant(5.0, 3)) is None
    assert rung_attrs(study.trials[1]) == {"completed_rung_0": 5.0, "completed_rung_1": 5.0}
    assert first_pruned_step(study, constant(6.0, 3)) == 1


def test_optimize_runs_trials_to_promotion_steps() -> None:
    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(27):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hpo.TrialPruned()
        return x

    study = hpo.create_study(
        pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        sampler=hpo.samplers.RandomSampler(seed=1),
    )
    study.optimize(objective, n_trials=30)
    pruned = [t for t in study.trials if t.state == TrialState.PRUNED]
    assert pruned
    # A trial is only ever stopped at a rung: step 1, 3 or 9.
    assert {t.last_step for t in pruned} <= {1, 3, 9}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rung_attributes_show_in_the_running_trial(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage = make_storage_factory(backend, tmp_path, request)()
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study = hpo.create_study(storage=storage, pruner=pruner, study_name="rungs")
    seen: list[dict[str, float]] = []

    def objective(trial: hpo.Trial) -> float:
        trial.report(1.0, 0)
        assert "completed_rung_0" not in trial.system_attrs
        trial.report(1.0, 1)
        trial.should_prune()  # step 1 reaches rung 0
        seen.append(rung_attrs(trial))
        trial.report(1.0, 2)
        trial.should_prune()  # step 2 reaches rung 1
        seen.append(rung_attrs(trial))
        return 1.0

    study.optimize(objective, n_trials=1)
    assert seen == [{"completed_rung_0": 1.0}, {"completed_rung_0": 1.0, "completed_rung_1": 1.0}]
    assert rung_attrs(study.trials[0]) == seen[-1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"min_resource": 0}, ValueError, "min_resource=0"),
        ({"min_resource": "x"}, ValueError, "'x'"),
        ({"reduction_factor": 1}, ValueError, "reduction_factor=1"),
        ({"reduction_factor": 2.5}, TypeError, "reduction_factor"),
        ({"min_early_stopping_rate": -1}, ValueError, "min_early_stopping_rate=-1"),
        ({"bootstrap_count": -1}, ValueError, "bootstrap_count=-1"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        SuccessiveHalvingPruner(**kwargs)
