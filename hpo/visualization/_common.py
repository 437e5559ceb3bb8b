"""Shared pieces of the plotting functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study import Study


def completed_trials(study: Study) -> list[FrozenTrial]:
    """Return the study's COMPLETE trials."""
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def objective_value(trial: FrozenTrial, target: Any, target_name: str, n_objectives: int) -> float:
    """Return what a plot shows for ``trial``: ``target(trial)`` or its single value.

    Raises
    ------
    ValueError
        If the study has several objectives and no ``target`` was given.
    """
    if target is not None:
        return float(target(trial))
    if n_objectives > 1:
        raise ValueError(
            f"The study has {n_objectives} objectives: pass target=lambda t: t.values[i] "
            f"to plot one of them (and target_name={target_name!r} to label it)."
        )
    assert trial.value is not None
    return trial.value
