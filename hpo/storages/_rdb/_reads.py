"""The trial reads of RDBStorage, served from this process's cache where it can.

Finished trials come from the finished-trial cache; a study is synced by reading only the
trials that are new or still unfinished (see ``_cache``).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

import sqlalchemy as sa

from hpo._best_trial import check_best_trial
from hpo.storages._base import check_number_range
from hpo.storages._rdb import _queries
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._cache import DatabaseCache, StudyCache
from hpo.storages._rdb._engine import Database
from hpo.storages._rdb._owned import OwnedTrials
from hpo.storages._rdb._prepared import Raw
from hpo.storages._rdb._statements import Statements, args
from hpo.storages._study_record import in_states
from hpo.trial import FrozenTrial, TrialState


class TrialReads:
    """Read methods of :class:`RDBStorage`; the storage provides the attributes below."""

    _db: Database
    _sql: Statements
    _cache: DatabaseCache
    _owned: OwnedTrials

    def get_study_directions(self, study_id: int) -> list[Any]:  # provided by RDBStorage
        raise NotImplementedError

    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._cache.finished.get(trial_id)
        if cached is not None:
            return cached._copy(deep=True)
        found = self._db.fast(lambda raw: _queries.load_one(raw, trial_id))
        if found is None:
            raise KeyError(f"No trial with id {trial_id}.")
        trial, study_id, _ = found
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
            trials = in_states(trials, states)
        if deepcopy:
            return [t._copy(deep=True) for t in trials]
        return trials

    def get_trials_by_number_range(
        self, study_id: int, start: int, stop: int
    ) -> list[FrozenTrial]:
        check_number_range(start, stop)
        cache = self._cache.study(study_id, self.get_study_directions(study_id))
        with cache.lock:
            after = cache.max_number
            if after + 1 < stop:  # extend the cached prefix by the part of the range beyond it
                loaded = self._db.fast(lambda raw: _queries.load_range(raw, study_id, after, stop))
                cache.apply(loaded)
                for trial in loaded:
                    if trial.state.is_finished():
                        self._cache.add_finished(trial, study_id)
            trials = cache.trials[start:stop]
        # Unfinished trials may have changed since they were cached: read those few again.
        return [t if t.state.is_finished() else self.get_trial(t._trial_id) for t in trials]

    def get_trial_state_counts(self, study_id: int) -> dict[TrialState, int]:
        self.get_study_directions(study_id)  # KeyError for an unknown study
        statement = (
            sa.select(s.trials.c.state, sa.func.count())
            .where(s.trials.c.study_id == study_id)
            .group_by(s.trials.c.state)
        )
        rows = self._db.read(lambda conn: conn.execute(statement).all())
        return {_queries.state_of(code): int(count) for code, count in rows}

    def get_n_trials(
        self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None
    ) -> int:
        states = (state,) if isinstance(state, TrialState) else state
        cache = self._sync(study_id)
        with cache.lock:
            return cache.count(None if states is None else tuple(states))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        directions = self.get_study_directions(study_id)
        best = None
        if len(directions) == 1:
            cache = self._sync(study_id)
            with cache.lock:
                best = cache.best
        return check_best_trial(best, directions)._copy(deep=True)

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
        if cached is None:
            owned = self._owned.get(trial_id)
            cached = owned.record if owned is not None else None
        if cached is not None:
            return cached.number
        params = args({"trial_id": trial_id})
        row = self._db.fast(lambda raw: raw.execute(self._sql.trial_state, params).fetchone())
        if row is None:
            raise KeyError(f"No trial with id {trial_id}.")
        return int(row[1])
