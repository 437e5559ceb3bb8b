"""The storage contract.

A storage is the only part of hpo that knows how studies and trials are kept. Study and Trial
talk to it through these methods alone, and one contract test suite
(``tests/storages/test_storage_contract.py``) runs against every implementation.

Rules every implementation follows:

* Unknown study or trial identifiers and unknown study names raise :class:`KeyError`.
* Creating a study whose name exists raises :class:`~hpo.exceptions.DuplicatedStudyError`.
* Any change to a finished (COMPLETE, PRUNED, FAIL) trial raises
  :class:`~hpo.exceptions.UpdateFinishedTrialError`; the stored trial is left unchanged.
* Trial numbers within a study are ``0, 1, 2, ...`` in creation order, unique even when many
  processes create trials at the same time.
* ``set_trial_state_values(trial_id, RUNNING)`` on a WAITING trial is atomic: of several
  callers exactly one gets ``True``; the others get ``False``.
* A parameter name keeps one kind of distribution within a study:
  :func:`~hpo.distributions.check_distribution_compatibility` is enforced across trials.
* Objective and intermediate values (and intermediate vectors) keep ``inf``, ``-inf`` (and
  NaN for intermediate values) exactly; datetimes are timezone-aware UTC.
* Returned trials are in ascending number order. With ``deepcopy=False`` the caller must treat
  them as read-only.
"""

from __future__ import annotations

import abc
from collections.abc import Container, Sequence
from typing import Any

from hpo._best_trial import check_best_trial, find_best_trial
from hpo._frozen_study import FrozenStudy
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.exceptions import UpdateFinishedTrialError
from hpo.trial import FrozenTrial, TrialState

DEFAULT_STUDY_NAME_PREFIX = "no-name-"


class BaseStorage(abc.ABC):
    """The interface every storage implements. See the module documentation for the rules."""

    # -- studies ---------------------------------------------------------------------------
    @abc.abstractmethod
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        """Create a study and return its id; a name is generated when ``study_name`` is None.

        Raises
        ------
        DuplicatedStudyError
            If a study named ``study_name`` exists.
        """

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study and all its trials.

        Raises
        ------
        KeyError
            If the study does not exist.
        """

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable user attribute of a study."""

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serializable system attribute of a study."""

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Return the id of the study named ``study_name``; :class:`KeyError` if none."""

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str:
        """Return the name of a study."""

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        """Return the direction of each objective of a study."""

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """Return a study's user attributes."""

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """Return a study's system attributes."""

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Return every study in the storage."""

    # -- trials ----------------------------------------------------------------------------
    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        """Create a trial and return its id.

        Without a template the trial is RUNNING and started now. With one, its state,
        values, params, attributes, intermediate values and datetimes are copied.
        """

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        """Create a trial and return its record; storages override this to save a read."""
        return self.get_trial(self.create_new_trial(study_id, template_trial))

    def _create_study_with_trials(
        self,
        study_name: str,
        directions: Sequence[StudyDirection],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        trials: Sequence[FrozenTrial],
    ) -> int:
        """Create a study holding copies of ``trials`` (numbered in order); all or nothing.

        The trials are copied as :meth:`create_new_trial` copies a template, in any state.
        This implementation makes one call per trial and deletes the study again if one
        fails; storages override it to write everything in one transaction.

        Returns
        -------
        int
            The new study's id.

        Raises
        ------
        DuplicatedStudyError
            If a study named ``study_name`` exists; nothing is written then.
        ValueError
            If a trial's distribution conflicts with an earlier trial's for the same name.
        """
        study_id = self.create_new_study(directions, study_name)
        try:
            for key, value in user_attrs.items():
                self.set_study_user_attr(study_id, key, value)
            for key, value in system_attrs.items():
                self.set_study_system_attr(study_id, key, value)
            for trial in trials:
                self.create_new_trial(study_id, template_trial=trial)
        except BaseException:
            self.delete_study(study_id)
            raise
        return study_id

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        """Atomically move the lowest-numbered WAITING trial to RUNNING and return it.

        Returns ``None`` when no trial is waiting. Of several workers popping at once, each
        waiting trial goes to exactly one.
        """
        waiting = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.WAITING,))
        for trial in waiting:
            try:
                if self.set_trial_state_values(trial._trial_id, TrialState.RUNNING):
                    return self.get_trial(trial._trial_id)
            except UpdateFinishedTrialError:
                continue  # finished by another worker between the read and the update
        return None

    def _pop_waiting_or_create_trial(self, study_id: int) -> FrozenTrial:
        """Start the lowest-numbered WAITING trial, or create a new RUNNING one if none waits.

        This is what ``Study.ask`` calls: an enqueued trial is always taken before a new one
        is created, whichever process enqueued it. Storages override it to do both in one
        step.
        """
        popped = self._pop_waiting_trial(study_id)
        if popped is not None:
            return popped
        return self._create_new_trial(study_id)

    @abc.abstractmethod
    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        """Record a parameter of a RUNNING trial, in internal representation.

        Raises
        ------
        ValueError
            If ``distribution`` is incompatible with the one this study uses for the name.
        UpdateFinishedTrialError
            If the trial is finished.
        """

    @abc.abstractmethod
    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        """Return the id of trial ``trial_number`` of a study; :class:`KeyError` if none."""

    def get_trial_number_from_id(self, trial_id: int) -> int:
        """Return a trial's number."""
        return self.get_trial(trial_id).number

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        """Return a parameter of a trial in internal representation."""
        trial = self.get_trial(trial_id)
        return trial.distributions[param_name].to_internal_repr(trial.params[param_name])

    @abc.abstractmethod
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Set a trial's state and, for finished states, its values and completion time.

        Returns
        -------
        bool
            ``False`` if the trial was not WAITING and ``state`` is RUNNING (another worker
            took it), ``True`` otherwise.

        Raises
        ------
        UpdateFinishedTrialError
            If the trial is already finished.
        """

    @abc.abstractmethod
    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        """Record (or overwrite) the intermediate value of a RUNNING trial at ``step``."""

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: Sequence[float]
    ) -> None:
        """Record (or overwrite) the values, one per objective, a RUNNING trial reported at
        ``step`` in a multi-objective study.

        One write per report, whatever the number of steps before it; read back as
        :attr:`FrozenTrial.intermediate_vectors <hpo.trial.FrozenTrial.intermediate_vectors>`.

        Raises
        ------
        NotImplementedError
            In a storage that does not keep them (every storage of hpo does).
        UpdateFinishedTrialError
            If the trial is finished.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not keep multi-objective intermediate values."
        )

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a user attribute of a trial that is not finished."""

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a system attribute of a trial that is not finished."""

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """Return a copy of a trial's record; :class:`KeyError` if there is none."""

    @abc.abstractmethod
    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """Return a study's trials in number order, optionally only those in ``states``."""

    def get_n_trials(
        self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None
    ) -> int:
        """Return how many trials a study has, optionally only in the given state(s)."""
        if isinstance(state, TrialState):
            state = (state,)
        return len(self.get_all_trials(study_id, deepcopy=False, states=state))

    def get_trial_state_counts(self, study_id: int) -> dict[TrialState, int]:
        """Return how many trials of a study are in each state (states with none left out).

        Backends answer this without reading every trial where they can, so that a monitor
        (the dashboard) can show the size of a large study before loading it.

        Raises
        ------
        KeyError
            If the study does not exist.
        """
        counts: dict[TrialState, int] = {}
        for trial in self.get_all_trials(study_id, deepcopy=False):
            counts[trial.state] = counts.get(trial.state, 0) + 1
        return counts

    def get_trials_by_number_range(
        self, study_id: int, start: int, stop: int
    ) -> list[FrozenTrial]:
        """Return a study's trials numbered ``start <= number < stop``, in number order.

        The records are as current as :meth:`get_all_trials` returns them and, as with its
        ``deepcopy=False``, read-only. Backends that cache finished trials read only the
        range asked for, so that a large study can be loaded in pieces.

        Raises
        ------
        ValueError
            If ``start`` or ``stop`` is not a non-negative integer.
        KeyError
            If the study does not exist.
        """
        check_number_range(start, stop)
        return self.get_all_trials(study_id, deepcopy=False)[start:stop]

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """Return the best trial of a single-objective study (see :mod:`hpo._best_trial`).

        Among COMPLETE and feasible trials the best value wins, the earliest trial a tie.

        Raises
        ------
        ValueError
            If there is no such trial, or the study has several objectives.
        """
        directions = self.get_study_directions(study_id)
        best = None
        if len(directions) == 1:
            trials = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
            best = find_best_trial(trials, directions[0])
        return check_best_trial(best, directions)._copy(deep=True)

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's parameters in external representation."""
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's user attributes."""
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's system attributes."""
        return self.get_trial(trial_id).system_attrs

    def remove_session(self) -> None:
        """Release per-thread resources (connections); a no-op where there are none."""

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        """Raise :class:`~hpo.exceptions.UpdateFinishedTrialError` for a finished state."""
        if trial_state.is_finished():
            trial_number = self.get_trial_number_from_id(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial#{trial_number} is already finished ({trial_state.name}) and cannot be "
                "updated."
            )


def check_number_range(start: object, stop: object) -> None:
    """Raise ``ValueError`` unless ``start`` and ``stop`` are non-negative integers."""
    for name, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name}={value!r} must be a non-negative integer trial number.")
