"""The slice plot, drawn with matplotlib: the target value against each parameter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._data._slice import slice_panels
from hpo.visualization._data._trials import Target, choose_params, read_table
from hpo.visualization.matplotlib._common import (
    colormap,
    new_axes,
    new_grid,
    pyplot,
    set_param_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

TITLE = "Slice Plot"


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the target value against each parameter, one panel per parameter.

    Each panel shows the completed trials that have the parameter, coloured by trial number
    (one colour bar, ``"Trial"``). Log-scale parameters get a log axis; categorical ones are
    drawn at their choice index with one tick per choice.

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
        The y-axis label.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        One Axes for a single parameter, else a 1-d array of Axes (one per parameter,
        sharing the y axis); an empty Axes (with a warning) without completed trials.

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
    >>> study.optimize(lambda t: t.suggest_float("x", 1e-3, 1, log=True), n_trials=5)
    >>> ax = plot_slice(study)
    >>> ax.get_xscale(), ax.get_xlabel()
    ('log', 'x')
    >>> plt.close(ax.figure)
    """
    pyplot()
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_slice")
    if not names:
        return new_axes(TITLE)
    panels = slice_panels(table, names)
    width = max(6.4, 1.8 * len(panels) + 1.6)  # room for every panel's tick labels
    figure, grid = new_grid(1, len(panels), sharey=True, figsize=(width, 4.8))
    axes = grid[0]
    norm = Normalize(float(table.numbers.min()), float(table.numbers.max()))
    cmap = colormap("Blues")
    for ax, panel in zip(axes, panels, strict=True):
        ax.scatter(panel.x, panel.y, c=panel.numbers, cmap=cmap, norm=norm, edgecolors="grey")
        set_param_axis(ax, panel.column, "x")
    axes[0].set_ylabel(target_name)
    figure.colorbar(ScalarMappable(norm, cmap), ax=list(axes), label="Trial")
    if len(axes) == 1:
        axes[0].set_title(TITLE)
        return axes[0]
    figure.suptitle(TITLE)
    return axes
