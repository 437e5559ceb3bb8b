"""The terminator improvement plot, drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.visualization._data._terminator_improvement import terminator_improvement_data
from hpo.visualization.matplotlib._common import legend, new_axes, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study
    from hpo.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

IMPROVEMENT_COLOR = "tab:blue"
ERROR_COLOR = "tab:red"
WARMUP_ALPHA = 0.25


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Axes:
    """Plot the terminator's estimated room for improvement after each COMPLETE trial.

    The estimate after the ``i``-th COMPLETE trial uses the first ``i`` of them, as a
    :class:`~hpo.terminator.Terminator` with the same evaluators would. Estimates from the
    first ``min_n_trials`` trials are drawn lighter. With the default
    :class:`~hpo.terminator.RegretBoundEvaluator` a Gaussian process is fitted per trial,
    so this takes a while on long studies. Warns with :class:`~hpo.exceptions.HpoWarning`
    and returns an empty axes when there is no COMPLETE trial.

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
    matplotlib.axes.Axes
        The axes: a ``"Terminator Improvement"`` line (its warm-up part lighter and
        unlabelled), and an ``"Error"`` line when ``plot_error``.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a multi-objective study, an invalid ``min_n_trials``, or an evaluator that
        cannot evaluate (e.g. cross-validation errors without reported scores).

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> from hpo.terminator import BestValueStagnationEvaluator
    >>> study = hpo.create_study()
    >>> for value in (3.0, 1.0, 2.0):
    ...     study.add_trial(hpo.create_trial(value=value))
    >>> ax = plot_terminator_improvement(
    ...     study, improvement_evaluator=BestValueStagnationEvaluator(5), min_n_trials=2
    ... )
    >>> [line.get_label() for line in ax.get_lines()]
    ['_warmup', 'Terminator Improvement']
    >>> plt.close(ax.figure)
    """
    pyplot()
    data = terminator_improvement_data(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    ax = new_axes("Terminator Improvement Plot")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Terminator Improvement")
    numbers, improvements = data.trial_numbers, data.improvements
    if not len(numbers):
        return ax
    # The lighter warm-up part also holds the next point so the line is continuous.
    warmup_end = min(len(numbers), data.n_warmup + 1)
    if data.n_warmup:
        ax.plot(
            numbers[:warmup_end],
            improvements[:warmup_end],
            marker="o",
            color=IMPROVEMENT_COLOR,
            alpha=WARMUP_ALPHA,
            label="_warmup",
        )
    ax.plot(
        numbers[data.n_warmup :],
        improvements[data.n_warmup :],
        marker="o",
        color=IMPROVEMENT_COLOR,
        label="Terminator Improvement",
    )
    if data.errors is not None:
        ax.plot(numbers, data.errors, marker="o", color=ERROR_COLOR, label="Error")
    legend(ax)
    return ax
