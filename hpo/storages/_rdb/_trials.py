"""The trial writes of RDBStorage: create, pop, write to and finish trials.

The hot path of a trial's life runs prepared statements directly on the driver (see
``Database.fast``): creating a trial, recording a parameter or an intermediate value, and
finishing a trial are each one statement on PostgreSQL (one ``BEGIN IMMEDIATE`` transaction
on SQLite), and every write to a trial is conditional on the trial being unfinished.

A trial's life costs one round trip per write and no reads: taking a waiting trial or
creating a new one is one statement (``Study.ask``), and the record of a trial this storage
object ran is cached when it finishes (see ``_owned``), so reading it back costs nothing.

Every write is safe to run again after a lost connection, which may have taken the commit
with it: parameters, values and attributes are upserts of the same row; a finish that finds
the trial finished with its own state and completion time (to the microsecond) succeeded the
first time; and a trial created or taken from the queue carries a random client token, by
which a repeated call finds it instead of creating or taking a second one.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
    distribution_to_json,
)
from hpo.exceptions import UpdateFinishedTrialError
from hpo.storages._rdb import _queries
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._cache import DatabaseCache
from hpo.storages._rdb._engine import Database
from hpo.storages._rdb._owned import OwnedTrials
from hpo.storages._rdb._prepared import Raw
from hpo.storages._rdb._statements import RUNNING, Statements, args
from hpo.trial import FrozenTrial, TrialState

_UTC = datetime.timezone.utc


def utcnow_naive() -> datetime.datetime:
    """The current UTC time without tzinfo, as stored in the database."""
    return datetime.datetime.now(_UTC).replace(tzinfo=None)


def new_client_token() -> int:
    """A random positive 63-bit number that identifies one statement of this client."""
    return int.from_bytes(os.urandom(8), "big") >> 1


def attr_to_json(key: str, value: Any) -> str:
    """Serialize an attribute value, naming the key if it is not JSON serializable.

    Raises
    ------
    TypeError
        If ``key`` is not a string or ``value`` cannot be written as JSON.
    ValueError
        If ``key`` is too long.
    """
    if not isinstance(key, str):
        raise TypeError(f"Attribute keys must be strings, got {key!r}.")
    if len(key) > s.MAX_NAME_LENGTH:
        raise ValueError(f"Attribute key {key[:40]!r}... is longer than {s.MAX_NAME_LENGTH}.")
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"The value {value!r} of attribute {key!r} cannot be stored: database storages "
            f"keep attributes as JSON ({e})."
        ) from None


class TrialOperations:
    """Trial methods of :class:`RDBStorage`; the storage provides the attributes below."""

    _db: Database
    _sql: Statements
    _cache: DatabaseCache
    _owned: OwnedTrials
    heartbeat_interval: int | None

    def _first_beat(self, raw: Raw, trial_id: int, now: datetime.datetime) -> None:
        """With heartbeats on, record the first heartbeat of a trial that became RUNNING.

        It goes into the transaction that started the trial: a worker that dies before its
        heartbeat thread starts leaves a trial that turns stale like any other.
        """
        if self.heartbeat_interval is not None:
            raw.execute(self._sql.upsert_heartbeat, args({"trial_id": trial_id, "now": now}))

    # -- errors ----------------------------------------------------------------------------
    def _raise_not_updatable(self, raw: Raw, trial_id: int) -> NoReturn:
        """Raise the error that explains why a conditional write to a trial matched no row."""
        row = raw.execute(self._sql.trial_state, args({"trial_id": trial_id})).fetchone()
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        state = TrialState(row[2])
        if state.is_finished():
            raise UpdateFinishedTrialError(
                f"Trial#{row[1]} is already finished ({state.name}) and cannot be updated."
            )
        raise UpdateFinishedTrialError(f"Trial#{row[1]} ({state.name}) cannot be updated now.")

    # -- creating trials -------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._create_new_trial(study_id, template_trial)._trial_id

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        if template_trial is not None:
            return self._create_from_template(study_id, template_trial)
        start = utcnow_naive()
        sql = self._sql
        token = new_client_token()
        params = args({"study_id": study_id, "datetime_start": start, "client_token": token})
        attempts = 0

        def create(raw: Raw) -> tuple[int, int]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                # The connection may have been lost after the first attempt committed.
                found = raw.execute(sql.running_by_token, params).fetchone()
                if found is not None:
                    return int(found[0]), int(found[1])
            if sql.create_running_trial is not None:
                statement = (
                    sql.create_running_trial
                    if self.heartbeat_interval is None
                    else sql.create_running_trial_beating
                )
                row = raw.execute(statement, params).fetchone()
                if row is None:
                    raise KeyError(f"No study with id {study_id}.")
                return int(row[0]), int(row[1])
            counter = raw.execute(sql.bump_counter, params).fetchone()
            if counter is None:
                raise KeyError(f"No study with id {study_id}.")
            number = int(counter[0]) - 1
            inserted = raw.execute(
                sql.insert_trial,
                args(
                    {
                        "study_id": study_id,
                        "number": number,
                        "state": RUNNING,
                        "datetime_start": start,
                        "datetime_complete": None,
                        "client_token": token,
                    }
                ),
            ).fetchone()
            self._first_beat(raw, int(inserted[0]), start)
            return int(inserted[0]), number

        # PostgreSQL: one atomic statement. SQLite: BEGIN IMMEDIATE and two (three) statements.
        trial_id, number = self._db.fast(create, write=sql.create_running_trial is None)
        self._cache.trial_study[trial_id] = study_id
        started = start.replace(tzinfo=_UTC)
        # A new trial has foreign_writes 0; the caller's copy and the owned record are separate.
        self._owned.add(_new_running(number, started, trial_id), study_id, 0)
        return _new_running(number, started, trial_id)

    def _create_from_template(self, study_id: int, template: FrozenTrial) -> FrozenTrial:
        record = template._copy(deep=True)
        record.datetime_start = _queries.utc(_queries.to_naive_utc(record.datetime_start))
        record.datetime_complete = _queries.utc(_queries.to_naive_utc(record.datetime_complete))
        user_attrs = [(k, attr_to_json(k, v)) for k, v in record.user_attrs.items()]
        system_attrs = [(k, attr_to_json(k, v)) for k, v in record.system_attrs.items()]
        params = []
        for name, dist in record.distributions.items():
            internal = dist.to_internal_repr(record.params[name])
            params.append((name, internal, dist, distribution_to_json(dist)))
        sql = self._sql
        learned: dict[tuple[int, str], BaseDistribution] = {}
        token = new_client_token()
        attempts = 0

        def create(conn: Connection) -> tuple[int, int]:
            nonlocal attempts
            attempts += 1
            learned.clear()
            if attempts > 1:
                # The connection may have been lost after the first attempt committed.
                found = conn.execute(
                    sql.trial_by_token, args({"study_id": study_id, "client_token": token})
                ).first()
                if found is not None:
                    return int(found[0]), int(found[1])
            for name, _, dist, dist_json in params:
                self._check_anchor(conn, study_id, name, dist, dist_json, learned)
            counter = conn.execute(sql.bump_counter, args({"study_id": study_id})).scalar()
            if counter is None:
                raise KeyError(f"No study with id {study_id}.")
            number = int(counter) - 1
            trial_id = int(
                conn.execute(
                    sql.insert_trial,
                    args(
                        {
                            "study_id": study_id,
                            "number": number,
                            "state": int(record.state),
                            "datetime_start": _queries.to_naive_utc(record.datetime_start),
                            "datetime_complete": _queries.to_naive_utc(record.datetime_complete),
                            "client_token": token,
                        }
                    ),
                ).scalar_one()
            )
            if record.state == TrialState.RUNNING and self.heartbeat_interval is not None:
                conn.execute(
                    sql.upsert_heartbeat, args({"trial_id": trial_id, "now": utcnow_naive()})
                )
            if params:
                conn.execute(
                    sa.insert(s.trial_params),
                    [
                        {
                            "trial_id": trial_id,
                            "param_name": name,
                            "param_value": internal,
                            "distribution_json": dist_json,
                        }
                        for name, internal, _, dist_json in params
                    ],
                )
            if record._values is not None:
                self._insert_floats(conn, s.trial_values, "objective", trial_id, record._values)
            if record.intermediate_values:
                self._insert_floats(
                    conn,
                    s.trial_intermediate_values,
                    "step",
                    trial_id,
                    record.intermediate_values.values(),
                    keys=record.intermediate_values.keys(),
                )
            for table, attrs in (
                (s.trial_user_attrs, user_attrs),
                (s.trial_system_attrs, system_attrs),
            ):
                if attrs:
                    conn.execute(
                        sa.insert(table),
                        [{"trial_id": trial_id, "key": k, "value_json": v} for k, v in attrs],
                    )
            return trial_id, number

        trial_id, number = self._db.write(create)
        self._cache.anchors.update(learned)
        record.number = number
        record._trial_id = trial_id
        self._cache.trial_study[trial_id] = study_id
        return record

    @staticmethod
    def _insert_floats(
        conn: Connection,
        table: sa.Table,
        key_column: str,
        trial_id: int,
        values: Any,
        keys: Any = None,
    ) -> None:
        rows = []
        for key, value in zip(keys if keys is not None else range(len(values)), values):
            stored, value_type = s.encode_float(float(value))
            rows.append(
                {"trial_id": trial_id, key_column: key, "value": stored, "value_type": value_type}
            )
        conn.execute(sa.insert(table), rows)

    def _check_anchor(
        self,
        conn: Connection,
        study_id: int,
        name: str,
        distribution: BaseDistribution,
        distribution_json: str,
        learned: dict[tuple[int, str], BaseDistribution],
    ) -> None:
        """Check ``distribution`` against the study's first distribution for ``name``.

        Anchors read from the database go to ``learned``; the caller caches them once the
        transaction has committed.
        """
        key = (study_id, name)
        anchor = self._cache.anchors.get(key)
        if anchor is None:
            params = {
                "study_id": study_id,
                "param_name": name,
                "distribution_json": distribution_json,
            }
            try:
                conn.execute(self._sql.insert_anchor, args(params))
            except sa.exc.IntegrityError:
                raise KeyError(f"No study with id {study_id}.") from None
            anchor_json = conn.execute(self._sql.select_anchor, args(params)).scalar_one()
            anchor = _queries.distribution_from_json(anchor_json)
            learned[key] = anchor
        if anchor is not distribution and anchor != distribution:
            check_distribution_compatibility(anchor, distribution)

    # -- writing trials --------------------------------------------------------------------
    def _study_of_trial(self, trial_id: int) -> int:
        study_id = self._cache.trial_study.get(trial_id)
        if study_id is not None:
            return study_id
        params = args({"trial_id": trial_id})
        row = self._db.fast(lambda raw: raw.execute(self._sql.trial_state, params).fetchone())
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        self._cache.trial_study[trial_id] = int(row[0])
        return int(row[0])

    def _write_trial_row(
        self, kind: str, params: dict[str, Any], apply: Callable[[FrozenTrial], None]
    ) -> None:
        """Run one conditional write to an unfinished trial, explaining a miss.

        ``kind`` names the statement (see ``Statements.upsert``); ``apply`` brings the record
        of an owned trial up to date once the write has succeeded.
        """
        trial_id = params["trial_id"]
        bound = args(params)
        owned = self._owned.get(trial_id)
        if owned is None:
            self._db.fast(
                lambda raw: self._write_foreign(raw, kind, bound, trial_id),
                write=self._db.is_sqlite,
            )
            return
        statement = self._sql.upsert[kind]

        def write(raw: Raw) -> None:
            if raw.execute(statement, bound).rowcount == 0:
                self._raise_not_updatable(raw, trial_id)

        with owned.lock:
            try:
                self._db.fast(write)
            except BaseException:
                self._owned.drop(trial_id)  # the write may or may not have happened
                raise
            self._apply_owned(trial_id, owned.record, apply)

    def _apply_owned(
        self, trial_id: int, record: FrozenTrial, apply: Callable[[FrozenTrial], None]
    ) -> None:
        """Bring an owned record up to date after a write, or give it up if that fails."""
        try:
            apply(record)
        except Exception:
            # E.g. an internal value its distribution cannot convert: the database decides.
            self._owned.drop(trial_id)

    def _write_foreign(self, raw: Raw, kind: str, bound: dict[str, Any], trial_id: int) -> None:
        """Write to a trial another storage object may own, counting the write."""
        statement = self._sql.foreign_upsert.get(kind)
        if statement is not None:  # PostgreSQL: count and write in one statement
            if raw.execute(statement, bound).rowcount == 0:
                self._raise_not_updatable(raw, trial_id)
            return
        # SQLite, inside BEGIN IMMEDIATE: count, then write.
        if raw.execute(self._sql.bump_foreign_writes, bound).rowcount == 0:
            self._raise_not_updatable(raw, trial_id)
        raw.execute(self._sql.upsert[kind], bound)

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        if not isinstance(param_name, str):
            raise TypeError(f"Parameter names must be strings, got {param_name!r}.")
        if len(param_name) > s.MAX_NAME_LENGTH:
            raise ValueError(f"Parameter name {param_name[:40]!r}... is too long.")
        internal = float(param_value_internal)
        dist_json = distribution_to_json(distribution)
        params = {
            "trial_id": trial_id,
            "param_name": param_name,
            "param_value": internal,
            "distribution_json": dist_json,
        }

        def apply(record: FrozenTrial) -> None:
            # As read back: the distribution parsed from its JSON (e.g. tuples become lists).
            stored = _queries.distribution_from_json(dist_json)
            record._params[param_name] = stored.to_external_repr(internal)
            record._distributions[param_name] = stored

        owned = self._owned.get(trial_id)
        study_id = owned.study_id if owned is not None else self._study_of_trial(trial_id)
        anchor = self._cache.anchors.get((study_id, param_name))
        if anchor is not None:
            if anchor is not distribution and anchor != distribution:
                check_distribution_compatibility(anchor, distribution)
            self._write_trial_row("param", params, apply)
            return
        # First use of the name in this process: anchor it, check, and insert atomically.
        learned: dict[tuple[int, str], BaseDistribution] = {}
        sql = self._sql

        def write(conn: Connection) -> None:
            learned.clear()
            self._check_anchor(conn, study_id, param_name, distribution, dist_json, learned)
            if owned is None:
                conn.execute(sql.bump_foreign_writes, args(params))
            if conn.execute(sql.upsert["param"], args(params)).rowcount == 0:
                row = conn.execute(sql.trial_state, args({"trial_id": trial_id})).first()
                if row is None:
                    raise KeyError(f"No trial with id {trial_id}.")
                state = TrialState(row[2])
                raise UpdateFinishedTrialError(
                    f"Trial#{row[1]} is already finished ({state.name}) and cannot be updated."
                )

        if owned is None:
            self._db.write(write)
        else:
            with owned.lock:
                try:
                    self._db.write(write)
                except ValueError:
                    raise  # an incompatible distribution: rolled back, nothing was written
                except BaseException:
                    self._owned.drop(trial_id)
                    raise
                self._apply_owned(trial_id, owned.record, apply)
        self._cache.anchors.update(learned)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        if isinstance(step, bool) or int(step) != step:
            raise TypeError(f"step must be an integer, got {step!r}.")
        number = float(intermediate_value)
        value, value_type = s.encode_float(number)
        params = {
            "trial_id": trial_id,
            "step": int(step),
            "value": value,
            "value_type": value_type,
        }

        def apply(record: FrozenTrial) -> None:
            record._intermediate_values[int(step)] = number

        self._write_trial_row("intermediate", params, apply)

    def _set_trial_attr(self, kind: str, trial_id: int, key: str, value: Any) -> None:
        value_json = attr_to_json(key, value)
        params = {"trial_id": trial_id, "key": key, "value_json": value_json}

        def apply(record: FrozenTrial) -> None:
            # What the database returns: JSON makes tuples lists and keys strings.
            attrs = record._user_attrs if kind == "user_attr" else record._system_attrs
            attrs[key] = json.loads(value_json)

        self._write_trial_row(kind, params, apply)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr("user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr("system_attr", trial_id, key, value)

    # -- states ----------------------------------------------------------------------------
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        state = TrialState(state)
        floats = None if values is None else [float(v) for v in values]
        sql = self._sql
        now = utcnow_naive()
        if state == TrialState.RUNNING:
            token = new_client_token()
            start_params = args(
                {"trial_id": trial_id, "datetime_start": now, "client_token": token}
            )

            def start(raw: Raw) -> bool:
                if raw.execute(sql.start_waiting_trial, start_params).rowcount == 1:
                    self._first_beat(raw, trial_id, now)
                    if floats is not None:
                        self._write_values(raw, trial_id, floats)
                    return True
                row = raw.execute(sql.trial_state, args({"trial_id": trial_id})).fetchone()
                if row is None or TrialState(row[2]).is_finished():
                    self._raise_not_updatable(raw, trial_id)
                # RUNNING already: by this very call if its first attempt's commit was lost,
                # else another worker took it.
                return row[3] == token

            return self._db.fast(
                start, write=floats is not None or self.heartbeat_interval is not None
            )
        if state == TrialState.WAITING:
            self._owned.drop(trial_id)  # back in the queue: whoever pops it owns it

            def requeue(raw: Raw) -> None:
                rows = raw.execute(sql.requeue_trial, args({"trial_id": trial_id})).fetchall()
                if not rows:
                    self._raise_not_updatable(raw, trial_id)
                if floats is not None:
                    self._write_values(raw, trial_id, floats)

            self._db.fast(requeue, write=floats is not None)
            return True

        owned = self._owned.get(trial_id)
        if owned is None:
            self._finish(trial_id, state, floats, now)
            return True
        with owned.lock:
            try:
                study_id, foreign_writes = self._finish(trial_id, state, floats, now)
            finally:
                self._owned.drop(trial_id)
            if foreign_writes == owned.baseline:
                # Nobody else wrote to the trial: the record is the database's record.
                record = owned.record
                record._state = state
                if floats:
                    record._values = floats
                record._datetime_complete = now.replace(tzinfo=_UTC)
                if len(record._intermediate_values) > 1:
                    record._intermediate_values = dict(sorted(record._intermediate_values.items()))
                self._cache.add_finished(record, study_id)
        return True

    def _finish(
        self,
        trial_id: int,
        state: TrialState,
        floats: list[float] | None,
        now: datetime.datetime,
    ) -> tuple[int, int]:
        """Finish a trial (conditionally); return its study id and ``foreign_writes``."""
        sql = self._sql
        params: dict[str, Any] = {
            "trial_id": trial_id,
            "state": int(state),
            "datetime_complete": now,
        }
        if sql.finish:
            count = len(floats or ())
            encoded = [s.encode_float(v) for v in floats or ()]
            if count == 1:
                params.update(value=encoded[0][0], value_type=encoded[0][1])
            elif count > 1:
                params.update(
                    objectives=list(range(count)),
                    values=[e[0] for e in encoded],
                    value_types=[e[1] for e in encoded],
                )
            statement = sql.finish[min(count, 2)]
            bound = args(params)

            def finish_in_one(raw: Raw) -> tuple[int, int]:
                row = raw.execute(statement, bound).fetchone()
                if row is None:
                    return self._finished_before(raw, trial_id, state, now)
                return int(row[0]), int(row[1])

            return self._db.fast(finish_in_one)
        bound = args(params)

        def finish(raw: Raw) -> tuple[int, int]:
            # A conditional UPDATE: of racing workers, exactly one finishes the trial.
            rows = raw.execute(sql.finish_trial, bound).fetchall()
            if not rows:
                return self._finished_before(raw, trial_id, state, now)
            if floats:
                self._write_values(raw, trial_id, floats)
            return int(rows[0][0]), int(rows[0][1])

        return self._db.fast(finish, write=bool(floats))

    def _finished_before(
        self, raw: Raw, trial_id: int, state: TrialState, now: datetime.datetime
    ) -> tuple[int, int]:
        """Explain a finish that matched no row, unless it is this very finish repeated.

        A finish whose commit was lost with the connection is run again; the trial then has
        this finish's state and completion time (the values were written in the same
        transaction). The record is then read back (``foreign_writes`` -1 never matches).
        """
        row = raw.execute(self._sql.trial_state, args({"trial_id": trial_id})).fetchone()
        if (
            row is not None
            and row[2] == int(state)
            and _queries.utc(row[4]) == now.replace(tzinfo=_UTC)
        ):
            return int(row[0]), -1
        self._raise_not_updatable(raw, trial_id)

    def _write_values(self, raw: Raw, trial_id: int, floats: list[float]) -> None:
        rows = []
        for objective, value in enumerate(floats):
            stored, value_type = s.encode_float(value)
            rows.append(
                args(
                    {
                        "trial_id": trial_id,
                        "objective": objective,
                        "value": stored,
                        "value_type": value_type,
                    }
                )
            )
        raw.executemany(self._sql.upsert_value, rows)

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        return self._pop_or_create(study_id, create=False)

    def _pop_waiting_or_create_trial(self, study_id: int) -> FrozenTrial:
        trial = self._pop_or_create(study_id, create=True)
        assert trial is not None
        return trial

    def _pop_or_create(self, study_id: int, create: bool) -> FrozenTrial | None:
        """Start the lowest WAITING trial of the study, else (``create``) a new RUNNING one.

        PostgreSQL: one statement does both. SQLite: one ``BEGIN IMMEDIATE`` transaction.
        Either way a trial enqueued by any process before this call is taken first.
        """
        sql = self._sql
        now = utcnow_naive()
        token = new_client_token()
        params = args(
            {"study_id": study_id, "datetime_start": now, "client_token": token, "now": now}
        )
        one_statement = create and bool(sql.pop_or_create)
        beating = self.heartbeat_interval is not None
        attempts = 0

        def run(raw: Raw) -> tuple[FrozenTrial, int, int] | None:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                # The connection may have been lost after the first attempt committed.
                found = raw.execute(sql.running_by_token, params).fetchone()
                if found is not None:
                    return _queries.load_one(raw, int(found[0]))
            if one_statement:
                rows = raw.execute(sql.pop_or_create[beating], params).fetchall()
                result = _queries.one_trial(rows)
                if result is None:
                    raise KeyError(f"No study with id {study_id}.")
                return result
            taken = raw.execute(sql.pop_waiting_trial, params).fetchall()
            if taken:
                # Read in the same transaction, which holds the trial's row: writes by others
                # come after it and are counted.
                self._first_beat(raw, int(taken[0][0]), now)
                return _queries.load_one(raw, int(taken[0][0]))
            if not create:
                return None
            counter = raw.execute(sql.bump_counter, params).fetchone()
            if counter is None:
                raise KeyError(f"No study with id {study_id}.")
            number = int(counter[0]) - 1
            trial_id = raw.execute(
                sql.insert_trial,
                args(
                    {
                        "study_id": study_id,
                        "number": number,
                        "state": RUNNING,
                        "datetime_start": now,
                        "datetime_complete": None,
                        "client_token": token,
                    }
                ),
            ).fetchone()[0]
            self._first_beat(raw, trial_id, now)
            return _new_running(number, now.replace(tzinfo=_UTC), trial_id), study_id, 0

        found = self._db.fast(run, write=not one_statement)
        if found is None:
            return None
        trial, _, foreign_writes = found
        self._cache.trial_study[trial._trial_id] = study_id
        self._owned.add(trial._copy(deep=True), study_id, foreign_writes)
        return trial


def _new_running(number: int, start: datetime.datetime, trial_id: int) -> FrozenTrial:
    return FrozenTrial(number, TrialState.RUNNING, None, start, None, {}, {}, {}, {}, {}, trial_id)
