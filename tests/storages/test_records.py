"""StudyRecords (hpo/storages/_records.py): the state machine of the in-memory and journal
storages, tested directly and by running one random history through both storages."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpo._study_direction import StudyDirection
from hpo.distributions import (
    FloatDistribution,
    IntDistribution,
    cached_json_to_distribution,
)
from hpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpo.storages import BaseStorage, InMemoryStorage
from hpo.storages._records import StudyRecords, new_trial_record
from hpo.storages.journal import JournalFileBackend, JournalStorage
from hpo.trial import FrozenTrial, TrialState

MIN = [StudyDirection.MINIMIZE]
MOMENT = datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
LATER = datetime.datetime(2024, 1, 3, tzinfo=datetime.timezone.utc)


def _running(records: StudyRecords, study_id: int) -> FrozenTrial:
    return records.create_trial(study_id, new_trial_record(TrialState.RUNNING, None, MOMENT))


def test_trials_are_numbered_per_study_and_ids_are_global() -> None:
    records = StudyRecords()
    a, b = records.create_study("a", MIN), records.create_study("b", MIN)
    trials = [_running(records, a), _running(records, b), _running(records, a)]
    assert [(t.number, t._trial_id) for t in trials] == [(0, 0), (0, 1), (1, 2)]
    assert records.trial_id(a, 1) == 2
    assert records.location(1) == (b, 0)
    with pytest.raises(DuplicatedStudyError):
        records.create_study("a", MIN)
    with pytest.raises(KeyError):
        records.trial_id(a, 2)
    with pytest.raises(KeyError):
        records.study_id("missing")


def test_waiting_trials_are_taken_once_in_number_order() -> None:
    records = StudyRecords()
    study_id = records.create_study("s", MIN)
    for _ in range(2):
        records.create_trial(study_id, new_trial_record(TrialState.WAITING, None, None))
    first = records.pop_waiting_trial(study_id, MOMENT)
    assert first is not None and first.number == 0 and first.state == TrialState.RUNNING
    assert first.datetime_start == MOMENT
    # RUNNING -> RUNNING is refused without change; a requeued trial is taken before later ones
    assert (
        records.set_trial_state_values(first._trial_id, TrialState.RUNNING, None, LATER) is False
    )
    assert records.set_trial_state_values(first._trial_id, TrialState.WAITING, None, LATER)
    assert [t.number for t in map(lambda _: records.pop_waiting_trial(study_id, LATER), "ab")] == [
        0,
        1,
    ]
    assert records.pop_waiting_trial(study_id, LATER) is None


def test_a_finished_trial_never_changes() -> None:
    records = StudyRecords()
    study_id = records.create_study("s", MIN)
    trial = _running(records, study_id)
    assert records.set_trial_state_values(trial._trial_id, TrialState.COMPLETE, [1.0], LATER)
    assert trial.datetime_complete == LATER
    assert records.study(study_id).best_trial().number == 0
    before = trial._copy(deep=True)
    for change in (
        lambda: records.set_trial_state_values(trial._trial_id, TrialState.FAIL, None, MOMENT),
        lambda: records.set_trial_param(trial._trial_id, "x", 0.5, FloatDistribution(0, 1)),
        lambda: records.set_trial_intermediate_value(trial._trial_id, 0, 1.0),
        lambda: records.set_trial_attr(trial._trial_id, "user_attrs", "k", 1),
        lambda: records.set_trial_attr(trial._trial_id, "system_attrs", "k", 1),
    ):
        with pytest.raises(UpdateFinishedTrialError, match="Trial#0"):
            change()
    assert trial == before and trial.datetime_complete == before.datetime_complete


def test_a_refused_template_leaves_nothing_behind() -> None:
    records = StudyRecords()
    study_id = records.create_study("s", MIN)
    records.set_trial_param(
        _running(records, study_id)._trial_id, "x", 0.5, FloatDistribution(0, 1)
    )
    template = new_trial_record(TrialState.WAITING, None, None)
    template._params = {"x": 1}
    template._distributions = {"x": IntDistribution(0, 3)}
    with pytest.raises(ValueError):
        records.create_trial(study_id, template)
    assert len(records.study(study_id).trials) == 1
    assert records.study(study_id).waiting_numbers == []
    assert records.next_trial_id == 1


# -- the same history through both storages ----------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("ask")),
        st.tuples(st.just("enqueue")),
        st.tuples(st.just("pop")),
        st.tuples(st.just("param"), st.integers(0, 5), st.sampled_from(["x", "y"]), st.booleans()),
        st.tuples(
            st.just("report"), st.integers(0, 5), st.integers(0, 3), st.floats(allow_nan=False)
        ),
        st.tuples(st.just("attr"), st.integers(0, 5), st.sampled_from(["k", "fail_reason"])),
        st.tuples(
            st.just("finish"),
            st.integers(0, 5),
            st.sampled_from(list(TrialState)),
            st.sampled_from([None, [1.0], [-math.inf], [2.0]]),
        ),
    ),
    max_size=25,
)


def _run(storage: BaseStorage, history: list[tuple[Any, ...]]) -> list[Any]:
    """Apply ``history`` to a storage; return each outcome (a result or an error type)."""
    study_id = storage.create_new_study(MIN, "same")
    outcomes: list[Any] = []
    for op, *args in history:
        try:
            if op == "ask":
                result: Any = storage.create_new_trial(study_id)
            elif op == "enqueue":
                template = new_trial_record(TrialState.WAITING, None, None)
                result = storage.create_new_trial(study_id, template)
            elif op == "pop":
                popped = storage._pop_waiting_trial(study_id)
                result = None if popped is None else popped.number
            else:
                trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, args[0])
                if op == "param":
                    # The same name as a float and as a categorical: the second kind is refused.
                    if args[2]:
                        dist: Any = FloatDistribution(0.0, 1.0)
                        storage.set_trial_param(trial_id, args[1], 0.25, dist)
                    else:
                        dist = cached_json_to_distribution(
                            '{"name": "CategoricalDistribution", "attributes": '
                            '{"choices": ["a", "b"]}}'
                        )
                        storage.set_trial_param(trial_id, args[1], 1.0, dist)
                    result = None
                elif op == "report":
                    storage.set_trial_intermediate_value(trial_id, args[1], args[2])
                    result = None
                elif op == "attr":
                    storage.set_trial_system_attr(trial_id, args[1], [args[0]])
                    result = None
                else:
                    result = storage.set_trial_state_values(trial_id, args[1], args[2])
        except (KeyError, ValueError, UpdateFinishedTrialError) as e:
            result = type(e)
        outcomes.append(result)
    trials = storage.get_all_trials(study_id)
    outcomes.append(
        [
            (
                t.number,
                t.state,
                t.values,
                t.params,
                t.intermediate_values,
                t.system_attrs,
                t.datetime_start is None,
                t.datetime_complete is None,
            )
            for t in trials
        ]
    )
    try:
        outcomes.append(storage.get_best_trial(study_id).number)
    except ValueError:
        outcomes.append(None)
    return outcomes


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=operations)
def test_in_memory_and_journal_storages_follow_one_state_machine(
    tmp_path: Path, history: list[tuple[Any, ...]]
) -> None:
    path = tmp_path / f"{abs(hash(str(history)))}.journal"
    path.unlink(missing_ok=True)
    journal = JournalStorage(JournalFileBackend(str(path)))
    assert _run(InMemoryStorage(), history) == _run(journal, history)
