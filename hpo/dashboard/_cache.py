"""The dashboard's view of each study: trials loaded in pieces, then kept current cheaply.

A study is first read in chunks of trial numbers by a background thread, so that a page can
show "loading N of M trials" and draw its first plot from the first chunk. Once loaded, a sync
reads only the trials that were unfinished and those numbered above the last one seen:
finished trials are immutable, so a sync costs O(new or unfinished trials). Each trial records
the *version* at
which it last changed; a client that saw version ``v`` is sent only the trials changed after
``v``.
"""

from __future__ import annotations

import bisect
import datetime
import threading
import time
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo._best_trial import is_better
from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)

CHUNK_SIZE = 5000
FIRST_CHUNK_SIZE = 2000
# Several pages polling at once share one sync per interval.
MIN_SYNC_INTERVAL = 0.25
_MAX_NUMBER = 2**62
_LAST_NUMBER = 2**31 - 1  # above any trial number; fits every database's integer


def _signature(trial: FrozenTrial) -> tuple[Any, ...]:
    """What a page shows of an unfinished trial; a change of it is sent to clients."""
    intermediate = trial.intermediate_values
    last = next(reversed(intermediate.items())) if intermediate else None
    return (
        trial.state,
        tuple(trial.values) if trial.values is not None else None,
        len(trial.params),
        len(intermediate),
        last,
        len(trial.user_attrs),
        len(trial.system_attrs),
    )


class StudySnapshot:
    """A read-only study over a fixed list of trials: what ``hpo.visualization`` reads.

    The plot functions read ``directions``, ``study_name``, ``metric_names`` and
    ``get_trials``; this gives them the dashboard's cached trials without another storage
    read.
    """

    def __init__(
        self,
        study_name: str,
        directions: list[StudyDirection],
        metric_names: list[str] | None,
        trials: Sequence[FrozenTrial],
    ) -> None:
        self.study_name = study_name
        self.directions = list(directions)
        self.metric_names = metric_names
        self._trials = trials

    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study."""
        return self.directions[0]

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials, optionally only those in ``states`` (never copied)."""
        if states is None:
            return list(self._trials)
        return [t for t in self._trials if t.state in states]

    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials in number order."""
        return list(self._trials)


class StudyTrials:
    """The trials of one study as this server last read them."""

    def __init__(self, storage: BaseStorage, study_id: int) -> None:
        self.storage = storage
        self.study_id = study_id
        self.study_name = storage.get_study_name_from_id(study_id)
        self.directions = storage.get_study_directions(study_id)
        self.lock = threading.RLock()
        self.trials: list[FrozenTrial] = []
        self.versions: list[int] = []
        self.changes: list[tuple[int, int]] = []  # (version, number), in version order
        self.finished_counts: dict[TrialState, int] = {}
        self.best: FrozenTrial | None = None
        self.last_activity: datetime.datetime | None = None
        self.param_names: set[str] = set()
        self.user_attr_names: set[str] = set()
        self.signatures: dict[int, tuple[Any, ...]] = {}  # number -> signature, unfinished
        self.version = 0
        self.total = sum(storage.get_trial_state_counts(study_id).values())
        self.loaded_all = False
        self.error: str | None = None
        self.last_sync = 0.0
        self._loader: threading.Thread | None = None
        self.first_chunk = threading.Event()

    # -- loading ---------------------------------------------------------------------------
    def start_loading(self) -> None:
        """Start reading the study in chunks in a background thread (once)."""
        with self.lock:
            if self._loader is not None:
                return
            self._loader = threading.Thread(
                target=self._load, name=f"hpo-dashboard-load-{self.study_id}", daemon=True
            )
            self._loader.start()

    def _load_chunk(self, size: int) -> int:
        start = len(self.trials)
        chunk = self.storage.get_trials_by_number_range(self.study_id, start, start + size)
        with self.lock:
            if len(self.trials) == start:  # else a sync got there first
                self._merge(chunk)
        return len(chunk)

    def _load(self) -> None:
        try:
            size = FIRST_CHUNK_SIZE
            while True:
                with self.lock:
                    if len(self.trials) >= self.total:
                        break
                read = self._load_chunk(size)
                self.first_chunk.set()
                if read == 0:
                    break
                size = CHUNK_SIZE
            with self.lock:
                self.loaded_all = True
                self.last_sync = 0.0
        except Exception as error:  # shown on the page instead of a silent stall
            _logger.warning("Loading study %r failed: %s", self.study_name, error)
            with self.lock:
                self.error = f"{type(error).__name__}: {error}"
        finally:
            self.first_chunk.set()
            self.storage.remove_session()

    def wait_first_chunk(self, timeout: float = 60.0) -> None:
        """Block until the first chunk is read (or loading failed)."""
        self.first_chunk.wait(timeout)

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Block until every trial is loaded (for tests and scripts); return whether it is."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)
        return self.loaded_all

    # -- syncing ---------------------------------------------------------------------------
    def _merge(self, trials: Sequence[FrozenTrial]) -> None:
        """Take freshly read trials (in number order); bump the version of changed ones."""
        changed = False
        new_version = self.version + 1
        for trial in trials:
            number = trial.number
            if number < len(self.trials):
                old_signature = self.signatures.get(number)
                if old_signature is None:
                    continue  # finished already: immutable
                signature = _signature(trial)
                self.trials[number] = trial
                if signature == old_signature:
                    continue
                self.versions[number] = new_version
                changed = True
            elif number == len(self.trials):
                self.trials.append(trial)
                self.versions.append(new_version)
                changed = True
                signature = _signature(trial)
            else:
                break  # a gap: the next read fills it
            if trial.state.is_finished():
                self.signatures.pop(number, None)
            else:
                self.signatures[number] = signature
            self.changes.append((new_version, number))
            self._note(trial)
        if changed:
            self.version = new_version
        self.total = max(self.total, len(self.trials))

    def _note(self, trial: FrozenTrial) -> None:
        """Keep the running summaries: counts, best trial, last activity, column names."""
        if trial.state.is_finished():
            self.finished_counts[trial.state] = self.finished_counts.get(trial.state, 0) + 1
            if len(self.directions) == 1 and is_better(trial, self.best, self.directions[0]):
                self.best = trial
        moment = trial.datetime_complete or trial.datetime_start
        if moment is not None and (self.last_activity is None or moment > self.last_activity):
            self.last_activity = moment
        self.param_names.update(trial.params)
        self.user_attr_names.update(trial.user_attrs)

    def state_counts(self) -> dict[TrialState, int]:
        """How many loaded trials are in each state."""
        with self.lock:
            counts = dict(self.finished_counts)
            for number in self.signatures:
                state = self.trials[number].state
                counts[state] = counts.get(state, 0) + 1
        return counts

    def sync(self, force: bool = False) -> None:
        """Read new and unfinished trials (at most every ``MIN_SYNC_INTERVAL`` seconds)."""
        with self.lock:
            if not self.loaded_all:
                self.total = max(
                    sum(self.storage.get_trial_state_counts(self.study_id).values()), self.total
                )
                return
            now = time.monotonic()
            if not force and now - self.last_sync < MIN_SYNC_INTERVAL:
                return
            self.last_sync = now
            # Each unfinished trial by its number, then the new ones by a range of numbers:
            # reads that use the (study, number) index, so a sync costs O(changed trials).
            # (The storage's own cache does the same for get_all_trials, but answers with a
            # list of every trial, which this cache would then have to compare in full.)
            read = self.storage.get_trials_by_number_range
            fresh: list[FrozenTrial] = []
            for number in sorted(self.signatures):
                fresh.extend(read(self.study_id, number, number + 1))
            fresh.extend(read(self.study_id, len(self.trials), _LAST_NUMBER))
            self._merge(fresh)

    def changed_since(self, version: int) -> list[FrozenTrial]:
        """Trials whose version is above ``version``, in number order."""
        with self.lock:
            if version <= 0:
                return list(self.trials)
            if version >= self.version:
                return []
            start = bisect.bisect_right(self.changes, (version, _MAX_NUMBER))
            numbers = sorted({number for _, number in self.changes[start:]})
            return [self.trials[n] for n in numbers]

    def snapshot(self, metric_names: list[str] | None) -> StudySnapshot:
        """A study object over the trials loaded so far, for the plot functions."""
        with self.lock:
            trials = list(self.trials)
        return StudySnapshot(self.study_name, self.directions, metric_names, trials)


class StudyCaches:
    """One :class:`StudyTrials` per study id, made on first use."""

    def __init__(self, storage: BaseStorage) -> None:
        self.storage = storage
        self._lock = threading.Lock()
        self._studies: dict[int, StudyTrials] = {}

    def get(self, study_id: int, *, start: bool = True) -> StudyTrials:
        """Return the cache of a study; :class:`KeyError` if the study does not exist."""
        with self._lock:
            cache = self._studies.get(study_id)
            if cache is None:
                cache = StudyTrials(self.storage, study_id)
                self._studies[study_id] = cache
        if start:
            cache.start_loading()
        return cache

    def forget(self, study_id: int) -> None:
        """Drop a deleted study."""
        with self._lock:
            self._studies.pop(study_id, None)
