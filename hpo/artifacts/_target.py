"""Where an artifact's metadata goes: the system attributes of a study or of a trial."""

from __future__ import annotations

from typing import Any

from hpo._frozen_study import DirectedStudyRecord
from hpo.exceptions import UpdateFinishedTrialError
from hpo.storages import BaseStorage, get_storage
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial

StudyOrTrial = Study | Trial | FrozenTrial


class AttributeTarget:
    """The system attributes of one stored study or trial, read and written through storage."""

    def __init__(
        self,
        storage: BaseStorage,
        *,
        study_id: int | None = None,
        trial_id: int | None = None,
        live_trial: Trial | None = None,
        label: str,
    ) -> None:
        self.storage = storage
        self.study_id = study_id
        self.trial_id = trial_id
        self.live_trial = live_trial
        self.label = label

    def system_attrs(self) -> dict[str, Any]:
        """Read the current system attributes from storage."""
        try:
            if self.trial_id is not None:
                return self.storage.get_trial_system_attrs(self.trial_id)
            assert self.study_id is not None
            return self.storage.get_study_system_attrs(self.study_id)
        except KeyError:
            raise self._missing() from None

    def check_writable(self) -> None:
        """Raise if an attribute cannot be written (a finished or missing trial)."""
        if self.trial_id is None:
            return
        try:
            state = self.storage.get_trial(self.trial_id).state
        except KeyError:
            raise self._missing() from None
        if state.is_finished():
            raise UpdateFinishedTrialError(
                f"{self.label} is {state.name}: artifacts can be uploaded to a trial only "
                f"while it runs (upload to the study instead)"
            )

    def set_system_attr(self, key: str, value: Any) -> None:
        """Write one system attribute; a live trial also sees it in its own record."""
        if self.live_trial is not None:
            self.live_trial.set_system_attr(key, value)
        elif self.trial_id is not None:
            self.storage.set_trial_system_attr(self.trial_id, key, value)
        else:
            assert self.study_id is not None
            self.storage.set_study_system_attr(self.study_id, key, value)

    def _missing(self) -> ValueError:
        return ValueError(f"{self.label} is not in the storage {self.storage!r}")


def resolve_target(
    study_or_trial: object, storage: BaseStorage | str | None, function: str
) -> AttributeTarget:
    """Return the attributes ``study_or_trial`` names.

    A Study or Trial brings its own storage; a FrozenTrial, FrozenStudy or StudySummary is
    only a record, so ``storage`` says where it is kept.

    Raises
    ------
    TypeError
        If ``study_or_trial`` is none of these, or ``storage`` is not a storage or URL.
    ValueError
        If a record is given without ``storage``, or was never stored.
    """
    if isinstance(study_or_trial, Study):
        return AttributeTarget(
            study_or_trial._storage,
            study_id=study_or_trial._study_id,
            label=f"study {study_or_trial.study_name!r}",
        )
    if isinstance(study_or_trial, Trial):
        trial_storage = study_or_trial._storage
        if not isinstance(trial_storage, BaseStorage):
            raise TypeError(f"the trial's storage is not a BaseStorage: {trial_storage!r}")
        return AttributeTarget(
            trial_storage,
            trial_id=study_or_trial._trial_id,
            live_trial=study_or_trial,
            label=f"trial {study_or_trial.number}",
        )
    if isinstance(study_or_trial, FrozenTrial):
        record_storage = _storage_for(storage, "a FrozenTrial", function)
        if study_or_trial._trial_id < 0:
            raise ValueError(
                f"FrozenTrial number {study_or_trial.number} was never stored (made by "
                f"create_trial and not added to a study), so it has no artifacts"
            )
        return AttributeTarget(
            record_storage,
            trial_id=study_or_trial._trial_id,
            label=f"trial {study_or_trial.number} (trial id {study_or_trial._trial_id})",
        )
    if isinstance(study_or_trial, DirectedStudyRecord):
        kind = type(study_or_trial).__name__
        record_storage = _storage_for(storage, f"a {kind}", function)
        return AttributeTarget(
            record_storage,
            study_id=study_or_trial._study_id,
            label=f"study id {study_or_trial._study_id}",
        )
    raise TypeError(
        f"study_or_trial must be a Study, Trial, FrozenTrial or FrozenStudy, got "
        f"{type(study_or_trial).__name__}"
    )


def _storage_for(storage: BaseStorage | str | None, what: str, function: str) -> BaseStorage:
    if storage is None:
        raise ValueError(
            f"{function}() needs storage= for {what}: a record does not know where it is "
            f"kept (pass the study's storage or its URL)"
        )
    return get_storage(storage)
