"""What the terminator improvement plot shows: the terminator's estimates after each trial."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo.exceptions import HpoWarning

if TYPE_CHECKING:
    from hpo.study import Study
    from hpo.terminator import BaseErrorEvaluator, BaseImprovementEvaluator


@dataclass(frozen=True, eq=False)
class TerminatorImprovementData:
    """The improvement (and error) estimates after each COMPLETE trial.

    Attributes
    ----------
    trial_numbers:
        Numbers of the COMPLETE trials, in order.
    improvements:
        The estimated room for improvement after each of them.
    errors:
        The error estimates, or ``None`` when they were not asked for.
    n_warmup:
        How many leading estimates belong to the first ``min_n_trials`` trials (drawn
        lighter: a terminator does not act on them).
    """

    trial_numbers: np.ndarray
    improvements: np.ndarray
    errors: np.ndarray | None
    n_warmup: int


def terminator_improvement_data(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> TerminatorImprovementData:
    """Replay the terminator's estimates over the COMPLETE trials of a study.

    Thin wrapper of :func:`hpo.terminator.improvement_history` returning arrays. Warns with
    :class:`HpoWarning` when there is no COMPLETE trial.

    Parameters
    ----------
    study, plot_error, improvement_evaluator, error_evaluator, min_n_trials:
        As in :func:`~hpo.visualization.plot_terminator_improvement`.

    Returns
    -------
    TerminatorImprovementData
        The estimates per trial.

    Raises
    ------
    ValueError
        For a multi-objective study or an invalid ``min_n_trials``.

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> study = hpo.create_study()
    >>> for value in (3.0, 1.0, 2.0):
    ...     study.add_trial(hpo.create_trial(value=value))
    >>> data = terminator_improvement_data(study, False, BestValueStagnationEvaluator(5), None, 2)
    >>> data.improvements.tolist(), data.n_warmup
    ([5.0, 5.0, 4.0], 2)
    """
    # The terminator needs scipy.optimize (its Gaussian process): loaded with the first plot.
    from hpo.terminator import improvement_history

    history = improvement_history(
        study,
        improvement_evaluator,
        error_evaluator,
        min_n_trials,
        compute_errors=bool(plot_error),
    )
    if not history.trial_numbers:
        warnings.warn(
            "The study has no COMPLETE trial: the terminator improvement plot is empty.",
            HpoWarning,
            stacklevel=3,
        )
    n_estimates = len(history.trial_numbers)
    return TerminatorImprovementData(
        trial_numbers=np.array(history.trial_numbers, dtype=int),
        improvements=np.array(history.improvements, dtype=float),
        errors=None if history.errors is None else np.array(history.errors, dtype=float),
        n_warmup=min(n_estimates, history.min_n_trials),
    )
