"""Tests of MaxTrialsCallback."""

from __future__ import annotations

import pytest

import hpo
from hpo.samplers import RandomSampler
from hpo.study import MaxTrialsCallback, Study
from hpo.trial import Trial, TrialState


def _study() -> Study:
    return hpo.create_study(sampler=RandomSampler(seed=0))


def test_stops_at_n_complete_trials() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=50, callbacks=[MaxTrialsCallback(4)])
    assert len(study.trials) == 4


def test_counts_only_given_states() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number % 2 == 0:
            raise hpo.TrialPruned()
        return 1.0

    study.optimize(objective, n_trials=50, callbacks=[MaxTrialsCallback(3)])
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 3
    assert states.count(TrialState.PRUNED) == 3
    assert len(states) == 6


def test_custom_states() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        if trial.number % 2 == 0:
            raise hpo.TrialPruned()
        return 1.0

    study.optimize(
        objective, n_trials=50, callbacks=[MaxTrialsCallback(2, states=(TrialState.PRUNED,))]
    )
    assert [t.state for t in study.trials] == [
        TrialState.PRUNED,
        TrialState.COMPLETE,
        TrialState.PRUNED,
    ]


def test_states_none_counts_all_trials() -> None:
    study = _study()

    def objective(trial: Trial) -> float:
        raise hpo.TrialPruned()

    study.optimize(objective, n_trials=50, callbacks=[MaxTrialsCallback(5, states=None)])
    assert len(study.trials) == 5


def test_counts_trials_of_earlier_runs_and_other_workers() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=3)
    other = hpo.load_study(study_name=study.study_name, storage=study._storage)
    other.optimize(lambda t: 1.0, n_trials=50, callbacks=[MaxTrialsCallback(5)])
    assert len(study.trials) == 5


def test_with_n_jobs() -> None:
    study = _study()
    study.optimize(lambda t: 1.0, n_trials=50, n_jobs=2, callbacks=[MaxTrialsCallback(6)])
    # The other thread finishes the trial it is running when the limit is reached.
    assert 6 <= len(study.trials) <= 8
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_negative_n_trials() -> None:
    with pytest.raises(ValueError, match="-1"):
        MaxTrialsCallback(-1)
