"""The empirical distribution function plot, drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._common import as_studies
from hpo.visualization._data._edf import edf_lines
from hpo.visualization._data._trials import Target, check_target, read_table, warn_empty
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot, for each study, the fraction of completed trials whose value is at most x.

    All studies share one x grid, so their curves can be compared.

    Parameters
    ----------
    study:
        A study or several studies (one line each, labelled with the study name).
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The x-axis label.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; empty (with a warning) when no trial completed.

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
    >>> study = hpo.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> ax = plot_edf(study)
    >>> line = ax.get_lines()[0]
    >>> line.get_label(), float(line.get_ydata()[-1])
    ('demo', 1.0)
    >>> plt.close(ax.figure)
    """
    pyplot()
    studies = as_studies(study)
    for each in studies:
        check_target(each, target, target_name)
    named_values = [
        (each.study_name, read_table(each, target, with_params=False).values) for each in studies
    ]
    lines = edf_lines(named_values)
    ax = new_axes("Empirical Distribution Function Plot")
    ax.set_xlabel(target_name)
    ax.set_ylabel("Cumulative Probability")
    ax.set_ylim(0, 1)
    if not lines:
        warn_empty("plot_edf: no trial completed; the figure is empty.")
        return ax
    for line in lines:
        ax.plot(line.x, line.y, label=line.study_name)
    legend(ax)
    return ax
