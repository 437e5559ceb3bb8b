"""The hypervolume history plot of a multi-objective study, drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._data._hypervolume_history import hypervolume_history_data
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Axes:
    """Plot the hypervolume of the Pareto front found so far against the trial number.

    Only COMPLETE trials count (and, when a constrained sampler stored constraints, only
    feasible ones). Warns with :class:`~hpo.exceptions.HpoWarning` and returns an empty
    axes when the study has no COMPLETE trial.

    Parameters
    ----------
    study:
        A study with at least two objectives.
    reference_point:
        One value per objective, in the objectives' own space: for a minimized objective a
        value worse (larger) than the trials', for a maximized one a smaller value.

    Returns
    -------
    matplotlib.axes.Axes
        The axes: one ``"Hypervolume"`` line.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a single-objective study, or a reference point of the wrong length or with NaN.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study(directions=["minimize", "maximize"])
    >>> for values in ([2.0, 2.0], [1.0, 1.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> ax = plot_hypervolume_history(study, [4.0, 0.0])
    >>> ax.get_lines()[0].get_ydata().tolist()
    [4.0, 5.0]
    >>> plt.close(ax.figure)
    """
    pyplot()
    data = hypervolume_history_data(study, reference_point)
    ax = new_axes("Hypervolume History Plot")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Hypervolume")
    if len(data.trial_numbers):
        ax.plot(data.trial_numbers, data.hypervolumes, marker="o", label="Hypervolume")
        legend(ax)
    return ax
