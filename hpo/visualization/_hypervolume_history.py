"""The hypervolume history plot of a multi-objective study."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpo.visualization._data._hypervolume_history import hypervolume_history_data

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> go.Figure:
    """Plot the hypervolume of the Pareto front found so far against the trial number.

    Only COMPLETE trials count (and, when a constrained sampler stored constraints, only
    feasible ones). Warns with :class:`~hpo.exceptions.HpoWarning` and returns a figure
    without points when the study has no COMPLETE trial.

    Parameters
    ----------
    study:
        A study with at least two objectives.
    reference_point:
        One value per objective, in the objectives' own space: for a minimized objective a
        value worse (larger) than the trials', for a maximized one a smaller value.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure: one line of hypervolumes.

    Raises
    ------
    ValueError
        For a single-objective study, or a reference point of the wrong length or with NaN.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(directions=["minimize", "maximize"])
    >>> for values in ([2.0, 2.0], [1.0, 1.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> list(plot_hypervolume_history(study, [4.0, 0.0]).data[0].y)
    [4.0, 5.0]
    """
    import plotly.graph_objects as go

    data = hypervolume_history_data(study, reference_point)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=data.trial_numbers.tolist(),
            y=data.hypervolumes.tolist(),
            mode="lines+markers",
            name="Hypervolume",
        )
    )
    figure.update_layout(
        title="Hypervolume History Plot", xaxis_title="Trial", yaxis_title="Hypervolume"
    )
    return figure
