"""The intermediate values (learning curves) plot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._data._intermediate import (
    MAX_SEPARATE_CURVES,
    curves_by_state,
    learning_curves,
)
from hpo.visualization._data._trials import warn_empty

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_intermediate_values(study: Study) -> go.Figure:
    """Plot the values each trial reported with ``trial.report``, one line per trial.

    Complete, pruned and running trials are drawn; failed ones are not. Up to
    ``MAX_SEPARATE_CURVES`` (100) curves, each trial is a trace named ``Trial<number>``;
    beyond that, the curves of each state are joined into one trace (``"Complete trials"``,
    ``"Pruned trials"``, ``"Running trials"``) with a gap between curves and the trial number
    in the hover label, so that large studies stay fast to build and to draw.

    Parameters
    ----------
    study:
        The study.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty (with a warning) when no trial reported anything.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     trial.report(1.0, step=0)
    ...     return 0.5
    >>> study = hpo.create_study()
    >>> study.optimize(objective, n_trials=2)
    >>> len(plot_intermediate_values(study).data)
    2
    """
    import plotly.graph_objects as go

    curves = learning_curves(study)
    layout = {
        "title": {"text": "Intermediate Values Plot"},
        "xaxis": {"title": {"text": "Step"}},
        "yaxis": {"title": {"text": "Intermediate Value"}},
        "showlegend": False,
    }
    if not curves:
        warn_empty("plot_intermediate_values: no trial reported a value; the figure is empty.")
        return go.Figure(layout=layout)
    if len(curves) <= MAX_SEPARATE_CURVES:
        # One constructor call with plain lists: plotly's cost per trace dominates.
        traces = [
            {
                "type": "scatter",
                "x": curve.steps.tolist(),
                "y": curve.values.tolist(),
                "mode": "lines+markers",
                "marker": {"maxdisplayed": 10},
                "name": f"Trial{curve.number}",
            }
            for curve in curves
        ]
        return go.Figure(data=traces, layout=layout)
    # Beyond that, one line per trial state, each curve broken from the next by a gap: a
    # figure of thousands of traces takes seconds to build and longer to draw in a browser.
    traces = [
        {
            "type": "scatter",
            "x": joined.steps,
            "y": joined.values,
            "customdata": joined.numbers,
            "mode": "lines",
            "line": {"width": 1},
            "opacity": 0.5,
            "name": name,
            "hovertemplate": "Trial %{customdata}<br>step %{x}<br>%{y}<extra></extra>",
        }
        for _, name, joined in curves_by_state(curves)
    ]
    return go.Figure(data=traces, layout=layout)
