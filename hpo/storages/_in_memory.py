"""InMemoryStorage: studies kept in this process's memory, safe for threads."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from typing import Any

from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from hpo.storages._records import StudyRecords, new_trial_record
from hpo.storages._study_record import StudyRecord, StudyRecordReads
from hpo.trial import FrozenTrial, TrialState
from hpo.trial._frozen import _utcnow


class InMemoryStorage(StudyRecordReads, BaseStorage):
    """Keep studies in memory; the default storage of ``create_study``.

    All methods take one re-entrant lock, so threads of ``optimize(n_jobs=...)`` can share it.
    Nothing survives the process; a pickled copy (of a study sent to another process, say)
    holds a copy of the data, which then changes apart from the original. Every change goes
    through :class:`~hpo.storages._records.StudyRecords`, as in the journal storage.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(storage=InMemoryStorage())
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records = StudyRecords()

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
            return self._records.create_study(study_name, list(directions))

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            self._records.delete_study(study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._records.set_study_attr(study_id, "user_attrs", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._records.set_study_attr(study_id, "system_attrs", key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            return self._records.study_id(study_name)

    # -- trials ----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._create_new_trial(study_id, template_trial)._trial_id

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        with self._lock:
            if template_trial is None:
                trial = new_trial_record(TrialState.RUNNING, None, _utcnow())
            else:
                self._records.check_template(study_id, template_trial)
                trial = template_trial._copy(deep=True)
            return self._records.create_trial(study_id, trial)._copy(deep=False)

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        with self._lock:
            self._records.set_trial_param(
                trial_id,
                param_name,
                distribution.to_external_repr(param_value_internal),
                distribution,
            )

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            return self._records.trial_id(study_id, trial_number)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            return self._records.location(trial_id)[1]

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        floats = None if values is None else [float(v) for v in values]
        with self._lock:
            return self._records.set_trial_state_values(trial_id, state, floats, _utcnow())

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            trial = self._records.pop_waiting_trial(study_id, _utcnow())
            return None if trial is None else trial._copy(deep=True)

    def _pop_waiting_or_create_trial(self, study_id: int) -> FrozenTrial:
        # One lock and one clock reading: this runs once per asked trial.
        now = _utcnow()
        with self._lock:
            popped = self._records.pop_waiting_trial(study_id, now)
            if popped is not None:
                return popped._copy(deep=True)
            trial = new_trial_record(TrialState.RUNNING, None, now)
            return self._records.create_trial(study_id, trial)._copy(deep=False)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        with self._lock:
            self._records.set_trial_intermediate_value(trial_id, step, intermediate_value)

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: Sequence[float]
    ) -> None:
        floats = tuple(float(v) for v in values)
        with self._lock:
            self._records.set_trial_intermediate_vector(trial_id, step, floats)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._records.set_trial_attr(trial_id, "user_attrs", key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._records.set_trial_attr(trial_id, "system_attrs", key, value)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._records.trial(trial_id)._copy(deep=True)

    # -- reads (StudyRecordReads) ----------------------------------------------------------
    def _read_study(self, study_id: int) -> StudyRecord:
        return self._records.study(study_id)

    def _read_all_studies(self) -> dict[int, StudyRecord]:
        return self._records.studies
