"""Pruners shared by worker processes on one database.

Runs on SQLite through ``RDBStorage`` and on the journal file storage (the journal alone when
``RDBStorage`` is not available); the test id names the backend.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import hpo
from hpo.pruners import HyperbandPruner
from hpo.storages import BaseStorage
from hpo.trial import TrialState

ROOT = Path(__file__).resolve().parents[2]
STUDY = "shared-pruning"

WORKER = """
import sys
import hpo

kind, location, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "rdb":
    storage = location
else:
    from hpo.storages.journal import JournalFileBackend, JournalStorage
    storage = JournalStorage(JournalFileBackend(location))
hpo.logging.set_verbosity(hpo.logging.WARNING)
pruner = hpo.pruners.HyperbandPruner(min_resource=1, reduction_factor=3)
study = hpo.load_study(
    study_name="shared-pruning",
    storage=storage,
    pruner=pruner,
    sampler=hpo.samplers.RandomSampler(seed=seed),
)


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    n_steps = trial.suggest_int("n_steps", 10, 60)
    try:
        for step in range(n_steps):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise hpo.TrialPruned()
    finally:
        frozen = trial._cached_frozen_trial
        trial.set_user_attr("bracket", pruner.bracket_id(study, frozen))
        trial.set_user_attr("n_brackets", pruner.n_brackets(study))
    return x


study.optimize(objective, n_trials=int(sys.argv[4]))
"""


def backends() -> list[str]:
    try:
        rdb = importlib.import_module("hpo.storages._rdb")
        has_rdb = hasattr(rdb, "RDBStorage")
    except ImportError:
        has_rdb = False
    return ["rdb", "journal"] if has_rdb else ["journal"]


def open_storage(kind: str, location: str) -> str | BaseStorage:
    if kind == "rdb":
        return location
    from hpo.storages.journal import JournalFileBackend, JournalStorage

    return JournalStorage(JournalFileBackend(location))


@pytest.mark.slow
@pytest.mark.parametrize("kind", backends())
def test_hyperband_workers_agree_on_brackets_and_rungs(kind: str, tmp_path: Path) -> None:
    location = f"sqlite:///{tmp_path / 'study.db'}" if kind == "rdb" else str(tmp_path / "j.log")
    pruner = HyperbandPruner(min_resource=1, reduction_factor=3)
    study = hpo.create_study(study_name=STUDY, storage=open_storage(kind, location), pruner=pruner)
    # A first trial of 30 steps fixes max_resource = 29 (4 brackets) for everybody, although
    # the workers' own trials run up to 60 steps.
    study.add_trial(hpo.create_trial(value=1.0, intermediate_values={s: 1.0 for s in range(30)}))
    assert pruner.n_brackets(study) == 4

    n_trials = 12
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, kind, location, str(seed), str(n_trials)],
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (1, 2)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=240)
        assert worker.returncode == 0, stderr

    trials = hpo.load_study(study_name=STUDY, storage=open_storage(kind, location)).trials
    assert len(trials) == 1 + 2 * n_trials
    assert {t.state for t in trials[1:]} <= {TrialState.COMPLETE, TrialState.PRUNED}
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert pruned
    for t in trials[1:]:
        bracket = pruner.bracket_id(study, t)
        # Every worker computed the same brackets as this process.
        assert t.user_attrs == {"bracket": bracket, "n_brackets": 4}
        rungs = {k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung_")}
        for key, value in rungs.items():
            step = 3 ** (bracket + int(key.removeprefix("completed_rung_")))
            # The recorded value is the one reported at the rung's step.
            assert value == t.intermediate_values[step]
        if t.state == TrialState.PRUNED:
            # A trial stops only at the rung of its own bracket that it failed.
            assert t.last_step == 3 ** (bracket + len(rungs) - 1)
