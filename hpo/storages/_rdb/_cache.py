"""Per-process caches of what a database holds that never changes.

Finished trials are immutable, and so are the facts that a trial belongs to a study and that
a study's parameter name is anchored to a distribution. Each process keeps them, keyed by the
database's UUID and shared by every ``RDBStorage`` object on that database, so that syncing a
study costs O(new or unfinished trials), never O(all trials).

Trial numbers are taken from a per-study counter row that stays locked until the inserting
transaction commits, so the committed trials of a study always have the numbers ``0..n-1``:
new trials are exactly those numbered above the highest number already seen.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from hpo._best_trial import is_better
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.trial import FrozenTrial, TrialState


class StudyCache:
    """The trials of one study as last synced: finished ones final, unfinished ones refreshed.

    ``lock`` is held by the caller while it reads or updates the cache.
    """

    __slots__ = (
        "best",
        "directions",
        "finished_counts",
        "lock",
        "trials",
        "unfinished",
    )

    def __init__(self, directions: list[StudyDirection]) -> None:
        self.lock = threading.Lock()
        self.directions = directions
        # Index == trial number; the numbers seen always form the prefix 0..len-1.
        self.trials: list[FrozenTrial] = []
        self.unfinished: dict[int, int] = {}  # trial_id -> number
        self.finished_counts: dict[TrialState, int] = {}
        self.best: FrozenTrial | None = None

    @property
    def max_number(self) -> int:
        """The highest trial number cached, -1 if none."""
        return len(self.trials) - 1

    def apply(self, loaded: Iterable[FrozenTrial]) -> None:
        """Merge freshly read trials: replace known ones, append new ones in number order."""
        for trial in sorted(loaded, key=lambda t: t.number):
            number = trial.number
            if number < len(self.trials):
                if self.trials[number].state.is_finished():
                    continue  # final already
                self.trials[number] = trial
            elif number == len(self.trials):
                self.trials.append(trial)
            else:
                break  # a gap: leave the rest for the next sync
            if trial.state.is_finished():
                self.unfinished.pop(trial._trial_id, None)
                self._count_finished(trial)
            else:
                self.unfinished[trial._trial_id] = number

    def _count_finished(self, trial: FrozenTrial) -> None:
        state = trial.state
        self.finished_counts[state] = self.finished_counts.get(state, 0) + 1
        if len(self.directions) == 1 and is_better(trial, self.best, self.directions[0]):
            self.best = trial

    def count(self, states: tuple[TrialState, ...] | None) -> int:
        """Return how many cached trials are in ``states`` (all if ``None``)."""
        if states is None:
            return len(self.trials)
        total = sum(self.finished_counts.get(s, 0) for s in states if s.is_finished())
        unfinished_states = [s for s in states if not s.is_finished()]
        if unfinished_states:
            trials = self.trials
            total += sum(
                1 for n in self.unfinished.values() if trials[n].state in unfinished_states
            )
        return total


class DatabaseCache:
    """Everything cached for one database in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.studies: dict[int, StudyCache] = {}
        self.finished: dict[int, FrozenTrial] = {}  # trial_id -> finished record
        self.trial_study: dict[int, int] = {}  # trial_id -> study_id
        self.anchors: dict[tuple[int, str], BaseDistribution] = {}
        self.directions: dict[int, list[StudyDirection]] = {}

    def study(self, study_id: int, directions: list[StudyDirection]) -> StudyCache:
        """Return the cache of a study, creating it if needed."""
        with self.lock:
            cache = self.studies.get(study_id)
            if cache is None:
                cache = StudyCache(directions)
                self.studies[study_id] = cache
            return cache

    def add_finished(self, trial: FrozenTrial, study_id: int) -> None:
        """Remember a finished trial read from the database."""
        with self.lock:
            self.finished[trial._trial_id] = trial
            self.trial_study[trial._trial_id] = study_id

    def forget_study(self, study_id: int) -> None:
        """Drop everything cached about a deleted study."""
        with self.lock:
            self.studies.pop(study_id, None)
            self.directions.pop(study_id, None)
            for key in [k for k in self.anchors if k[0] == study_id]:
                del self.anchors[key]
            doomed = [t for t, s in self.trial_study.items() if s == study_id]
            for trial_id in doomed:
                del self.trial_study[trial_id]
                self.finished.pop(trial_id, None)


_caches: dict[str, DatabaseCache] = {}
_caches_pid = os.getpid()
_caches_lock = threading.Lock()


def get_database_cache(database_uuid: str) -> DatabaseCache:
    """Return this process's cache of the database with ``database_uuid``."""
    global _caches_pid
    with _caches_lock:
        if _caches_pid != os.getpid():
            # Locks copied by fork may be held by threads that do not exist here.
            _caches.clear()
            _caches_pid = os.getpid()
        cache = _caches.get(database_uuid)
        if cache is None:
            cache = DatabaseCache()
            _caches[database_uuid] = cache
        return cache
