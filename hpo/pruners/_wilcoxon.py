"""WilcoxonPruner: stop a trial that a signed-rank test finds worse than the best trial."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._base import BasePruner
from hpo.pruners._rules import check_int, check_real
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def worse_by_signed_rank(differences: np.ndarray) -> float:
    """Return the one-sided Wilcoxon signed-rank p-value that ``differences`` are positive.

    ``differences`` are "current minus best" in the direction where positive means worse. Zero
    differences are split between both signs; infinite ones rank above every finite one.

    Parameters
    ----------
    differences:
        Paired differences without NaN.

    Returns
    -------
    float
        The p-value; 1.0 when every difference is zero.
    """
    import scipy.stats

    if differences.size == 0 or not np.any(differences):
        return 1.0
    infinite = np.isinf(differences)
    if infinite.any():
        finite = np.abs(differences[~infinite])
        largest = float(finite.max()) if finite.size else 1.0
        # Only ranks matter: an infinite difference becomes the largest magnitude.
        differences = np.where(infinite, np.sign(differences) * (2 * largest + 1), differences)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small-sample notes from scipy are expected here
        result = scipy.stats.wilcoxon(differences, alternative="greater", zero_method="zsplit")
    p_value = float(result.pvalue)
    return 1.0 if math.isnan(p_value) else p_value


class WilcoxonPruner(BasePruner):
    """Stop a trial when a Wilcoxon signed-rank test says it is worse than the best trial.

    For objectives that average a score over problem instances (cross-validation folds,
    benchmark problems, questions): report each instance's score with the instance id as the
    step, in any order. At each report, the trial's scores are paired with the best COMPLETE
    trial's scores on the instances both evaluated, and a one-sided signed-rank test asks
    whether the trial is worse. The trial is stopped when the p-value is below ``p_threshold``,
    unless its mean over the shared instances is at least as good as the best trial's (the
    objective is usually that mean, so such a trial may still become the best).

    Instances where either trial reported NaN are left out of the comparison. Because the test
    is repeated as scores arrive, the chance of wrongly stopping a trial that is as good as the
    best is higher than ``p_threshold``; use a smaller (e.g. Bonferroni-corrected) threshold to
    bound it.

    Parameters
    ----------
    p_threshold:
        Stop when the p-value is below this, in ``[0, 1]``; larger values stop trials sooner.
    n_startup_steps:
        No trial is stopped with fewer shared instances than this (and never with fewer than
        2).

    Raises
    ------
    ValueError
        If ``p_threshold`` is outside ``[0, 1]`` or ``n_startup_steps < 0``.
    TypeError
        If an argument is not a number of the right kind.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -1, 1)
    ...     losses = []
    ...     for instance in range(20):
    ...         loss = (x - instance / 20) ** 2
    ...         losses.append(loss)
    ...         trial.report(loss, instance)
    ...         if trial.should_prune():
    ...             raise hpo.TrialPruned()
    ...     return sum(losses) / len(losses)
    >>> study = hpo.create_study(pruner=hpo.pruners.WilcoxonPruner(p_threshold=0.1))
    >>> study.optimize(objective, n_trials=10)
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        p_threshold = check_real("p_threshold", p_threshold)
        if not 0.0 <= p_threshold <= 1.0:
            raise ValueError(f"p_threshold must be in [0, 1], got p_threshold={p_threshold}.")
        self._p_threshold = p_threshold
        self._n_startup_steps = check_int("n_startup_steps", n_startup_steps, 0)

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` is significantly worse than the study's best trial.

        Parameters
        ----------
        study:
            The trial's study; its best trial is read.
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        intermediate = trial.intermediate_values
        if len(intermediate) < max(self._n_startup_steps, 2):
            return False
        try:
            best = study.best_trial
        except ValueError:  # no COMPLETE trial yet
            return False
        best_values = best.intermediate_values
        steps = [step for step in intermediate if step in best_values]
        if len(steps) < max(self._n_startup_steps, 2):
            return False
        current = np.array([intermediate[s] for s in steps], dtype=float)
        reference = np.array([best_values[s] for s in steps], dtype=float)
        differences = current - reference
        if study.direction == StudyDirection.MAXIMIZE:
            differences = -differences
        differences = differences[~np.isnan(differences)]
        if differences.size < max(self._n_startup_steps, 2):
            return False
        if not np.mean(differences) > 0:  # not worse on average: it may still win
            return False
        return worse_by_signed_rank(differences) < self._p_threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(p_threshold={self._p_threshold}, "
            f"n_startup_steps={self._n_startup_steps})"
        )
