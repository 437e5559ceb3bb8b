"""The contour plot: the target value over pairs of parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._common import figure, reverse_scale, shown_values
from hpo.visualization._data._contour import contour_panels
from hpo.visualization._data._trials import Target, choose_params, read_table, warn_empty
from hpo.visualization._matrix import label_axes, pair_grid

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the target value as contours over pairs of parameters.

    Each panel averages the completed trials that have both parameters on a grid (plotly
    fills the cells no trial falls in) and marks the trials themselves. Two parameters make
    one panel; more make a matrix with one panel per pair.

    Parameters
    ----------
    study:
        The study.
    params:
        The parameters to show (at least two); all by default.
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The colour bar label.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty (with a warning) without completed trials or with fewer than two
        parameters.

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``, or a name in ``params`` that no
        completed trial has.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(
    ...     lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=5
    ... )
    >>> [trace.type for trace in plot_contour(study).data]
    ['contour', 'scatter']
    """
    import plotly.graph_objects as go

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_contour")
    if not names:
        return figure("Contour Plot")
    if len(names) < 2:
        warn_empty("plot_contour: it needs at least two parameters; the figure is empty.")
        return figure("Contour Plot")
    panels = contour_panels(table, names)
    result, cells = pair_grid(names)
    reverse = reverse_scale(study, target)
    traces, rows, cols = [], [], []
    for index, (x_name, y_name, row, col) in enumerate(cells):
        panel = panels[x_name, y_name]
        x_column, y_column = panel.x_axis.column, panel.y_axis.column
        traces.append(
            go.Contour(
                x=shown_values(x_column, panel.x_grid),
                y=shown_values(y_column, panel.y_grid),
                z=panel.z,
                connectgaps=True,
                colorscale="Blues",
                reversescale=reverse,
                showscale=index == 0,
                colorbar={"title": {"text": target_name}},
                contours={"coloring": "heatmap"},
                hoverinfo="none",
            )
        )
        traces.append(
            go.Scatter(
                x=shown_values(x_column, panel.x),
                y=shown_values(y_column, panel.y),
                mode="markers",
                marker={"color": "black", "size": 4, "line": {"width": 0.5, "color": "white"}},
                showlegend=False,
            )
        )
        rows += [row, row]
        cols += [col, col]
    result.add_traces(traces, rows=rows, cols=cols)
    label_axes(result, names, cells, table.params)
    result.update_layout(title={"text": "Contour Plot"})
    return result
