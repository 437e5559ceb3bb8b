"""Error evaluators: how large the statistical error of the objective is.

Also :func:`report_cross_validation_scores`, which keeps a trial's cross-validation scores for
:class:`CrossValidationErrorEvaluator`.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

from hpo._keys import CV_SCORES_KEY
from hpo._study_direction import StudyDirection
from hpo.pruners._rules import check_real
from hpo.terminator._improvement import as_minimized, complete_values
from hpo.trial import FrozenTrial


class BaseErrorEvaluator(abc.ABC):
    """Estimate the statistical error of the objective function.

    A :class:`~hpo.terminator.Terminator` stops a study once the estimated room for
    improvement falls below this estimate. Subclasses implement :meth:`evaluate`.
    """

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the estimated error.

        Parameters
        ----------
        trials:
            The study's trials; only COMPLETE ones are used.
        study_direction:
            The direction of the (single-objective) study.

        Returns
        -------
        float
            The estimate, in the units of the objective.
        """


def cross_validation_error(scores: Sequence[float]) -> float:
    """Return the standard error of the mean of ``k`` cross-validation scores.

    The folds share most of their training data, so the scores are correlated and the naive
    ``variance / k`` underestimates the variance of their mean. Following Nadeau and Bengio's
    correction (used by Makarova et al., 2022), the variance is scaled by
    ``1/k + n_test/n_train = 1/k + 1/(k-1)``; the result is the square root of
    ``variance * (1/k + 1/(k-1))``, with the variance of the scores taken around their mean
    and divided by ``k`` (as Optuna does, so both libraries stop at the same point).

    Parameters
    ----------
    scores:
        At least two scores, one per fold.

    Returns
    -------
    float
        The estimated standard error of the mean score.

    Raises
    ------
    ValueError
        If there are fewer than two scores.

    Examples
    --------
    >>> round(cross_validation_error([0.5, 1.0, 1.5]), 6)
    0.372678
    """
    values = np.asarray(scores, dtype=float)
    k = values.size
    if k < 2:
        raise ValueError(f"At least two cross-validation scores are needed, got {k}.")
    scale = 1.0 / k + 1.0 / (k - 1)
    return math.sqrt(scale * float(np.var(values)))


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The error of a cross-validated objective, from the scores of the best trial.

    The objective is assumed to be the mean of ``k`` cross-validation scores, reported with
    :func:`report_cross_validation_scores`. The error is :func:`cross_validation_error` of the
    scores of the best COMPLETE trial (the largest value in a maximized study, the smallest
    in a minimized one).

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import report_cross_validation_scores
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     scores = [x, x + 0.1, x + 0.2]
    ...     report_cross_validation_scores(trial, scores)
    ...     return sum(scores) / 3
    >>> study = hpo.create_study(direction="maximize")
    >>> study.optimize(objective, n_trials=3)
    >>> error = CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    >>> round(error, 4)
    0.0745
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the cross-validation error of the best COMPLETE trial.

        Raises
        ------
        ValueError
            If no trial is COMPLETE, or the best trial has no reported cross-validation scores
            (call :func:`report_cross_validation_scores` in the objective).
        """
        complete, values = complete_values(trials)
        if not complete:
            raise ValueError("No trial is COMPLETE yet: the error cannot be evaluated.")
        best = complete[int(np.argmin(as_minimized(values, study_direction)))]
        scores = best.system_attrs.get(CV_SCORES_KEY)
        if scores is None:
            raise ValueError(
                f"Trial {best.number}, the best trial, has no cross-validation scores. Call "
                "report_cross_validation_scores(trial, scores) in the objective, or give the "
                "Terminator another error_evaluator (e.g. StaticErrorEvaluator)."
            )
        return cross_validation_error(scores)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StaticErrorEvaluator(BaseErrorEvaluator):
    """An error that is always the same constant.

    With it, a :class:`~hpo.terminator.Terminator` stops once the estimated room for
    improvement falls below ``constant``.

    Parameters
    ----------
    constant:
        The error returned by :meth:`evaluate`.

    Raises
    ------
    TypeError
        If ``constant`` is not a number.

    Examples
    --------
    >>> from hpo.study import StudyDirection
    >>> StaticErrorEvaluator(0.5).evaluate([], StudyDirection.MINIMIZE)
    0.5
    """

    def __init__(self, constant: float) -> None:
        self._constant = check_real("constant", constant)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the constant."""
        return self._constant

    def __repr__(self) -> str:
        return f"{type(self).__name__}(constant={self._constant!r})"


def report_cross_validation_scores(trial: Any, scores: Sequence[float]) -> None:
    """Keep a trial's cross-validation scores for :class:`CrossValidationErrorEvaluator`.

    Call it in the objective, with one score per fold; the objective should return their
    mean. The scores are stored as a JSON list of floats in the trial's system attributes.

    Parameters
    ----------
    trial:
        The running trial (:class:`~hpo.trial.Trial`).
    scores:
        At least two finite scores (a list, tuple or 1-d array).

    Raises
    ------
    TypeError
        If ``trial`` cannot store attributes or ``scores`` is not a sequence of numbers.
    ValueError
        If there are fewer than two scores or one is not finite.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> trial = study.ask()
    >>> report_cross_validation_scores(trial, [0.8, 0.9, 0.85])
    >>> trial.system_attrs["terminator:cv_scores"]
    [0.8, 0.9, 0.85]
    """
    if not callable(getattr(trial, "set_system_attr", None)):
        raise TypeError(f"trial must be a Trial, got {type(trial).__name__}.")
    if isinstance(scores, (str, bytes)) or not hasattr(scores, "__len__"):
        raise TypeError(f"scores must be a sequence of numbers, got {scores!r}.")
    values = np.asarray(scores)
    if values.ndim != 1:
        raise TypeError(f"scores must be one-dimensional, got shape {values.shape}.")
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in values.tolist()):
        raise TypeError(f"scores must be numbers, got {scores!r}.")
    if values.size < 2:
        raise ValueError(f"At least two cross-validation scores are needed, got {values.size}.")
    floats = [float(v) for v in values.tolist()]
    if not all(math.isfinite(v) for v in floats):
        raise ValueError(f"Cross-validation scores must be finite, got {floats}.")
    trial.set_system_attr(CV_SCORES_KEY, floats)
