"""JournalStorage: every change is a log appended to a journal; every process replays it."""

from __future__ import annotations

import datetime
import os
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from hpo import logging
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution, distribution_to_json
from hpo.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from hpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from hpo.storages._study_record import StudyRecord, StudyRecordReads
from hpo.storages.journal import _replay as ops
from hpo.storages.journal._base import BaseJournalBackend
from hpo.storages.journal._codec import (
    CorruptLogError,
    encode_attr,
    encode_attrs,
    encode_datetime,
    encode_float,
    encode_values,
)
from hpo.storages.journal._replay import JournalState
from hpo.trial import FrozenTrial, TrialState

_logger = logging.get_logger(__name__)

# Errors an operation may meet at its place in the journal; only its writer raises them.
_REFUSALS = (KeyError, ValueError, DuplicatedStudyError, UpdateFinishedTrialError)
_READ_BACK_ATTEMPTS = 100


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _to_float(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a float, got {value!r}.") from None


class JournalStorage(StudyRecordReads, BaseStorage):
    """Keep studies in an append-only journal of operations, shared by many processes.

    Each change is appended as one log (an operation, its arguments and the writer's worker
    id). Every storage object replays the journal in order, so all of them hold the same
    state. Conflicts are settled by the order of the journal: of two workers that take the
    same WAITING trial, or create studies with the same name, the one whose log comes first
    wins, and the other learns it when it replays up to its own log. Each read replays only
    the logs appended since the previous one.

    Parameters
    ----------
    log_storage:
        The backend that keeps the journal, e.g. a :class:`JournalFileBackend`.

    Raises
    ------
    TypeError
        If ``log_storage`` is not a journal backend.

    Examples
    --------
    >>> import os, tempfile
    >>> import hpo
    >>> from hpo.storages.journal import JournalFileBackend, JournalStorage
    >>> path = os.path.join(tempfile.mkdtemp(), "study.journal")
    >>> study = hpo.create_study(storage=JournalStorage(JournalFileBackend(path)))
    """

    def __init__(self, log_storage: BaseJournalBackend) -> None:
        if not isinstance(log_storage, BaseJournalBackend):
            raise TypeError(
                f"log_storage must be a journal backend such as JournalFileBackend, got "
                f"{log_storage!r}."
            )
        self._backend = log_storage
        self._lock = threading.RLock()
        self._state = JournalState()
        self._n_logs = 0
        self._pid = -1
        self._worker = ""
        self._op_seq = 0
        self._outcomes: dict[int, tuple[Any, BaseException | None]] = {}
        with self._lock:
            self._worker_id()
            self._sync()

    def __getstate__(self) -> dict[str, Any]:
        return {"log_storage": self._backend}

    def __setstate__(self, state: dict[str, Any]) -> None:
        JournalStorage.__init__(self, state["log_storage"])

    # -- the journal -----------------------------------------------------------------------
    def _worker_id(self) -> str:
        # A forked child must not take its parent's logs for its own.
        pid = os.getpid()
        if pid != self._pid:
            self._pid = pid
            self._worker = uuid.uuid4().hex
        return self._worker

    def _sync(self) -> None:
        """Apply the logs appended since the last sync; remember the outcome of our own."""
        worker = self._worker
        apply = self._state.apply
        outcomes = self._outcomes
        for log in self._backend.read_logs(self._n_logs):
            log_number = self._n_logs
            self._n_logs += 1
            error: BaseException | None = None
            result = None
            try:
                result = apply(log)
            except CorruptLogError as e:
                _logger.warning("Skipped the malformed journal log #%d: %s.", log_number, e)
                error = StorageInternalError(f"Malformed log: {e}.")
            except _REFUSALS as e:
                error = e
            if log.get("worker") == worker:
                seq = log.get("seq")
                if type(seq) is int:
                    outcomes[seq] = (result, error)

    def _write(self, op: str, **fields: Any) -> Any:
        """Append one operation, replay up to it, and return its outcome or raise its error."""
        seq = self._op_seq
        self._op_seq += 1
        self._backend.append_logs([{"op": op, "worker": self._worker_id(), "seq": seq, **fields}])
        delay = 0.001
        for _ in range(_READ_BACK_ATTEMPTS):
            self._sync()
            outcome = self._outcomes.pop(seq, None)
            if outcome is not None:
                result, error = outcome
                if error is not None:
                    raise error
                return result
            # The backend may show our append to readers a moment later (e.g. over NFS).
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        raise StorageInternalError(
            f"The operation {op!r} was appended to the journal but never read back from it."
        )

    # -- studies ---------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        """Create a study and return its id.

        Raises
        ------
        DuplicatedStudyError
            If a study named ``study_name`` exists, or another process created one first.
        ValueError
            If ``directions`` is empty or holds something that is not a direction.
        TypeError
            If ``study_name`` is not a string.
        """
        if study_name is not None and not isinstance(study_name, str):
            raise TypeError(f"study_name must be a string or None, got {study_name!r}.")
        try:
            direction_values = [int(StudyDirection(d)) for d in directions]
        except (TypeError, ValueError):
            raise ValueError(f"directions={directions!r} must be StudyDirection values.") from None
        if not direction_values:
            raise ValueError("directions must name at least one direction.")
        with self._lock:
            if study_name is None:
                study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
            self._sync()
            self._state.check_new_study(study_name)
            study_id: int = self._write(
                ops.OP_CREATE_STUDY, name=study_name, directions=direction_values
            )
            return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            self._sync()
            self._state.study(study_id)
            self._write(ops.OP_DELETE_STUDY, study_id=study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(ops.OP_SET_STUDY_USER_ATTR, study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(ops.OP_SET_STUDY_SYSTEM_ATTR, study_id, key, value)

    def _set_study_attr(self, op: str, study_id: int, key: str, value: Any) -> None:
        encoded = encode_attr(key, value)
        with self._lock:
            self._sync()
            self._state.study(study_id)
            self._write(op, study_id=study_id, key=key, value=encoded)

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            self._sync()
            return self._state.study_id(study_name)

    def _synced_study(self, study_id: int) -> StudyRecord:
        self._sync()
        return self._state.study(study_id)

    _read_study = _synced_study

    def _read_all_studies(self) -> dict[int, StudyRecord]:
        self._sync()
        return self._state.studies

    # -- trials ----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._create_new_trial(study_id, template_trial)._trial_id

    def _create_new_trial(
        self, study_id: int, template_trial: FrozenTrial | None = None
    ) -> FrozenTrial:
        fields = {} if template_trial is None else _encode_template(template_trial)
        with self._lock:
            self._sync()
            if template_trial is not None:
                self._state.check_template(study_id, template_trial)
            else:
                self._state.study(study_id)
            fields.setdefault("datetime_start", _now())
            trial_id = self._write(ops.OP_CREATE_TRIAL, study_id=study_id, **fields)
            return self._state.trial(trial_id)._copy(deep=False)

    def _pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            if not self._synced_study(study_id).waiting_numbers:
                return None
            trial_id = self._write(
                ops.OP_POP_WAITING_TRIAL, study_id=study_id, datetime_start=_now()
            )
            if trial_id is None:
                return None  # others took every waiting trial first
            return self._state.trial(trial_id)._copy(deep=True)

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        if not isinstance(param_name, str):
            raise TypeError(f"param_name must be a string, got {param_name!r}.")
        if not isinstance(distribution, BaseDistribution):
            raise TypeError(f"distribution must be a distribution, got {distribution!r}.")
        internal = _to_float(param_value_internal, f"The value of parameter {param_name!r}")
        try:
            distribution.to_external_repr(internal)
        except (IndexError, ValueError, OverflowError) as e:
            raise ValueError(
                f"{param_value_internal!r} is not a value of {distribution} for parameter "
                f"{param_name!r}."
            ) from e
        distribution_json = distribution_to_json(distribution)
        with self._lock:
            self._sync()
            self._state.check_param(trial_id, param_name, distribution)
            self._write(
                ops.OP_SET_TRIAL_PARAM,
                trial_id=trial_id,
                name=param_name,
                value=encode_float(internal),
                distribution=distribution_json,
            )

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            self._sync()
            return self._state.trial_id(study_id, trial_number)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            self._sync()
            return self._state.location(trial_id)[1]

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        with self._lock:
            self._sync()
            trial = self._state.trial(trial_id)
            return trial.distributions[param_name].to_internal_repr(trial.params[param_name])

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Set a trial's state and values; see
        :meth:`~hpo.storages.BaseStorage.set_trial_state_values`.

        Raises
        ------
        TypeError
            If ``state`` is not a :class:`TrialState` or a value is not a number.
        UpdateFinishedTrialError
            If the trial is finished, or another process finished it first.
        """
        if not isinstance(state, TrialState):
            raise TypeError(f"state must be a TrialState, got {state!r}.")
        encoded_values = (
            None
            if values is None
            else encode_values([_to_float(v, "An objective value") for v in values])
        )
        with self._lock:
            self._sync()
            _, trial = self._state.updatable_trial(trial_id)
            if state == TrialState.RUNNING and trial.state != TrialState.WAITING:
                return False
            taken: bool = self._write(
                ops.OP_SET_TRIAL_STATE_VALUES,
                trial_id=trial_id,
                state=int(state),
                values=encoded_values,
                datetime=_now(),
            )
            return taken

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"step must be an int, got {step!r}.")
        value = encode_float(_to_float(intermediate_value, "intermediate_value"))
        with self._lock:
            self._sync()
            self._state.updatable_trial(trial_id)
            self._write(
                ops.OP_SET_TRIAL_INTERMEDIATE_VALUE, trial_id=trial_id, step=int(step), value=value
            )

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: Sequence[float]
    ) -> None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"step must be an int, got {step!r}.")
        encoded = encode_values([_to_float(v, "intermediate_value") for v in values])
        with self._lock:
            self._sync()
            study, trial = self._state.updatable_trial(trial_id)
            if len(values) != len(study.directions):
                raise ValueError(
                    f"Trial#{trial.number} got {len(values)} intermediate values "
                    f"{list(values)} for a study with {len(study.directions)} objectives."
                )
            self._write(
                ops.OP_SET_TRIAL_INTERMEDIATE_VECTOR,
                trial_id=trial_id,
                step=int(step),
                values=encoded,
            )

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(ops.OP_SET_TRIAL_USER_ATTR, trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(ops.OP_SET_TRIAL_SYSTEM_ATTR, trial_id, key, value)

    def _set_trial_attr(self, op: str, trial_id: int, key: str, value: Any) -> None:
        encoded = encode_attr(key, value)
        with self._lock:
            self._sync()
            self._state.updatable_trial(trial_id)
            self._write(op, trial_id=trial_id, key=key, value=encoded)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            self._sync()
            return self._state.trial(trial_id)._copy(deep=True)


def _encode_template(template: FrozenTrial) -> dict[str, Any]:
    """Return the fields of a create-trial log that copies ``template``.

    Raises
    ------
    ValueError
        If parameters and distributions disagree or a value is not in its distribution.
    TypeError
        If an attribute is not JSON-serializable.
    """
    if not isinstance(template, FrozenTrial):
        raise TypeError(f"template_trial must be a FrozenTrial, got {template!r}.")
    distributions = template.distributions
    if set(template.params) != set(distributions):
        raise ValueError(
            f"The template's params {sorted(template.params)} and distributions "
            f"{sorted(distributions)} must name the same parameters."
        )
    fields: dict[str, Any] = {
        "state": int(template.state),
        "values": encode_values(template._values),
        "datetime_start": encode_datetime(template.datetime_start),
        "datetime_complete": encode_datetime(template.datetime_complete),
        "params": {
            name: encode_float(distributions[name].to_internal_repr(value))
            for name, value in template.params.items()
        },
        "distributions": {name: distribution_to_json(d) for name, d in distributions.items()},
        "user_attrs": encode_attrs(template.user_attrs),
        "system_attrs": encode_attrs(template.system_attrs),
        "intermediate_values": [
            [int(step), encode_float(value)]
            for step, value in sorted(template.intermediate_values.items())
        ],
    }
    if template.intermediate_vectors:
        fields["intermediate_vectors"] = [
            [int(step), encode_values(values)]
            for step, values in sorted(template.intermediate_vectors.items())
        ]
    return fields
