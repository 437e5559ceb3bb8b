"""The timeline plot: when each trial ran, colored by how it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._data._timeline import INFEASIBLE, timeline_data

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study

#: Bar color of each category, and the legend order.
CATEGORY_COLORS = {
    "COMPLETE": "blue",
    "FAIL": "red",
    "PRUNED": "orange",
    "RUNNING": "green",
    "WAITING": "gray",
    INFEASIBLE: "#cccccc",
}


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> go.Figure:
    """Plot one horizontal bar per trial, from its start to its end, colored by its state.

    A RUNNING trial's bar ends now; WAITING trials have none. A COMPLETE trial that
    violates the constraints stored with it is drawn in its own ``"INFEASIBLE"`` color.
    Warns with :class:`~hpo.exceptions.HpoWarning` and returns an empty figure when no
    trial has started.

    Parameters
    ----------
    study:
        The study.
    n_recent_trials:
        Draw only this many trials with the largest numbers; all by default.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure: one bar trace per category present, named after it.

    Raises
    ------
    ValueError
        If ``n_recent_trials`` is not a positive integer.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)
    >>> [trace.name for trace in plot_timeline(study).data]
    ['COMPLETE']
    """
    import plotly.graph_objects as go

    data = timeline_data(study, n_recent_trials)
    figure = go.Figure()
    for category, color in CATEGORY_COLORS.items():
        rows = [i for i, c in enumerate(data.categories) if c == category]
        if not rows:
            continue
        starts = [data.starts[i] for i in rows]
        durations_ms = [(data.ends[i] - data.starts[i]).total_seconds() * 1000 for i in rows]
        figure.add_trace(
            go.Bar(
                name=category,
                x=durations_ms,
                y=[data.numbers[i] for i in rows],
                base=[s.isoformat() for s in starts],
                orientation="h",
                marker_color=color,
                hovertext=[
                    f"Trial {data.numbers[i]} ({category})<br>{data.starts[i]} - {data.ends[i]}"
                    for i in rows
                ],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        title="Timeline Plot",
        xaxis={"title": "Datetime", "type": "date"},
        yaxis={"title": "Trial"},
        barmode="overlay",
    )
    return figure
