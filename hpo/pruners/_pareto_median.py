"""ParetoMedianPruner: the median stopping rule on non-dominated ranks, for several objectives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.pruners._base import BasePruner
from hpo.pruners._pareto_rules import (
    best_so_far_losses,
    direction_signs,
    rank_is_worse_than_median,
)
from hpo.pruners._peer_step import _PeerStepPruner

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView
    from hpo.trial import FrozenTrial


def check_multi_objective(study: StudyView, pruner: BasePruner, single: str) -> None:
    """Raise a ValueError naming ``single`` if ``study`` has only one objective."""
    if len(study.directions) < 2:
        raise ValueError(
            f"{type(pruner).__name__} prunes studies with several objectives; this study has "
            f"one, use {single} instead."
        )


class ParetoMedianPruner(_PeerStepPruner):
    """Stop a trial whose non-dominated rank is worse than the median rank of its peers.

    The median stopping rule (Golovin et al., 2017) for studies with several objectives, where
    values are not ordered but Pareto dominance ranks them: at a checked step, the trial's
    best reported value of each objective so far, and the values the COMPLETE trials reported
    at the *same* step, are sorted into non-dominated fronts together (NSGA-II's sorting, Deb
    et al., 2002). The trial is stopped if its rank is strictly greater than the median rank of
    those trials. A trial on the Pareto front of the pool is never stopped; with one COMPLETE
    peer, a trial is stopped exactly when that peer dominates it.

    Trials report with ``trial.report([value_1, value_2, ...], step)``. A trial whose latest
    report holds a NaN is stopped (a diverged run); reports of other trials that hold a NaN
    are left out.

    Parameters
    ----------
    n_startup_trials:
        No trial is stopped until this many trials are COMPLETE.
    n_warmup_steps:
        No trial is stopped at a step below this one.
    interval_steps:
        Check every this many steps, counted from ``n_warmup_steps``; a check that falls on a
        step the trial does not report happens at its next report.
    n_min_trials:
        No trial is stopped at a step where fewer COMPLETE trials reported numbers.

    Raises
    ------
    ValueError
        If ``n_startup_trials`` or ``n_warmup_steps`` is negative, or ``interval_steps`` or
        ``n_min_trials`` is below 1; from :meth:`prune`, if the study has one objective.
    TypeError
        If an argument is not an integer.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     width = trial.suggest_int("width", 1, 64)
    ...     for epoch in range(10):
    ...         error = 1 / (width * (epoch + 1))
    ...         trial.report([error, width], epoch)
    ...         if trial.should_prune():
    ...             raise hpo.TrialPruned()
    ...     return error, width
    >>> study = hpo.create_study(
    ...     directions=["minimize", "minimize"], pruner=hpo.pruners.ParetoMedianPruner()
    ... )
    >>> study.optimize(objective, n_trials=20)
    """

    _supports_multi_objective = True

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

        Raises
        ------
        ValueError
            If the study has one objective.
        """
        check_multi_objective(study, self, "MedianPruner")
        vectors = trial.intermediate_vectors
        due = self._due_step(study, vectors)
        if due is None:
            return False
        step, completed = due
        if np.isnan(vectors[step]).any():
            return True
        signs = direction_signs(study.directions)
        own = best_so_far_losses(np.array(list(vectors.values())) * signs)
        reported = [
            vector
            for t in completed
            if t.number != trial.number and (vector := t.intermediate_vectors.get(step))
        ]
        if not reported:
            return False
        peers = np.array(reported, dtype=float)
        peers = peers[~np.isnan(peers).any(axis=1)] * signs
        if len(peers) < self._n_min_trials:
            return False
        return rank_is_worse_than_median(own, peers)
