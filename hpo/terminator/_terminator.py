"""Terminator: stop a study once the room for improvement is below the objective's error."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hpo.pruners._rules import check_int
from hpo.terminator._error import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
)
from hpo.terminator._improvement import BaseImprovementEvaluator, BestValueStagnationEvaluator
from hpo.terminator._regret_bound import RegretBoundEvaluator
from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study

#: The default ``min_n_trials`` of the terminator and of the improvement data.
DEFAULT_MIN_N_TRIALS = 20


class BaseTerminator(abc.ABC):
    """Decide whether a study should stop. Subclasses implement :meth:`should_terminate`."""

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool:
        """Return whether ``study`` should start no more trials.

        Parameters
        ----------
        study:
            The study to judge.

        Returns
        -------
        bool
            ``True`` to stop.
        """


def default_error_evaluator(improvement_evaluator: BaseImprovementEvaluator) -> BaseErrorEvaluator:
    """Return the error evaluator used when none is given.

    :class:`BestValueStagnationEvaluator` counts trials down to a negative number, so it is
    paired with ``StaticErrorEvaluator(0)``; every other improvement evaluator is paired with
    :class:`CrossValidationErrorEvaluator`.

    Parameters
    ----------
    improvement_evaluator:
        The improvement evaluator in use.

    Returns
    -------
    BaseErrorEvaluator
        A new error evaluator.
    """
    if isinstance(improvement_evaluator, BestValueStagnationEvaluator):
        return StaticErrorEvaluator(0.0)
    return CrossValidationErrorEvaluator()


def default_improvement_evaluator() -> BaseImprovementEvaluator:
    """Return the improvement evaluator used when none is given: a RegretBoundEvaluator."""
    return RegretBoundEvaluator()


class Terminator(BaseTerminator):
    """Stop a study when the room left for improvement is smaller than the objective's error.

    Makarova et al. (2022, "Automatic termination for hyperparameter optimization"): once the
    best value could improve by less than the statistical error of the objective (e.g. the
    spread of cross-validation scores), further trials chase noise. After ``min_n_trials``
    COMPLETE trials, :meth:`should_terminate` compares the two estimates.

    Parameters
    ----------
    improvement_evaluator:
        Estimates the room for improvement; a :class:`RegretBoundEvaluator` by default.
    error_evaluator:
        Estimates the error; by default ``StaticErrorEvaluator(0)`` with a
        :class:`BestValueStagnationEvaluator` and :class:`CrossValidationErrorEvaluator`
        otherwise (which needs :func:`report_cross_validation_scores` in the objective).
    min_n_trials:
        No stop before this many trials are COMPLETE.

    Raises
    ------
    TypeError
        If an evaluator has the wrong type or ``min_n_trials`` is not an integer.
    ValueError
        If ``min_n_trials`` is below 1.

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> study = hpo.create_study()
    >>> terminator = Terminator(BestValueStagnationEvaluator(2), min_n_trials=3)
    >>> while not terminator.should_terminate(study):
    ...     _ = study.tell(study.ask(), 1.0)
    >>> len(study.trials)
    4
    """

    def __init__(
        self,
        improvement_evaluator: BaseImprovementEvaluator | None = None,
        error_evaluator: BaseErrorEvaluator | None = None,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    ) -> None:
        if improvement_evaluator is None:
            improvement_evaluator = default_improvement_evaluator()
        if not isinstance(improvement_evaluator, BaseImprovementEvaluator):
            raise TypeError(
                "improvement_evaluator must be a BaseImprovementEvaluator, got "
                f"{improvement_evaluator!r}."
            )
        if error_evaluator is None:
            error_evaluator = default_error_evaluator(improvement_evaluator)
        if not isinstance(error_evaluator, BaseErrorEvaluator):
            raise TypeError(
                f"error_evaluator must be a BaseErrorEvaluator, got {error_evaluator!r}."
            )
        self._improvement_evaluator = improvement_evaluator
        self._error_evaluator = error_evaluator
        self._min_n_trials = check_int("min_n_trials", min_n_trials, 1)

    def should_terminate(self, study: Study) -> bool:
        """Return whether the estimated improvement is below the estimated error.

        Always ``False`` while fewer than ``min_n_trials`` trials are COMPLETE.

        Raises
        ------
        ValueError
            If the study has several objectives, or an evaluator cannot evaluate (e.g. no
            cross-validation scores were reported).
        """
        if len(study.directions) > 1:
            raise ValueError("Terminator supports single-objective studies only.")
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(trials) < self._min_n_trials:
            return False
        direction = study.direction
        improvement = self._improvement_evaluator.evaluate(trials, direction)
        error = self._error_evaluator.evaluate(trials, direction)
        return improvement < error

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(improvement_evaluator={self._improvement_evaluator!r}, "
            f"error_evaluator={self._error_evaluator!r}, min_n_trials={self._min_n_trials})"
        )
