"""The slice plot: objective value against each parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hpo.distributions import FloatDistribution, IntDistribution
from hpo.trial import FrozenTrial
from hpo.visualization._common import completed_trials, objective_value

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the objective value against each parameter, one panel per parameter.

    Parameters
    ----------
    study:
        The study.
    params:
        The parameters to show; all by default.
    target, target_name:
        As in :func:`plot_optimization_history`.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure.

    Raises
    ------
    ValueError
        For a parameter name no trial has, or a multi-objective study without ``target``.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    trials = completed_trials(study)
    known = sorted({name for t in trials for name in t.params})
    names = known if params is None else list(params)
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"No completed trial has the parameter(s) {missing}; known: {known}.")
    n_objectives = len(study.directions)
    figure = make_subplots(rows=1, cols=max(1, len(names)), shared_yaxes=True)
    for column, name in enumerate(names, start=1):
        with_param = [t for t in trials if name in t.params]
        figure.add_trace(
            go.Scatter(
                x=[t.params[name] for t in with_param],
                y=[objective_value(t, target, target_name, n_objectives) for t in with_param],
                mode="markers",
                marker={"color": [t.number for t in with_param], "colorscale": "Blues"},
                name=name,
                showlegend=False,
            ),
            row=1,
            col=column,
        )
        dist = with_param[0].distributions[name] if with_param else None
        is_log = isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log
        figure.update_xaxes(title_text=name, type="log" if is_log else None, row=1, col=column)
    figure.update_yaxes(title_text=target_name, row=1, col=1)
    figure.update_layout(title="Slice Plot")
    return figure
