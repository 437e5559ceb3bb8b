"""Finishing a trial: validate what the objective returned and record the outcome."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo import logging
from hpo._keys import FAIL_REASON_KEY
from hpo.exceptions import UpdateFinishedTrialError
from hpo.study._arguments import check_tell_state
from hpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from hpo.study._protocol import TellingStudy as Study

_logger = logging.get_logger(__name__)


def check_values(
    values: float | Sequence[float] | None, n_objectives: int
) -> tuple[list[float] | None, str | None]:
    """Convert what an objective returned into a list of floats.

    Returns
    -------
    tuple
        ``(values, None)`` when valid, ``(None, reason)`` otherwise: no value, a value that
        is not a number, NaN, or the wrong number of values.
    """
    if values is None:
        return None, "the objective returned None instead of a value."
    if values.__class__ is float:
        sequence: Sequence[object] = [values]
    elif isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        sequence = [values]
    else:
        sequence = values
    floats: list[float] = []
    try:
        for value in sequence:
            try:
                # Whatever float() raises (an int beyond the float range, a __float__ that
                # fails) makes the value invalid, not the study.
                number = float(value)  # type: ignore[arg-type]
            except Exception as e:
                return None, (
                    f"the value {_short(value)} could not be converted to float "
                    f"({type(e).__name__}: {e})."
                )
            if math.isnan(number):
                return None, f"the objective returned NaN ({_short(list(sequence))})."
            floats.append(number)
    except Exception as e:  # a sequence whose iteration fails
        return None, f"the values {_short(values)} could not be read ({type(e).__name__}: {e})."
    if len(floats) != n_objectives:
        return None, (
            f"the objective returned {len(floats)} value(s) {floats!r} but the study has "
            f"{n_objectives} objective(s)."
        )
    return floats, None


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 80 else text[:77] + "..."


def _resolve(study: Study, trial: Trial | int) -> tuple[int, FrozenTrial]:
    storage = study._storage
    if isinstance(trial, Trial):
        if trial.study._study_id != study._study_id or trial.study._storage is not storage:
            raise ValueError(f"Trial {trial.number} belongs to another study.")
        return trial._trial_id, trial._cached_frozen_trial
    if isinstance(trial, FrozenTrial):
        raise TypeError("tell() takes a Trial or a trial number, not a FrozenTrial.")
    if not isinstance(trial, int) or isinstance(trial, bool):
        raise TypeError(f"tell() takes a Trial or a trial number, got {trial!r}.")
    try:
        trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, trial)
    except KeyError:
        raise ValueError(f"The study has no trial number {trial}.") from None
    return trial_id, storage.get_trial(trial_id)


def tell(
    study: Study,
    trial: Trial | int,
    values: float | Sequence[float] | None,
    state: TrialState | None,
    skip_if_finished: bool,
) -> tuple[FrozenTrial, str | None]:
    """Record the outcome of a trial; see :meth:`Study.tell`.

    Returns
    -------
    tuple
        The finished trial, and the reason it failed when ``state`` was ``None`` and the
        values were invalid (else ``None``).
    """
    storage = study._storage
    check_tell_state(state)
    trial_id, frozen = _resolve(study, trial)
    if state is not None and not state.is_finished():
        raise ValueError(f"tell() needs state COMPLETE, PRUNED or FAIL, got state={state.name}.")

    # A live trial's local record is current: this process owns the RUNNING trial. If another
    # worker failed it meanwhile (stale heartbeat), the conditional state update below says so.
    current = frozen
    if current.state.is_finished():
        if skip_if_finished:
            return current, None
        raise UpdateFinishedTrialError(
            f"Trial {current.number} is already finished ({current.state.name})."
        )
    if current.state == TrialState.WAITING:
        raise ValueError(f"Trial {current.number} is WAITING and was never started.")

    reason: str | None = None
    n_objectives = len(study._directions)
    if state == TrialState.COMPLETE or state is None:
        checked, reason = check_values(values, n_objectives)
        if state == TrialState.COMPLETE and reason is not None:
            raise ValueError(f"Cannot tell trial {current.number} COMPLETE: {reason}")
        final_values = checked
        final_state = TrialState.FAIL if reason is not None else TrialState.COMPLETE
    else:
        if values is not None:
            raise ValueError(f"values must be None for a {state.name} trial, got {values!r}.")
        final_state = state
        final_values = None
        if state == TrialState.PRUNED:
            final_values = _last_intermediate_value(current)

    if reason is not None:
        storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, reason)
    try:
        study.sampler.after_trial(study, current, final_state, final_values)
    finally:
        # The outcome is recorded even when a sampler hook fails: a trial is never lost.
        try:
            storage.set_trial_state_values(trial_id, final_state, final_values)
        except UpdateFinishedTrialError:
            if not skip_if_finished:
                raise
    return storage.get_trial(trial_id), reason


def _last_intermediate_value(trial: FrozenTrial) -> list[float] | None:
    step = trial.last_step
    if step is None:
        return None
    if not trial.intermediate_values:  # a multi-objective trial: its last vector
        vector = list(trial.intermediate_vectors[step])
        return None if any(math.isnan(v) for v in vector) else vector
    value = trial.intermediate_values[step]
    return None if math.isnan(value) else [value]


def fail_unfinished_trial(
    study: Study, frozen: FrozenTrial, error: BaseException, call_after_trial: bool
) -> None:
    """Fail a trial that ``ask`` created but could not hand out, recording why.

    Called while ``error`` propagates, so a failure here is logged, not raised: the caller
    re-raises ``error``, the cause the user needs to see.
    """
    storage = study._storage
    trial_id = frozen._trial_id
    record_fail_reason(study, frozen, error)
    try:
        if call_after_trial:
            try:
                study.sampler.after_trial(study, frozen, TrialState.FAIL, None)
            except Exception:
                _logger.exception("The sampler's after_trial failed for trial %d.", frozen.number)
        storage.set_trial_state_values(trial_id, TrialState.FAIL, None)
    except UpdateFinishedTrialError:
        pass
    except Exception:
        _logger.exception("Could not mark trial %d as failed.", frozen.number)


def record_fail_reason(study: Study, frozen: FrozenTrial, error: BaseException) -> None:
    """Write why a trial failed into its ``fail_reason`` system attribute.

    A failure to write is logged, not raised: the FAIL state written next still records the
    outcome, and a trial finished meanwhile (by another worker) needs no reason.
    """
    try:
        study._storage.set_trial_system_attr(
            frozen._trial_id, FAIL_REASON_KEY, f"{type(error).__name__}: {error}"
        )
    except UpdateFinishedTrialError:
        pass
    except Exception:
        _logger.exception("Could not record why trial %d failed.", frozen.number)
