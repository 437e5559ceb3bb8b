"""JournalStorage: replay, conflicts settled by journal order, encoding, failure modes."""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hpo._study_direction import StudyDirection
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from hpo.storages.journal import BaseJournalBackend, JournalFileBackend, JournalStorage
from hpo.trial import FrozenTrial, TrialState, create_trial

MIN = [StudyDirection.MINIMIZE]
FLOAT = FloatDistribution(0.0, 10.0)
CAT = CategoricalDistribution(["a", "b"])


class RacingBackend(JournalFileBackend):
    """A file backend that lets a rival write just before this one's next append.

    It reproduces the race of two processes that both checked the state before either
    appended: the rival's log comes first in the journal.
    """

    def __init__(self, file_path: str) -> None:
        super().__init__(file_path)
        self.rival: Callable[[], Any] | None = None

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            rival()
        super().append_logs(logs)


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "study.journal")


def _open(path: str) -> JournalStorage:
    return JournalStorage(JournalFileBackend(path))


def _racing(path: str) -> tuple[JournalStorage, RacingBackend]:
    backend = RacingBackend(path)
    return JournalStorage(backend), backend


def _snapshot(storage: JournalStorage) -> list[Any]:
    studies = sorted(storage.get_all_studies(), key=lambda s: s._study_id)
    return [
        (
            s._study_id,
            s.study_name,
            s.directions,
            s.user_attrs,
            s.system_attrs,
            [t._key() for t in storage.get_all_trials(s._study_id)],
        )
        for s in studies
    ]


def _lines(path: str) -> list[dict[str, Any]]:
    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant} in the journal")

    with open(path, encoding="utf-8") as f:
        return [json.loads(line, parse_constant=refuse) for line in f]


# -- replay ---------------------------------------------------------------------------------


def test_replay_gives_the_same_state_in_every_storage_object(path: str) -> None:
    first = _open(path)
    second = _open(path)
    study_a = first.create_new_study(MIN, "a")
    study_b = second.create_new_study([StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE], "b")
    first.set_study_user_attr(study_a, "u", {"k": [1, 2]})
    second.set_study_system_attr(study_b, "s", "x")
    for index in range(6):
        writer = first if index % 2 else second
        trial_id = writer.create_new_trial(study_a)
        writer.set_trial_param(trial_id, "x", float(index), FLOAT)
        writer.set_trial_param(trial_id, "c", float(index % 2), CAT)
        writer.set_trial_intermediate_value(trial_id, 0, index / 3)
        writer.set_trial_user_attr(trial_id, "i", index)
        if index < 4:
            writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(-index)])
    first.create_new_trial(study_b, create_trial(state=TrialState.WAITING))
    second.create_new_trial(
        study_b,
        create_trial(values=[1.0, -math.inf], params={"x": 1.0}, distributions={"x": FLOAT}),
    )
    first.create_new_trial(study_b, create_trial(state=TrialState.FAIL))
    doomed = second.create_new_study(MIN, "doomed")
    second.create_new_trial(doomed)
    first.delete_study(doomed)

    later = _open(path)
    assert _snapshot(first) == _snapshot(second) == _snapshot(later)
    trials = later.get_all_trials(study_a)
    assert [t.number for t in trials] == list(range(6))
    assert [t._trial_id for t in trials] == list(range(6))
    assert trials[3].params == {"x": 3.0, "c": "b"}
    assert later.get_best_trial(study_a).number == 3
    assert later.get_n_trials(study_b, TrialState.WAITING) == 1
    assert [s.study_name for s in later.get_all_studies()] == ["a", "b"]


def test_trial_ids_and_numbers_follow_journal_order(path: str) -> None:
    first, second = _open(path), _open(path)
    study_id = first.create_new_study(MIN, "s")
    ids = [(first if i % 3 else second).create_new_trial(study_id) for i in range(9)]
    assert ids == list(range(9))
    assert [t.number for t in second.get_all_trials(study_id)] == list(range(9))


def test_pickled_storage_replays_the_journal(path: str) -> None:
    storage = _open(path)
    study_id = storage.create_new_study(MIN, "s")
    storage.create_new_trial(study_id)
    copy = pickle.loads(pickle.dumps(storage))
    assert _snapshot(copy) == _snapshot(storage)
    assert copy._worker_id() != storage._worker_id()
    copy.create_new_trial(study_id)
    assert storage.get_n_trials(study_id) == 2


def test_a_forked_child_gets_its_own_worker_id(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = _open(path)
    parent_worker = storage._worker_id()
    monkeypatch.setattr(os, "getpid", lambda: -12345)
    assert storage._worker_id() != parent_worker


# -- conflicts settled by journal order -------------------------------------------------------


def test_duplicate_study_name_raced_is_refused_for_the_later_writer(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    backend.rival = lambda: early.create_new_study(MIN, "same")
    with pytest.raises(DuplicatedStudyError, match="same"):
        late.create_new_study([StudyDirection.MAXIMIZE], "same")
    for storage in (late, early, _open(path)):
        studies = storage.get_all_studies()
        assert [(s.study_name, s.directions) for s in studies] == [("same", MIN)]
    # The refused log is in the journal but changed nothing anywhere.
    assert [log["op"] for log in _lines(path)] == ["create_study", "create_study"]
    assert late.create_new_study(MIN, "other") == 1


def test_waiting_trial_raced_goes_to_the_first_writer_only(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    study_id = early.create_new_study(MIN, "s")
    trial_id = early.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    late.get_trial(trial_id)  # the late writer has seen it WAITING
    backend.rival = lambda: early.set_trial_state_values(trial_id, TrialState.RUNNING)
    assert late.set_trial_state_values(trial_id, TrialState.RUNNING) is False
    ops = [log["op"] for log in _lines(path)]
    assert ops[-2:] == ["set_trial_state_values", "set_trial_state_values"]
    for storage in (late, early, _open(path)):
        assert storage.get_trial(trial_id).state == TrialState.RUNNING
    assert _snapshot(late) == _snapshot(early)


def test_pop_raced_takes_the_next_waiting_trial_or_none(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    study_id = early.create_new_study(MIN, "s")
    waiting = create_trial(state=TrialState.WAITING)
    first = early.create_new_trial(study_id, waiting)
    second = early.create_new_trial(study_id, waiting)
    late.get_all_trials(study_id)

    backend.rival = lambda: early._pop_waiting_trial(study_id)
    popped = late._pop_waiting_trial(study_id)
    assert popped is not None and popped._trial_id == second
    assert popped.state == TrialState.RUNNING
    assert early.get_trial(first).state == TrialState.RUNNING

    third = early.create_new_trial(study_id, waiting)
    late.get_all_trials(study_id)
    backend.rival = lambda: early._pop_waiting_trial(study_id)
    assert late._pop_waiting_trial(study_id) is None
    assert early.get_trial(third).state == TrialState.RUNNING
    assert late.get_n_trials(study_id, TrialState.WAITING) == 0
    assert _snapshot(late) == _snapshot(early) == _snapshot(_open(path))


def test_finishing_a_trial_finished_first_elsewhere_is_refused(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    study_id = early.create_new_study(MIN, "s")
    trial_id = early.create_new_trial(study_id)
    late.get_trial(trial_id)
    backend.rival = lambda: early.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    with pytest.raises(UpdateFinishedTrialError, match="already finished"):
        late.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
    for storage in (late, early, _open(path)):
        trial = storage.get_trial(trial_id)
        assert trial.state == TrialState.COMPLETE and trial.values == [1.0]


def test_incompatible_distribution_raced_is_refused(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    study_id = early.create_new_study(MIN, "s")
    trial_a = early.create_new_trial(study_id)
    trial_b = early.create_new_trial(study_id)
    late.get_trial(trial_b)
    backend.rival = lambda: early.set_trial_param(trial_a, "x", 0.0, CAT)
    with pytest.raises(ValueError, match="FloatDistribution"):
        late.set_trial_param(trial_b, "x", 1.0, FLOAT)
    for storage in (late, early, _open(path)):
        assert storage.get_trial(trial_b).params == {}
        assert storage.get_trial(trial_a).params == {"x": "a"}


def test_study_deleted_elsewhere_gives_key_error(path: str) -> None:
    late, backend = _racing(path)
    early = _open(path)
    study_id = early.create_new_study(MIN, "s")
    late.get_all_studies()
    backend.rival = lambda: early.delete_study(study_id)
    with pytest.raises(KeyError):
        late.create_new_trial(study_id)
    assert late.get_all_studies() == []


# -- encoding ---------------------------------------------------------------------------------


def test_infinities_and_nan_round_trip_exactly(path: str) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN * 3, "s")
    trial_id = writer.create_new_trial(study_id)
    writer.set_trial_intermediate_value(trial_id, 1, math.inf)
    writer.set_trial_intermediate_value(trial_id, 2, -math.inf)
    writer.set_trial_intermediate_value(trial_id, 3, math.nan)
    writer.set_trial_intermediate_value(trial_id, 4, -0.0)
    writer.set_trial_user_attr(trial_id, "limits", [math.inf, -math.inf])
    writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [math.inf, -math.inf, 5e-324])
    template = create_trial(
        state=TrialState.PRUNED, intermediate_values={0: math.nan, 1: math.inf}
    )
    copied = writer.create_new_trial(study_id, template)

    trial = _open(path).get_trial(trial_id)
    assert trial.values == [math.inf, -math.inf, 5e-324]
    values = trial.intermediate_values
    assert values[1] == math.inf and values[2] == -math.inf and math.isnan(values[3])
    assert values[4] == 0.0 and math.copysign(1.0, values[4]) == -1.0
    assert trial.user_attrs == {"limits": [math.inf, -math.inf]}
    copy = _open(path).get_trial(copied)
    assert math.isnan(copy.intermediate_values[0]) and copy.intermediate_values[1] == math.inf
    _lines(path)  # the file is strict JSON: no Infinity or NaN tokens


def test_float_params_round_trip_exactly(path: str) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN, "s")
    trial_id = writer.create_new_trial(study_id)
    value = 0.1 + 0.2
    dist = FloatDistribution(1e-300, 1.0, log=True)
    writer.set_trial_param(trial_id, "lr", 1e-300, dist)
    writer.set_trial_param(trial_id, "x", value, FloatDistribution(0.0, 1.0))
    writer.set_trial_param(trial_id, "n", 3.0, IntDistribution(1, 5))
    trial = _open(path).get_trial(trial_id)
    assert trial.params == {"lr": 1e-300, "x": value, "n": 3}
    assert isinstance(trial.params["n"], int)
    assert trial.distributions["lr"] == dist


def test_datetimes_are_utc_aware(path: str) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN, "s")
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    start = datetime.datetime(2024, 5, 1, 9, 0, tzinfo=tokyo)
    naive = datetime.datetime(2024, 5, 1, 1, 0)
    template = create_trial(value=1.0)
    template.datetime_start = start
    template.datetime_complete = naive
    trial = _open(path).get_trial(writer.create_new_trial(study_id, template))
    assert trial.datetime_start == start
    assert trial.datetime_start.utcoffset() == datetime.timedelta(0)
    assert trial.datetime_complete == naive.replace(tzinfo=datetime.timezone.utc)
    running = _open(path).get_trial(writer.create_new_trial(study_id))
    assert running.datetime_start is not None
    assert running.datetime_start.tzinfo is not None


def test_each_log_names_its_writer(path: str) -> None:
    first, second = _open(path), _open(path)
    study_id = first.create_new_study(MIN, "s")
    second.create_new_trial(study_id)
    logs = _lines(path)
    assert logs[0]["worker"] == first._worker_id()
    assert logs[1]["worker"] == second._worker_id()
    assert first._worker_id() != second._worker_id()


# -- damaged journals -----------------------------------------------------------------------


def test_truncated_last_line_does_not_corrupt_replay(path: str) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN, "s")
    writer.create_new_trial(study_id)
    with open(path, "ab") as f:
        f.write(b'{"op":"create_trial","worker":"dead","seq":0,"stud')
    reader = _open(path)
    assert reader.get_n_trials(study_id) == 1
    # The next append ends the dead writer's line; both objects skip it alike.
    trial_id = reader.create_new_trial(study_id)
    assert writer.get_trial(trial_id).number == 1
    assert _snapshot(writer) == _snapshot(reader) == _snapshot(_open(path))


def test_malformed_and_unknown_logs_are_skipped_with_a_warning(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN, "s")
    writer._backend.append_logs(
        [
            {"op": "create_trial"},
            {"op": "no_such_operation", "study_id": study_id},
            {"op": "set_trial_state_values", "trial_id": "zero", "state": 1},
            {"op": "create_study", "name": "bad", "directions": [7]},
            {"no_op": 1},
        ]
    )
    writer.create_new_trial(study_id)  # the writer replays and warns too
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        reader = _open(path)
    assert caplog.text.count("Skipped the malformed journal log") == 5
    assert [s.study_name for s in reader.get_all_studies()] == ["s"]
    assert [t.number for t in reader.get_all_trials(study_id)] == [0]
    assert _snapshot(writer) == _snapshot(reader)


def test_refused_log_from_another_writer_changes_nothing(path: str) -> None:
    writer = _open(path)
    study_id = writer.create_new_study(MIN, "s")
    trial_id = writer.create_new_trial(study_id)
    writer.set_trial_state_values(trial_id, TrialState.FAIL)
    writer._backend.append_logs(
        [
            {
                "op": "set_trial_user_attr",
                "worker": "someone",
                "seq": 0,
                "trial_id": trial_id,
                "key": "k",
                "value": "1",
            }
        ]
    )
    assert _open(path).get_trial(trial_id).user_attrs == {}
    assert writer.get_trial(trial_id).user_attrs == {}


# -- failure modes of the public methods ------------------------------------------------------


def _unchanged(path: str) -> Callable[[], None]:
    before = Path(path).read_bytes()

    def check() -> None:
        assert Path(path).read_bytes() == before

    return check


def test_constructor_needs_a_backend(path: str) -> None:
    with pytest.raises(TypeError, match="log_storage"):
        JournalStorage(path)  # type: ignore[arg-type]


def test_create_study_argument_errors(path: str) -> None:
    storage = _open(path)
    storage.create_new_study(MIN, "taken")
    unchanged = _unchanged(path)
    with pytest.raises(ValueError, match="at least one direction"):
        storage.create_new_study([], "s")
    with pytest.raises(ValueError, match="directions"):
        storage.create_new_study(["up"], "s")  # type: ignore[list-item]
    with pytest.raises(TypeError, match="study_name"):
        storage.create_new_study(MIN, 42)  # type: ignore[arg-type]
    with pytest.raises(DuplicatedStudyError, match="taken"):
        storage.create_new_study(MIN, "taken")
    unchanged()


def test_unknown_ids_raise_key_error_and_write_nothing(path: str) -> None:
    storage = _open(path)
    study_id = storage.create_new_study(MIN, "s")
    unchanged = _unchanged(path)
    calls: list[Callable[[], Any]] = [
        lambda: storage.delete_study(99),
        lambda: storage.set_study_user_attr(99, "k", 1),
        lambda: storage.set_study_system_attr(99, "k", 1),
        lambda: storage.get_study_name_from_id(99),
        lambda: storage.get_study_directions(99),
        lambda: storage.get_study_user_attrs(99),
        lambda: storage.get_study_system_attrs(99),
        lambda: storage.get_study_id_from_name("missing"),
        lambda: storage.create_new_trial(99),
        lambda: storage._pop_waiting_trial(99),
        lambda: storage.get_all_trials(99),
        lambda: storage.get_n_trials(99),
        lambda: storage.get_best_trial(99),
        lambda: storage.get_trial(99),
        lambda: storage.get_trial_number_from_id(99),
        lambda: storage.get_trial_id_from_study_id_trial_number(study_id, 0),
        lambda: storage.set_trial_param(99, "x", 1.0, FLOAT),
        lambda: storage.set_trial_state_values(99, TrialState.COMPLETE, [1.0]),
        lambda: storage.set_trial_intermediate_value(99, 0, 1.0),
        lambda: storage.set_trial_user_attr(99, "k", 1),
        lambda: storage.set_trial_system_attr(99, "k", 1),
    ]
    for call in calls:
        with pytest.raises(KeyError):
            call()
    unchanged()


def test_trial_argument_errors_write_nothing(path: str) -> None:
    storage = _open(path)
    study_id = storage.create_new_study(MIN, "s")
    trial_id = storage.create_new_trial(study_id)
    unchanged = _unchanged(path)
    with pytest.raises(TypeError, match="JSON-serializable"):
        storage.set_trial_user_attr(trial_id, "obj", object())
    with pytest.raises(TypeError, match="JSON-serializable"):
        storage.set_study_system_attr(study_id, "obj", {1, 2})
    with pytest.raises(TypeError, match="attribute key"):
        storage.set_trial_system_attr(trial_id, 3, "v")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="param_name"):
        storage.set_trial_param(trial_id, 1, 0.0, FLOAT)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="distribution"):
        storage.set_trial_param(trial_id, "x", 0.0, "uniform")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameter 'x'"):
        storage.set_trial_param(trial_id, "x", "big", FLOAT)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="parameter 'c'"):
        storage.set_trial_param(trial_id, "c", 5.0, CAT)
    with pytest.raises(TypeError, match="TrialState"):
        storage.set_trial_state_values(trial_id, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="objective value"):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, ["best"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="step"):
        storage.set_trial_intermediate_value(trial_id, 1.5, 0.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="intermediate_value"):
        storage.set_trial_intermediate_value(trial_id, 1, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="FrozenTrial"):
        storage.create_new_trial(study_id, {"state": 1})  # type: ignore[arg-type]
    bad_template = create_trial(value=1.0)
    bad_template.params = {"x": 1.0}
    with pytest.raises(ValueError, match="same parameters"):
        storage.create_new_trial(study_id, bad_template)
    storage.set_trial_param(trial_id, "c", 0.0, CAT)
    unchanged = _unchanged(path)
    incompatible = create_trial(
        value=1.0, params={"c": 1.0}, distributions={"c": FloatDistribution(0, 2)}
    )
    with pytest.raises(ValueError, match="CategoricalDistribution"):
        storage.create_new_trial(study_id, incompatible)
    assert storage.get_n_trials(study_id) == 1
    unchanged()


def test_finished_trial_changes_are_refused_before_writing(path: str) -> None:
    storage = _open(path)
    study_id = storage.create_new_study(MIN, "s")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_state_values(trial_id, TrialState.PRUNED)
    unchanged = _unchanged(path)
    with pytest.raises(UpdateFinishedTrialError, match="Trial#0"):
        storage.set_trial_param(trial_id, "x", 1.0, FLOAT)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.RUNNING)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_intermediate_value(trial_id, 0, 1.0)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_user_attr(trial_id, "k", 1)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_system_attr(trial_id, "k", 1)
    unchanged()


def test_best_trial_errors(path: str) -> None:
    storage = _open(path)
    single = storage.create_new_study(MIN, "single")
    with pytest.raises(ValueError, match="No feasible trial is completed"):
        storage.get_best_trial(single)
    multi = storage.create_new_study(MIN * 2, "multi")
    with pytest.raises(ValueError, match="multi-objective"):
        storage.get_best_trial(multi)


def test_returned_trials_are_copies(path: str) -> None:
    storage = _open(path)
    study_id = storage.create_new_study(MIN, "s")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_user_attr(trial_id, "nested", {"a": [1]})
    copy: FrozenTrial = storage.get_trial(trial_id)
    copy.user_attrs["nested"]["a"].append(2)
    assert storage.get_trial(trial_id).user_attrs == {"nested": {"a": [1]}}


class ListBackend(BaseJournalBackend):
    """A journal kept in a list, shared by the storage objects given the same list."""

    def __init__(self, logs: list[dict[str, Any]]) -> None:
        self.logs = logs

    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        return self.logs[log_number_from:]

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        self.logs.extend(json.loads(json.dumps(log)) for log in logs)


def test_any_backend_can_hold_the_journal() -> None:
    shared: list[dict[str, Any]] = []
    first, second = JournalStorage(ListBackend(shared)), JournalStorage(ListBackend(shared))
    study_id = first.create_new_study(MIN, "s")
    trial_id = second.create_new_trial(study_id)
    second.set_trial_param(trial_id, "x", 2.0, FLOAT)
    first.set_trial_state_values(trial_id, TrialState.COMPLETE, [-math.inf])
    assert _snapshot(first) == _snapshot(second)
    assert first.get_best_trial(study_id).values == [-math.inf]
    assert [log["op"] for log in shared] == [
        "create_study",
        "create_trial",
        "set_trial_param",
        "set_trial_state_values",
    ]


class LosingBackend(ListBackend):
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        pass


def test_an_append_that_never_shows_up_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from hpo.storages.journal import _storage

    monkeypatch.setattr(_storage, "_READ_BACK_ATTEMPTS", 2)
    storage = JournalStorage(LosingBackend([]))
    with pytest.raises(StorageInternalError, match="never read back"):
        storage.create_new_study(MIN, "lost")
