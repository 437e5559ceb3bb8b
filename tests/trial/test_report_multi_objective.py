"""Trial.report with one value per objective, and should_prune in multi-objective studies."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.pruners import MedianPruner, NopPruner, ParetoMedianPruner
from hpo.storages import BaseStorage
from hpo.trial import FixedTrial, TrialState, create_trial
from tests.storages.conftest import BACKENDS, make_storage_factory


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> BaseStorage:
    return make_storage_factory(request.param, tmp_path, request)()


def _study(storage: BaseStorage | None = None, **kwargs: Any) -> hpo.Study:
    kwargs.setdefault("directions", ["minimize", "maximize"])
    return hpo.create_study(storage=storage, **kwargs)


def test_report_records_one_value_per_objective_on_every_backend(storage: BaseStorage) -> None:
    study = _study(storage, pruner=NopPruner())
    trial = study.ask()
    trial.report([0.5, 10.0], 0)
    trial.report((0.25, math.inf), 1)
    trial.report(np.array([math.nan, 12.0]), 3)
    assert trial.should_prune() is False
    study.tell(trial, [0.2, 13.0])
    record = study.trials[0]
    assert list(record.intermediate_vectors) == [0, 1, 3]
    assert record.intermediate_vectors[0] == (0.5, 10.0)
    assert record.intermediate_vectors[1] == (0.25, math.inf)
    assert math.isnan(record.intermediate_vectors[3][0])
    assert record.intermediate_curve(1) == {0: 10.0, 1: math.inf, 3: 12.0}
    assert record.intermediate_values == {}
    assert record.last_step == 3
    reopened = hpo.load_study(study_name=study.study_name, storage=storage)
    # repr, since NaN != NaN
    assert repr(reopened.trials[0].intermediate_vectors) == repr(record.intermediate_vectors)


@pytest.mark.parametrize(
    ("value", "error", "pattern"),
    [
        ([1.0], ValueError, r"got 1 values .* 2 objectives"),
        ([1.0, 2.0, 3.0], ValueError, r"got 3 values .* 2 objectives"),
        ([], ValueError, "got 0 values"),
        (1.0, ValueError, "needs 2 values, one per objective"),
        ("ab", ValueError, "needs 2 values"),
        ([1.0, "x"], TypeError, "real number"),
        ([1.0, None], TypeError, "real number"),
        ([1.0, 10**400], ValueError, "too large"),
    ],
)
def test_bad_reports_are_refused_and_record_nothing(
    value: Any, error: type[Exception], pattern: str
) -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(error, match=pattern):
        trial.report(value, 0)
    assert study.trials[0].intermediate_vectors == {}
    assert study.trials[0].intermediate_values == {}


@pytest.mark.parametrize("step", [-1, 1.5, "one"])
def test_bad_step_is_refused(step: Any) -> None:
    trial = _study().ask()
    with pytest.raises((TypeError, ValueError), match="step"):
        trial.report([1.0, 2.0], step)


def test_sequence_in_single_objective_study_is_refused() -> None:
    study = hpo.create_study()
    trial = study.ask()
    with pytest.raises(ValueError, match=r"sequence .* single-objective study"):
        trial.report([0.5], 0)
    trial.report(0.5, 0)  # one number stays the way to report
    assert study.trials[0].intermediate_values == {0: 0.5}
    assert study.trials[0].intermediate_vectors == {}


def test_second_report_at_a_step_is_ignored_with_a_warning() -> None:
    study = _study()
    trial = study.ask()
    trial.report([1.0, 2.0], 0)
    with pytest.warns(HpoWarning, match="already reported values at step 0"):
        trial.report([3.0, 4.0], 0)
    assert study.trials[0].intermediate_vectors == {0: (1.0, 2.0)}


def test_single_objective_pruner_points_at_the_multi_objective_ones() -> None:
    trial = _study(pruner=MedianPruner()).ask()
    trial.report([1.0, 2.0], 0)
    with pytest.raises(
        NotImplementedError, match=r"MedianPruner compares .* hpo.pruners.ParetoMedianPruner"
    ):
        trial.should_prune()


def test_multi_objective_pruner_decides_through_should_prune() -> None:
    study = _study(pruner=ParetoMedianPruner(n_startup_trials=1))
    study.add_trial(create_trial(values=[0.1, 9.0], intermediate_vectors={0: [0.1, 9.0]}))
    good, bad = study.ask(), study.ask()
    good.report([0.05, 9.5], 0)
    bad.report([0.5, 1.0], 0)
    assert good.should_prune() is False
    assert bad.should_prune() is True


def test_fixed_and_frozen_trials_accept_vectors() -> None:
    for trial in (FixedTrial({}), create_trial(state=TrialState.RUNNING)):
        trial.report([1.0, 2.0], 0)
        with pytest.raises(TypeError):
            trial.report([1.0, "x"], 1)  # type: ignore[list-item]


def test_create_trial_checks_intermediate_vectors() -> None:
    with pytest.raises(ValueError, match="same number of values"):
        create_trial(values=[1.0, 2.0], intermediate_vectors={0: [1.0, 2.0], 1: [1.0]})
    with pytest.raises(ValueError, match="not both"):
        create_trial(
            values=[1.0, 2.0], intermediate_values={0: 1.0}, intermediate_vectors={0: [1.0, 2.0]}
        )
    with pytest.raises(TypeError, match="steps must be integers"):
        create_trial(values=[1.0, 2.0], intermediate_vectors={"0": [1.0, 2.0]})  # type: ignore[dict-item]
    with pytest.raises(IndexError, match="objective=2"):
        create_trial(values=[1.0, 2.0], intermediate_vectors={0: [1.0, 2.0]}).intermediate_curve(2)


def test_pruned_trial_keeps_its_last_values() -> None:
    study = _study(pruner=NopPruner())
    for last in ([0.5, 3.0], [math.nan, 3.0]):
        trial = study.ask()
        trial.report([1.0, 2.0], 0)
        trial.report(last, 1)
        study.tell(trial, state=TrialState.PRUNED)
    assert [t.values for t in study.trials] == [[0.5, 3.0], None]


def test_a_record_without_vectors_reads_as_empty() -> None:
    # Records pickled by an older hpo have no slot for them.
    trial = create_trial(value=1.0, intermediate_values={2: 0.5})
    object.__delattr__(trial, "_intermediate_vectors")
    copied = pickle.loads(pickle.dumps(trial))
    assert copied.intermediate_vectors == {}
    assert copied.last_step == 2
    assert copied._copy(deep=True) == trial
