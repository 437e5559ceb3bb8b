"""RDBStorage on a PostgreSQL server that restarts: workers keep going and lose nothing.

A lost connection is retried for ``connection_retry_timeout`` seconds, and every write is safe
to repeat when the connection was lost while it committed. The slow tests restart a real
server under three worker processes; the others lose one connection right after a chosen
statement committed (the server ends that session, as a restart does).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

import hpo
from hpo._study_direction import StudyDirection
from hpo.exceptions import StorageInternalError
from hpo.storages import RDBStorage, RetryFailedTrialCallback
from hpo.trial import TrialState, create_trial
from tests.postgres_server import (
    PostgresServer,
    PostgresUnavailable,
    _free_port,
    _unavailable,
    start_postgres_server,
)

MIN = [StudyDirection.MINIMIZE]
N_WORKERS = 3


@pytest.fixture(scope="module")
def restart_server() -> Iterator[PostgresServer]:
    """A server of its own, restarted by the tests; commits wait for the log (not fsync)."""
    try:
        server = start_postgres_server(synchronous_commit=True)
    except PostgresUnavailable as e:
        _unavailable(str(e))
        raise
    try:
        yield server
    finally:
        server.stop()


# -- workers across a restart ------------------------------------------------------------------


def _worker(url: str, results: str, stop: str, log: str, seed: int) -> None:
    handler = logging.FileHandler(log)
    logging.getLogger("hpo").addHandler(handler)
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    storage = RDBStorage(
        url,
        heartbeat_interval=1,
        grace_period=30,
        failed_trial_callback=RetryFailedTrialCallback(),
    )
    study = hpo.load_study(
        study_name="restart", storage=storage, sampler=hpo.samplers.RandomSampler(seed=seed)
    )

    def objective(trial: hpo.Trial) -> float:
        x = trial.suggest_float("x", -10, 10)
        trial.report(x, 0)
        trial.set_user_attr("seed", seed)
        time.sleep(0.02)
        value = x * x + seed
        with open(results, "a") as out:
            out.write(f"{trial.number},{value!r}\n")
        return value

    def stop_when_told(study: hpo.Study, trial: Any) -> None:
        if os.path.exists(stop):
            study.stop()

    study.optimize(objective, callbacks=[stop_when_told])


def _returned(path: Path) -> list[tuple[int, float]]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [(int(n), float(v)) for n, v in (line.split(",") for line in lines if line)]


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_workers_survive_a_server_restart(
    restart_server: PostgresServer, tmp_path: Path, mode: str
) -> None:
    url = restart_server.create_database()
    hpo.create_study(study_name="restart", storage=url)
    results = [tmp_path / f"returned-{i}.csv" for i in range(N_WORKERS)]
    logs = [tmp_path / f"worker-{i}.log" for i in range(N_WORKERS)]
    stop = tmp_path / "stop"
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(url, str(results[i]), str(stop), str(logs[i]), i))
        for i in range(N_WORKERS)
    ]
    for process in processes:
        process.start()
    try:
        _wait_until(
            lambda: all(len(_returned(r)) >= 5 for r in results), "every worker ran 5 trials"
        )
        restart_server.restart(mode)
        before = [len(_returned(r)) for r in results]
        _wait_until(
            lambda: all(len(_returned(r)) >= b + 5 for r, b in zip(results, before)),
            "every worker ran 5 more trials after the restart",
        )
    finally:
        stop.touch()
        for process in processes:
            process.join(timeout=60)
            if process.exitcode is None:
                process.kill()
    assert [p.exitcode for p in processes] == [0] * N_WORKERS
    # Each worker noticed the restart, and its log names the server but no password.
    for log in logs:
        assert "Lost the connection to the database postgresql+psycopg://" in log.read_text()

    trials = hpo.load_study(study_name="restart", storage=url).trials
    assert [t.number for t in trials] == list(range(len(trials)))
    assert not [t.number for t in trials if t.state == TrialState.RUNNING]
    by_number = {t.number: t for t in trials}
    returned = [row for path in results for row in _returned(path)]
    assert len({number for number, _ in returned}) == len(returned)
    for number, value in returned:
        assert by_number[number].state == TrialState.COMPLETE, number
        assert by_number[number].value == value
    # Every trial is accounted for: none was created without being run.
    assert len(returned) == len(trials)


# -- a connection lost right after a commit ---------------------------------------------------


class _LoseConnection:
    """Ends the session of the connection that just ran a matching statement or COMMIT.

    The statement (or commit) has taken effect on the server; the client then sees the
    connection fail, as when a server restarts before its answer arrives.
    """

    def __init__(self, url: str) -> None:
        parsed = sa.make_url(url)
        self._admin = (
            f"host={parsed.host} port={parsed.port} user={parsed.username} "
            f"dbname={parsed.database}"
        )
        self.armed: Callable[[str], bool] | None = None
        self.on_commit = False
        self.fired = 0

    def _end_session(self, connection: psycopg.Connection[Any]) -> None:
        self.armed = None
        self.on_commit = False
        self.fired += 1
        with psycopg.connect(self._admin, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 10000)", [connection.info.backend_pid])
        connection.execute("SELECT 1")  # raises: the server ended the session

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        execute = psycopg.Cursor.execute
        commit = psycopg.Connection.commit

        def faulty_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            result = execute(cursor, query, *args, **kwargs)
            if self.armed is not None and isinstance(query, str) and self.armed(query):
                self._end_session(cursor.connection)
            return result

        def faulty_commit(connection: Any) -> None:
            commit(connection)
            if self.on_commit:
                self._end_session(connection)

        monkeypatch.setattr(psycopg.Cursor, "execute", faulty_execute)
        monkeypatch.setattr(psycopg.Connection, "commit", faulty_commit)


@pytest.fixture
def lose(postgres_database_url: str, monkeypatch: pytest.MonkeyPatch) -> _LoseConnection:
    fault = _LoseConnection(postgres_database_url)
    fault.install(monkeypatch)
    return fault


def test_finish_whose_commit_was_lost_succeeds_once(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "finish")
    trial_id = storage.create_new_trial(study_id)
    lose.armed = lambda sql: "UPDATE trials SET state" in sql
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5])
    assert lose.fired == 1
    trial = RDBStorage(postgres_database_url).get_trial(trial_id)
    assert (trial.state, trial.values) == (TrialState.COMPLETE, [1.5])
    assert storage.get_trial(trial_id).values == [1.5]


def test_finish_by_someone_else_is_still_refused(postgres_database_url: str) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "finished-by-other")
    trial_id = storage.create_new_trial(study_id)
    RDBStorage(postgres_database_url).set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5])
    with pytest.raises(hpo.exceptions.UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5])


def test_create_whose_commit_was_lost_leaves_one_trial(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "create")
    lose.armed = lambda sql: "INSERT INTO trials" in sql
    trial_id = storage.create_new_trial(study_id)
    assert lose.fired == 1
    trials = RDBStorage(postgres_database_url).get_all_trials(study_id)
    assert [(t._trial_id, t.number, t.state) for t in trials] == [
        (trial_id, 0, TrialState.RUNNING)
    ]
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
    assert storage.create_new_trial(study_id) != trial_id


def test_pop_whose_commit_was_lost_takes_one_trial(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "pop")
    for _ in range(2):
        storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    # Asking: one statement that takes a waiting trial or creates one.
    lose.armed = lambda sql: "FOR UPDATE SKIP LOCKED" in sql
    asked = storage._pop_waiting_or_create_trial(study_id)
    assert lose.fired == 1
    assert asked.number == 0 and asked.state == TrialState.RUNNING
    # Taking a waiting trial alone: a transaction.
    lose.on_commit = True
    popped = storage._pop_waiting_trial(study_id)
    assert lose.fired == 2
    assert popped is not None and popped.number == 1 and popped.state == TrialState.RUNNING
    storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    states = [t.state for t in RDBStorage(postgres_database_url).get_all_trials(study_id)]
    assert states == [TrialState.RUNNING, TrialState.RUNNING, TrialState.WAITING]


def test_enqueue_whose_commit_was_lost_enqueues_once(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "enqueue")
    lose.on_commit = True
    trial_id = storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    assert lose.fired == 1
    trials = RDBStorage(postgres_database_url).get_all_trials(study_id)
    assert [(t._trial_id, t.state) for t in trials] == [(trial_id, TrialState.WAITING)]


def test_start_of_a_waiting_trial_whose_commit_was_lost_is_ours(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "start")
    trial_id = storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    lose.armed = lambda sql: "UPDATE trials SET state" in sql
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is True
    assert lose.fired == 1
    # Another caller still finds it taken.
    assert (
        RDBStorage(postgres_database_url).set_trial_state_values(trial_id, TrialState.RUNNING)
        is False
    )


def test_writes_to_a_trial_are_repeated_safely(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "writes")
    trial_id = storage.create_new_trial(study_id)
    for marker, write in (
        (
            "trial_intermediate_values",
            lambda: storage.set_trial_intermediate_value(trial_id, 3, 0.5),
        ),
        ("trial_user_attrs", lambda: storage.set_trial_user_attr(trial_id, "k", [1])),
        ("trial_system_attrs", lambda: storage.set_trial_system_attr(trial_id, "s", "v")),
        ("study_user_attrs", lambda: storage.set_study_user_attr(study_id, "u", 1)),
        ("trial_heartbeats", lambda: storage.record_heartbeat(trial_id)),
    ):
        lose.armed = lambda sql, marker=marker: f"INSERT INTO {marker}" in sql
        write()
        assert lose.fired == 1, marker
        lose.fired = 0
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
    trial = RDBStorage(postgres_database_url).get_trial(trial_id)
    assert trial.intermediate_values == {3: 0.5}
    assert (trial.user_attrs, trial.system_attrs) == ({"k": [1]}, {"s": "v"})
    assert storage.get_study_user_attrs(study_id) == {"u": 1}


def test_delete_whose_commit_was_lost_succeeds(
    postgres_database_url: str, lose: _LoseConnection
) -> None:
    storage = RDBStorage(postgres_database_url)
    study_id = storage.create_new_study(MIN, "delete")
    lose.on_commit = True
    storage.delete_study(study_id)
    assert lose.fired == 1
    assert storage.get_all_studies() == []
    with pytest.raises(KeyError):
        storage.delete_study(study_id)


# -- reconnecting ---------------------------------------------------------------------------------


def test_every_pooled_connection_is_replaced_after_a_restart(
    restart_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = restart_server.create_database()
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "pool")
    db = storage._db
    for _ in range(3):
        storage.create_new_trial(study_id)
    storage.get_all_studies()  # a pooled connection too
    old_pids = {lease.driver.info.backend_pid for lease in db._idle}
    assert old_pids
    restart_server.restart("fast")
    with caplog.at_level(logging.DEBUG, logger="hpo"):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    lost = [r for r in caplog.records if "Lost the connection" in r.getMessage()]
    assert len(lost) == 1 and lost[0].levelno == logging.WARNING
    # One failure dropped every connection: no dead one was tried again.
    still_unreachable = [r for r in caplog.records if "still unreachable" in r.getMessage()]
    assert still_unreachable == []
    assert all(lease.driver.info.backend_pid not in old_pids for lease in db._idle)
    assert [t.number for t in storage.get_all_trials(study_id)] == [0, 1, 2, 3]


def test_unreachable_database_gives_up_after_the_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"postgresql+psycopg://hpo:secret-word@127.0.0.1:{_free_port()}/nothing"
    with caplog.at_level(logging.DEBUG, logger="hpo"), pytest.raises(StorageInternalError) as info:
        RDBStorage(url, connection_retry_timeout=0.5)
    message = str(info.value)
    assert "could not be reached" in message and "connection_retry_timeout=0.5" in message
    assert "127.0.0.1" in message and "secret-word" not in message
    # It tried again (at DEBUG) before giving up.
    assert [r for r in caplog.records if "still unreachable" in r.getMessage()]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "secret-word" not in warnings[0] and "***" in warnings[0]


def test_zero_timeout_gives_up_at_once() -> None:
    url = f"postgresql+psycopg://hpo@127.0.0.1:{_free_port()}/nothing"
    with pytest.raises(StorageInternalError, match="connection_retry_timeout=0"):
        RDBStorage(url, connection_retry_timeout=0)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("10", TypeError),
        (None, TypeError),
        (True, TypeError),
        (-1, ValueError),
        (float("inf"), ValueError),
        (float("nan"), ValueError),
    ],
)
def test_connection_retry_timeout_is_validated(
    tmp_path: Path, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="connection_retry_timeout"):
        RDBStorage(f"sqlite:///{tmp_path / 'x.db'}", connection_retry_timeout=value)
