"""The Pareto front plot of a multi-objective study."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.trial import FrozenTrial
from hpo.visualization._data._pareto_front import ParetoFrontData, pareto_front_data

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study

_BEST_COLORS = "Reds"
_DOMINATED_COLORS = "Blues"
_INFEASIBLE_COLOR = "#cccccc"


def _trace(
    numbers: np.ndarray,
    values: np.ndarray,
    name: str,
    n_targets: int,
    marker: dict[str, Any],
) -> Any:
    import plotly.graph_objects as go

    hovertext = [
        f"Trial {number}<br>" + "<br>".join(f"{v:.6g}" for v in row)
        for number, row in zip(numbers.tolist(), values.tolist())
    ]
    common: dict[str, Any] = {
        "mode": "markers",
        "name": name,
        "marker": marker,
        "hovertemplate": "%{text}<extra></extra>",
        "text": hovertext,
    }
    if n_targets == 2:
        return go.Scatter(x=values[:, 0], y=values[:, 1], **common)
    return go.Scatter3d(x=values[:, 0], y=values[:, 1], z=values[:, 2], **common)


def _figure(data: ParetoFrontData) -> go.Figure:
    import plotly.graph_objects as go

    n_targets = data.n_targets
    figure = go.Figure()
    if len(data.infeasible_numbers):
        figure.add_trace(
            _trace(
                data.infeasible_numbers,
                data.infeasible_values,
                "Infeasible Trial",
                n_targets,
                {"color": _INFEASIBLE_COLOR},
            )
        )
    if len(data.dominated_numbers):
        figure.add_trace(
            _trace(
                data.dominated_numbers,
                data.dominated_values,
                "Trial",
                n_targets,
                {
                    "color": data.dominated_numbers,
                    "colorscale": _DOMINATED_COLORS,
                    "line": {"width": 0.5, "color": "Grey"},
                },
            )
        )
    figure.add_trace(
        _trace(
            data.best_numbers,
            data.best_values,
            "Best Trial",
            n_targets,
            {
                "color": data.best_numbers,
                "colorscale": _BEST_COLORS,
                "line": {"width": 0.5, "color": "Grey"},
            },
        )
    )
    names = data.target_names
    if n_targets == 2:
        figure.update_layout(xaxis_title=names[0], yaxis_title=names[1])
    else:
        figure.update_layout(
            scene={"xaxis_title": names[0], "yaxis_title": names[1], "zaxis_title": names[2]}
        )
    figure.update_layout(title="Pareto-front Plot")
    return figure


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> go.Figure:
    """Plot the Pareto front of a study with 2 or 3 objectives (or custom targets).

    The trials on the front are drawn in a ``"Best Trial"`` trace, the other feasible ones in
    a ``"Trial"`` trace (colored by trial number) and, when constraints are known, the
    infeasible ones in a grey ``"Infeasible Trial"`` trace. Three targets give a 3-D scatter.
    Warns with :class:`~hpo.exceptions.HpoWarning` (and returns a figure without points)
    when the study has no COMPLETE trial.

    Parameters
    ----------
    study:
        A study with 2 or 3 objectives, or any study when ``targets`` is given.
    target_names:
        Axis titles; ``"Objective {i}"`` (or the study's metric names) by default. Required
        with ``targets`` when there is no COMPLETE trial.
    include_dominated_trials:
        Also draw the feasible trials off the front.
    axis_order:
        A permutation of the objective indices giving the axis order; not with ``targets``.
    constraints_func:
        ``trial -> constraint values``; a value ``> 0`` makes the trial infeasible. By default
        the constraints stored with the trials (by a constrained sampler) are used.
    targets:
        ``trial -> 2 or 3 values`` to plot instead of the objective values.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure.

    Raises
    ------
    ValueError
        For a study without 2 or 3 objectives and no ``targets``, targets of another
        length, ``axis_order`` with ``targets`` or not a permutation, or ``target_names``
        of the wrong length.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(directions=["minimize", "maximize"])
    >>> for values in ([1.0, 1.0], [2.0, 3.0], [2.0, 0.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> figure = plot_pareto_front(study)
    >>> [trace.name for trace in figure.data]
    ['Trial', 'Best Trial']
    """
    data = pareto_front_data(
        study,
        target_names=target_names,
        include_dominated_trials=include_dominated_trials,
        axis_order=axis_order,
        constraints_func=constraints_func,
        targets=targets,
    )
    return _figure(data)
