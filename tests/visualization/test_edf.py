from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.trial import create_trial
from hpo.visualization import plot_edf
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


def test_edf_of_one_study_excludes_failed_and_pruned() -> None:
    figure = plot_edf(mixed_study())
    (line,) = figure.data
    assert line.type == "scatter" and line.mode == "lines"
    x, y = np.asarray(line.x), np.asarray(line.y)
    assert x[0] == 0.1 and x[-1] == 0.9 and len(x) == 100
    assert y[0] == 0.25 and y[-1] == 1.0
    assert np.all(np.diff(y) >= 0)
    first_above = np.searchsorted(x, 0.5, side="left")  # first grid point >= 0.5
    assert y[first_above] == 0.75 and y[first_above - 1] == 0.5
    assert figure.layout.xaxis.title.text == "Objective Value"


def test_edf_of_several_studies_share_x() -> None:
    first, second = hpo.create_study(study_name="a"), hpo.create_study(study_name="b")
    first.add_trial(create_trial(value=0.0))
    second.add_trial(create_trial(value=10.0))
    figure = plot_edf([first, second])
    assert [line.name for line in figure.data] == ["a", "b"]
    assert list(figure.data[0].x) == list(figure.data[1].x)
    assert figure.data[0].y[0] == 1.0 and figure.data[1].y[0] == 0.0


def test_edf_target_and_multi_objective() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_edf(multi_objective_study())
    figure = plot_edf(multi_objective_study(), target=lambda t: t.values[1], target_name="b")
    assert figure.data[0].x[0] == -1.0 and figure.layout.xaxis.title.text == "b"


@pytest.mark.parametrize("make", [hpo.create_study, failed_only_study])
def test_edf_empty_warns(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match="no trial completed"):
        figure = plot_edf(make())
    assert len(figure.data) == 0
