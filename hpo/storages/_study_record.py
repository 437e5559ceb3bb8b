"""StudyRecord: one study held in memory, shared by the in-memory and journal storages.

Both storages keep the same model (attributes, trials by number, the waiting queue and the
best trial kept up to date on every change, so asking and logging cost O(1) per trial), and
change it only through :class:`~hpo.storages._records.StudyRecords`; they differ only in how
changes arrive.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Container
from typing import Any

from hpo._best_trial import check_best_trial, is_better
from hpo._frozen_study import FrozenStudy
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution, check_distribution_compatibility
from hpo.trial import FrozenTrial, TrialState

_SCALARS = (str, int, float, bool, type(None))


def copy_attrs(value: Any) -> Any:
    """Copy an attribute value: JSON-like values (dicts, lists, scalars) without ``deepcopy``.

    Attribute dictionaries are read often (samplers read study attributes every trial) and
    hold JSON-like data; walking it directly is several times faster than ``copy.deepcopy``.
    Anything else (a tuple, an object) is deep-copied.
    """
    if isinstance(value, _SCALARS):
        return value
    if type(value) is list:
        return [v if isinstance(v, _SCALARS) else copy_attrs(v) for v in value]
    if type(value) is dict:
        return {k: v if isinstance(v, _SCALARS) else copy_attrs(v) for k, v in value.items()}
    return copy.deepcopy(value)


def in_states(trials: list[FrozenTrial], states: Container[TrialState]) -> list[FrozenTrial]:
    """Return the trials whose state is in ``states``, in order (one set lookup per trial)."""
    wanted = set(states) if isinstance(states, (tuple, list, set, frozenset)) else None
    if wanted is None:
        return [t for t in trials if t.state in states]
    return [t for t in trials if t._state in wanted]


class StudyRecord:
    """A study's attributes and trials, with indexes kept up to date."""

    __slots__ = (
        "best_number",
        "directions",
        "name",
        "param_distribution",
        "system_attrs",
        "trials",
        "user_attrs",
        "waiting_numbers",
    )

    def __init__(self, name: str, directions: list[StudyDirection]) -> None:
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trials: list[FrozenTrial] = []
        self.param_distribution: dict[str, BaseDistribution] = {}
        self.waiting_numbers: list[int] = []  # ascending
        self.best_number: int | None = None

    def frozen(self, study_id: int) -> FrozenStudy:
        """Return the study as a :class:`FrozenStudy` with copied attributes."""
        return FrozenStudy(
            study_name=self.name,
            direction=None,
            directions=self.directions,
            user_attrs=copy_attrs(self.user_attrs),
            system_attrs=copy_attrs(self.system_attrs),
            study_id=study_id,
        )

    def check_distribution(self, name: str, distribution: BaseDistribution) -> None:
        """Raise :class:`ValueError` if ``distribution`` conflicts with the study's ``name``."""
        known = self.param_distribution.get(name)
        if known is not None and known is not distribution:
            check_distribution_compatibility(known, distribution)

    def update_best(self, trial: FrozenTrial) -> None:
        """Take a newly finished trial into account for the best trial."""
        if len(self.directions) != 1:
            return
        best = None if self.best_number is None else self.trials[self.best_number]
        if is_better(trial, best, self.directions[0]):
            self.best_number = trial.number

    def best_trial(self) -> FrozenTrial:
        """Return a copy of the best trial (see :mod:`hpo._best_trial`).

        Raises
        ------
        ValueError
            If the study has several objectives or no feasible COMPLETE trial.
        """
        best = None if self.best_number is None else self.trials[self.best_number]
        return check_best_trial(best, self.directions)._copy(deep=True)

    def select(self, deepcopy: bool, states: Container[TrialState] | None) -> list[FrozenTrial]:
        """Return the trials in ``states`` (all when ``None``), copied when ``deepcopy``."""
        trials = self.trials if states is None else in_states(self.trials, states)
        if deepcopy:
            return [t._copy(deep=True) for t in trials]
        return list(trials)

    def count(self, state: tuple[TrialState, ...] | TrialState | None) -> int:
        """Return how many trials are in ``state`` (all when ``None``)."""
        if state is None:
            return len(self.trials)
        states = (state,) if isinstance(state, TrialState) else state
        return sum(1 for t in self.trials if t.state in states)


class StudyRecordReads:
    """The read methods of a storage that holds its studies as :class:`StudyRecord` objects.

    A storage provides ``_lock`` and says how to get an up-to-date record
    (``_read_study``) and all records (``_read_all_studies``).
    """

    _lock: threading.RLock

    def _read_study(self, study_id: int) -> StudyRecord:
        raise NotImplementedError

    def _read_all_studies(self) -> dict[int, StudyRecord]:
        raise NotImplementedError

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._read_study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._read_study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy_attrs(self._read_study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy_attrs(self._read_study(study_id).system_attrs)

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            return [record.frozen(i) for i, record in self._read_all_studies().items()]

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        with self._lock:
            return self._read_study(study_id).select(deepcopy, states)

    def get_n_trials(
        self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None
    ) -> int:
        with self._lock:
            return self._read_study(study_id).count(state)

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        with self._lock:
            return self._read_study(study_id).best_trial()
