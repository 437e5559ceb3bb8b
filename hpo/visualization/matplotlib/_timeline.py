"""The timeline plot, drawn with matplotlib: when each trial ran, coloured by how it ended."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._data._timeline import INFEASIBLE, timeline_data
from hpo.visualization.matplotlib._common import new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

#: Bar colour of each category, and the legend order.
CATEGORY_COLORS = {
    "COMPLETE": "tab:blue",
    "FAIL": "tab:red",
    "PRUNED": "tab:orange",
    "RUNNING": "tab:green",
    "WAITING": "tab:gray",
    INFEASIBLE: "#cccccc",
}
BAR_HALF_HEIGHT = 0.4


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Axes:
    """Plot one horizontal bar per trial, from its start to its end, coloured by its state.

    A RUNNING trial's bar ends now; WAITING trials have none. A COMPLETE trial that violates
    the constraints stored with it is drawn in its own ``"INFEASIBLE"`` colour. The x axis
    holds matplotlib dates (UTC). Warns with :class:`~hpo.exceptions.HpoWarning` and returns
    an empty axes when no trial has started.

    Parameters
    ----------
    study:
        The study.
    n_recent_trials:
        Draw only this many trials with the largest numbers; all by default.

    Returns
    -------
    matplotlib.axes.Axes
        The axes: one ``PolyCollection`` of bars (rectangles) per category present, labelled
        with it in the legend.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        If ``n_recent_trials`` is not a positive integer.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study()
    >>> study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)
    >>> ax = plot_timeline(study)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['COMPLETE']
    >>> len(ax.collections[0].get_paths())
    3
    >>> plt.close(ax.figure)
    """
    pyplot()
    import matplotlib.dates as mdates
    from matplotlib.collections import PolyCollection

    data = timeline_data(study, n_recent_trials)
    ax = new_axes("Timeline Plot")
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    if not data.numbers:
        return ax
    starts = np.asarray(mdates.date2num(list(data.starts)), dtype=float)
    ends = np.asarray(mdates.date2num(list(data.ends)), dtype=float)
    numbers = np.asarray(data.numbers, dtype=float)
    categories = np.asarray(data.categories)
    for category, color in CATEGORY_COLORS.items():
        rows = categories == category
        if rows.any():
            # One collection of rectangles per category: a Rectangle artist per trial (barh)
            # takes seconds to build and draw for thousands of trials.
            left, right = starts[rows], ends[rows]
            low, high = numbers[rows] - BAR_HALF_HEIGHT, numbers[rows] + BAR_HALF_HEIGHT
            corners = np.stack(
                [
                    np.column_stack([left, low]),
                    np.column_stack([left, high]),
                    np.column_stack([right, high]),
                    np.column_stack([right, low]),
                ],
                axis=1,
            )
            ax.add_collection(PolyCollection(list(corners), facecolors=color, label=category))
    ax.autoscale_view()
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    # A fixed corner: placing the legend "best" scans every bar. Later trials sit higher and
    # further right, so the upper left is usually free.
    ax.legend(loc="upper left")
    return ax
