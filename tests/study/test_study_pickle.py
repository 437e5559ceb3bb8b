"""A Study pickles: for worker processes (multiprocessing, joblib, Dask) on every backend."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest

import hpo
from hpo.pruners import HyperbandPruner, MedianPruner, SuccessiveHalvingPruner
from hpo.samplers import RandomSampler, TPESampler
from hpo.study import Study
from hpo.trial import TrialState
from tests.storages.conftest import BACKENDS, make_storage_factory


def _objective(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    for step in range(3):
        trial.report(x * x + 1.0 / (step + 1), step)
        if trial.should_prune():
            raise hpo.TrialPruned()
    return x * x


@pytest.mark.parametrize("backend", BACKENDS)
def test_unpickled_study_works_on_the_same_storage(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage = make_storage_factory(backend, tmp_path, request)()
    study = hpo.create_study(
        storage=storage,
        study_name="pickled",
        sampler=TPESampler(seed=1, n_startup_trials=2),
        pruner=SuccessiveHalvingPruner(min_resource=1),
    )
    study.optimize(_objective, n_trials=3)
    copy = pickle.loads(pickle.dumps(study))
    assert copy.study_name == "pickled"
    assert copy.directions == study.directions
    assert [t.number for t in copy.trials] == [0, 1, 2]
    assert copy.best_trial.number == study.best_trial.number

    copy.optimize(_objective, n_trials=2)  # the copy's lock, sampler and pruner work
    assert len(copy.trials) == 5
    if backend == "inmemory":
        # The copy holds its own trials, as in Optuna: the original does not see the new ones.
        assert len(study.trials) == 3
    else:
        assert len(study.trials) == 5
        study.optimize(_objective, n_trials=1)
        assert len(copy.trials) == 6


def test_a_study_pickled_during_optimize_is_not_running() -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=0))
    copies: list[Study] = []
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1),
        n_trials=1,
        callbacks=[lambda s, t: copies.append(pickle.loads(pickle.dumps(s)))],
    )
    copy = copies[0]
    with pytest.raises(RuntimeError, match="optimize"):
        copy.stop()
    copy.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert [t.state for t in copy.trials] == [TrialState.COMPLETE] * 2


def test_tpe_sampler_pickles_with_its_random_state() -> None:
    sampler = TPESampler(seed=3)
    sampler._rng.random()  # move the generator away from its seed
    copy = pickle.loads(pickle.dumps(sampler))
    assert [copy._rng.random() for _ in range(3)] == [sampler._rng.random() for _ in range(3)]

    # Two studies proposing from pickled copies of one seeded sampler propose alike.
    studies = [hpo.create_study(sampler=pickle.loads(pickle.dumps(sampler))) for _ in range(2)]
    for study in studies:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12)
    assert [t.params for t in studies[0].trials] == [t.params for t in studies[1].trials]


@pytest.mark.parametrize(
    "pruner",
    [MedianPruner(n_startup_trials=1), SuccessiveHalvingPruner(), HyperbandPruner(max_resource=9)],
)
def test_pruners_pickle(pruner: hpo.pruners.BasePruner) -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=0), pruner=pruner)
    study.optimize(_objective, n_trials=4)
    copy = pickle.loads(pickle.dumps(study))
    assert repr(copy.pruner) == repr(pruner)
    copy.optimize(_objective, n_trials=2)
    assert len(copy.trials) == 6


def _run_in_worker(study: Study) -> list[int]:
    # Runs in a spawned process: ``study`` arrived pickled. Returns the numbers it ran.
    ran: list[int] = []
    study.sampler.reseed_rng()
    study.optimize(_objective, n_trials=4, callbacks=[lambda s, t: ran.append(t.number)])
    return ran


def test_spawned_workers_run_an_unpickled_study_on_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    study = hpo.create_study(
        storage=url, study_name="spawned", sampler=TPESampler(seed=0, n_startup_trials=3)
    )
    study.enqueue_trial({"x": 0.5})
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        seen = pool.map(_run_in_worker, [study, study])
    trials = study.trials
    assert [t.number for t in trials] == list(range(8))
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    assert trials[0].params == {"x": 0.5}  # the enqueued trial was taken by a worker
    assert [len(numbers) for numbers in seen] == [4, 4]
    assert sorted(seen[0] + seen[1]) == list(range(8))
