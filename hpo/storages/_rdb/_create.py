"""Creating trials in RDBStorage: asking (take a waiting trial or create one), templates.

``Study.ask`` takes the lowest-numbered WAITING trial or creates a new RUNNING one in one
statement on PostgreSQL (one ``BEGIN IMMEDIATE`` transaction on SQLite), so a trial enqueued
by any process is taken first. Trial numbers come from the study's counter, updated in the
statement or transaction that inserts the trial.

Each of these writes carries a random client token (``trials.client_token``): when the
connection is lost while it commits, the repeated call finds the trial it created or took
instead of creating or taking a second one. With heartbeats on, a trial that becomes RUNNING
gets its first heartbeat in the same statement or transaction.
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
    distribution_to_json,
)
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


class TrialCreation:
    """Trial-creating methods of :class:`RDBStorage`; the storage provides the attributes below."""

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

    def _insert_running(
        self, raw: Raw, study_id: int, now: datetime.datetime, token: int
    ) -> tuple[int, int]:
        """Number and insert a RUNNING trial (and its first beat) with separate statements.

        The caller runs this inside one write transaction (``BEGIN IMMEDIATE`` on SQLite).
        Returns the trial's id and number.
        """
        sql = self._sql
        counter = raw.execute(sql.bump_counter, args({"study_id": study_id})).fetchone()
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
                    "datetime_start": now,
                    "datetime_complete": None,
                    "client_token": token,
                }
            ),
        ).fetchone()
        self._first_beat(raw, int(inserted[0]), now)
        return int(inserted[0]), number

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
            return self._insert_running(raw, study_id, start, token)

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
            if record.intermediate_vectors:
                conn.execute(
                    sa.insert(s.trial_intermediate_vectors),
                    [
                        {"trial_id": trial_id, "step": step, "values_json": s.encode_vector(v)}
                        for step, v in record.intermediate_vectors.items()
                    ],
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
            trial_id, number = self._insert_running(raw, study_id, now, token)
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
