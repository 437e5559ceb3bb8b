"""RDBStorage: studies in SQLite or PostgreSQL, shared by many worker processes."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Container, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo._frozen_study import FrozenStudy
from hpo._study_direction import StudyDirection
from hpo.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
    distribution_to_json,
)
from hpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from hpo.storages._heartbeat import BaseHeartbeat, FailedTrialCallback
from hpo.storages._rdb import _queries
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._cache import DatabaseCache, StudyCache, get_database_cache
from hpo.storages._rdb._engine import Database, get_database, parse_url
from hpo.storages._rdb._migrations import open_database
from hpo.storages._rdb._statements import RUNNING, args, statements_for
from hpo.trial import FrozenTrial, TrialState

_UTC = datetime.timezone.utc


def _utcnow_naive() -> datetime.datetime:
    return datetime.datetime.now(_UTC).replace(tzinfo=None)


def _to_json(key: str, value: Any) -> str:
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


def _check_positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name}={value!r} must be a positive number of seconds or None.")


class RDBStorage(BaseStorage, BaseHeartbeat):
    """Keep studies in a SQLite or PostgreSQL database that many processes can share.

    Finished trials are cached in each process, so reading a study costs time proportional
    to the trials that are new or still running, not to all trials. A new database is created
    with the current schema; one written by another version of hpo is refused with a
    :class:`~hpo.exceptions.StorageVersionError` explaining what to do.

    Parameters
    ----------
    url:
        A SQLAlchemy URL: ``"sqlite:///path/to/study.db"`` or
        ``"postgresql+psycopg://user:password@host/dbname"`` (``postgresql://`` also means
        psycopg 3).
    engine_kwargs:
        Extra arguments for :func:`sqlalchemy.create_engine` (e.g. ``pool_size``).
    skip_compatibility_check:
        Open the database without checking its schema version.
    heartbeat_interval:
        Seconds between heartbeats of running trials; ``None`` turns heartbeats off.
    grace_period:
        Seconds without a heartbeat after which a running trial counts as stale; by default
        twice ``heartbeat_interval``.
    failed_trial_callback:
        Called with ``(study, trial)`` for each trial failed for a stale heartbeat, e.g.
        :class:`~hpo.storages.RetryFailedTrialCallback`.

    Raises
    ------
    TypeError
        If ``url`` is not a string.
    ValueError
        For a malformed URL, an unknown database or driver, a SQLite file in a directory that
        does not exist, or a heartbeat setting that is not positive.
    StorageVersionError
        If the database was written by an older or a newer hpo, or is not an hpo database.
    StorageInternalError
        If the database cannot be reached.

    Example
    -------
    >>> import hpo
    >>> storage = RDBStorage("sqlite:///example.db", heartbeat_interval=60)  # doctest: +SKIP
    >>> study = hpo.create_study(storage=storage, study_name="demo")  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
        failed_trial_callback: FailedTrialCallback | None = None,
    ) -> None:
        _check_positive("heartbeat_interval", heartbeat_interval)
        _check_positive("grace_period", grace_period)
        if grace_period is not None and heartbeat_interval is None:
            raise ValueError("grace_period needs heartbeat_interval to be set.")
        self.url = url
        self.engine_kwargs = dict(engine_kwargs or {})
        self.skip_compatibility_check = skip_compatibility_check
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.failed_trial_callback = failed_trial_callback
        self._db: Database = get_database(parse_url(url), self.engine_kwargs)
        self._sql = statements_for(self._db.dialect)
        self._database_uuid = open_database(self._db, skip_compatibility_check)
        self._cache: DatabaseCache = get_database_cache(self._database_uuid)

    def __getstate__(self) -> dict[str, Any]:
        # Pickled storages (e.g. sent to worker processes) reconnect on arrival.
        return {
            "url": self.url,
            "engine_kwargs": self.engine_kwargs,
            "skip_compatibility_check": self.skip_compatibility_check,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["url"],
            state["engine_kwargs"],
            state["skip_compatibility_check"],
            heartbeat_interval=state["heartbeat_interval"],
            grace_period=state["grace_period"],
            failed_trial_callback=state["failed_trial_callback"],
        )

    # -- studies ---------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        if study_name is None:
            study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
        if not isinstance(study_name, str):
            raise TypeError(f"study_name must be a string, got {study_name!r}.")
        if len(study_name) > s.MAX_NAME_LENGTH:
            raise ValueError(
                f"study_name {study_name[:40]!r}... is longer than {s.MAX_NAME_LENGTH} characters."
            )
        directions = [StudyDirection(d) for d in directions]
        if not directions:
            raise ValueError("A study needs at least one direction.")

        def create(conn: Connection) -> int:
            try:
                study_id = conn.execute(
                    sa.insert(s.studies)
                    .values(study_name=study_name)
                    .returning(s.studies.c.study_id)
                ).scalar_one()
            except sa.exc.IntegrityError:
                raise DuplicatedStudyError(
                    f"A study named {study_name!r} already exists."
                ) from None
            conn.execute(
                sa.insert(s.study_directions),
                [
                    {"study_id": study_id, "objective": i, "direction": int(d)}
                    for i, d in enumerate(directions)
                ],
            )
            return int(study_id)

        return self._db.write(create)

    def delete_study(self, study_id: int) -> None:
        def delete(conn: Connection) -> None:
            trial_ids = sa.select(s.trials.c.trial_id).where(s.trials.c.study_id == study_id)
            # Children first: the foreign keys' ON DELETE CASCADE would do it too, but only
            # where the backend enforces them.
            for table in (
                s.trial_params,
                s.trial_values,
                s.trial_intermediate_values,
                s.trial_user_attrs,
                s.trial_system_attrs,
                s.trial_heartbeats,
            ):
                conn.execute(sa.delete(table).where(table.c.trial_id.in_(trial_ids)))
            conn.execute(sa.delete(s.trials).where(s.trials.c.study_id == study_id))
            for table in (
                s.study_directions,
                s.study_user_attrs,
                s.study_system_attrs,
                s.study_param_distributions,
            ):
                conn.execute(sa.delete(table).where(table.c.study_id == study_id))
            deleted = conn.execute(sa.delete(s.studies).where(s.studies.c.study_id == study_id))
            if deleted.rowcount == 0:
                raise KeyError(f"No study with id {study_id}.")

        self._db.write(delete)
        self._cache.forget_study(study_id)

    def _set_study_attr(self, table: sa.Table, study_id: int, key: str, value: Any) -> None:
        params = {"study_id": study_id, "key": key, "value_json": _to_json(key, value)}
        statement = self._sql.upsert_study_attr[table.name]
        result = self._db.read(lambda conn: conn.execute(statement, args(params)))
        if result.rowcount == 0:
            raise KeyError(f"No study with id {study_id}.")

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(s.study_user_attrs, study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(s.study_system_attrs, study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        statement = sa.select(s.studies.c.study_id).where(s.studies.c.study_name == study_name)
        study_id = self._db.read(lambda conn: conn.execute(statement).scalar())
        if study_id is None:
            raise KeyError(f"No study named {study_name!r}.")
        return int(study_id)

    def get_study_name_from_id(self, study_id: int) -> str:
        statement = sa.select(s.studies.c.study_name).where(s.studies.c.study_id == study_id)
        name = self._db.read(lambda conn: conn.execute(statement).scalar())
        if name is None:
            raise KeyError(f"No study with id {study_id}.")
        return str(name)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        known = self._cache.directions.get(study_id)
        if known is not None:
            return list(known)
        statement = (
            sa.select(s.study_directions.c.direction)
            .where(s.study_directions.c.study_id == study_id)
            .order_by(s.study_directions.c.objective)
        )
        rows = self._db.read(lambda conn: conn.execute(statement).scalars().all())
        if not rows:
            raise KeyError(f"No study with id {study_id}.")
        directions = [StudyDirection(d) for d in rows]
        self._cache.directions[study_id] = directions
        return list(directions)

    def _get_study_attrs(self, table: sa.Table, study_id: int) -> dict[str, Any]:
        def read(conn: Connection) -> dict[str, Any]:
            rows = conn.execute(
                sa.select(table.c.key, table.c.value_json).where(table.c.study_id == study_id)
            ).all()
            if not rows and not self._study_exists(conn, study_id):
                raise KeyError(f"No study with id {study_id}.")
            return {key: json.loads(value) for key, value in rows}

        return self._db.snapshot(read)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(s.study_user_attrs, study_id)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(s.study_system_attrs, study_id)

    @staticmethod
    def _study_exists(conn: Connection, study_id: int) -> bool:
        found = conn.execute(
            sa.select(s.studies.c.study_id).where(s.studies.c.study_id == study_id)
        ).first()
        return found is not None

    def get_all_studies(self) -> list[FrozenStudy]:
        def read(conn: Connection) -> list[FrozenStudy]:
            names = conn.execute(
                sa.select(s.studies.c.study_id, s.studies.c.study_name).order_by(
                    s.studies.c.study_id
                )
            ).all()
            directions: dict[int, list[StudyDirection]] = {}
            for study_id, _, direction in conn.execute(
                sa.select(
                    s.study_directions.c.study_id,
                    s.study_directions.c.objective,
                    s.study_directions.c.direction,
                ).order_by(s.study_directions.c.study_id, s.study_directions.c.objective)
            ):
                directions.setdefault(study_id, []).append(StudyDirection(direction))
            attrs: dict[str, dict[int, dict[str, Any]]] = {}
            for table in (s.study_user_attrs, s.study_system_attrs):
                by_study: dict[int, dict[str, Any]] = {}
                for study_id, key, value in conn.execute(
                    sa.select(table.c.study_id, table.c.key, table.c.value_json)
                ):
                    by_study.setdefault(study_id, {})[key] = json.loads(value)
                attrs[table.name] = by_study
            return [
                FrozenStudy(
                    study_name=name,
                    direction=None,
                    directions=directions.get(study_id, []),
                    user_attrs=attrs["study_user_attrs"].get(study_id, {}),
                    system_attrs=attrs["study_system_attrs"].get(study_id, {}),
                    study_id=study_id,
                )
                for study_id, name in names
            ]

        return self._db.snapshot(read)

    # -- creating trials -------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._create_new_trial(study_id, template_trial)._trial_id

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        if template_trial is not None:
            return self._create_from_template(study_id, template_trial)
        start = _utcnow_naive()
        sql = self._sql

        def create(conn: Connection) -> tuple[int, int]:
            if sql.create_running_trial is not None:
                row = conn.execute(
                    sql.create_running_trial, args({"study_id": study_id, "datetime_start": start})
                ).first()
                if row is None:
                    raise KeyError(f"No study with id {study_id}.")
                return int(row[0]), int(row[1])
            counter = conn.execute(sql.bump_counter, args({"study_id": study_id})).scalar()
            if counter is None:
                raise KeyError(f"No study with id {study_id}.")
            number = int(counter) - 1
            trial_id = conn.execute(
                sql.insert_trial,
                args(
                    {
                        "study_id": study_id,
                        "number": number,
                        "state": RUNNING,
                        "datetime_start": start,
                        "datetime_complete": None,
                    }
                ),
            ).scalar_one()
            return int(trial_id), number

        # PostgreSQL: one statement is atomic by itself; SQLite: BEGIN IMMEDIATE + 2 statements.
        run = self._db.read if sql.create_running_trial is not None else self._db.write
        trial_id, number = run(create)
        self._cache.trial_study[trial_id] = study_id
        return FrozenTrial(
            number,
            TrialState.RUNNING,
            None,
            start.replace(tzinfo=_UTC),
            None,
            {},
            {},
            {},
            {},
            {},
            trial_id,
        )

    def _create_from_template(self, study_id: int, template: FrozenTrial) -> FrozenTrial:
        record = template._copy(deep=True)
        record.datetime_start = _queries.utc(_queries.to_naive_utc(record.datetime_start))
        record.datetime_complete = _queries.utc(_queries.to_naive_utc(record.datetime_complete))
        user_attrs = [(k, _to_json(k, v)) for k, v in record.user_attrs.items()]
        system_attrs = [(k, _to_json(k, v)) for k, v in record.system_attrs.items()]
        params = []
        for name, dist in record.distributions.items():
            internal = dist.to_internal_repr(record.params[name])
            params.append((name, internal, dist, distribution_to_json(dist)))
        sql = self._sql
        learned: dict[tuple[int, str], BaseDistribution] = {}

        def create(conn: Connection) -> tuple[int, int]:
            learned.clear()
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
                        }
                    ),
                ).scalar_one()
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
    def _raise_not_updatable(self, conn: Connection, trial_id: int) -> None:
        """Raise the error that explains why a conditional write to a trial matched no row."""
        row = conn.execute(self._sql.trial_state, args({"trial_id": trial_id})).first()
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        state = TrialState(row[2])
        if state.is_finished():
            raise UpdateFinishedTrialError(
                f"Trial#{row[1]} is already finished ({state.name}) and cannot be updated."
            )
        raise UpdateFinishedTrialError(f"Trial#{row[1]} ({state.name}) cannot be updated now.")

    def _write_trial_row(self, statement: Any, params: dict[str, Any]) -> None:
        """Run a conditional single-statement write to an unfinished trial."""
        trial_id = params["trial_id"]

        def write(conn: Connection) -> None:
            if conn.execute(statement, args(params)).rowcount == 0:
                self._raise_not_updatable(conn, trial_id)

        self._db.read(write)

    def _study_of_trial(self, trial_id: int) -> int:
        study_id = self._cache.trial_study.get(trial_id)
        if study_id is not None:
            return study_id
        row = self._db.read(
            lambda conn: conn.execute(self._sql.trial_state, args({"trial_id": trial_id})).first()
        )
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        self._cache.trial_study[trial_id] = int(row[0])
        return int(row[0])

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
        dist_json = distribution_to_json(distribution)
        params = {
            "trial_id": trial_id,
            "param_name": param_name,
            "param_value": float(param_value_internal),
            "distribution_json": dist_json,
        }
        study_id = self._study_of_trial(trial_id)
        anchor = self._cache.anchors.get((study_id, param_name))
        if anchor is not None:
            if anchor is not distribution and anchor != distribution:
                check_distribution_compatibility(anchor, distribution)
            self._write_trial_row(self._sql.upsert_param, params)
            return
        learned: dict[tuple[int, str], BaseDistribution] = {}

        def write(conn: Connection) -> None:
            learned.clear()
            self._check_anchor(conn, study_id, param_name, distribution, dist_json, learned)
            if conn.execute(self._sql.upsert_param, args(params)).rowcount == 0:
                self._raise_not_updatable(conn, trial_id)

        self._db.write(write)
        self._cache.anchors.update(learned)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        state = TrialState(state)
        floats = None if values is None else [float(v) for v in values]
        sql = self._sql
        now = _utcnow_naive()
        if state == TrialState.RUNNING:

            def start(conn: Connection) -> bool:
                params = {"trial_id": trial_id, "datetime_start": now}
                if conn.execute(sql.start_waiting_trial, args(params)).rowcount == 1:
                    return True
                row = conn.execute(sql.trial_state, args({"trial_id": trial_id})).first()
                if row is None or TrialState(row[2]).is_finished():
                    self._raise_not_updatable(conn, trial_id)
                return False  # RUNNING already: another worker took it

            if floats is None:
                return self._db.read(start)
        if state == TrialState.WAITING and floats is None:
            self._write_trial_row(sql.requeue_trial, {"trial_id": trial_id})
            return True

        def finish(conn: Connection) -> bool:
            if state == TrialState.RUNNING:
                if not start(conn):
                    return False
            elif state == TrialState.WAITING:
                if conn.execute(sql.requeue_trial, args({"trial_id": trial_id})).rowcount == 0:
                    self._raise_not_updatable(conn, trial_id)
            else:
                params = {"trial_id": trial_id, "state": int(state), "datetime_complete": now}
                if conn.execute(sql.finish_trial, args(params)).rowcount == 0:
                    self._raise_not_updatable(conn, trial_id)
            if floats is not None:
                conn.execute(
                    sa.delete(s.trial_values).where(s.trial_values.c.trial_id == trial_id)
                )
                if floats:
                    self._insert_floats(conn, s.trial_values, "objective", trial_id, floats)
            return True

        if floats is None:
            # One conditional UPDATE: of racing workers, exactly one finishes the trial.
            return self._db.read(finish)
        return self._db.write(finish)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        if isinstance(step, bool) or int(step) != step:
            raise TypeError(f"step must be an integer, got {step!r}.")
        value, value_type = s.encode_float(float(intermediate_value))
        params = {
            "trial_id": trial_id,
            "step": int(step),
            "value": value,
            "value_type": value_type,
        }
        self._write_trial_row(self._sql.upsert_intermediate, params)

    def _set_trial_attr(self, table: sa.Table, trial_id: int, key: str, value: Any) -> None:
        params = {"trial_id": trial_id, "key": key, "value_json": _to_json(key, value)}
        self._write_trial_row(self._sql.upsert_trial_attr[table.name], params)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(s.trial_user_attrs, trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(s.trial_system_attrs, trial_id, key, value)

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        sql = self._sql
        while True:
            candidates = self._db.read(
                lambda conn: (
                    conn.execute(sql.waiting_trial_ids, args({"study_id": study_id}))
                    .scalars()
                    .all()
                )
            )
            if not candidates:
                return None
            for trial_id in candidates:
                params = {"trial_id": trial_id, "datetime_start": _utcnow_naive()}
                taken = self._db.read(
                    lambda conn, p=params: conn.execute(sql.start_waiting_trial, args(p)).rowcount
                )
                if taken == 1:
                    self._cache.trial_study[trial_id] = study_id
                    return self.get_trial(trial_id)
            # Every candidate went to another worker meanwhile: look again.

    # -- reading trials --------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._cache.finished.get(trial_id)
        if cached is not None:
            return cached._copy(deep=True)
        found = self._db.read(lambda conn: _queries.load_one(conn, trial_id))
        if found is None:
            raise KeyError(f"No trial with id {trial_id}.")
        trial, study_id = found
        self._cache.trial_study[trial_id] = study_id
        if trial.state.is_finished():
            self._cache.add_finished(trial, study_id)
            return trial._copy(deep=True)
        return trial

    def _sync(self, study_id: int) -> StudyCache:
        """Bring this process's cache of a study up to date and return it."""
        cache = self._cache.study(study_id, self.get_study_directions(study_id))
        finished = self._cache.finished
        with cache.lock:
            known = [finished[t] for t in cache.unfinished if t in finished]
            if known:
                cache.apply(known)
            after = cache.max_number
            unfinished_ids = list(cache.unfinished)

            def read(conn: Connection) -> list[FrozenTrial]:
                counter = conn.execute(
                    self._sql.study_counter, args({"study_id": study_id})
                ).scalar()
                if counter is None:
                    raise KeyError(f"No study with id {study_id}.")
                if int(counter) - 1 == after and not unfinished_ids:
                    return []
                return _queries.load_changes(conn, study_id, after, unfinished_ids)

            loaded = self._db.read(read)
            if loaded:
                cache.apply(loaded)
                for trial in loaded:
                    if trial.state.is_finished():
                        self._cache.add_finished(trial, study_id)
        return cache

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        cache = self._sync(study_id)
        with cache.lock:
            trials = list(cache.trials)
        if states is not None:
            trials = [t for t in trials if t.state in states]
        if deepcopy:
            return [t._copy(deep=True) for t in trials]
        return trials

    def get_n_trials(
        self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None
    ) -> int:
        states = (state,) if isinstance(state, TrialState) else state
        cache = self._sync(study_id)
        with cache.lock:
            return cache.count(None if states is None else tuple(states))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        if len(self.get_study_directions(study_id)) > 1:
            raise ValueError("A multi-objective study has no single best trial; use best_trials.")
        cache = self._sync(study_id)
        with cache.lock:
            best = cache.best
        if best is None:
            raise ValueError("No trial is completed yet, so there is no best trial.")
        return best._copy(deep=True)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        cache = self._cache.studies.get(study_id)
        if cache is not None and 0 <= trial_number < len(cache.trials):
            return cache.trials[trial_number]._trial_id
        statement = sa.select(s.trials.c.trial_id).where(
            s.trials.c.study_id == study_id, s.trials.c.number == trial_number
        )
        trial_id = self._db.read(lambda conn: conn.execute(statement).scalar())
        if trial_id is None:
            raise KeyError(f"Study {study_id} has no trial number {trial_number}.")
        return int(trial_id)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        cached = self._cache.finished.get(trial_id)
        if cached is not None:
            return cached.number
        row = self._db.read(
            lambda conn: conn.execute(self._sql.trial_state, args({"trial_id": trial_id})).first()
        )
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        return int(row[1])

    # -- heartbeats ------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        params = {"trial_id": trial_id, "now": _utcnow_naive()}
        self._db.read(lambda conn: conn.execute(self._sql.upsert_heartbeat, args(params)))

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        interval = self.heartbeat_interval
        if interval is None:
            return []
        grace = float(self.grace_period if self.grace_period is not None else 2 * interval)
        if self._db.is_postgresql:
            cutoff: Any = self._sql.now() - sa.literal_column("interval '1 second'") * grace
        else:
            cutoff = _utcnow_naive() - datetime.timedelta(seconds=grace)
        statement = (
            sa.select(s.trials.c.trial_id)
            .join_from(
                s.trials, s.trial_heartbeats, s.trials.c.trial_id == s.trial_heartbeats.c.trial_id
            )
            .where(
                s.trials.c.study_id == study_id,
                s.trials.c.state == RUNNING,
                s.trial_heartbeats.c.heartbeat < cutoff,
            )
            .order_by(s.trials.c.number)
        )
        return [
            int(t) for t in self._db.read(lambda conn: conn.execute(statement).scalars().all())
        ]

    def get_heartbeat_interval(self) -> int | None:
        return self.heartbeat_interval

    def get_failed_trial_callback(self) -> FailedTrialCallback | None:
        return self.failed_trial_callback
