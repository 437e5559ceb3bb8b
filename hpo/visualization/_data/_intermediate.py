"""Data of the intermediate values plot: one learning curve per trial that reported values."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study

CURVE_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
#: Up to this many curves, each trial is drawn on its own (its own colour and name); beyond
#: that, the curves of each state are joined (see :func:`curves_by_state`).
MAX_SEPARATE_CURVES = 100


@dataclass(frozen=True, eq=False)
class LearningCurve:
    """The values one trial reported, by increasing step."""

    number: int
    state: TrialState
    steps: np.ndarray
    values: np.ndarray


def learning_curves(study: Study) -> list[LearningCurve]:
    """Return the curves of the complete, pruned and running trials that reported values."""
    trials = [
        t for t in study.get_trials(deepcopy=False, states=CURVE_STATES) if t.intermediate_values
    ]
    if not trials:
        return []
    # All reports in three flat arrays, sorted by trial then step with one lexsort: a loop of
    # small numpy calls per trial dominates large studies.
    lengths = np.fromiter(
        (len(t.intermediate_values) for t in trials), dtype=np.int64, count=len(trials)
    )
    owner = np.repeat(np.arange(len(trials)), lengths)
    steps = np.fromiter(chain.from_iterable(t.intermediate_values for t in trials), dtype=np.int64)
    values = np.fromiter(
        chain.from_iterable(t.intermediate_values.values() for t in trials), dtype=float
    )
    order = np.lexsort((steps, owner))
    steps, values = steps[order], values[order]
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [
        LearningCurve(t.number, t.state, steps[a:b], values[a:b])
        for t, a, b in zip(trials, starts, ends)
    ]


@dataclass(frozen=True, eq=False)
class JoinedCurves:
    """Several learning curves end to end, each followed by a NaN that breaks the line.

    ``numbers`` holds the trial number of every point (and of every separator), so a hover
    label or a colour can still name the trial.
    """

    steps: np.ndarray
    values: np.ndarray
    numbers: np.ndarray


def join_curves(curves: list[LearningCurve]) -> JoinedCurves:
    """Concatenate ``curves`` into one polyline with a NaN gap after each curve."""
    lengths = np.fromiter((len(c.steps) + 1 for c in curves), dtype=np.int64, count=len(curves))
    total = int(lengths.sum())
    steps = np.full(total, np.nan)
    values = np.full(total, np.nan)
    ends = np.cumsum(lengths)
    for curve, end in zip(curves, ends.tolist()):
        start = end - len(curve.steps) - 1
        steps[start : end - 1] = curve.steps
        values[start : end - 1] = curve.values
    numbers = np.repeat([c.number for c in curves], lengths)
    return JoinedCurves(steps, values, numbers)


def curves_by_state(curves: list[LearningCurve]) -> list[tuple[TrialState, str, JoinedCurves]]:
    """Join the curves of each state into one polyline: ``(state, "<State> trials", joined)``.

    States without curves are left out; the order is that of :data:`CURVE_STATES`.
    """
    groups = []
    for state in CURVE_STATES:
        group = [curve for curve in curves if curve.state == state]
        if group:
            groups.append((state, f"{state.name.capitalize()} trials", join_curves(group)))
    return groups
