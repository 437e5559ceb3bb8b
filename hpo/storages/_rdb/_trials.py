"""The trial operations of RDBStorage: create, write, finish and read trials.

The hot path of a trial's life runs prepared statements directly on the driver (see
``Database.fast``): creating a trial, recording a parameter or an intermediate value, and
finishing a trial are each one statement on PostgreSQL (one ``BEGIN IMMEDIATE`` transaction
on SQLite), and every write to a trial is conditional on the trial being unfinished.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Container, Sequence
from typing import Any

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
from hpo.storages._rdb._cache import DatabaseCache, StudyCache
from hpo.storages._rdb._engine import Database, Raw
from hpo.storages._rdb._statements import RUNNING, Statements, args
from hpo.trial import FrozenTrial, TrialState

_UTC = datetime.timezone.utc


def utcnow_naive() -> datetime.datetime:
    """The current UTC time without tzinfo, as stored in the database."""
    return datetime.datetime.now(_UTC).replace(tzinfo=None)


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

    def get_study_directions(self, study_id: int) -> list[Any]:  # provided by RDBStorage
        raise NotImplementedError

    # -- errors ----------------------------------------------------------------------------
    def _raise_not_updatable(self, raw: Raw, trial_id: int) -> None:
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

    def _write_trial_row(self, statement: Any, params: dict[str, Any]) -> None:
        """Run one conditional write to an unfinished trial, explaining a miss."""
        bound = args(params)

        def write(raw: Raw) -> None:
            if raw.execute(statement, bound).rowcount == 0:
                self._raise_not_updatable(raw, params["trial_id"])

        self._db.fast(write)

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
        params = args({"study_id": study_id, "datetime_start": start})

        def create(raw: Raw) -> tuple[int, int]:
            if sql.create_running_trial is not None:
                row = raw.execute(sql.create_running_trial, params).fetchone()
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
                    }
                ),
            ).fetchone()
            return int(inserted[0]), number

        # PostgreSQL: one atomic statement. SQLite: BEGIN IMMEDIATE and two statements.
        trial_id, number = self._db.fast(create, write=sql.create_running_trial is None)
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
        user_attrs = [(k, attr_to_json(k, v)) for k, v in record.user_attrs.items()]
        system_attrs = [(k, attr_to_json(k, v)) for k, v in record.system_attrs.items()]
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
        # First use of the name in this process: anchor it, check, and insert atomically.
        learned: dict[tuple[int, str], BaseDistribution] = {}

        def write(conn: Connection) -> None:
            learned.clear()
            self._check_anchor(conn, study_id, param_name, distribution, dist_json, learned)
            if conn.execute(self._sql.upsert_param, args(params)).rowcount == 0:
                row = conn.execute(self._sql.trial_state, args({"trial_id": trial_id})).first()
                if row is None:
                    raise KeyError(f"No trial with id {trial_id}.")
                state = TrialState(row[2])
                raise UpdateFinishedTrialError(
                    f"Trial#{row[1]} is already finished ({state.name}) and cannot be updated."
                )

        self._db.write(write)
        self._cache.anchors.update(learned)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        state = TrialState(state)
        floats = None if values is None else [float(v) for v in values]
        sql = self._sql
        now = utcnow_naive()
        if state == TrialState.RUNNING:
            start_params = args({"trial_id": trial_id, "datetime_start": now})

            def start(raw: Raw) -> bool:
                if raw.execute(sql.start_waiting_trial, start_params).rowcount == 1:
                    if floats is not None:
                        self._write_values(raw, trial_id, floats)
                    return True
                row = raw.execute(sql.trial_state, args({"trial_id": trial_id})).fetchone()
                if row is None or TrialState(row[2]).is_finished():
                    self._raise_not_updatable(raw, trial_id)
                return False  # RUNNING already: another worker took it

            return self._db.fast(start, write=floats is not None)
        if state == TrialState.WAITING:

            def requeue(raw: Raw) -> bool:
                if raw.execute(sql.requeue_trial, args({"trial_id": trial_id})).rowcount == 0:
                    self._raise_not_updatable(raw, trial_id)
                if floats is not None:
                    self._write_values(raw, trial_id, floats)
                return True

            return self._db.fast(requeue, write=floats is not None)

        finish_params = {"trial_id": trial_id, "state": int(state), "datetime_complete": now}
        if floats and sql.finish_with_values is not None:
            encoded = [s.encode_float(v) for v in floats]
            finish_params.update(
                objectives=list(range(len(floats))),
                values=[e[0] for e in encoded],
                value_types=[e[1] for e in encoded],
            )
            bound = args(finish_params)

            def finish_in_one(raw: Raw) -> bool:
                if raw.execute(sql.finish_with_values, bound).rowcount == 0:
                    self._raise_not_updatable(raw, trial_id)
                return True

            return self._db.fast(finish_in_one)

        bound = args(finish_params)

        def finish(raw: Raw) -> bool:
            # A conditional UPDATE: of racing workers, exactly one finishes the trial.
            if raw.execute(sql.finish_trial, bound).rowcount == 0:
                self._raise_not_updatable(raw, trial_id)
            if floats:
                self._write_values(raw, trial_id, floats)
            return True

        return self._db.fast(finish, write=bool(floats))

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
        params = {"trial_id": trial_id, "key": key, "value_json": attr_to_json(key, value)}
        self._write_trial_row(self._sql.upsert_trial_attr[table.name], params)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(s.trial_user_attrs, trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(s.trial_system_attrs, trial_id, key, value)

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        sql = self._sql
        select_params = args({"study_id": study_id})
        while True:
            candidates = self._db.fast(
                lambda raw: [r[0] for r in raw.execute(sql.waiting_trial_ids, select_params)]
            )
            if not candidates:
                return None
            for trial_id in candidates:
                params = args({"trial_id": trial_id, "datetime_start": utcnow_naive()})
                taken = self._db.fast(
                    lambda raw, p=params: int(raw.execute(sql.start_waiting_trial, p).rowcount)  # type: ignore[misc]
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
        found = self._db.fast(lambda raw: _queries.load_one(raw, trial_id))
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
            counter_params = args({"study_id": study_id})

            def read(raw: Raw) -> list[FrozenTrial]:
                row = raw.execute(self._sql.study_counter, counter_params).fetchone()
                if row is None:
                    raise KeyError(f"No study with id {study_id}.")
                if int(row[0]) - 1 == after and not unfinished_ids:
                    return []  # nothing new and nothing running: no trial to read
                return _queries.load_changes(raw, study_id, after, unfinished_ids)

            loaded = self._db.fast(read)
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
        params = args({"trial_id": trial_id})
        row = self._db.fast(lambda raw: raw.execute(self._sql.trial_state, params).fetchone())
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        return int(row[1])
