"""BruteForceSampler: every leaf of a finite conditional space once, then stop."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.samplers import BruteForceSampler
from hpo.trial import TrialState

LEAVES = {
    ("a", ("x", 0)),
    ("a", ("x", 1)),
    ("a", ("x", 2)),
    *(("b", ("y", y), ("z", z)) for y in (0.0, 0.5, 1.0) for z in (True, False)),
}


def _conditional(trial: hpo.Trial) -> float:
    c = trial.suggest_categorical("c", ["a", "b"])
    if c == "a":
        return trial.suggest_int("x", 0, 2)
    y = trial.suggest_float("y", 0.0, 1.0, step=0.5)
    z = trial.suggest_categorical("z", [True, False])
    return y + z


def _leaf(trial: hpo.trial.FrozenTrial) -> tuple[Any, ...]:
    params = dict(trial.params)
    return (params.pop("c"), *sorted(params.items()))


def test_every_leaf_of_a_conditional_space_once_then_stop() -> None:
    study = hpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(_conditional, n_trials=100)
    leaves = [_leaf(t) for t in study.trials]
    assert len(leaves) == len(LEAVES)
    assert set(leaves) == LEAVES


def test_seed_fixes_the_order() -> None:
    def order(seed: int) -> list[tuple[Any, ...]]:
        study = hpo.create_study(sampler=BruteForceSampler(seed=seed))
        study.optimize(_conditional, n_trials=100)
        return [_leaf(t) for t in study.trials]

    assert order(5) == order(5)
    assert order(5) != order(6)


def test_running_trials_are_not_repeated() -> None:
    study = hpo.create_study(sampler=BruteForceSampler(seed=0))
    first, second = study.ask(), study.ask()
    values = {first.suggest_int("x", 0, 1), second.suggest_int("x", 0, 1)}
    assert values == {0, 1}


@pytest.mark.parametrize(("avoid_premature_stop", "n_complete"), [(False, 1), (True, 2)])
def test_avoid_premature_stop_waits_for_running_trials(
    avoid_premature_stop: bool, n_complete: int
) -> None:
    sampler = BruteForceSampler(seed=0, avoid_premature_stop=avoid_premature_stop)
    study = hpo.create_study(sampler=sampler)
    pending: list[hpo.Trial] = []

    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_int("x", 0, 1)
        if not pending:
            # A trial that stays RUNNING takes the other value.
            pending.append(study.ask())
            assert pending[0].suggest_int("x", 0, 1) == 1 - x
        return float(x)

    study.optimize(objective, n_trials=10)
    states = [t.state for t in study.trials]
    # Without the option the study stops as soon as both values are taken; with it, a trial
    # repeats the running trial's branch, and the study stops once that one finished.
    assert states.count(TrialState.COMPLETE) == n_complete
    assert states.count(TrialState.RUNNING) == 1


def test_continuous_parameter_is_an_error() -> None:
    study = hpo.create_study(sampler=BruteForceSampler())
    trial = study.ask()
    with pytest.raises(ValueError, match=r"'lr'.*continuous"):
        trial.suggest_float("lr", 1e-3, 1.0, log=True)


def test_changing_tree_is_an_error() -> None:
    study = hpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(lambda t: t.suggest_int("x", 0, 3), n_trials=1)
    trial = study.ask()
    with pytest.raises(ValueError, match=r"fixed search tree.*'x'"):
        trial.suggest_int("x", 0, 5)


def test_bad_avoid_premature_stop() -> None:
    with pytest.raises(TypeError, match="avoid_premature_stop must be a bool, got 'yes'"):
        BruteForceSampler(avoid_premature_stop="yes")  # type: ignore[arg-type]


def _wide(trial: hpo.Trial) -> float:
    if trial.suggest_categorical("c", ["a", "b"]) == "a":
        return trial.suggest_int("x", 0, 5)
    return trial.suggest_float("y", 0.0, 1.0, step=0.5) + trial.suggest_int("z", 0, 1)


def _worker(url: str, barrier: Any) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    # avoid_premature_stop: stop only at the budget (the tree is unknown at first, so a
    # worker could otherwise count a branch someone runs as the whole unexplored rest).
    sampler = BruteForceSampler(seed=0, avoid_premature_stop=True)
    budgeted = hpo.load_study(study_name="budgeted", storage=url, sampler=sampler)
    barrier.wait(timeout=60)  # start together, so that workers race for the same branches
    budgeted.optimize(_wide, n_trials=2)
    until_done = hpo.load_study(
        study_name="until-done", storage=url, sampler=BruteForceSampler(seed=0)
    )
    until_done.optimize(_conditional, n_trials=1000)


def test_worker_processes_share_the_tree(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'brute.db'}"
    hpo.create_study(study_name="budgeted", storage=url)
    hpo.create_study(study_name="until-done", storage=url)
    n_workers = 4
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(n_workers)
    processes = [context.Process(target=_worker, args=(url, barrier)) for _ in range(n_workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * n_workers

    # 4 workers x 2 trials for 12 leaves, every worker with the same seed (so each prefers
    # the same branches): while leaves are free, no leaf may run twice.
    budgeted = hpo.load_study(study_name="budgeted", storage=url).trials
    assert Counter(t.state for t in budgeted) == {TrialState.COMPLETE: 2 * n_workers}
    assert sorted(Counter(map(_leaf, budgeted)).values()) == [1] * 2 * n_workers

    # With a large budget every worker stops once the tree is explored; a leaf runs twice
    # only when nothing else was left for a worker.
    until_done = hpo.load_study(study_name="until-done", storage=url).trials
    assert set(map(_leaf, until_done)) == LEAVES
    assert len(LEAVES) <= len(until_done) <= len(LEAVES) + n_workers - 1
