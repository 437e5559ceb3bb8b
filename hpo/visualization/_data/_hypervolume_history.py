"""What the hypervolume history plot shows: the hypervolume after each COMPLETE trial."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo._best_trial import is_feasible
from hpo._hypervolume import compute_hypervolume
from hpo._study_direction import StudyDirection
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study

# Trials checked against the front at once before the in-order walk.
_BLOCK = 256


@dataclass(frozen=True, eq=False)
class HypervolumeHistoryData:
    """The hypervolume of the Pareto front of the COMPLETE trials up to each trial.

    Attributes
    ----------
    trial_numbers:
        Numbers of the COMPLETE trials, in increasing order.
    hypervolumes:
        ``hypervolumes[i]``: hypervolume of the feasible COMPLETE trials numbered up to
        ``trial_numbers[i]``, in the objectives' own space (maximized objectives included).
    """

    trial_numbers: np.ndarray
    hypervolumes: np.ndarray


def _check_reference_point(study: Study, reference_point: Sequence[float]) -> np.ndarray:
    n_objectives = len(study.directions)
    if n_objectives < 2:
        raise ValueError(
            "The hypervolume history needs a multi-objective study; this study has a single "
            "objective."
        )
    reference = np.asarray(reference_point, dtype=float)
    if reference.shape != (n_objectives,):
        raise ValueError(
            f"reference_point must have one value per objective ({n_objectives}), got "
            f"{list(np.atleast_1d(reference_point))!r}."
        )
    if np.isnan(reference).any():
        raise ValueError(f"reference_point must not contain NaN, got {reference.tolist()!r}.")
    return reference


def hypervolume_history_data(
    study: Study, reference_point: Sequence[float]
) -> HypervolumeHistoryData:
    """Return the hypervolume after each COMPLETE trial of a multi-objective study.

    Maximized objectives and their reference coordinates are negated, so the hypervolume
    is the one in the objectives' own space. Trials whose stored constraints are violated
    add nothing. The front is kept incrementally: a trial that the current front dominates
    (or that lies outside the reference box) repeats the previous value without any
    hypervolume computation. Warns with :class:`HpoWarning` when there is no COMPLETE trial.

    Parameters
    ----------
    study:
        A study with at least two objectives.
    reference_point:
        One value per objective, in the objectives' own space.

    Returns
    -------
    HypervolumeHistoryData
        Trial numbers and hypervolumes.

    Raises
    ------
    ValueError
        For a single-objective study, or a reference point of the wrong length or with NaN.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(directions=["minimize", "minimize"])
    >>> for values in ([2.0, 2.0], [1.0, 3.0], [3.0, 3.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> hypervolume_history_data(study, [4.0, 4.0]).hypervolumes.tolist()
    [4.0, 5.0, 5.0]
    """
    reference = _check_reference_point(study, reference_point)
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        warnings.warn(
            "The study has no COMPLETE trial: the hypervolume history is empty.",
            HpoWarning,
            stacklevel=3,
        )
    trials = sorted(trials, key=lambda t: t.number)
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions])
    reference = reference * signs
    n_objectives = len(signs)
    losses = np.array([t.values for t in trials], dtype=float).reshape(-1, n_objectives) * signs
    feasible = np.array([is_feasible(t) for t in trials], dtype=bool)
    useful = feasible & np.all(losses < reference, axis=1)
    changed_at: list[int] = []
    changed_to: list[float] = []
    front = np.empty((0, n_objectives))
    for block_start in range(0, len(trials), _BLOCK):
        block = np.arange(block_start, min(block_start + _BLOCK, len(trials)))
        block = block[useful[block]]
        # Most trials are dominated by the front already: drop them for the whole block at
        # once, then walk the few left in order (the front changes as they are added).
        if len(front) and len(block):
            covered = np.all(front[:, None, :] <= losses[None, block, :], axis=2).any(axis=0)
            block = block[~covered]
        for index in block.tolist():
            point = losses[index]
            if len(front) and np.all(front <= point, axis=1).any():
                continue
            front = np.vstack([front[~np.all(point <= front, axis=1)], point])
            changed_at.append(index)
            changed_to.append(compute_hypervolume(front, reference, assume_pareto=True))
    hypervolumes = np.zeros(len(trials))
    if changed_at:
        # Each trial shows the value of the last front change at or before it.
        steps = np.searchsorted(changed_at, np.arange(len(trials)), side="right") - 1
        hypervolumes = np.where(steps >= 0, np.asarray(changed_to)[np.maximum(steps, 0)], 0.0)
    return HypervolumeHistoryData(
        trial_numbers=np.array([t.number for t in trials], dtype=int),
        hypervolumes=hypervolumes,
    )
