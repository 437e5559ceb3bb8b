"""Improvement evaluators: how much better the study could still get, and the stagnation rule."""

from __future__ import annotations

import abc

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._rules import check_int
from hpo.trial import FrozenTrial, TrialState


def complete_values(trials: list[FrozenTrial]) -> tuple[list[FrozenTrial], np.ndarray]:
    """Return the COMPLETE trials of ``trials`` (order kept) and their objective values.

    Parameters
    ----------
    trials:
        Trials of a single-objective study, in any state.

    Returns
    -------
    tuple[list[FrozenTrial], numpy.ndarray]
        The COMPLETE trials and a float array of their values, same order.
    """
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    values = np.array([t.value for t in complete], dtype=float)
    return complete, values


def as_minimized(values: np.ndarray, study_direction: StudyDirection) -> np.ndarray:
    """Return ``values`` turned into a loss: negated for a maximized study.

    Parameters
    ----------
    values:
        Objective values.
    study_direction:
        The study's direction.

    Returns
    -------
    numpy.ndarray
        Values where smaller is better.

    Examples
    --------
    >>> import numpy as np
    >>> from hpo.study import StudyDirection
    >>> as_minimized(np.array([1.0, 3.0]), StudyDirection.MAXIMIZE).tolist()
    [-1.0, -3.0]
    """
    if study_direction == StudyDirection.MAXIMIZE:
        return -np.asarray(values, dtype=float)
    return np.asarray(values, dtype=float)


class BaseImprovementEvaluator(abc.ABC):
    """Estimate how much the best objective value of a study could still improve.

    A :class:`~hpo.terminator.Terminator` stops a study once this estimate falls below the
    estimate of a :class:`~hpo.terminator.BaseErrorEvaluator`. Subclasses implement
    :meth:`evaluate`.
    """

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the estimated room for improvement.

        Parameters
        ----------
        trials:
            The study's trials; only COMPLETE ones are used.
        study_direction:
            The direction of the (single-objective) study.

        Returns
        -------
        float
            The estimate, in the units of the objective (larger means more room).
        """


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """Count down the trials left before the best value has stagnated for too long.

    The estimate is ``max_stagnation_trials - (i_last - i_best)``, where ``i_last`` is the
    position of the latest COMPLETE trial and ``i_best`` that of the first trial reaching the
    best value. It becomes negative once the best value has not changed for more than
    ``max_stagnation_trials`` trials; paired with ``StaticErrorEvaluator(0)`` (the
    :class:`~hpo.terminator.Terminator`'s default for this evaluator), the study then stops.

    Parameters
    ----------
    max_stagnation_trials:
        The number of trials without a new best value that is still tolerated.

    Raises
    ------
    TypeError
        If ``max_stagnation_trials`` is not an integer.
    ValueError
        If ``max_stagnation_trials`` is negative.

    Examples
    --------
    >>> from hpo.study import StudyDirection
    >>> from hpo.trial import create_trial
    >>> trials = [create_trial(value=v) for v in (3.0, 1.0, 2.0, 2.0)]
    >>> BestValueStagnationEvaluator(5).evaluate(trials, StudyDirection.MINIMIZE)
    3.0
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        self._max_stagnation_trials = check_int("max_stagnation_trials", max_stagnation_trials, 0)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the number of trials left before stagnation (negative once exceeded).

        Raises
        ------
        ValueError
            If no trial is COMPLETE.
        """
        _, values = complete_values(trials)
        if values.size == 0:
            raise ValueError("No trial is COMPLETE yet: the stagnation cannot be evaluated.")
        best_position = int(np.argmin(as_minimized(values, study_direction)))
        stagnant_for = values.size - 1 - best_position
        return float(self._max_stagnation_trials - stagnant_for)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_stagnation_trials={self._max_stagnation_trials})"
