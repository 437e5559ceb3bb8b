"""The parallel coordinate plot, drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._common import reverse_scale
from hpo.visualization._data._parallel_coordinate import Dimension, parallel_data
from hpo.visualization._data._trials import Target, choose_params, read_table
from hpo.visualization.matplotlib._common import colormap, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

TITLE = "Parallel Coordinate Plot"


def dimension_range(dimension: Dimension) -> tuple[float, float]:
    """The span of a vertical axis: its values' range, widened when that is a single value."""
    if not len(dimension.values):
        return 0.0, 1.0
    low, high = float(dimension.values.min()), float(dimension.values.max())
    if high <= low:
        return low - 0.5, high + 0.5
    return low, high


def _dimension_axis(ax: Axes, index: int, dimension: Dimension) -> None:
    """A y axis of its own, drawn as a vertical spine at x = ``index`` of ``ax``."""
    twin = ax.twinx()
    twin.set_label(f"dimension {dimension.label}")
    for side in ("top", "bottom", "left"):
        twin.spines[side].set_visible(False)
    twin.spines["right"].set_position(("data", index))
    if dimension.tick_values is not None:
        twin.set_yticks(dimension.tick_values, labels=dimension.tick_text)
    # After the ticks: set_yticks would widen the limits to the ticks outside the range.
    twin.set_ylim(*dimension_range(dimension))


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot each completed trial as a line through the target and its parameter values.

    Only the trials having every shown parameter are drawn, as one ``LineCollection`` in
    the returned Axes (every vertical axis scaled to [0, 1]); each vertical axis is a twin
    Axes of the figure with the dimension's own range and ticks. Log-scale parameters are
    drawn as their base-10 logarithm with ticks labelled in the original values; categorical
    ones at their choice index with a tick per choice.

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
    matplotlib.axes.Axes
        The Axes holding the lines; empty (with a warning) without completed trials.

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
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> ax = plot_parallel_coordinate(study)
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['Objective Value', 'x']
    >>> plt.close(ax.figure)
    """
    pyplot()
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_parallel_coordinate")
    ax = new_axes(TITLE)
    if not names:
        return ax
    data = parallel_data(table, names, target_name)
    n_dimensions = len(data.dimensions)
    scaled = []
    for dimension in data.dimensions:
        low, high = dimension_range(dimension)
        scaled.append((dimension.values - low) / (high - low))
    heights = np.column_stack(scaled)  # one row per trial
    positions = np.broadcast_to(np.arange(n_dimensions, dtype=float), heights.shape)
    segments = np.stack([positions, heights], axis=2)
    low, high = dimension_range(data.dimensions[0])
    lines = LineCollection(
        list(segments),
        array=data.color,
        # Lines need contrast on a white background: the lightest blues are left out.
        cmap=colormap("Blues", reverse=reverse_scale(study, target), start=0.25),
        norm=Normalize(low, high),
        linewidths=1.0,
    )
    ax.add_collection(lines)
    ax.set_xlim(0, n_dimensions - 1)
    ax.set_ylim(0, 1)
    ax.set_xticks(
        np.arange(n_dimensions),
        labels=[d.label for d in data.dimensions],
        rotation=30,
        horizontalalignment="right",
    )
    ax.figure.subplots_adjust(left=0.2, bottom=0.2)
    ax.yaxis.set_visible(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    for index, dimension in enumerate(data.dimensions):
        _dimension_axis(ax, index, dimension)
    ax.figure.colorbar(lines, ax=ax, label=target_name, pad=0.1)
    return ax
