"""The parameter importances plot, drawn with matplotlib: one horizontal bar per parameter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._data._param_importances import importance_bars, importance_label
from hpo.visualization._data._trials import Target
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.importance import BaseImportanceEvaluator
    from hpo.study import Study

TITLE = "Hyperparameter Importances"
BAR_SPAN = 0.8


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot the importance of each parameter as horizontal bars, most important on top.

    The importances are those of :func:`hpo.importance.get_param_importances`. For a
    multi-objective study without ``target``, every objective gets its own bar per parameter
    (one labelled group of bars per objective, named after the study's metric names if set,
    and a legend). Each bar is annotated with its value.

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
        The label of the bars (when ``target`` is given or the study has one objective).

    Returns
    -------
    matplotlib.axes.Axes
        The axes; empty (with a warning) without completed trials.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a name in ``params`` that no completed trial has.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> from hpo.importance import PedAnovaImportanceEvaluator
    >>> study = hpo.create_study()
    >>> study.optimize(
    ...     lambda t: t.suggest_float("x", 0, 1) + 0.1 * t.suggest_float("y", 0, 1), n_trials=20
    ... )
    >>> ax = plot_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    >>> [label.get_text() for label in ax.get_yticklabels()], len(ax.patches)
    (['y', 'x'], 2)
    >>> plt.close(ax.figure)
    """
    pyplot()
    ax = new_axes(TITLE)
    ax.set_xlabel("Hyperparameter Importance")
    ax.set_ylabel("Hyperparameter")
    bars = importance_bars(study, evaluator, params, target, target_name)
    if bars is None:
        return ax
    n_groups = len(bars.names)
    height = BAR_SPAN / n_groups
    positions = np.arange(len(bars.params), dtype=float)
    for group, (name, importances) in enumerate(zip(bars.names, bars.importances, strict=True)):
        # Groups from the top down within each parameter's slot, first objective on top.
        offset = BAR_SPAN / 2 - height * (group + 0.5)
        container = ax.barh(positions + offset, importances, height=height, label=name)
        ax.bar_label(container, labels=[importance_label(v) for v in importances], padding=2)
    ax.set_yticks(positions, labels=bars.params)
    ax.set_xlim(0, max(1.0, float(bars.importances.max(initial=0.0))) * 1.1)
    if n_groups > 1:
        legend(ax)
    return ax
