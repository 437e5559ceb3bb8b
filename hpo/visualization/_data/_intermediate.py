"""Data of the intermediate values plot: one learning curve per trial that reported values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study

CURVE_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


@dataclass(frozen=True, eq=False)
class LearningCurve:
    """The values one trial reported, by increasing step."""

    number: int
    state: TrialState
    steps: np.ndarray
    values: np.ndarray


def learning_curves(study: Study) -> list[LearningCurve]:
    """Return the curves of the complete, pruned and running trials that reported values."""
    curves = []
    for trial in study.get_trials(deepcopy=False, states=CURVE_STATES):
        reported = trial.intermediate_values
        if not reported:
            continue
        steps = np.fromiter(reported.keys(), dtype=np.int64, count=len(reported))
        values = np.fromiter(reported.values(), dtype=float, count=len(reported))
        order = np.argsort(steps, kind="stable")
        curves.append(LearningCurve(trial.number, trial.state, steps[order], values[order]))
    return curves
