"""The slice plot: the target value against each parameter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._common import axis_layout, figure, shown_values
from hpo.visualization._data._slice import slice_panels
from hpo.visualization._data._trials import Target, choose_params, read_table

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the target value against each parameter, one panel per parameter.

    Each panel shows the completed trials that have the parameter, coloured by trial number.
    Log-scale parameters get a log axis, categorical ones a category axis.

    Parameters
    ----------
    study:
        The study.
    params:
        The parameters to show; all by default.
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The y-axis label.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty (with a warning) without completed trials.

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``, or a name in ``params`` that no
        completed trial has.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 1e-3, 1, log=True), n_trials=5)
    >>> plot_slice(study).layout.xaxis.type
    'log'
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_slice")
    if not names:
        return figure("Slice Plot")
    panels = slice_panels(table, names)
    result = make_subplots(rows=1, cols=len(panels), shared_yaxes=True)
    for index, panel in enumerate(panels, start=1):
        result.add_trace(
            go.Scatter(
                x=shown_values(panel.column, panel.x),
                y=panel.y,
                mode="markers",
                marker={
                    "color": panel.numbers,
                    "colorscale": "Blues",
                    "line": {"width": 0.5, "color": "Grey"},
                    "colorbar": {"title": {"text": "Trial"}},
                    "showscale": index == 1,
                },
                name=panel.column.name,
                showlegend=False,
            ),
            row=1,
            col=index,
        )
        result.update_xaxes(
            title_text=panel.column.name, row=1, col=index, **axis_layout(panel.column)
        )
    result.update_yaxes(title_text=target_name, row=1, col=1)
    result.update_layout(title={"text": "Slice Plot"})
    return result
