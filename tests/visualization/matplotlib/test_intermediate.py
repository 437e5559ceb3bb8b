"""plot_intermediate_values: both renderers draw the curves of learning_curves."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState
from hpo.visualization import plot_intermediate_values as plotly_intermediate
from hpo.visualization._data._intermediate import learning_curves
from hpo.visualization._intermediate import MAX_SEPARATE_CURVES
from hpo.visualization.matplotlib import plot_intermediate_values
from tests.visualization.helpers import mixed_study
from tests.visualization.matplotlib.helpers import is_empty, legend_texts


def test_one_line_per_reporting_trial_except_failed() -> None:
    study = mixed_study()  # 4 complete trials, 1 failed (no report), 1 pruned (one report)
    curves = learning_curves(study)
    figure = plotly_intermediate(study)
    ax = plot_intermediate_values(study)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [t.name for t in figure.data]
    assert [line.get_label() for line in lines] == [f"Trial{c.number}" for c in curves]
    assert [line.get_label() for line in lines] == [f"Trial{n}" for n in (0, 1, 2, 3, 5)]
    for line, trace, curve in zip(lines, figure.data, curves, strict=True):
        assert line.get_xdata().tolist() == list(trace.x) == curve.steps.tolist()
        assert line.get_ydata().tolist() == list(trace.y) == curve.values.tolist()
    assert lines[-1].get_ydata().tolist() == [7.0]  # the pruned trial
    assert ax.get_xlabel() == "Step" and ax.get_ylabel() == "Intermediate Value"
    assert ax.get_title() == "Intermediate Values Plot"


def test_running_trial_is_drawn_with_steps_in_order() -> None:
    study = hpo.create_study()
    trial = study.ask()
    trial.report(0.3, step=5)
    trial.report(0.9, step=1)
    ax = plot_intermediate_values(study)
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [1, 5] and line.get_ydata().tolist() == [0.9, 0.3]


@pytest.mark.parametrize("state", [None, TrialState.FAIL])
def test_nothing_reported_warns_and_leaves_the_axes_empty(state: TrialState | None) -> None:
    study = hpo.create_study()
    if state is not None:
        study.add_trial(hpo.create_trial(state=state, intermediate_values={0: 1.0}))
    study.add_trial(hpo.create_trial(value=1.0))  # complete, but reported nothing
    with pytest.warns(HpoWarning, match="no trial reported"):
        ax = plot_intermediate_values(study)
    assert is_empty(ax)


def test_beyond_the_limit_each_state_is_one_broken_line() -> None:
    study = hpo.create_study()
    n_complete = MAX_SEPARATE_CURVES + 1
    for i in range(n_complete):
        study.add_trial(hpo.create_trial(value=0.0, intermediate_values={0: float(i), 1: 0.5}))
    study.add_trial(hpo.create_trial(state=TrialState.PRUNED, intermediate_values={3: 9.0}))
    figure = plotly_intermediate(study)
    ax = plot_intermediate_values(study)
    complete, pruned = ax.get_lines()
    assert [t.name for t in figure.data] == [complete.get_label(), pruned.get_label()]
    assert complete.get_label() == "Complete trials" and legend_texts(ax)[-1] == "Pruned trials"
    ydata = complete.get_ydata()
    assert len(ydata) == 3 * n_complete and np.isnan(ydata[2::3]).all()  # a gap after each
    assert ydata[0::3].tolist() == [float(i) for i in range(n_complete)]
    assert np.array_equal(complete.get_xdata(), np.asarray(figure.data[0].x), equal_nan=True)
    assert pruned.get_xdata()[0] == 3 and pruned.get_ydata()[0] == 9.0
