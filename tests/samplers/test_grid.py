"""GridSampler: every point once (in memory and across worker processes), then stop."""

from __future__ import annotations

import itertools
import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.samplers import GridSampler
from hpo.trial import TrialState

GRID: dict[str, list[Any]] = {"x": [0, 1, 2], "y": [0.5, 1.5], "c": ["a", None]}
N_POINTS = 12


def _objective(trial: hpo.Trial) -> float:
    x = trial.suggest_int("x", 0, 2)
    y = trial.suggest_float("y", 0.0, 2.0)
    c = trial.suggest_categorical("c", ["a", None])
    return x + y + (c is None)


def _point(trial: hpo.trial.FrozenTrial) -> tuple[Any, ...]:
    return (trial.params["x"], trial.params["y"], trial.params["c"])


ALL_POINTS = set(itertools.product(GRID["x"], GRID["y"], GRID["c"]))


def test_every_point_runs_once_then_the_study_stops() -> None:
    sampler = GridSampler(GRID, seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=5)
    assert not sampler.is_exhausted(study)
    study.optimize(_objective, n_trials=100)
    points = [_point(t) for t in study.trials]
    assert len(points) == N_POINTS
    assert set(points) == ALL_POINTS
    assert sampler.is_exhausted(study)
    assert {t.system_attrs["grid_id"] for t in study.trials} == set(range(N_POINTS))


def test_seed_fixes_the_order() -> None:
    def order(seed: int) -> list[tuple[Any, ...]]:
        study = hpo.create_study(sampler=GridSampler(GRID, seed=seed))
        study.optimize(_objective, n_trials=N_POINTS)
        return [_point(t) for t in study.trials]

    assert order(3) == order(3)
    assert order(3) != order(4)


def test_asking_past_the_grid_runs_a_duplicate_with_a_warning() -> None:
    study = hpo.create_study(sampler=GridSampler({"x": [0, 1]}, seed=0))
    running = [study.ask() for _ in range(2)]
    values = {t.suggest_int("x", 0, 1) for t in running}
    assert values == {0, 1}
    with pytest.warns(UserWarning, match="re-runs grid point"):
        extra = study.ask()
    assert extra.suggest_int("x", 0, 1) in {0, 1}
    for trial in [*running, extra]:
        study.tell(trial, 1.0)  # after_trial outside optimize() must not raise
    with pytest.warns(UserWarning, match="re-runs grid point"):
        study.ask()


def test_enqueued_grid_point_counts_as_that_point() -> None:
    sampler = GridSampler(GRID, seed=1)
    study = hpo.create_study(sampler=sampler)
    study.enqueue_trial({"x": 2, "y": 1.5, "c": None})
    study.enqueue_trial({"x": 0})  # partly fixed: runs a free point with x == 0
    study.optimize(_objective, n_trials=100)
    points = [_point(t) for t in study.trials]
    assert points[0] == (2, 1.5, None)
    assert points[1][0] == 0
    assert len(points) == N_POINTS and set(points) == ALL_POINTS


def test_enqueued_values_outside_the_grid_need_every_parameter() -> None:
    study = hpo.create_study(sampler=GridSampler({"x": [0, 1], "y": [0, 1]}))
    study.enqueue_trial({"x": 7})
    trial = study.ask()
    assert trial.suggest_int("x", 0, 10) == 7
    with pytest.raises(ValueError, match=r"no grid point.*'y'"):
        trial.suggest_int("y", 0, 1)


def test_parameter_not_in_the_grid_is_an_error() -> None:
    study = hpo.create_study(sampler=GridSampler({"x": [0, 1]}))
    trial = study.ask()
    with pytest.raises(ValueError, match="'z' is not in the grid"):
        trial.suggest_float("z", 0, 1)


def test_grid_value_outside_the_distribution_is_an_error() -> None:
    study = hpo.create_study(sampler=GridSampler({"x": [5]}))
    trial = study.ask()
    with pytest.raises(ValueError, match="5 of parameter 'x' is outside"):
        trial.suggest_int("x", 0, 3)


@pytest.mark.parametrize(
    ("search_space", "error", "match"),
    [
        ([("x", [1])], TypeError, "must be a dict"),
        ({1: [1]}, TypeError, "names"),
        ({"x": []}, ValueError, r"search_space\['x'\] is empty"),
        ({"x": "abc"}, TypeError, r"search_space\['x'\] must be a sequence"),
        ({"x": 3}, TypeError, r"search_space\['x'\] must be a sequence"),
        ({"x": [1, [2]]}, TypeError, r"search_space\['x'\] holds \[2\]"),
        ({"x": [float("nan")]}, ValueError, "non-finite"),
    ],
)
def test_bad_search_space(search_space: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        GridSampler(search_space)


def _worker(url: str, seed: int, barrier: Any) -> None:
    import warnings

    hpo.logging.set_verbosity(hpo.logging.WARNING)
    warnings.simplefilter("ignore")  # duplicates at the very end of "until-done" warn
    budgeted = hpo.load_study(
        study_name="budgeted", storage=url, sampler=GridSampler(GRID, seed=seed)
    )
    barrier.wait(timeout=60)  # start together, so that workers race for the same points
    budgeted.optimize(_objective, n_trials=3)
    until_done = hpo.load_study(
        study_name="until-done", storage=url, sampler=GridSampler(GRID, seed=seed)
    )
    until_done.optimize(_objective, n_trials=1000)


def test_worker_processes_share_the_grid(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grid.db'}"
    hpo.create_study(study_name="budgeted", storage=url)
    hpo.create_study(study_name="until-done", storage=url)
    n_workers = 4
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(n_workers)
    processes = [context.Process(target=_worker, args=(url, 0, barrier)) for _ in range(n_workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * n_workers

    # 4 workers x 3 trials = 12 trials for 12 points, all workers with the same seed (so they
    # prefer the same points): no point may run twice.
    budgeted = hpo.load_study(study_name="budgeted", storage=url).trials
    assert Counter(t.state for t in budgeted) == {TrialState.COMPLETE: N_POINTS}
    assert sorted(Counter(map(_point, budgeted)).values()) == [1] * N_POINTS
    assert set(map(_point, budgeted)) == ALL_POINTS

    # With a large budget every worker stops once the grid is taken; each worker runs at
    # most one trial after every point was taken by someone.
    until_done = hpo.load_study(study_name="until-done", storage=url).trials
    assert set(map(_point, until_done)) == ALL_POINTS
    assert N_POINTS <= len(until_done) <= N_POINTS + n_workers - 1
