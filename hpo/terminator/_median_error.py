"""MedianErrorEvaluator: a threshold set to a fraction of the early improvement estimates."""

from __future__ import annotations

import sys

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._rules import check_int, check_real
from hpo.terminator._error import BaseErrorEvaluator
from hpo.terminator._improvement import BaseImprovementEvaluator
from hpo.trial import FrozenTrial, TrialState

# Returned while the threshold is not known yet: no improvement estimate is below it.
_NOT_READY = -sys.float_info.min


class MedianErrorEvaluator(BaseErrorEvaluator):
    """An error equal to a fraction of the median of the first improvement estimates.

    The heuristic of Ishibashi et al. (2023, "A stopping criterion for Bayesian optimization
    by the gap of expected minimum simple regrets"): the criterion's scale depends on the
    problem, so the threshold is ``threshold_ratio`` times the median of the estimates that
    ``paired_improvement_evaluator`` gives over the first ``n_initial_trials`` COMPLETE trials
    that follow the ``warm_up_trials`` first ones (estimate ``i`` uses trials
    ``warm_up_trials`` to ``warm_up_trials + i``). Until ``warm_up_trials + n_initial_trials``
    trials are COMPLETE, the error is a negative number so small that no study stops.

    The threshold is computed once and kept by the evaluator: use one evaluator per study.

    Parameters
    ----------
    paired_improvement_evaluator:
        The improvement evaluator the :class:`~hpo.terminator.Terminator` uses with this one.
    warm_up_trials:
        Trials left out before the median's window (often the sampler's random start-up).
    n_initial_trials:
        Trials in the median's window.
    threshold_ratio:
        The fraction of the median used as the threshold (positive).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``warm_up_trials`` is negative, ``n_initial_trials`` below 1 or
        ``threshold_ratio`` not positive.

    Examples
    --------
    >>> from hpo.study import StudyDirection
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> from hpo.trial import create_trial
    >>> trials = [create_trial(value=float(v)) for v in range(10)]
    >>> evaluator = MedianErrorEvaluator(
    ...     BestValueStagnationEvaluator(10), warm_up_trials=2, n_initial_trials=5,
    ...     threshold_ratio=0.5)
    >>> evaluator.evaluate(trials, StudyDirection.MAXIMIZE)
    5.0
    """

    def __init__(
        self,
        paired_improvement_evaluator: BaseImprovementEvaluator,
        warm_up_trials: int = 10,
        n_initial_trials: int = 20,
        threshold_ratio: float = 0.01,
    ) -> None:
        if not isinstance(paired_improvement_evaluator, BaseImprovementEvaluator):
            raise TypeError(
                "paired_improvement_evaluator must be a BaseImprovementEvaluator, got "
                f"{paired_improvement_evaluator!r}."
            )
        self._paired_improvement_evaluator = paired_improvement_evaluator
        self._warm_up_trials = check_int("warm_up_trials", warm_up_trials, 0)
        self._n_initial_trials = check_int("n_initial_trials", n_initial_trials, 1)
        ratio = check_real("threshold_ratio", threshold_ratio)
        if not ratio > 0.0 or not np.isfinite(ratio):
            raise ValueError(f"threshold_ratio must be positive and finite, got {ratio}.")
        self._threshold_ratio = ratio
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the threshold, or a tiny negative number until it can be computed."""
        if self._threshold is not None:
            return self._threshold
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        start, stop = self._warm_up_trials, self._warm_up_trials + self._n_initial_trials
        if len(complete) < stop:
            return _NOT_READY
        estimates = [
            self._paired_improvement_evaluator.evaluate(complete[start : end + 1], study_direction)
            for end in range(start, stop)
        ]
        self._threshold = float(self._threshold_ratio * np.median(estimates))
        return self._threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._paired_improvement_evaluator!r}, "
            f"warm_up_trials={self._warm_up_trials}, n_initial_trials={self._n_initial_trials}, "
            f"threshold_ratio={self._threshold_ratio})"
        )
