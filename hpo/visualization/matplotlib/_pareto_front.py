"""The Pareto front plot of a multi-objective study, drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.visualization._data._pareto_front import pareto_front_data
from hpo.visualization.matplotlib._common import colormap, legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study
    from hpo.trial import FrozenTrial

TITLE = "Pareto-front Plot"
INFEASIBLE_COLOR = "#cccccc"


def _scatter(ax: Axes, values: np.ndarray, label: str, **style: Any) -> None:
    if len(values):
        ax.scatter(*(values[:, i] for i in range(values.shape[1])), label=label, **style)


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Axes:
    """Plot the Pareto front of a study with 2 or 3 objectives (or custom targets).

    The COMPLETE trials are drawn as three labelled groups of points: ``"Infeasible Trial"``
    (grey; trials violating ``constraints_func`` or their stored constraints),
    ``"Trial"`` (feasible but dominated, blues by trial number) and ``"Best Trial"`` (the
    feasible Pareto front, reds by trial number). Three targets give a 3-d Axes
    (``mpl_toolkits.mplot3d``). Warns with :class:`~hpo.exceptions.HpoWarning` and returns
    an empty Axes when there is no COMPLETE trial.

    Parameters
    ----------
    study:
        A study with 2 or 3 objectives (any number with ``targets``).
    target_names:
        The axis titles; ``"Objective <i>"`` (or the study's metric names) by default.
    include_dominated_trials:
        Whether to draw the dominated feasible trials.
    axis_order:
        A permutation of the objective indices giving the axis of each; the objectives'
        order by default. Not allowed with ``targets``.
    constraints_func:
        ``trial -> constraint values``; a trial with a value ``> 0`` is infeasible. By
        default the constraints stored by a constrained sampler are used, if any.
    targets:
        ``trial -> 2 or 3 values`` to plot instead of the objective values.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes (a 3-d one for three targets).

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a study without 2 or 3 objectives and no ``targets``, targets of another
        length, ``axis_order`` with ``targets`` or not a permutation, or ``target_names``
        of the wrong length.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study(directions=["minimize", "maximize"])
    >>> for values in ([1.0, 1.0], [2.0, 3.0], [2.0, 0.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> ax = plot_pareto_front(study)
    >>> [(points.get_label(), len(points.get_offsets())) for points in ax.collections]
    [('Trial', 1), ('Best Trial', 2)]
    >>> plt.close(ax.figure)
    """
    pyplot()
    data = pareto_front_data(
        study,
        target_names=target_names,
        include_dominated_trials=include_dominated_trials,
        axis_order=axis_order,
        constraints_func=constraints_func,
        targets=targets,
    )
    three_d = data.n_targets == 3
    ax = new_axes(TITLE, **({"projection": "3d"} if three_d else {}))
    names = data.target_names
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if three_d:
        ax.set_zlabel(names[2])  # type: ignore[attr-defined]
    edges = {"edgecolors": "grey", "linewidths": 0.5}
    _scatter(ax, data.infeasible_values, "Infeasible Trial", color=INFEASIBLE_COLOR)
    _scatter(
        ax,
        data.dominated_values,
        "Trial",
        c=data.dominated_numbers,
        cmap=colormap("Blues"),
        **edges,
    )
    _scatter(
        ax, data.best_values, "Best Trial", c=data.best_numbers, cmap=colormap("Reds"), **edges
    )
    legend(ax)
    return ax
