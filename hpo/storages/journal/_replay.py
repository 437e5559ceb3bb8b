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
from hpo.distributions import BaseDistribution, cached_json_to_distribution
from hpo.storages._records import AttrsName, StudyRecords, new_trial_record
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
OP_SET_TRIAL_INTERMEDIATE_VECTOR = "set_trial_intermediate_vector"
OP_SET_TRIAL_USER_ATTR = "set_trial_user_attr"
OP_SET_TRIAL_SYSTEM_ATTR = "set_trial_system_attr"


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


def distribution_of(text: Any) -> BaseDistribution:
    """Return the distribution serialized as ``text`` (one shared object per distinct text)."""
    if not isinstance(text, str):
        raise CorruptLogError(f"not a distribution: {text!r}")
    try:
        return cached_json_to_distribution(text)
    except (ValueError, TypeError, KeyError):
        raise CorruptLogError(f"not a distribution: {text!r}") from None


class JournalState(StudyRecords):
    """Every study and trial of a journal, as of the last applied log.

    Each log is decoded here and applied by :class:`~hpo.storages._records.StudyRecords`,
    the state machine the in-memory storage uses too.
    """

    def __init__(self) -> None:
        super().__init__()
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            OP_CREATE_STUDY: self._create_study,
            OP_DELETE_STUDY: lambda log: self.delete_study(_int_field(log, "study_id")),
            OP_SET_STUDY_USER_ATTR: lambda log: self._set_study_attr(log, "user_attrs"),
            OP_SET_STUDY_SYSTEM_ATTR: lambda log: self._set_study_attr(log, "system_attrs"),
            OP_CREATE_TRIAL: self._create_trial,
            OP_POP_WAITING_TRIAL: self._pop_waiting_trial,
            OP_SET_TRIAL_PARAM: self._set_trial_param,
            OP_SET_TRIAL_STATE_VALUES: self._set_trial_state_values,
            OP_SET_TRIAL_INTERMEDIATE_VALUE: self._set_trial_intermediate_value,
            OP_SET_TRIAL_INTERMEDIATE_VECTOR: self._set_trial_intermediate_vector,
            OP_SET_TRIAL_USER_ATTR: lambda log: self._set_trial_attr(log, "user_attrs"),
            OP_SET_TRIAL_SYSTEM_ATTR: lambda log: self._set_trial_attr(log, "system_attrs"),
        }

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

    # -- decoding, then applying -----------------------------------------------------------
    def _create_study(self, log: dict[str, Any]) -> int:
        name = _str_field(log, "name")
        raw_directions = _field(log, "directions")
        try:
            directions = [StudyDirection(d) for d in raw_directions]
        except (TypeError, ValueError):
            raise CorruptLogError(f"not directions: {raw_directions!r}") from None
        if not directions:
            raise CorruptLogError("a study needs at least one direction")
        return self.create_study(name, directions)

    def _set_study_attr(self, log: dict[str, Any], attrs: AttrsName) -> None:
        study_id = _int_field(log, "study_id")
        key = _str_field(log, "key")
        value = decode_attr(_field(log, "value"))
        self.set_study_attr(study_id, attrs, key, value)

    def _create_trial(self, log: dict[str, Any]) -> int:
        study_id = _int_field(log, "study_id")
        start = decode_datetime(_field(log, "datetime_start"))
        if "state" not in log:
            trial = new_trial_record(TrialState.RUNNING, None, start)
        else:
            trial = _template_trial(log, start)
        return self.create_trial(study_id, trial)._trial_id

    def _pop_waiting_trial(self, log: dict[str, Any]) -> int | None:
        study_id = _int_field(log, "study_id")
        start = decode_datetime(_field(log, "datetime_start"))
        trial = self.pop_waiting_trial(study_id, start)
        return None if trial is None else trial._trial_id

    def _set_trial_param(self, log: dict[str, Any]) -> None:
        # The most frequent operation: fields are read inline rather than through helpers.
        try:
            trial_id = log["trial_id"]
            name = log["name"]
            internal = decode_float(log["value"])
            distribution = distribution_of(log["distribution"])
        except KeyError as e:
            raise CorruptLogError(f"missing field {e}") from None
        if type(trial_id) is not int or type(name) is not str:
            raise CorruptLogError(f"bad trial id {trial_id!r} or name {name!r}")
        external = _external(distribution, internal)
        self.set_trial_param(trial_id, name, external, distribution)

    def _set_trial_state_values(self, log: dict[str, Any]) -> bool:
        trial_id = _int_field(log, "trial_id")
        state = _state_field(log, "state")
        values = decode_values(_field(log, "values"))
        moment = decode_datetime(_field(log, "datetime"))
        return self.set_trial_state_values(trial_id, state, values, moment)

    def _set_trial_intermediate_value(self, log: dict[str, Any]) -> None:
        trial_id = _int_field(log, "trial_id")
        step = _int_field(log, "step")
        value = decode_float(_field(log, "value"))
        self.set_trial_intermediate_value(trial_id, step, value)

    def _set_trial_intermediate_vector(self, log: dict[str, Any]) -> None:
        trial_id = _int_field(log, "trial_id")
        step = _int_field(log, "step")
        values = decode_values(_field(log, "values"))
        if not values:
            raise CorruptLogError(f"not intermediate values: {log['values']!r}")
        self.set_trial_intermediate_vector(trial_id, step, tuple(values))

    def _set_trial_attr(self, log: dict[str, Any], attrs: AttrsName) -> None:
        trial_id = _int_field(log, "trial_id")
        key = _str_field(log, "key")
        value = decode_attr(_field(log, "value"))
        self.set_trial_attr(trial_id, attrs, key, value)


def _template_trial(log: dict[str, Any], start: datetime.datetime | None) -> FrozenTrial:
    state = _state_field(log, "state")
    values = decode_values(_field(log, "values"))
    complete = decode_datetime(_field(log, "datetime_complete"))
    distributions = {
        name: distribution_of(text) for name, text in _dict_field(log, "distributions").items()
    }
    internal_params = _dict_field(log, "params")
    if set(internal_params) != set(distributions):
        raise CorruptLogError("params and distributions name different parameters")
    params = {
        name: _external(distributions[name], decode_float(value))
        for name, value in internal_params.items()
    }
    steps = _field(log, "intermediate_values")
    try:
        intermediate = {int(step): decode_float(value) for step, value in steps}
    except (TypeError, ValueError):
        raise CorruptLogError(f"not intermediate values: {steps!r}") from None
    trial = new_trial_record(state, values, start, complete)
    trial._params = params
    trial._distributions = distributions
    trial._user_attrs = decode_attrs(_field(log, "user_attrs"))
    trial._system_attrs = decode_attrs(_field(log, "system_attrs"))
    trial._intermediate_values = intermediate
    # Written only for a template that has them, so older journals read as before.
    vectors = log.get("intermediate_vectors")
    if vectors is not None:
        try:
            trial._intermediate_vectors = {
                int(step): tuple(decode_values(values) or ()) for step, values in vectors
            }
        except (TypeError, ValueError):
            raise CorruptLogError(f"not intermediate vectors: {vectors!r}") from None
    return trial
