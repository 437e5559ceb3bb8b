"""Replaying a journal: the state of every study, rebuilt by applying logs in order.

Applying is deterministic: it depends only on the logs (datetimes come from the writer, ids
and trial numbers from the order of the logs), so every process that replays the same
journal holds the same state. An operation that is not valid at its place in the journal
(a duplicate study name, a change to a finished trial, a WAITING trial already taken) changes
nothing, in every process; only its writer reports the outcome. Each operation is checked in
full before anything changes, so a refused operation never leaves a partial change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from hpo._study_direction import StudyDirection
from hpo.distributions import (
    BaseDistribution,
    json_to_distribution,
)
from hpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpo.storages._study_record import StudyRecord
from hpo.storages.journal._codec import (
    CorruptLogError,
    decode_attr,
    decode_attrs,
    decode_datetime,
    decode_float,
    decode_values,
)
from hpo.trial import FrozenTrial, TrialState

OP_CREATE_STUDY = "create_study"
OP_DELETE_STUDY = "delete_study"
OP_SET_STUDY_USER_ATTR = "set_study_user_attr"
OP_SET_STUDY_SYSTEM_ATTR = "set_study_system_attr"
OP_CREATE_TRIAL = "create_trial"
OP_POP_WAITING_TRIAL = "pop_waiting_trial"
OP_SET_TRIAL_PARAM = "set_trial_param"
OP_SET_TRIAL_STATE_VALUES = "set_trial_state_values"
OP_SET_TRIAL_INTERMEDIATE_VALUE = "set_trial_intermediate_value"
OP_SET_TRIAL_USER_ATTR = "set_trial_user_attr"
OP_SET_TRIAL_SYSTEM_ATTR = "set_trial_system_attr"


StudyState = StudyRecord


def _field(log: dict[str, Any], key: str) -> Any:
    try:
        return log[key]
    except KeyError:
        raise CorruptLogError(f"missing field {key!r}") from None


def _int_field(log: dict[str, Any], key: str) -> int:
    value = _field(log, key)
    if type(value) is not int:  # JSON gives int or bool; a bool is not an id
        raise CorruptLogError(f"field {key!r} is not an int: {value!r}")
    return value


def _str_field(log: dict[str, Any], key: str) -> str:
    value = _field(log, key)
    if type(value) is not str:
        raise CorruptLogError(f"field {key!r} is not a string: {value!r}")
    return value


def _dict_field(log: dict[str, Any], key: str) -> dict[str, Any]:
    value = _field(log, key)
    if not isinstance(value, dict):
        raise CorruptLogError(f"field {key!r} is not an object: {value!r}")
    return value


_STATES = {int(state): state for state in TrialState}


def _state_field(log: dict[str, Any], key: str) -> TrialState:
    # A dict lookup: constructing an IntEnum from its value is slow enough to show in replay.
    state = _STATES.get(_int_field(log, key))
    if state is None:
        raise CorruptLogError(f"field {key!r} is not a trial state: {log[key]!r}")
    return state


def _external(distribution: BaseDistribution, internal: float) -> Any:
    try:
        return distribution.to_external_repr(internal)
    except (IndexError, ValueError, OverflowError, TypeError):
        raise CorruptLogError(f"{internal!r} is not a value of {distribution}") from None


def finished_trial_error(trial: FrozenTrial) -> UpdateFinishedTrialError:
    """Return the error for a change to the finished ``trial``."""
    return UpdateFinishedTrialError(
        f"Trial#{trial.number} is already finished ({trial.state.name}) and cannot be updated."
    )


class JournalState:
    """Every study and trial of a journal, as of the last applied log."""

    def __init__(self) -> None:
        self.studies: dict[int, StudyState] = {}
        self.study_name_to_id: dict[str, int] = {}
        self.trial_locations: dict[int, tuple[int, int]] = {}
        self.next_study_id = 0
        self.next_trial_id = 0
        self._distributions: dict[str, BaseDistribution] = {}
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            OP_CREATE_STUDY: self._create_study,
            OP_DELETE_STUDY: self._delete_study,
            OP_SET_STUDY_USER_ATTR: lambda log: self._set_study_attr(log, "user_attrs"),
            OP_SET_STUDY_SYSTEM_ATTR: lambda log: self._set_study_attr(log, "system_attrs"),
            OP_CREATE_TRIAL: self._create_trial,
            OP_POP_WAITING_TRIAL: self._pop_waiting_trial,
            OP_SET_TRIAL_PARAM: self._set_trial_param,
            OP_SET_TRIAL_STATE_VALUES: self._set_trial_state_values,
            OP_SET_TRIAL_INTERMEDIATE_VALUE: self._set_trial_intermediate_value,
            OP_SET_TRIAL_USER_ATTR: lambda log: self._set_trial_attr(log, "user_attrs"),
            OP_SET_TRIAL_SYSTEM_ATTR: lambda log: self._set_trial_attr(log, "system_attrs"),
        }

    # -- queries ---------------------------------------------------------------------------
    def study(self, study_id: int) -> StudyState:
        """Return a study; :class:`KeyError` if there is none with this id."""
        try:
            return self.studies[study_id]
        except (KeyError, TypeError):
            raise KeyError(f"No study with id {study_id!r}.") from None

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

    def updatable_trial(self, trial_id: int) -> tuple[StudyState, FrozenTrial]:
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

    def distribution(self, text: Any) -> BaseDistribution:
        """Return the distribution serialized as ``text``, shared between identical texts."""
        if not isinstance(text, str):
            raise CorruptLogError(f"not a distribution: {text!r}")
        distribution = self._distributions.get(text)
        if distribution is None:
            try:
                distribution = json_to_distribution(text)
            except (ValueError, TypeError, KeyError):
                raise CorruptLogError(f"not a distribution: {text!r}") from None
            self._distributions[text] = distribution
        return distribution

    # -- applying --------------------------------------------------------------------------
    def apply(self, log: dict[str, Any]) -> Any:
        """Apply one log and return the operation's result.

        Raises
        ------
        CorruptLogError
            If the log is not a well-formed operation; nothing changes.
        KeyError, ValueError, DuplicatedStudyError, UpdateFinishedTrialError
            If the operation is not valid at this point of the journal; nothing changes.
        """
        op = log.get("op")
        handler = self._handlers.get(op) if isinstance(op, str) else None
        if handler is None:
            raise CorruptLogError(f"unknown operation {op!r}")
        return handler(log)

    def _create_study(self, log: dict[str, Any]) -> int:
        name = _str_field(log, "name")
        raw_directions = _field(log, "directions")
        try:
            directions = [StudyDirection(d) for d in raw_directions]
        except (TypeError, ValueError):
            raise CorruptLogError(f"not directions: {raw_directions!r}") from None
        if not directions:
            raise CorruptLogError("a study needs at least one direction")
        if name in self.study_name_to_id:
            raise DuplicatedStudyError(f"A study named {name!r} already exists.")
        study_id = self.next_study_id
        self.next_study_id += 1
        self.studies[study_id] = StudyState(name, directions)
        self.study_name_to_id[name] = study_id
        return study_id

    def _delete_study(self, log: dict[str, Any]) -> None:
        study_id = _int_field(log, "study_id")
        study = self.study(study_id)
        for trial in study.trials:
            del self.trial_locations[trial._trial_id]
        del self.study_name_to_id[study.name]
        del self.studies[study_id]

    def _set_study_attr(self, log: dict[str, Any], attrs_name: str) -> None:
        study_id = _int_field(log, "study_id")
        key = _str_field(log, "key")
        value = decode_attr(_field(log, "value"))
        getattr(self.study(study_id), attrs_name)[key] = value

    def _create_trial(self, log: dict[str, Any]) -> int:
        study_id = _int_field(log, "study_id")
        study = self.study(study_id)
        start = decode_datetime(_field(log, "datetime_start"))
        if "state" not in log:
            trial = self._new_trial(TrialState.RUNNING, None, start, None)
        else:
            trial = self._template_trial(study, log, start)
        trial._number = len(study.trials)
        trial._trial_id = self.next_trial_id
        self.next_trial_id += 1
        study.trials.append(trial)
        self.trial_locations[trial._trial_id] = (study_id, trial.number)
        for name, distribution in trial.distributions.items():
            study.param_distribution.setdefault(name, distribution)
        if trial.state == TrialState.WAITING:
            study.waiting_numbers.append(trial.number)
        elif trial.state == TrialState.COMPLETE:
            study.update_best(trial)
        return trial._trial_id

    @staticmethod
    def _new_trial(
        state: TrialState,
        values: list[float] | None,
        start: datetime.datetime | None,
        complete: datetime.datetime | None,
    ) -> FrozenTrial:
        return FrozenTrial(-1, state, None, start, complete, {}, {}, {}, {}, {}, -1, values=values)

    def _template_trial(
        self, study: StudyState, log: dict[str, Any], start: datetime.datetime | None
    ) -> FrozenTrial:
        state = _state_field(log, "state")
        values = decode_values(_field(log, "values"))
        complete = decode_datetime(_field(log, "datetime_complete"))
        distributions = {
            name: self.distribution(text)
            for name, text in _dict_field(log, "distributions").items()
        }
        internal_params = _dict_field(log, "params")
        if set(internal_params) != set(distributions):
            raise CorruptLogError("params and distributions name different parameters")
        params = {
            name: _external(distributions[name], decode_float(value))
            for name, value in internal_params.items()
        }
        user_attrs = decode_attrs(_field(log, "user_attrs"))
        system_attrs = decode_attrs(_field(log, "system_attrs"))
        steps = _field(log, "intermediate_values")
        try:
            intermediate = {int(step): decode_float(value) for step, value in steps}
        except (TypeError, ValueError):
            raise CorruptLogError(f"not intermediate values: {steps!r}") from None
        for name, distribution in distributions.items():
            study.check_distribution(name, distribution)
        trial = self._new_trial(state, values, start, complete)
        trial._params = params
        trial._distributions = distributions
        trial._user_attrs = user_attrs
        trial._system_attrs = system_attrs
        trial._intermediate_values = intermediate
        return trial

    def _pop_waiting_trial(self, log: dict[str, Any]) -> int | None:
        study = self.study(_int_field(log, "study_id"))
        start = decode_datetime(_field(log, "datetime_start"))
        if not study.waiting_numbers:
            return None
        trial = study.trials[study.waiting_numbers.pop(0)]
        trial._state = TrialState.RUNNING
        trial._datetime_start = start
        return trial._trial_id

    def _set_trial_param(self, log: dict[str, Any]) -> None:
        # The most frequent operation: fields are read inline rather than through helpers.
        try:
            trial_id = log["trial_id"]
            name = log["name"]
            internal = decode_float(log["value"])
            distribution = self.distribution(log["distribution"])
        except KeyError as e:
            raise CorruptLogError(f"missing field {e}") from None
        if type(trial_id) is not int or type(name) is not str:
            raise CorruptLogError(f"bad trial id {trial_id!r} or name {name!r}")
        external = _external(distribution, internal)
        study, trial = self.updatable_trial(trial_id)
        study.check_distribution(name, distribution)
        study.param_distribution.setdefault(name, distribution)
        trial._params[name] = external
        trial._distributions[name] = distribution

    def _set_trial_state_values(self, log: dict[str, Any]) -> bool:
        trial_id = _int_field(log, "trial_id")
        state = _state_field(log, "state")
        values = decode_values(_field(log, "values"))
        moment = decode_datetime(_field(log, "datetime"))
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
            study.waiting_numbers.append(trial.number)
            study.waiting_numbers.sort()
        return True

    def _set_trial_intermediate_value(self, log: dict[str, Any]) -> None:
        trial_id = _int_field(log, "trial_id")
        step = _int_field(log, "step")
        value = decode_float(_field(log, "value"))
        _, trial = self.updatable_trial(trial_id)
        trial._intermediate_values[step] = value

    def _set_trial_attr(self, log: dict[str, Any], attrs_name: str) -> None:
        trial_id = _int_field(log, "trial_id")
        key = _str_field(log, "key")
        value = decode_attr(_field(log, "value"))
        _, trial = self.updatable_trial(trial_id)
        getattr(trial, attrs_name)[key] = value
