"""InMemoryStorage: studies kept in this process's memory, safe for threads."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from typing import Any

from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.exceptions import DuplicatedStudyError
from hpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from hpo.storages._study_record import StudyRecord, StudyRecordReads
from hpo.trial import FrozenTrial, TrialState
from hpo.trial._frozen import _utcnow


class InMemoryStorage(StudyRecordReads, BaseStorage):
    """Keep studies in memory; the default storage of ``create_study``.

    All methods take one re-entrant lock, so threads of ``optimize(n_jobs=...)`` can share it.
    Nothing survives the process.

    Example
    -------
    >>> import hpo
    >>> study = hpo.create_study(storage=InMemoryStorage())
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, StudyRecord] = {}
        self._study_name_to_id: dict[str, int] = {}
        self._trial_locations: dict[int, tuple[int, int]] = {}
        self._next_study_id = 0
        self._next_trial_id = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # -- studies ---------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        with self._lock:
            if study_name is None:
                study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
            if study_name in self._study_name_to_id:
                raise DuplicatedStudyError(f"A study named {study_name!r} already exists.")
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = StudyRecord(study_name, list(directions))
            self._study_name_to_id[study_name] = study_id
            return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            record = self._study(study_id)
            for trial in record.trials:
                del self._trial_locations[trial._trial_id]
            del self._study_name_to_id[record.name]
            del self._studies[study_id]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).user_attrs[key] = value

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).system_attrs[key] = value

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            if study_name not in self._study_name_to_id:
                raise KeyError(f"No study named {study_name!r}.")
            return self._study_name_to_id[study_name]

    # -- trials ----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._create_new_trial(study_id, template_trial)._trial_id

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        with self._lock:
            record = self._study(study_id)
            trial_id = self._next_trial_id
            number = len(record.trials)
            if template_trial is None:
                trial = FrozenTrial(
                    number, TrialState.RUNNING, None, _utcnow(), None, {}, {}, {}, {}, {}, trial_id
                )
            else:
                for name, dist in template_trial.distributions.items():
                    record.check_distribution(name, dist)
                trial = template_trial._copy(deep=True)
                trial.number = number
                trial._trial_id = trial_id
                for name, dist in trial.distributions.items():
                    record.param_distribution.setdefault(name, dist)
            record.trials.append(trial)
            if trial.state == TrialState.WAITING:
                record.waiting_numbers.append(number)
            elif trial.state == TrialState.COMPLETE:
                record.update_best(trial)
            self._trial_locations[trial_id] = (study_id, number)
            self._next_trial_id += 1
            return trial._copy(deep=False)

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        with self._lock:
            study_id, number = self._location(trial_id)
            record = self._studies[study_id]
            trial = record.trials[number]
            self.check_trial_is_updatable(trial_id, trial.state)
            record.check_distribution(param_name, distribution)
            record.param_distribution.setdefault(param_name, distribution)
            trial.params[param_name] = distribution.to_external_repr(param_value_internal)
            trial.distributions[param_name] = distribution

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= trial_number < len(trials):
                raise KeyError(f"Study {study_id} has no trial number {trial_number}.")
            return trials[trial_number]._trial_id

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            return self._location(trial_id)[1]

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        with self._lock:
            study_id, number = self._location(trial_id)
            record = self._studies[study_id]
            trial = record.trials[number]
            self.check_trial_is_updatable(trial_id, trial.state)
            if state == TrialState.RUNNING and trial.state != TrialState.WAITING:
                return False
            if trial.state == TrialState.WAITING:
                record.waiting_numbers.remove(number)
            trial.state = state
            if values is not None:
                trial._values = [float(v) for v in values]
            if state == TrialState.RUNNING:
                trial.datetime_start = _utcnow()
            elif state.is_finished():
                trial.datetime_complete = _utcnow()
                if state == TrialState.COMPLETE:
                    record.update_best(trial)
            elif state == TrialState.WAITING:
                record.waiting_numbers.append(number)
                record.waiting_numbers.sort()
            return True

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            record = self._study(study_id)
            if not record.waiting_numbers:
                return None
            trial = record.trials[record.waiting_numbers[0]]
            self.set_trial_state_values(trial._trial_id, TrialState.RUNNING)
            return trial._copy(deep=True)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        with self._lock:
            trial = self._trial(trial_id)
            self.check_trial_is_updatable(trial_id, trial.state)
            trial.intermediate_values[step] = intermediate_value

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            trial = self._trial(trial_id)
            self.check_trial_is_updatable(trial_id, trial.state)
            trial.user_attrs[key] = value

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            trial = self._trial(trial_id)
            self.check_trial_is_updatable(trial_id, trial.state)
            trial.system_attrs[key] = value

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._trial(trial_id)._copy(deep=True)

    # -- lookups ---------------------------------------------------------------------------
    def _read_all_studies(self) -> dict[int, StudyRecord]:
        return self._studies

    def _study(self, study_id: int) -> StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            raise KeyError(f"No study with id {study_id}.") from None

    _read_study = _study

    def _location(self, trial_id: int) -> tuple[int, int]:
        try:
            return self._trial_locations[trial_id]
        except KeyError:
            raise KeyError(f"No trial with id {trial_id}.") from None

    def _trial(self, trial_id: int) -> FrozenTrial:
        study_id, number = self._location(trial_id)
        return self._studies[study_id].trials[number]
