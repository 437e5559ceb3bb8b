"""The parallel coordinate plot: each trial a line across the target and parameter axes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.visualization._common import figure, reverse_scale
from hpo.visualization._data._parallel_coordinate import parallel_data
from hpo.visualization._data._trials import Target, choose_params, read_table

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot each completed trial as a line through the target and its parameter values.

    Only the trials having every shown parameter are drawn. Log-scale parameters are drawn as
    their base-10 logarithm with ticks labelled in the original values; categorical ones with
    a tick per choice.

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
        The label of the target axis and colour bar.

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
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> [d.label for d in plot_parallel_coordinate(study).data[0].dimensions]
    ['Objective Value', 'x']
    """
    import plotly.graph_objects as go

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_parallel_coordinate")
    if not names:
        return figure("Parallel Coordinate Plot")
    data = parallel_data(table, names, target_name)
    dimensions = []
    for dimension in data.dimensions:
        entry: dict[str, Any] = {"label": dimension.label, "values": dimension.values}
        if len(dimension.values):
            entry["range"] = [float(dimension.values.min()), float(dimension.values.max())]
        if dimension.tick_values is not None:
            entry["tickvals"] = dimension.tick_values
            entry["ticktext"] = dimension.tick_text
        dimensions.append(entry)
    trace = go.Parcoords(
        dimensions=dimensions,
        labelangle=30,
        labelside="bottom",
        line={
            "color": data.color,
            "colorscale": "Blues",
            "reversescale": reverse_scale(study, target),
            "showscale": True,
            "colorbar": {"title": {"text": target_name}},
        },
    )
    return figure("Parallel Coordinate Plot").add_trace(trace)
