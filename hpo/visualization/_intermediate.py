"""The intermediate values (learning curves) plot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.trial import TrialState

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def plot_intermediate_values(study: Study) -> go.Figure:
    """Plot the values each trial reported with ``trial.report``, one line per trial.

    Parameters
    ----------
    study:
        The study.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure; empty when no trial reported anything.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
    for trial in study.get_trials(deepcopy=False, states=states):
        if not trial.intermediate_values:
            continue
        steps = sorted(trial.intermediate_values)
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=[trial.intermediate_values[s] for s in steps],
                mode="lines+markers",
                name=f"Trial {trial.number} ({trial.state.name.lower()})",
            )
        )
    figure.update_layout(
        title="Intermediate Values", xaxis_title="Step", yaxis_title="Intermediate Value"
    )
    return figure
