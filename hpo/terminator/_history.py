"""The terminator's estimates after each trial: the data behind the improvement plot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpo.pruners._rules import check_int
from hpo.terminator._error import BaseErrorEvaluator
from hpo.terminator._improvement import BaseImprovementEvaluator
from hpo.terminator._terminator import (
    DEFAULT_MIN_N_TRIALS,
    default_error_evaluator,
    default_improvement_evaluator,
)
from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study


@dataclass(frozen=True)
class ImprovementHistory:
    """The estimates a terminator would have seen after each COMPLETE trial.

    Attributes
    ----------
    trial_numbers:
        Numbers of the COMPLETE trials, in order.
    improvements:
        ``improvements[i]``: the room for improvement estimated from the COMPLETE trials up to
        and including ``trial_numbers[i]``.
    errors:
        The error estimates at the same points, or ``None`` if they were not computed.
    min_n_trials:
        The terminator's ``min_n_trials``: estimates at positions below it would not stop the
        study (a plot draws them lighter).
    """

    trial_numbers: list[int]
    improvements: list[float]
    errors: list[float] | None
    min_n_trials: int


def improvement_history(
    study: Study,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    *,
    compute_errors: bool = True,
) -> ImprovementHistory:
    """Replay the terminator's estimates over the COMPLETE trials of ``study``.

    The ``i``-th estimates are computed from the first ``i + 1`` COMPLETE trials, as a
    :class:`~hpo.terminator.Terminator` with the same evaluators would have after that
    trial. Defaults are the terminator's: a :class:`~hpo.terminator.RegretBoundEvaluator`,
    and ``StaticErrorEvaluator(0)`` for a stagnation evaluator or
    :class:`~hpo.terminator.CrossValidationErrorEvaluator` otherwise.

    Parameters
    ----------
    study:
        A single-objective study.
    improvement_evaluator, error_evaluator:
        The evaluators to replay.
    min_n_trials:
        Copied into the result (for the plot); estimates are computed for every trial.
    compute_errors:
        Compute the error estimates too (``False`` leaves ``errors`` as ``None``; useful when
        the objective reports no cross-validation scores).

    Returns
    -------
    ImprovementHistory
        One improvement (and error) estimate per COMPLETE trial.

    Raises
    ------
    ValueError
        If the study has several objectives or an evaluator cannot evaluate.

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> study = hpo.create_study()
    >>> for value in (3.0, 1.0, 2.0):
    ...     _ = study.tell(study.ask(), value)
    >>> history = improvement_history(study, BestValueStagnationEvaluator(5))
    >>> history.trial_numbers, history.improvements, history.errors
    ([0, 1, 2], [5.0, 5.0, 4.0], [0.0, 0.0, 0.0])
    """
    if len(study.directions) > 1:
        raise ValueError("The terminator's estimates exist for single-objective studies only.")
    min_n_trials = check_int("min_n_trials", min_n_trials, 1)
    if improvement_evaluator is None:
        improvement_evaluator = default_improvement_evaluator()
    if error_evaluator is None and compute_errors:
        error_evaluator = default_error_evaluator(improvement_evaluator)
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    direction = study.direction
    improvements: list[float] = []
    errors: list[float] | None = [] if compute_errors else None
    for end in range(1, len(trials) + 1):
        prefix = trials[:end]
        improvements.append(float(improvement_evaluator.evaluate(prefix, direction)))
        if errors is not None and error_evaluator is not None:
            errors.append(float(error_evaluator.evaluate(prefix, direction)))
    return ImprovementHistory(
        trial_numbers=[t.number for t in trials],
        improvements=improvements,
        errors=errors,
        min_n_trials=min_n_trials,
    )
