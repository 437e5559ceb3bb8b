"""The optimization history plot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._common import as_studies, figure
from hpo.visualization._data._history import history_band, history_lines
from hpo.visualization._data._trials import Target, warn_empty

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> go.Figure:
    """Plot each completed trial's value and the best value so far.

    Parameters
    ----------
    study:
        A study, or several studies (one pair of traces per study, named after it).
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies). With a target, no best-value line is drawn.
    target_name:
        The y-axis label.
    error_bar:
        With several studies, plot the mean and standard deviation across them at each
        trial number instead of every study.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty (with a warning) when no trial completed.

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
    >>> [trace.name for trace in plot_optimization_history(study).data]
    ['Objective Value', 'Best Value']
    """
    import plotly.graph_objects as go

    studies = as_studies(study)
    lines = history_lines(studies, target, target_name)
    result = figure(
        "Optimization History Plot",
        xaxis={"title": {"text": "Trial"}},
        yaxis={"title": {"text": target_name}},
    )
    if all(len(line.numbers) == 0 for line in lines):
        warn_empty("plot_optimization_history: no trial completed; the figure is empty.")
        return result
    if error_bar and len(lines) > 0:
        band = history_band(lines)
        result.add_trace(
            go.Scatter(
                x=band.numbers,
                y=band.value_mean,
                error_y={"type": "data", "array": band.value_std, "visible": True},
                mode="markers",
                name=target_name,
            )
        )
        if band.best_mean is not None and band.best_std is not None:
            result.add_trace(
                go.Scatter(x=band.numbers, y=band.best_mean, mode="lines", name="Best Value")
            )
            upper, lower = band.best_mean + band.best_std, band.best_mean - band.best_std
            result.add_trace(
                go.Scatter(
                    x=list(band.numbers) + list(band.numbers[::-1]),
                    y=list(upper) + list(lower[::-1]),
                    fill="toself",
                    line={"width": 0},
                    opacity=0.2,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        return result
    for line in lines:
        suffix = f" of {line.study_name}" if len(lines) > 1 else ""
        result.add_trace(
            go.Scatter(x=line.numbers, y=line.values, mode="markers", name=target_name + suffix)
        )
        if line.best_values is not None:
            result.add_trace(
                go.Scatter(
                    x=line.numbers, y=line.best_values, mode="lines", name="Best Value" + suffix
                )
            )
    return result
