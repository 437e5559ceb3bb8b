"""The intermediate values (learning curves) plot, drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.trial import TrialState
from hpo.visualization._data._intermediate import (
    MAX_SEPARATE_CURVES,
    curves_by_state,
    learning_curves,
)
from hpo.visualization._data._trials import warn_empty
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

#: Line colour of each state's joined curves.
STATE_COLORS = {
    TrialState.COMPLETE: "tab:blue",
    TrialState.PRUNED: "tab:orange",
    TrialState.RUNNING: "tab:green",
}


def plot_intermediate_values(study: Study) -> Axes:
    """Plot the values each trial reported with ``trial.report``, one line per trial.

    Complete, pruned and running trials are drawn; failed ones are not. Up to
    ``MAX_SEPARATE_CURVES`` (100) curves, each trial is its own line labelled
    ``Trial<number>``, without a legend; beyond that, the curves of each state are joined
    into one line (``"Complete trials"``, ``"Pruned trials"``, ``"Running trials"``, with a
    legend) broken between curves, so that large studies stay fast to build and to draw.

    Parameters
    ----------
    study:
        The study.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; empty (with a warning) when no trial reported anything.

    Raises
    ------
    ImportError
        When matplotlib is not installed.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> def objective(trial):
    ...     trial.report(1.0, step=0)
    ...     return 0.5
    >>> study = hpo.create_study()
    >>> study.optimize(objective, n_trials=2)
    >>> ax = plot_intermediate_values(study)
    >>> [line.get_label() for line in ax.get_lines()]
    ['Trial0', 'Trial1']
    >>> plt.close(ax.figure)
    """
    pyplot()
    curves = learning_curves(study)
    ax = new_axes("Intermediate Values Plot")
    ax.set_xlabel("Step")
    ax.set_ylabel("Intermediate Value")
    if not curves:
        warn_empty("plot_intermediate_values: no trial reported a value; the figure is empty.")
        return ax
    if len(curves) <= MAX_SEPARATE_CURVES:
        for curve in curves:
            ax.plot(curve.steps, curve.values, marker=".", label=f"Trial{curve.number}")
        return ax
    # One Line2D per trial costs milliseconds each to build and to draw: join each state's.
    for state, name, joined in curves_by_state(curves):
        ax.plot(
            joined.steps,
            joined.values,
            color=STATE_COLORS[state],
            linewidth=1,
            alpha=0.5,
            label=name,
        )
    legend(ax)
    return ax
