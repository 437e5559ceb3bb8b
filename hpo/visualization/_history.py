"""The optimization history plot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial
from hpo.visualization._common import completed_trials, objective_value

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_optimization_history(
    study: Study,
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot each completed trial's value and the best value so far.

    Parameters
    ----------
    study:
        The study.
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The y-axis label.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure.

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``.
    """
    import plotly.graph_objects as go

    n_objectives = len(study.directions)
    trials = completed_trials(study)
    numbers = [t.number for t in trials]
    values = [objective_value(t, target, target_name, n_objectives) for t in trials]
    maximize = target is None and study.directions[0] == StudyDirection.MAXIMIZE
    best: list[float] = []
    for value in values:
        if not best:
            best.append(value)
        else:
            best.append(max(best[-1], value) if maximize else min(best[-1], value))
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=numbers, y=values, mode="markers", name=target_name))
    if target is None:
        figure.add_trace(go.Scatter(x=numbers, y=best, mode="lines", name="Best Value"))
    figure.update_layout(
        title="Optimization History", xaxis_title="Trial", yaxis_title=target_name
    )
    return figure
