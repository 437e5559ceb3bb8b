"""plot_edf: both renderers draw the lines of edf_lines."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_edf as plotly_edf
from hpo.visualization._data._edf import edf_lines
from hpo.visualization.matplotlib import plot_edf
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import is_empty, legend_texts


def _study(name: str, values: list[float]) -> hpo.Study:
    study = hpo.create_study(study_name=name)
    for value in values:
        study.add_trial(hpo.create_trial(value=value))
    return study


def test_several_studies_share_one_grid() -> None:
    studies = [_study("a", [1.0, 2.0, 3.0]), _study("b", [0.0, 5.0])]
    lines = edf_lines([(s.study_name, np.array(v)) for s, v in zip(studies, [[1, 2, 3], [0, 5]])])
    figure = plotly_edf(studies)
    ax = plot_edf(studies)
    drawn = ax.get_lines()
    assert [line.get_label() for line in drawn] == ["a", "b"] == legend_texts(ax)
    for line, trace, expected in zip(drawn, figure.data, lines, strict=True):
        assert np.array_equal(line.get_xdata(), expected.x)
        assert np.array_equal(line.get_ydata(), expected.y)
        assert np.array_equal(np.asarray(trace.y), expected.y)
    assert drawn[0].get_xdata()[0] == 0.0 and drawn[0].get_xdata()[-1] == 5.0
    assert drawn[1].get_ydata()[0] == 0.5  # b's value 0.0 is at or below the first point
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_xlabel() == "Objective Value" and ax.get_ylabel() == "Cumulative Probability"


def test_only_completed_trials_count() -> None:
    study = mixed_study()  # completed values 0.5, 0.2, 0.9, 0.1
    (line,) = plot_edf(study).get_lines()
    assert line.get_xdata()[0] == 0.1 and line.get_xdata()[-1] == 0.9
    assert line.get_ydata()[0] == 0.25 and line.get_ydata()[-1] == 1.0


def test_target_of_a_multi_objective_study() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_edf(multi_objective_study())
    ax = plot_edf(multi_objective_study(), target=lambda t: t.values[1], target_name="b")
    assert ax.get_xlabel() == "b" and ax.get_lines()[0].get_xdata()[0] == -1.0


@pytest.mark.parametrize("make", [hpo.create_study, failed_only_study])
def test_no_completed_trial_warns_and_leaves_the_axes_empty(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match="no trial completed"):
        ax = plot_edf(make())
    assert is_empty(ax)
