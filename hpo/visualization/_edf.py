"""The empirical distribution function plot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._common import as_studies, figure
from hpo.visualization._data._edf import edf_lines
from hpo.visualization._data._trials import Target, check_target, read_table, warn_empty

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot, for each study, the fraction of completed trials whose value is at most x.

    All studies share one x grid, so their curves can be compared.

    Parameters
    ----------
    study:
        A study or several studies (one line each, named after the study).
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The x-axis label.

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
    >>> study = hpo.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> figure = plot_edf(study)
    >>> figure.data[0].name, float(figure.data[0].y[-1])
    ('demo', 1.0)
    """
    import plotly.graph_objects as go

    studies = as_studies(study)
    for each in studies:
        check_target(each, target, target_name)
    named_values = [
        (each.study_name, read_table(each, target, with_params=False).values) for each in studies
    ]
    lines = edf_lines(named_values)
    result = figure(
        "Empirical Distribution Function Plot",
        xaxis={"title": {"text": target_name}},
        yaxis={"title": {"text": "Cumulative Probability"}, "range": [0, 1]},
    )
    if not lines:
        warn_empty("plot_edf: no trial completed; the figure is empty.")
        return result
    result.add_traces(
        [go.Scatter(x=line.x, y=line.y, mode="lines", name=line.study_name) for line in lines]
    )
    return result
