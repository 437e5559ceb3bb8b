"""The rank plot, drawn with matplotlib: parameter values coloured by the target's rank."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._data._rank import rank_panels
from hpo.visualization._data._trials import Target, choose_params, read_table
from hpo.visualization.matplotlib._common import (
    colormap,
    labels_of,
    new_axes,
    pair_layout,
    pyplot,
    set_param_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

TITLE = "Rank Plot"
RANK_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
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
    matplotlib.axes.Axes or numpy.ndarray
        One Axes for one or two parameters, else an ``n`` x ``n`` array of Axes (empty
        diagonal); an empty Axes (with a warning) without completed trials.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a multi-objective study without ``target``, or a name in ``params`` that no
        completed trial has.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> ax = plot_rank(study)
    >>> ax.get_xlabel(), len(ax.collections[0].get_offsets())
    ('x', 5)
    >>> plt.close(ax.figure)
    """
    pyplot()
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_rank")
    if not names:
        return new_axes(TITLE)
    panels = rank_panels(table, names)
    result: Axes | np.ndarray
    if len(names) == 1:
        ax = new_axes(TITLE)
        set_param_axis(ax, table.params[names[0]], "x")
        ax.set_ylabel(target_name)
        figure, result, cells = ax.figure, ax, [(names[0], None, ax)]
    else:
        figure, result, pairs = pair_layout(names, table.params, TITLE)
        cells = list(pairs)  # type: ignore[arg-type]
    norm = Normalize(0.0, 1.0)
    cmap = colormap("RdYlBu", reverse=True)
    for x_name, y_name, ax in cells:
        panel = panels[x_name, y_name]
        ax.scatter(
            panel.x,
            panel.y,
            c=panel.color,
            cmap=cmap,
            norm=norm,
            edgecolors="grey",
            linewidths=0.5,
        )
    axes = list(result.flat) if isinstance(result, np.ndarray) else result
    colorbar = figure.colorbar(ScalarMappable(norm, cmap), ax=axes, label=target_name)
    quantiles = np.quantile(table.values, RANK_TICKS)
    colorbar.set_ticks(list(RANK_TICKS), labels=labels_of(quantiles))
    return result
