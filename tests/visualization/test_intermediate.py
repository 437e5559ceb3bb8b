from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_intermediate_values
from tests.visualization.helpers import mixed_study


def test_one_line_per_reporting_trial_including_pruned() -> None:
    figure = plot_intermediate_values(mixed_study())
    assert [trace.name for trace in figure.data] == [
        "Trial0",
        "Trial1",
        "Trial2",
        "Trial3",
        "Trial5",
    ]
    assert all(trace.type == "scatter" for trace in figure.data)
    assert list(figure.data[0].x) == [0, 1] and list(figure.data[0].y) == [1.0, 0.5]
    assert list(figure.data[4].y) == [7.0]


def test_no_reports_warns_and_is_empty() -> None:
    study = hpo.create_study()
    study.optimize(lambda t: 1.0, n_trials=2)
    with pytest.warns(HpoWarning, match="reported"):
        figure = plot_intermediate_values(study)
    assert len(figure.data) == 0
