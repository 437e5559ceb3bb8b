"""plot_terminator_improvement: both renderers draw terminator_improvement_data."""

from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.terminator import BestValueStagnationEvaluator, StaticErrorEvaluator
from hpo.trial import TrialState
from hpo.visualization import plot_terminator_improvement as plotly_terminator
from hpo.visualization._data._terminator_improvement import terminator_improvement_data
from hpo.visualization.matplotlib import plot_terminator_improvement
from hpo.visualization.matplotlib._terminator_improvement import WARMUP_ALPHA
from tests.visualization.matplotlib.helpers import is_empty, legend_texts


def _study(values: list[float]) -> hpo.Study:
    study = hpo.create_study()
    for value in values:
        study.add_trial(hpo.create_trial(value=value))
    return study


def test_estimates_with_a_lighter_warmup() -> None:
    study = _study([3.0, 1.0, 2.0, 2.5])
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    kwargs = {"improvement_evaluator": BestValueStagnationEvaluator(5), "min_n_trials": 3}
    data = terminator_improvement_data(study, False, kwargs["improvement_evaluator"], None, 3)
    figure = plotly_terminator(study, **kwargs)  # type: ignore[arg-type]
    ax = plot_terminator_improvement(study, **kwargs)  # type: ignore[arg-type]
    warmup, counted = ax.get_lines()
    assert warmup.get_xdata().tolist() == list(figure.data[0].x) == [0, 1, 2, 3]
    assert warmup.get_ydata().tolist() == list(figure.data[0].y) == [5.0, 5.0, 4.0, 3.0]
    assert warmup.get_alpha() == WARMUP_ALPHA and counted.get_alpha() is None
    assert counted.get_xdata().tolist() == list(figure.data[1].x) == [3]
    assert (warmup.get_ydata().tolist() + counted.get_ydata().tolist())[:4] == (
        data.improvements.tolist()
    )
    assert legend_texts(ax) == ["Terminator Improvement"]
    assert ax.get_title() == "Terminator Improvement Plot"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Trial", "Terminator Improvement")


def test_plot_error_adds_the_error_line() -> None:
    ax = plot_terminator_improvement(
        _study([3.0, 1.0]),
        plot_error=True,
        improvement_evaluator=BestValueStagnationEvaluator(5),
        error_evaluator=StaticErrorEvaluator(0.5),
        min_n_trials=1,
    )
    assert legend_texts(ax) == ["Terminator Improvement", "Error"]
    assert ax.get_lines()[-1].get_ydata().tolist() == [0.5, 0.5]


def test_no_complete_trial_warns_and_leaves_the_axes_empty() -> None:
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        ax = plot_terminator_improvement(
            hpo.create_study(), improvement_evaluator=BestValueStagnationEvaluator(5)
        )
    assert is_empty(ax)


@pytest.mark.parametrize("min_n_trials", [0, -1])
def test_bad_min_n_trials_is_a_value_error(min_n_trials: int) -> None:
    with pytest.raises(ValueError, match="min_n_trials"):
        plot_terminator_improvement(_study([1.0]), min_n_trials=min_n_trials)


def test_multi_objective_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        plot_terminator_improvement(hpo.create_study(directions=["minimize", "minimize"]))
