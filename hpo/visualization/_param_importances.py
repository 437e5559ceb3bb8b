"""The parameter importances plot: one horizontal bar per parameter (and objective)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._common import figure
from hpo.visualization._data._param_importances import importance_bars, importance_label
from hpo.visualization._data._trials import Target

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.importance import BaseImportanceEvaluator
    from hpo.study import Study

TITLE = "Hyperparameter Importances"


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the importance of each parameter as horizontal bars, most important on top.

    The importances are those of :func:`hpo.importance.get_param_importances`. For a
    multi-objective study without ``target``, every objective gets its own bar per parameter
    (one bar trace per objective, named after the study's metric names if set).

    Parameters
    ----------
    study:
        The study.
    evaluator:
        The importance evaluator; :class:`hpo.importance.PedAnovaImportanceEvaluator` by default.
    params:
        The parameters to evaluate; by default those every completed trial has.
    target:
        What to evaluate for each trial; the objective value(s) by default.
    target_name:
        The name of the bars (when ``target`` is given or the study has one objective).

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty (with a warning) without completed trials.

    Raises
    ------
    ValueError
        For a name in ``params`` that no completed trial has.

    Examples
    --------
    >>> import hpo
    >>> from hpo.importance import PedAnovaImportanceEvaluator
    >>> study = hpo.create_study()
    >>> study.optimize(
    ...     lambda t: t.suggest_float("x", 0, 1) + 0.1 * t.suggest_float("y", 0, 1), n_trials=20
    ... )
    >>> figure = plot_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    >>> figure.data[0].type, figure.data[0].orientation
    ('bar', 'h')
    """
    import plotly.graph_objects as go

    layout = {
        "xaxis": {"title": {"text": "Hyperparameter Importance"}},
        "yaxis": {"title": {"text": "Hyperparameter"}},
    }
    bars = importance_bars(study, evaluator, params, target, target_name)
    if bars is None:
        return figure(TITLE, **layout)
    result = figure(TITLE, **layout, showlegend=len(bars.names) > 1)
    for name, importances in zip(bars.names, bars.importances, strict=True):
        result.add_trace(
            go.Bar(
                x=importances,
                y=bars.params,
                orientation="h",
                name=name,
                text=[importance_label(value) for value in importances],
                textposition="outside",
                hovertemplate="%{y}: %{x}<extra></extra>",
            )
        )
    return result
