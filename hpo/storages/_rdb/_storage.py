"""RDBStorage: studies in SQLite or PostgreSQL, shared by many worker processes."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo._frozen_study import FrozenStudy
from hpo._study_direction import StudyDirection
from hpo.exceptions import DuplicatedStudyError
from hpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from hpo.storages._heartbeat import BaseHeartbeat, FailedTrialCallback
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._cache import DatabaseCache, get_database_cache
from hpo.storages._rdb._create import attr_to_json, utcnow_naive
from hpo.storages._rdb._engine import (
    DEFAULT_CONNECTION_RETRY_TIMEOUT,
    Database,
    check_connection_retry_timeout,
    get_database,
    parse_url,
)
from hpo.storages._rdb._migrations import open_database
from hpo.storages._rdb._owned import OwnedTrials
from hpo.storages._rdb._queries import to_naive_utc
from hpo.storages._rdb._reads import TrialReads
from hpo.storages._rdb._statements import RUNNING, args, statements_for
from hpo.storages._rdb._trials import TrialOperations
from hpo.trial import FrozenTrial

_UTC = datetime.timezone.utc


def _check_positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name}={value!r} must be a positive number of seconds or None.")


class RDBStorage(TrialOperations, TrialReads, BaseStorage, BaseHeartbeat):
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
    connection_retry_timeout:
        Seconds for which an operation keeps retrying when the database cannot be reached
        (a PostgreSQL server restarting, refusing connections or ending sessions), with
        exponential backoff; then it raises :class:`~hpo.exceptions.StorageInternalError`.
        ``0`` gives up at the first failure.

    Raises
    ------
    TypeError
        If ``url`` is not a string or ``connection_retry_timeout`` is not a number.
    ValueError
        For a malformed URL, an unknown database or driver, a SQLite file in a directory that
        does not exist, a heartbeat setting that is not positive, or a negative or infinite
        ``connection_retry_timeout``.
    StorageVersionError
        If the database was written by an older or a newer hpo, or is not an hpo database.
    StorageInternalError
        If the database cannot be reached.

    Examples
    --------
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
        connection_retry_timeout: float = DEFAULT_CONNECTION_RETRY_TIMEOUT,
    ) -> None:
        timeout = check_connection_retry_timeout(connection_retry_timeout)
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
        self.connection_retry_timeout = timeout
        self._db: Database = get_database(parse_url(url), self.engine_kwargs, timeout)
        self._sql = statements_for(self._db.dialect)
        self._database_uuid = open_database(self._db, skip_compatibility_check)
        self._cache: DatabaseCache = get_database_cache(self._database_uuid)
        self._owned = OwnedTrials()
        # What time it is for staleness, as aware or naive UTC; None: the database's clock
        # (PostgreSQL) or this machine's (SQLite). Tests set it instead of sleeping.
        self._clock: Callable[[], datetime.datetime] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Pickled storages (e.g. sent to worker processes) reconnect on arrival.
        return {
            "url": self.url,
            "engine_kwargs": self.engine_kwargs,
            "skip_compatibility_check": self.skip_compatibility_check,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
            "connection_retry_timeout": self.connection_retry_timeout,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["url"],
            state["engine_kwargs"],
            state["skip_compatibility_check"],
            heartbeat_interval=state["heartbeat_interval"],
            grace_period=state["grace_period"],
            failed_trial_callback=state["failed_trial_callback"],
            connection_retry_timeout=state.get(
                "connection_retry_timeout", DEFAULT_CONNECTION_RETRY_TIMEOUT
            ),
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

    def _create_study_with_trials(
        self,
        study_name: str,
        directions: Sequence[StudyDirection],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        trials: Sequence[FrozenTrial],
    ) -> int:
        from hpo.storages._rdb._bulk import insert_study_with_trials

        if not isinstance(study_name, str):
            raise TypeError(f"study_name must be a string, got {study_name!r}.")
        if len(study_name) > s.MAX_NAME_LENGTH:
            raise ValueError(
                f"study_name {study_name[:40]!r}... is longer than {s.MAX_NAME_LENGTH} characters."
            )
        beat = utcnow_naive() if self.heartbeat_interval is not None else None
        return self._db.write(
            lambda conn: insert_study_with_trials(
                conn, study_name, directions, user_attrs, system_attrs, trials, beat
            )
        )

    def delete_study(self, study_id: int) -> None:
        attempts = 0

        def delete(conn: Connection) -> None:
            nonlocal attempts
            attempts += 1
            trial_ids = sa.select(s.trials.c.trial_id).where(s.trials.c.study_id == study_id)
            # Children first: the foreign keys' ON DELETE CASCADE would do it too, but only
            # where the backend enforces them.
            for table in (
                s.trial_params,
                s.trial_values,
                s.trial_intermediate_values,
                s.trial_intermediate_vectors,
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
            # A repeated attempt finding nothing: the first one's commit was lost, not its work.
            if deleted.rowcount == 0 and attempts == 1:
                raise KeyError(f"No study with id {study_id}.")

        self._db.write(delete)
        self._cache.forget_study(study_id)

    def _set_study_attr(self, table: sa.Table, study_id: int, key: str, value: Any) -> None:
        params = {"study_id": study_id, "key": key, "value_json": attr_to_json(key, value)}
        statement = self._sql.upsert_study_attr[table.name]
        bound = args(params)
        # One conditional upsert: its own transaction, safe to repeat.
        written = self._db.fast(lambda raw: raw.execute(statement, bound).rowcount)
        if written == 0:
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

    # -- heartbeats ------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        params = args({"trial_id": trial_id, "now": utcnow_naive()})
        self._db.fast(lambda raw: raw.execute(self._sql.upsert_heartbeat, params))

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        interval = self.heartbeat_interval
        if interval is None:
            return []
        grace = float(self.grace_period if self.grace_period is not None else 2 * interval)
        cutoff: Any
        if self._clock is not None:
            now = to_naive_utc(self._clock())
            assert now is not None
            cutoff = now - datetime.timedelta(seconds=grace)
        elif self._db.is_postgresql:
            cutoff = self._sql.now() - sa.literal_column("interval '1 second'") * grace
        else:
            cutoff = utcnow_naive() - datetime.timedelta(seconds=grace)
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

    def get_heartbeat_times(self, study_id: int) -> dict[int, datetime.datetime]:
        statement = (
            sa.select(s.trials.c.number, s.trial_heartbeats.c.heartbeat)
            .join_from(
                s.trials, s.trial_heartbeats, s.trials.c.trial_id == s.trial_heartbeats.c.trial_id
            )
            .where(s.trials.c.study_id == study_id, s.trials.c.state == RUNNING)
        )
        rows = self._db.read(lambda conn: conn.execute(statement).all())
        return {int(number): beat.replace(tzinfo=_UTC) for number, beat in rows}

    def get_failed_trial_callback(self) -> FailedTrialCallback | None:
        return self.failed_trial_callback
