"""The best trial of a single-objective study: one rule, used by every storage and the study.

The rule: among COMPLETE trials that are feasible (no recorded constraints, or every
constraint ``<= 0``), the best objective value wins, and of equal values the earliest trial
(the lowest number) wins. NaN is never a best value.

The rule is a strict total order on the candidates, so keeping the best up to date trial by
trial (:func:`is_better` as each trial finishes, in any order) gives the same trial as
scanning them all (:func:`find_best_trial`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hpo._keys import CONSTRAINTS_KEY
from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial, TrialState

NO_BEST_TRIAL = "No feasible trial is completed yet, so there is no best trial."
SEVERAL_OBJECTIVES = "A multi-objective study has no single best trial; use best_trials."


def is_feasible(trial: FrozenTrial) -> bool:
    """Return whether ``trial`` meets its recorded constraints (true when none are recorded)."""
    constraints = trial.system_attrs.get(CONSTRAINTS_KEY)
    return constraints is None or all(c <= 0.0 for c in constraints)


def is_candidate(trial: FrozenTrial) -> bool:
    """Return whether ``trial`` can be the best trial: COMPLETE, with a value, feasible."""
    if trial.state != TrialState.COMPLETE or not trial._values:
        return False
    value = trial._values[0]
    return value == value and is_feasible(trial)  # NaN != NaN


def is_better(trial: FrozenTrial, best: FrozenTrial | None, direction: StudyDirection) -> bool:
    """Return whether ``trial`` takes the place of ``best`` (``None``: no best yet).

    Parameters
    ----------
    trial:
        A trial of the study.
    best:
        The best trial so far, a candidate, or ``None``.
    direction:
        The study's direction.

    Returns
    -------
    bool
        ``True`` if ``trial`` is a candidate and beats ``best`` by the rule of this module.
    """
    if not is_candidate(trial):
        return False
    if best is None:
        return True
    value = trial._values[0]  # type: ignore[index]
    best_value = best._values[0]  # type: ignore[index]
    if value == best_value:
        return trial.number < best.number
    if direction == StudyDirection.MAXIMIZE:
        return value > best_value
    return value < best_value


def find_best_trial(
    trials: Iterable[FrozenTrial], direction: StudyDirection
) -> FrozenTrial | None:
    """Return the best of ``trials`` by the rule of this module, or ``None`` if none can be.

    Examples
    --------
    >>> from hpo.trial import create_trial
    >>> trials = [create_trial(value=v) for v in (3.0, 1.0, 1.0)]
    >>> for number, trial in enumerate(trials):
    ...     trial.number = number
    >>> find_best_trial(trials, StudyDirection.MINIMIZE).number
    1
    """
    best: FrozenTrial | None = None
    for trial in trials:
        if is_better(trial, best, direction):
            best = trial
    return best


def check_best_trial(
    best: FrozenTrial | None, directions: Sequence[StudyDirection]
) -> FrozenTrial:
    """Return ``best``, or raise the error for a study that has no single best trial.

    Raises
    ------
    ValueError
        If the study has several objectives, or ``best`` is ``None``.
    """
    if len(directions) > 1:
        raise ValueError(SEVERAL_OBJECTIVES)
    if best is None:
        raise ValueError(NO_BEST_TRIAL)
    return best
