"""The optimization history plot, drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._common import as_studies
from hpo.visualization._data._history import history_band, history_lines
from hpo.visualization._data._trials import Target, warn_empty
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

TITLE = "Optimization History Plot"


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Axes:
    """Plot each completed trial's value and the best value so far.

    Parameters
    ----------
    study:
        A study, or several studies (one pair of series per study, named after it).
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
    matplotlib.axes.Axes
        The axes: the values as scatter points, the best values as a line; empty (with a
        warning) when no trial completed.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a multi-objective study without ``target``.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
    >>> ax = plot_optimization_history(study)
    >>> [line.get_label() for line in ax.get_lines()]
    ['Best Value']
    >>> plt.close(ax.figure)
    """
    pyplot()
    studies = as_studies(study)
    lines = history_lines(studies, target, target_name)
    ax = new_axes(TITLE)
    ax.set_xlabel("Trial")
    ax.set_ylabel(target_name)
    if all(len(line.numbers) == 0 for line in lines):
        warn_empty("plot_optimization_history: no trial completed; the figure is empty.")
        return ax
    if error_bar and len(lines) > 0:
        band = history_band(lines)
        ax.errorbar(band.numbers, band.value_mean, yerr=band.value_std, fmt="o", label=target_name)
        if band.best_mean is not None and band.best_std is not None:
            (best,) = ax.plot(band.numbers, band.best_mean, label="Best Value")
            ax.fill_between(
                band.numbers,
                band.best_mean - band.best_std,
                band.best_mean + band.best_std,
                color=best.get_color(),
                alpha=0.2,
            )
        legend(ax)
        return ax
    for line in lines:
        suffix = f" of {line.study_name}" if len(lines) > 1 else ""
        points = ax.scatter(line.numbers, line.values, label=target_name + suffix)
        if line.best_values is not None:
            ax.plot(
                line.numbers,
                line.best_values,
                color=points.get_facecolor()[0],
                label="Best Value" + suffix,
            )
    legend(ax)
    return ax
