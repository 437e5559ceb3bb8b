"""StudyRecords: every study and trial of a storage held in memory, and the one place that
changes them.

``InMemoryStorage`` applies each call to a :class:`StudyRecords` directly; ``JournalStorage``
decodes each log of its journal and applies it to one. Both storages therefore follow the
same state machine with the same checks (the rules of :mod:`hpo.storages._base`):

* a trial is created RUNNING, or copied from a template in any state;
* WAITING -> RUNNING happens once: a second attempt returns ``False``;
* a finished trial (COMPLETE, PRUNED, FAIL) never changes again;
* a parameter name keeps one kind of distribution within a study.

Each change is checked in full before anything changes, so a refused change leaves nothing
behind. Datetimes are given by the caller (now, for the in-memory storage; the writer's time
recorded in the log, for a journal), so applying the same changes always gives the same state.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from typing import Any, Literal

from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpo.storages._study_record import StudyRecord
from hpo.trial import FrozenTrial, TrialState

AttrsName = Literal["user_attrs", "system_attrs"]


def finished_trial_error(trial: FrozenTrial) -> UpdateFinishedTrialError:
    """Return the error for a change to the finished ``trial``."""
    return UpdateFinishedTrialError(
        f"Trial#{trial.number} is already finished ({trial.state.name}) and cannot be updated."
    )


def new_trial_record(
    state: TrialState,
    values: list[float] | None,
    start: datetime.datetime | None,
    complete: datetime.datetime | None = None,
) -> FrozenTrial:
    """Return an empty record to pass to :meth:`StudyRecords.create_trial`."""
    return FrozenTrial(-1, state, None, start, complete, {}, {}, {}, {}, {}, -1, values=values)


class StudyRecords:
    """Every study and trial, by id, with the operations that change them."""

    def __init__(self) -> None:
        self.studies: dict[int, StudyRecord] = {}
        self.study_name_to_id: dict[str, int] = {}
        self.trial_locations: dict[int, tuple[int, int]] = {}  # trial_id -> (study_id, number)
        self.next_study_id = 0
        self.next_trial_id = 0

    # -- queries ---------------------------------------------------------------------------
    def study(self, study_id: int) -> StudyRecord:
        """Return a study; :class:`KeyError` if there is none with this id."""
        try:
            return self.studies[study_id]
        except (KeyError, TypeError):
            raise KeyError(f"No study with id {study_id!r}.") from None

    def study_id(self, study_name: str) -> int:
        """Return the id of the study named ``study_name``; :class:`KeyError` if none."""
        try:
            return self.study_name_to_id[study_name]
        except (KeyError, TypeError):
            raise KeyError(f"No study named {study_name!r}.") from None

    def location(self, trial_id: int) -> tuple[int, int]:
        """Return ``(study_id, number)`` of a trial; :class:`KeyError` if there is none."""
        try:
            return self.trial_locations[trial_id]
        except (KeyError, TypeError):
            raise KeyError(f"No trial with id {trial_id!r}.") from None

    def trial(self, trial_id: int) -> FrozenTrial:
        """Return the stored record of a trial (not a copy)."""
        study_id, number = self.location(trial_id)
        return self.studies[study_id].trials[number]

    def trial_id(self, study_id: int, number: int) -> int:
        """Return the id of trial ``number`` of a study; :class:`KeyError` if none."""
        trials = self.study(study_id).trials
        try:
            index = operator.index(number)
        except TypeError:
            index = -1
        if not 0 <= index < len(trials):
            raise KeyError(f"Study {study_id} has no trial number {number!r}.")
        return trials[index]._trial_id

    def updatable_trial(self, trial_id: int) -> tuple[StudyRecord, FrozenTrial]:
        """Return a trial that may change, with its study.

        Raises
        ------
        KeyError
            If there is no such trial.
        UpdateFinishedTrialError
            If the trial is finished.
        """
        study_id, number = self.location(trial_id)
        study = self.studies[study_id]
        trial = study.trials[number]
        if trial.state.is_finished():
            raise finished_trial_error(trial)
        return study, trial

    def check_new_study(self, name: str) -> None:
        """Raise :class:`DuplicatedStudyError` if a study named ``name`` exists."""
        if name in self.study_name_to_id:
            raise DuplicatedStudyError(f"A study named {name!r} already exists.")

    def check_param(
        self, trial_id: int, name: str, distribution: BaseDistribution
    ) -> tuple[StudyRecord, FrozenTrial]:
        """Check that parameter ``name`` of a trial may be set from ``distribution``.

        Raises
        ------
        KeyError, UpdateFinishedTrialError
            As :meth:`updatable_trial`.
        ValueError
            If the study uses ``name`` with an incompatible distribution.
        """
        study, trial = self.updatable_trial(trial_id)
        study.check_distribution(name, distribution)
        return study, trial

    def check_template(self, study_id: int, template: FrozenTrial) -> StudyRecord:
        """Check that a trial copied from ``template`` may join a study.

        Raises
        ------
        KeyError
            If there is no such study.
        ValueError
            If a distribution of the template conflicts with the study's.
        """
        study = self.study(study_id)
        for name, distribution in template.distributions.items():
            study.check_distribution(name, distribution)
        return study

    # -- changes ---------------------------------------------------------------------------
    def create_study(self, name: str, directions: list[StudyDirection]) -> int:
        """Add a study and return its id; :class:`DuplicatedStudyError` for a taken name."""
        self.check_new_study(name)
        study_id = self.next_study_id
        self.next_study_id += 1
        self.studies[study_id] = StudyRecord(name, directions)
        self.study_name_to_id[name] = study_id
        return study_id

    def delete_study(self, study_id: int) -> None:
        """Remove a study and its trials; :class:`KeyError` if there is none."""
        study = self.study(study_id)
        for trial in study.trials:
            del self.trial_locations[trial._trial_id]
        del self.study_name_to_id[study.name]
        del self.studies[study_id]

    def set_study_attr(self, study_id: int, attrs: AttrsName, key: str, value: Any) -> None:
        """Set a user or system attribute of a study."""
        getattr(self.study(study_id), attrs)[key] = value

    def create_trial(self, study_id: int, trial: FrozenTrial) -> FrozenTrial:
        """Add ``trial`` to a study, giving it its number and id, and return it.

        ``trial`` becomes the stored record: pass an object nobody else holds.

        Raises
        ------
        KeyError
            If there is no such study.
        ValueError
            If a distribution of ``trial`` conflicts with the study's.
        """
        study = self.check_template(study_id, trial)
        trial._number = len(study.trials)
        trial._trial_id = self.next_trial_id
        self.next_trial_id += 1
        study.trials.append(trial)
        self.trial_locations[trial._trial_id] = (study_id, trial._number)
        if len(trial.intermediate_vectors) > 1:
            trial._intermediate_vectors = dict(sorted(trial.intermediate_vectors.items()))
        for name, distribution in trial.distributions.items():
            study.param_distribution.setdefault(name, distribution)
        if trial.state == TrialState.WAITING:
            study.waiting_numbers.append(trial._number)
        elif trial.state == TrialState.COMPLETE:
            study.update_best(trial)
        return trial

    def pop_waiting_trial(
        self, study_id: int, moment: datetime.datetime | None
    ) -> FrozenTrial | None:
        """Start the lowest-numbered WAITING trial of a study; ``None`` if none waits."""
        study = self.study(study_id)
        if not study.waiting_numbers:
            return None
        trial = study.trials[study.waiting_numbers.pop(0)]
        trial._state = TrialState.RUNNING
        trial._datetime_start = moment
        return trial

    def set_trial_param(
        self, trial_id: int, name: str, value: Any, distribution: BaseDistribution
    ) -> None:
        """Record a parameter (external ``value``) of an unfinished trial.

        Raises
        ------
        KeyError, UpdateFinishedTrialError, ValueError
            As :meth:`check_param`.
        """
        study, trial = self.check_param(trial_id, name, distribution)
        study.param_distribution.setdefault(name, distribution)
        trial._params[name] = value
        trial._distributions[name] = distribution

    def set_trial_state_values(
        self,
        trial_id: int,
        state: TrialState,
        values: list[float] | None,
        moment: datetime.datetime | None,
    ) -> bool:
        """Move an unfinished trial to ``state`` at ``moment``, with ``values`` if given.

        Returns
        -------
        bool
            ``False`` (and nothing changes) if ``state`` is RUNNING and the trial is not
            WAITING: another worker took it.

        Raises
        ------
        KeyError, UpdateFinishedTrialError
            As :meth:`updatable_trial`.
        """
        study, trial = self.updatable_trial(trial_id)
        if state == TrialState.RUNNING and trial.state != TrialState.WAITING:
            return False
        if trial.state == TrialState.WAITING:
            study.waiting_numbers.remove(trial.number)
        trial._state = state
        if values is not None:
            trial._values = values
        if state == TrialState.RUNNING:
            trial._datetime_start = moment
        elif state.is_finished():
            trial._datetime_complete = moment
            if state == TrialState.COMPLETE:
                study.update_best(trial)
        elif state == TrialState.WAITING:
            bisect.insort(study.waiting_numbers, trial.number)
        return True

    def set_trial_intermediate_value(self, trial_id: int, step: int, value: float) -> None:
        """Record (or overwrite) the intermediate value of an unfinished trial at ``step``."""
        _, trial = self.updatable_trial(trial_id)
        trial._intermediate_values[step] = value

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        """Record (or overwrite) the values, one per objective, of an unfinished trial at
        ``step``.

        Raises
        ------
        KeyError, UpdateFinishedTrialError
            As :meth:`updatable_trial`.
        ValueError
            If the number of values is not the study's number of objectives.
        """
        study, trial = self.updatable_trial(trial_id)
        if len(values) != len(study.directions):
            raise ValueError(
                f"Trial#{trial.number} got {len(values)} intermediate values {list(values)} "
                f"for a study with {len(study.directions)} objectives."
            )
        vectors = trial.intermediate_vectors
        in_order = not vectors or step > next(reversed(vectors))
        vectors[step] = values
        if not in_order:  # kept in step order, as every backend reads them
            trial._intermediate_vectors = dict(sorted(vectors.items()))

    def set_trial_attr(self, trial_id: int, attrs: AttrsName, key: str, value: Any) -> None:
        """Set a user or system attribute of an unfinished trial."""
        _, trial = self.updatable_trial(trial_id)
        getattr(trial, attrs)[key] = value
