"""A trial's own record: cached at finish without a read, and exactly what the database holds.

A storage object keeps the record of each trial it creates or pops and caches it when its own
finish succeeds. These tests compare that record with a fresh read of the database, field by
field, and check that writes made by anyone else are never hidden by it.
"""

from __future__ import annotations

import math
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from hpo._study_direction import StudyDirection
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import UpdateFinishedTrialError
from hpo.storages import RDBStorage
from hpo.storages._rdb._cache import DatabaseCache
from hpo.trial import FrozenTrial, TrialState, create_trial

MIN = [StudyDirection.MINIMIZE]
X = FloatDistribution(1e-5, 1.0, log=True)
N = IntDistribution(0, 100, step=5)
C = CategoricalDistribution([None, "a", 2.5, True])


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'owned.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def _fresh_read(url: str, trial_id: int) -> FrozenTrial:
    """Read a trial as a new process would: a storage object with an empty cache."""
    storage = RDBStorage(url)
    storage._cache = DatabaseCache()
    return storage.get_trial(trial_id)


def _comparable(value: Any) -> Any:
    # NaN never equals itself; compare it by name.
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def assert_same_trial(cached: FrozenTrial, fresh: FrozenTrial) -> None:
    """Assert that two records of a trial agree on every field."""
    assert cached._trial_id == fresh._trial_id
    assert cached.number == fresh.number
    assert cached.state == fresh.state
    assert _comparable(cached.values) == _comparable(fresh.values)
    assert cached.datetime_start == fresh.datetime_start
    assert cached.datetime_complete == fresh.datetime_complete
    assert cached.params == fresh.params
    assert {k: type(v) for k, v in cached.params.items()} == {
        k: type(v) for k, v in fresh.params.items()
    }
    assert cached.distributions == fresh.distributions
    assert cached.user_attrs == fresh.user_attrs
    assert cached.system_attrs == fresh.system_attrs
    assert _comparable(cached.intermediate_values) == _comparable(fresh.intermediate_values)
    assert list(cached.intermediate_values) == list(fresh.intermediate_values)


def _served_from_cache(storage: RDBStorage, trial_id: int) -> FrozenTrial:
    """``get_trial`` with the database out of reach: it must come from the cache."""

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("get_trial went to the database")

    db = storage._db
    saved = db.fast, db.read, db.write, db.snapshot
    db.fast = db.read = db.write = db.snapshot = unreachable  # type: ignore[method-assign]
    try:
        return storage.get_trial(trial_id)
    finally:
        db.fast, db.read, db.write, db.snapshot = saved  # type: ignore[method-assign]


def _run_a_trial(storage: RDBStorage, trial_id: int) -> None:
    storage.set_trial_param(trial_id, "x", X.to_internal_repr(0.01), X)
    storage.set_trial_param(trial_id, "n", N.to_internal_repr(35), N)
    storage.set_trial_param(trial_id, "c", C.to_internal_repr(None), C)
    storage.set_trial_param(trial_id, "c", C.to_internal_repr(True), C)  # overwritten
    for step, value in [(3, 0.5), (1, math.nan), (2, -math.inf), (1, 0.25)]:
        storage.set_trial_intermediate_value(trial_id, step, value)
    storage.set_trial_user_attr(trial_id, "pair", (1, 2))  # stored as JSON: read as a list
    storage.set_trial_user_attr(trial_id, "nested", {1: {"ü": [None, 1.5]}})
    storage.set_trial_user_attr(trial_id, "nested", {2: "replaced"})
    storage.set_trial_system_attr(trial_id, "note", "own")


@pytest.mark.parametrize(
    ("directions", "state", "values"),
    [
        (MIN, TrialState.COMPLETE, [0.125]),
        (MIN * 2, TrialState.COMPLETE, [-math.inf, 2.0]),
        (MIN, TrialState.PRUNED, [0.5]),
        (MIN, TrialState.FAIL, None),
    ],
)
def test_own_finished_trial_is_cached_as_the_database_holds_it(
    url: str, directions: list[StudyDirection], state: TrialState, values: list[float] | None
) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(directions, "own")
    trial_id = storage._create_new_trial(study_id)._trial_id
    _run_a_trial(storage, trial_id)
    assert storage.set_trial_state_values(trial_id, state, values)

    cached = _served_from_cache(storage, trial_id)
    fresh = _fresh_read(url, trial_id)
    assert_same_trial(cached, fresh)
    assert fresh.state == state and fresh.params == {"x": 0.01, "n": 35, "c": True}
    assert fresh.user_attrs == {"pair": [1, 2], "nested": {"2": "replaced"}}
    # Whole-study reads agree too, and the cached record is a copy the caller may change.
    cached.user_attrs["pair"].append(3)
    assert_same_trial(storage.get_all_trials(study_id)[0], fresh)


@pytest.mark.parametrize(
    "foreign_write",
    [
        pytest.param(lambda s, t: s.set_trial_system_attr(t, "fail_reason", "stale"), id="attr"),
        pytest.param(lambda s, t: s.set_trial_system_attr(t, "note", "other"), id="same-key"),
        pytest.param(lambda s, t: s.set_trial_intermediate_value(t, 9, 9.0), id="report"),
        pytest.param(lambda s, t: s.set_trial_param(t, "x", 0.5, X), id="param"),
        pytest.param(lambda s, t: s.set_trial_param(t, "new", 1.0, N), id="new-param"),
    ],
)
def test_writes_by_another_storage_object_are_not_hidden(url: str, foreign_write: Any) -> None:
    owner = RDBStorage(url)
    study_id = owner.create_new_study(MIN, "shared")
    trial_id = owner._create_new_trial(study_id)._trial_id
    _run_a_trial(owner, trial_id)
    foreign_write(RDBStorage(url), trial_id)  # e.g. another worker about to fail it

    assert owner.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    fresh = _fresh_read(url, trial_id)
    assert_same_trial(owner.get_trial(trial_id), fresh)
    assert_same_trial(owner.get_all_trials(study_id)[0], fresh)


def test_trial_failed_by_another_worker_is_read_back(url: str) -> None:
    owner = RDBStorage(url)
    study_id = owner.create_new_study(MIN, "stale")
    trial_id = owner._create_new_trial(study_id)._trial_id
    owner.set_trial_param(trial_id, "x", 0.5, X)
    other = RDBStorage(url)
    other.set_trial_system_attr(trial_id, "fail_reason", "stale heartbeat")
    assert other.set_trial_state_values(trial_id, TrialState.FAIL)

    with pytest.raises(UpdateFinishedTrialError):
        owner.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    trial = owner.get_trial(trial_id)
    assert trial.state == TrialState.FAIL and trial.values is None
    assert trial.system_attrs == {"fail_reason": "stale heartbeat"}
    assert_same_trial(trial, _fresh_read(url, trial_id))


def test_popped_trial_is_cached_as_the_database_holds_it(url: str) -> None:
    queue = RDBStorage(url)
    study_id = queue.create_new_study(MIN, "queue")
    template = create_trial(
        state=TrialState.WAITING,
        params={"x": 0.01},
        distributions={"x": X},
        system_attrs={"fixed_params": {"x": 0.01}},
    )
    waiting_id = queue.create_new_trial(study_id, template)
    queue.set_trial_user_attr(waiting_id, "queued_by", "queue")

    worker = RDBStorage(url)
    popped = worker._pop_waiting_trial(study_id)
    assert popped is not None and popped._trial_id == waiting_id
    assert popped.state == TrialState.RUNNING and popped.user_attrs == {"queued_by": "queue"}
    assert worker._pop_waiting_trial(study_id) is None
    _run_a_trial(worker, waiting_id)
    assert worker.set_trial_state_values(waiting_id, TrialState.COMPLETE, [2.0])

    cached = _served_from_cache(worker, waiting_id)
    fresh = _fresh_read(url, waiting_id)
    assert_same_trial(cached, fresh)
    assert fresh.system_attrs == {"fixed_params": {"x": 0.01}, "note": "own"}


def test_trial_enqueued_by_another_storage_is_taken_by_the_next_ask(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "next-ask")
    first = storage._pop_waiting_or_create_trial(study_id)._trial_id
    storage.set_trial_state_values(first, TrialState.COMPLETE, [1.0])
    other_process = RDBStorage(url)
    other_process._cache = DatabaseCache()
    enqueued = other_process.create_new_trial(study_id, create_trial(state=TrialState.WAITING))

    asked = storage._pop_waiting_or_create_trial(study_id)
    assert asked._trial_id == enqueued and asked.state == TrialState.RUNNING
    storage.set_trial_state_values(asked._trial_id, TrialState.COMPLETE, [1.0])
    assert RDBStorage(url).get_trial(enqueued).state == TrialState.COMPLETE
    created = storage._pop_waiting_or_create_trial(study_id)
    assert (created.number, created.state) == (2, TrialState.RUNNING)


def test_unknown_study_is_a_key_error_when_asking(url: str) -> None:
    with pytest.raises(KeyError):
        RDBStorage(url)._pop_waiting_or_create_trial(999)


def test_trial_enqueued_here_is_taken_by_the_next_ask(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "local")
    first = storage._create_new_trial(study_id)._trial_id
    storage.set_trial_state_values(first, TrialState.COMPLETE, [1.0])
    enqueued = RDBStorage(url).create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    popped = storage._pop_waiting_trial(study_id)
    assert popped is not None and popped._trial_id == enqueued


def test_requeued_trial_is_read_back_after_the_next_worker_finishes_it(url: str) -> None:
    first = RDBStorage(url)
    study_id = first.create_new_study(MIN, "requeue")
    trial_id = first._create_new_trial(study_id)._trial_id
    first.set_trial_user_attr(trial_id, "by", "first")
    assert first.set_trial_state_values(trial_id, TrialState.WAITING)
    second = RDBStorage(url)
    popped = second._pop_waiting_trial(study_id)
    assert popped is not None and popped.user_attrs == {"by": "first"}
    second.set_trial_user_attr(trial_id, "by", "second")
    assert second.set_trial_state_values(trial_id, TrialState.COMPLETE, [3.0])
    fresh = _fresh_read(url, trial_id)
    assert fresh.user_attrs == {"by": "second"}
    for storage in (first, second):
        assert_same_trial(storage.get_trial(trial_id), fresh)


def _run_in_forked_child(storage: RDBStorage, study_id: int) -> None:
    trial_id = storage._create_new_trial(study_id)._trial_id
    storage.set_trial_param(trial_id, "x", 0.5, X)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])


def test_forked_child_can_use_the_parents_storage(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "fork")
    before = storage._create_new_trial(study_id)._trial_id  # connections now open and kept
    storage.set_trial_state_values(before, TrialState.COMPLETE, [1.0])

    context = multiprocessing.get_context("fork")
    for _ in range(3):
        process = context.Process(target=_run_in_forked_child, args=(storage, study_id))
        process.start()
        # The kept connections went back to the pool before the fork: the child holds none.
        assert storage._db._idle == []
        process.join(timeout=120)
        assert process.exitcode == 0

    # The parent's own connections were neither used nor closed by the child.
    after = storage._create_new_trial(study_id)._trial_id
    storage.set_trial_state_values(after, TrialState.COMPLETE, [3.0])
    trials = RDBStorage(url).get_all_trials(study_id)
    assert [(t.number, t.values) for t in trials] == [
        (0, [1.0]),
        (1, [2.0]),
        (2, [2.0]),
        (3, [2.0]),
        (4, [3.0]),
    ]
