"""PercentilePruner: stop a trial whose best value is outside the best percentile at its step."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._peer_step import _PeerStepPruner
from hpo.pruners._rules import best_so_far, check_real, is_worse, percentile_threshold

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView
    from hpo.trial import FrozenTrial


class PercentilePruner(_PeerStepPruner):
    """Stop a trial whose best intermediate value is worse than a percentile of its peers.

    At a checked step, the trial's best reported value so far is compared with the
    ``percentile``-th percentile (counted from the best) of the values that COMPLETE trials
    reported at the *same* step. The trial is stopped if it is strictly worse. This is the
    median stopping rule of Golovin et al. (2017, "Google Vizier") generalized to any
    percentile.

    A trial whose latest reported value is NaN is stopped (a diverged run); NaN values of other
    trials are ignored.

    Parameters
    ----------
    percentile:
        The share of trials kept, in ``[0, 100]``: 25 keeps trials in the best quarter.
    n_startup_trials:
        No trial is stopped until this many trials are COMPLETE.
    n_warmup_steps:
        No trial is stopped at a step below this one.
    interval_steps:
        Check every this many steps, counted from ``n_warmup_steps``; a check that falls on a
        step the trial does not report happens at its next report.
    n_min_trials:
        No trial is stopped at a step where fewer COMPLETE trials reported a number.

    Raises
    ------
    ValueError
        If ``percentile`` is outside ``[0, 100]``, ``n_startup_trials`` or ``n_warmup_steps``
        is negative, or ``interval_steps`` or ``n_min_trials`` is below 1.
    TypeError
        If an argument is not a number of the right kind.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(10):
    ...         trial.report(x / (step + 1), step)
    ...         if trial.should_prune():
    ...             raise hpo.TrialPruned()
    ...     return x / 10
    >>> study = hpo.create_study(pruner=hpo.pruners.PercentilePruner(25.0))
    >>> study.optimize(objective, n_trials=20)
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        percentile = check_real("percentile", percentile)
        if not 0.0 <= percentile <= 100.0:
            raise ValueError(f"percentile must be in [0, 100], got percentile={percentile}.")
        self._percentile = percentile
        super().__init__(
            n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` should stop at its latest reported step.

        Parameters
        ----------
        study:
            The trial's study; its COMPLETE trials are read once.
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        intermediate = trial.intermediate_values
        due = self._due_step(study, intermediate)
        if due is None:
            return False
        step, completed = due
        if math.isnan(intermediate[step]):
            return True
        maximize = study.direction == StudyDirection.MAXIMIZE
        best = best_so_far(list(intermediate.values()), maximize)

        nan = math.nan
        others = np.fromiter(
            (t.intermediate_values.get(step, nan) for t in completed if t.number != trial.number),
            dtype=float,
        )
        if np.count_nonzero(~np.isnan(others)) < self._n_min_trials:
            return False
        threshold = percentile_threshold(others, self._percentile, maximize)
        return is_worse(best, threshold, maximize)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(percentile={self._percentile}, {self._settings_repr()})"
