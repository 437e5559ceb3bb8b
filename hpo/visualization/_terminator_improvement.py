"""The terminator improvement plot: the estimated room for improvement after each trial."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._data._terminator_improvement import terminator_improvement_data

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study
    from hpo.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

IMPROVEMENT_COLOR = "rgb(31, 119, 180)"
ERROR_COLOR = "rgb(214, 39, 40)"
WARMUP_OPACITY = 0.25


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> go.Figure:
    """Plot the terminator's estimated room for improvement after each COMPLETE trial.

    The estimate after the ``i``-th COMPLETE trial uses the first ``i`` of them, as a
    :class:`~hpo.terminator.Terminator` with the same evaluators would. Estimates from
    the first ``min_n_trials`` trials are drawn lighter. With
    the default :class:`~hpo.terminator.RegretBoundEvaluator` a Gaussian process is fitted
    per trial, so this takes a while on long studies. Warns with
    :class:`~hpo.exceptions.HpoWarning` and returns an empty plot when there is no COMPLETE
    trial.

    Parameters
    ----------
    study:
        A single-objective study.
    plot_error:
        Also plot the error estimates of ``error_evaluator``.
    improvement_evaluator:
        :class:`~hpo.terminator.RegretBoundEvaluator` by default.
    error_evaluator:
        :class:`~hpo.terminator.CrossValidationErrorEvaluator` by default
        (``StaticErrorEvaluator(0)`` with a stagnation evaluator).
    min_n_trials:
        The number of trials before a terminator may stop the study.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure: an ``"Terminator Improvement"`` line (its warm-up part lighter), and an
        ``"Error"`` line when ``plot_error``.

    Raises
    ------
    ValueError
        For a multi-objective study, an invalid ``min_n_trials``, or an evaluator that
        cannot evaluate (e.g. cross-validation errors without reported scores).

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> study = hpo.create_study()
    >>> for value in (3.0, 1.0, 2.0):
    ...     study.add_trial(hpo.create_trial(value=value))
    >>> figure = plot_terminator_improvement(
    ...     study, improvement_evaluator=BestValueStagnationEvaluator(5), min_n_trials=2
    ... )
    >>> [trace.name for trace in figure.data]
    ['Terminator Improvement', 'Terminator Improvement']
    """
    import plotly.graph_objects as go

    data = terminator_improvement_data(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    numbers = data.trial_numbers.tolist()
    improvements = data.improvements.tolist()
    # The lighter warm-up part also holds the next point so the line is continuous.
    warmup_end = min(len(numbers), data.n_warmup + 1)
    figure = go.Figure()
    if data.n_warmup:
        figure.add_trace(
            go.Scatter(
                x=numbers[:warmup_end],
                y=improvements[:warmup_end],
                mode="lines+markers",
                name="Terminator Improvement",
                marker_color=IMPROVEMENT_COLOR,
                opacity=WARMUP_OPACITY,
                showlegend=False,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=numbers[data.n_warmup :],
            y=improvements[data.n_warmup :],
            mode="lines+markers",
            name="Terminator Improvement",
            marker_color=IMPROVEMENT_COLOR,
        )
    )
    if data.errors is not None:
        figure.add_trace(
            go.Scatter(
                x=numbers,
                y=data.errors.tolist(),
                mode="lines+markers",
                name="Error",
                marker_color=ERROR_COLOR,
            )
        )
    figure.update_layout(
        title="Terminator Improvement Plot",
        xaxis_title="Trial",
        yaxis_title="Terminator Improvement",
    )
    return figure
