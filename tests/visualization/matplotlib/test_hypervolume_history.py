"""plot_hypervolume_history: both renderers draw hypervolume_history_data."""

from __future__ import annotations

import pytest

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState
from hpo.visualization import plot_hypervolume_history as plotly_hypervolume_history
from hpo.visualization._data._hypervolume_history import hypervolume_history_data
from hpo.visualization.matplotlib import plot_hypervolume_history
from tests.visualization.matplotlib.helpers import is_empty, legend_texts


def _study() -> hpo.Study:
    study = hpo.create_study(directions=["minimize", "maximize"])
    study.add_trial(hpo.create_trial(values=[2.0, 2.0]))
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    study.add_trial(hpo.create_trial(values=[1.0, 1.0]))
    study.add_trial(
        hpo.create_trial(values=[0.0, 3.0], system_attrs={CONSTRAINTS_KEY: [1.0]})
    )  # infeasible: adds nothing
    return study


def test_hypervolume_after_each_complete_trial() -> None:
    study = _study()
    data = hypervolume_history_data(study, [4.0, 0.0])
    figure = plotly_hypervolume_history(study, [4.0, 0.0])
    ax = plot_hypervolume_history(study, [4.0, 0.0])
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == list(figure.data[0].x) == data.trial_numbers.tolist()
    assert line.get_ydata().tolist() == list(figure.data[0].y) == data.hypervolumes.tolist()
    assert line.get_xdata().tolist() == [0, 2, 3]
    assert line.get_ydata().tolist() == [4.0, 5.0, 5.0]
    assert ax.get_title() == "Hypervolume History Plot"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Trial", "Hypervolume")
    assert legend_texts(ax) == ["Hypervolume"]


def test_no_complete_trial_warns_and_leaves_the_axes_empty() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        ax = plot_hypervolume_history(study, [1.0, 1.0])
    assert is_empty(ax)


@pytest.mark.parametrize(
    ("directions", "reference", "match"),
    [
        (["minimize"], [1.0], "multi-objective"),
        (["minimize", "minimize"], [1.0], "one value per objective"),
        (["minimize", "minimize"], [1.0, float("nan")], "NaN"),
    ],
)
def test_bad_arguments_are_value_errors(
    directions: list[str], reference: list[float], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        plot_hypervolume_history(hpo.create_study(directions=directions), reference)
