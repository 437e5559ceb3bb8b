"""The trial writes of RDBStorage: parameters, reports, attributes, states and finishing.

The hot path of a trial's life runs prepared statements directly on the driver (see
``Database.fast``): recording a parameter or an intermediate value and finishing a trial are
each one statement on PostgreSQL (one ``BEGIN IMMEDIATE`` transaction on SQLite), and every
write to a trial is conditional on the trial being unfinished. Creating trials is in
``_create``.

A trial's life costs one round trip per write and no reads: the record of a trial this
storage object ran is cached when it finishes (see ``_owned``), so reading it back costs
nothing.

Every write is safe to run again after a lost connection, which may have taken the commit
with it: parameters, values and attributes are upserts of the same row, and a finish that
finds the trial finished with its own state and completion time (to the microsecond)
succeeded the first time.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

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
from hpo.storages._rdb._create import TrialCreation, attr_to_json, new_client_token, utcnow_naive
from hpo.storages._rdb._engine import Database
from hpo.storages._rdb._owned import OwnedTrials
from hpo.storages._rdb._prepared import Raw
from hpo.storages._rdb._statements import Statements, args
from hpo.trial import FrozenTrial, TrialState

_UTC = datetime.timezone.utc


class TrialOperations(TrialCreation):
    """Trial methods of :class:`RDBStorage`; the storage provides the attributes below."""

    _db: Database
    _sql: Statements
    _cache: DatabaseCache
    _owned: OwnedTrials
    heartbeat_interval: int | None

    def get_study_directions(self, study_id: int) -> list[Any]:  # provided by RDBStorage
        raise NotImplementedError

    # -- errors ----------------------------------------------------------------------------
    def _raise_not_updatable(self, raw: Raw, trial_id: int) -> NoReturn:
        """Raise the error that explains why a conditional write to a trial matched no row."""
        raise _not_updatable(
            raw.execute(self._sql.trial_state, args({"trial_id": trial_id})).fetchone(), trial_id
        )

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
                raise _not_updatable(row, trial_id)

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

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: Sequence[float]
    ) -> None:
        if isinstance(step, bool) or int(step) != step:
            raise TypeError(f"step must be an integer, got {step!r}.")
        floats = tuple(float(v) for v in values)
        n_objectives = len(self.get_study_directions(self._study_of_trial(trial_id)))
        if len(floats) != n_objectives:
            raise ValueError(
                f"Trial id {trial_id} got {len(floats)} intermediate values {list(floats)} "
                f"for a study with {n_objectives} objectives."
            )
        params = {"trial_id": trial_id, "step": int(step), "values_json": s.encode_vector(floats)}

        def apply(record: FrozenTrial) -> None:
            record._intermediate_vectors[int(step)] = floats

        self._write_trial_row("intermediate_vector", params, apply)

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
                    raise _not_updatable(row, trial_id)
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
                if len(record._intermediate_vectors) > 1:
                    vectors = sorted(record._intermediate_vectors.items())
                    record._intermediate_vectors = dict(vectors)
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
        raise _not_updatable(row, trial_id)

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


def _not_updatable(row: Any, trial_id: int) -> Exception:
    """The error for a conditional write to a trial that matched no row.

    ``row`` is the trial's ``trial_state`` row, ``None`` if there is no such trial.
    """
    if row is None:
        return KeyError(f"No trial with id {trial_id}.")
    state = TrialState(row[2])
    if state.is_finished():
        return UpdateFinishedTrialError(
            f"Trial#{row[1]} is already finished ({state.name}) and cannot be updated."
        )
    return UpdateFinishedTrialError(f"Trial#{row[1]} ({state.name}) cannot be updated now.")
