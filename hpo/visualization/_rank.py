"""The rank plot: parameter values coloured by the rank of the trial's target value."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._common import axis_layout, figure, shown_values
from hpo.visualization._data._rank import rank_panels
from hpo.visualization._data._trials import Target, choose_params, read_table
from hpo.visualization._matrix import label_axes, pair_grid

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study

TITLE = "Rank Plot"


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the completed trials over pairs of parameters, coloured by the rank of their value.

    One parameter gives that parameter against the target; two give one panel; more give a
    matrix with one panel per pair. Colours run from the lowest value (blue) to the highest
    (red); the colour bar is labelled with the values at those ranks.

    Parameters
    ----------
    study:
        The study.
    params:
        The parameters to show; all by default.
    target:
        What to rank each trial by; the objective value by default (required for
        multi-objective studies).
    target_name:
        The colour bar label.

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
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> [trace.type for trace in plot_rank(study).data]
    ['scatter']
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_rank")
    if not names:
        return figure(TITLE)
    panels = rank_panels(table, names)
    quantiles = np.quantile(table.values, [0.0, 0.25, 0.5, 0.75, 1.0])
    marker_scale = {
        "colorscale": "RdYlBu",
        "reversescale": True,
        "cmin": 0.0,
        "cmax": 1.0,
        "colorbar": {
            "title": {"text": target_name},
            "tickvals": [0.0, 0.25, 0.5, 0.75, 1.0],
            "ticktext": [f"{value:.3g}" for value in quantiles],
        },
    }
    if len(names) == 1:
        panel = panels[names[0], None]
        result = make_subplots(rows=1, cols=1)
        cells = [(names[0], None, 1, 1)]
    else:
        result, pairs = pair_grid(names)
        cells = list(pairs)  # type: ignore[arg-type]
    traces = []
    for index, (x_name, y_name, _, _) in enumerate(cells):
        panel = panels[x_name, y_name]
        y = panel.y if panel.y_axis is None else shown_values(panel.y_axis.column, panel.y)
        traces.append(
            go.Scatter(
                x=shown_values(panel.x_axis.column, panel.x),
                y=y,
                mode="markers",
                marker={
                    "color": panel.color,
                    "showscale": index == 0,
                    "line": {"width": 0.5, "color": "Grey"},
                    **marker_scale,
                },
                customdata=np.column_stack([panel.numbers, panel.values]),
                hovertemplate="Trial %{customdata[0]}: %{customdata[1]:.6g}<extra></extra>",
                showlegend=False,
            )
        )
    result.add_traces(traces, rows=[row for *_, row, _ in cells], cols=[col for *_, col in cells])
    if len(names) == 1:
        result.update_xaxes(title_text=names[0], **axis_layout(table.params[names[0]]))
        result.update_yaxes(title_text=target_name)
    else:
        label_axes(result, names, pairs, table.params)
    result.update_layout(title={"text": TITLE})
    return result
