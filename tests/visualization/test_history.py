from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.trial import create_trial
from hpo.visualization import plot_optimization_history
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_history_values_and_best_line(direction: str) -> None:
    study = mixed_study(direction)
    figure = plot_optimization_history(study)
    values, best = figure.data
    assert values.type == "scatter" and values.mode == "markers"
    assert list(values.x) == [0, 1, 2, 3]  # failed and pruned trials excluded
    assert list(values.y) == [0.5, 0.2, 0.9, 0.1]
    assert best.name == "Best Value" and best.y[-1] == study.best_value
    assert figure.layout.yaxis.title.text == "Objective Value"


def test_history_target_has_no_best_line() -> None:
    figure = plot_optimization_history(
        multi_objective_study(), target=lambda t: t.values[1], target_name="b"
    )
    assert len(figure.data) == 1 and list(figure.data[0].y) == [1.0, 0.0, -1.0]
    assert figure.layout.yaxis.title.text == "b"


def test_history_needs_target_for_multi_objective() -> None:
    with pytest.raises(ValueError, match="target"):
        plot_optimization_history(multi_objective_study())


def test_history_of_several_studies_and_error_bar() -> None:
    first, second = hpo.create_study(study_name="one"), hpo.create_study(study_name="two")
    for value in [1.0, 3.0]:
        first.add_trial(create_trial(value=value))
        second.add_trial(create_trial(value=value + 2))
    figure = plot_optimization_history([first, second])
    assert len(figure.data) == 4 and figure.data[0].name.endswith("one")
    banded = plot_optimization_history([first, second], error_bar=True)
    assert list(banded.data[0].y) == [2.0, 4.0]
    assert list(banded.data[0].error_y.array) == [1.0, 1.0]
    assert list(banded.data[1].y) == [2.0, 2.0]


@pytest.mark.parametrize("make", [lambda: hpo.create_study(), failed_only_study])
def test_history_empty_warns(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match="no trial completed"):
        figure = plot_optimization_history(make())
    assert len(figure.data) == 0
