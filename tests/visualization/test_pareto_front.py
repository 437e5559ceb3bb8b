from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.trial import FrozenTrial, TrialState
from hpo.visualization._data._pareto_front import pareto_front_data
from hpo.visualization._pareto_front import plot_pareto_front


def _study(rows: Sequence[Sequence[float]], directions: Sequence[str] | None = None) -> hpo.Study:
    directions = list(directions or ["minimize"] * len(rows[0]))
    study = hpo.create_study(directions=directions)
    for row in rows:
        study.add_trial(hpo.create_trial(values=list(row)))
    return study


def _by_name(figure: Any) -> dict[str, Any]:
    return {trace.name: trace for trace in figure.data}


def test_two_objectives_split_best_and_dominated() -> None:
    study = _study([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0], [5.0, 5.0]])
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    figure = plot_pareto_front(study)
    traces = _by_name(figure)
    assert set(traces) == {"Trial", "Best Trial"}
    best, dominated = traces["Best Trial"], traces["Trial"]
    assert best.type == "scatter" and dominated.type == "scatter"
    assert list(best.x) == [1.0, 2.0, 4.0] and list(best.y) == [4.0, 2.0, 1.0]
    assert list(dominated.x) == [3.0, 5.0] and list(dominated.y) == [3.0, 5.0]
    assert list(dominated.marker.color) == [2, 4]
    assert figure.layout.xaxis.title.text == "Objective 0"
    assert figure.layout.yaxis.title.text == "Objective 1"


def test_maximize_direction_changes_the_front() -> None:
    study = _study([[1.0, 1.0], [2.0, 3.0], [2.0, 0.0]], ["minimize", "maximize"])
    data = pareto_front_data(study)
    assert data.best_numbers.tolist() == [0, 1]
    assert data.dominated_numbers.tolist() == [2]


def test_without_dominated_trials() -> None:
    study = _study([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    figure = plot_pareto_front(study, include_dominated_trials=False)
    assert [trace.name for trace in figure.data] == ["Best Trial"]


def test_three_objectives_make_a_3d_scatter() -> None:
    study = _study([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [4.0, 4.0, 4.0]])
    figure = plot_pareto_front(study, target_names=["a", "b", "c"])
    traces = _by_name(figure)
    best = traces["Best Trial"]
    assert best.type == "scatter3d"
    assert list(best.z) == [3.0, 1.0]
    assert list(traces["Trial"].x) == [4.0]
    assert figure.layout.scene.zaxis.title.text == "c"


def test_axis_order_permutes_the_axes() -> None:
    study = _study([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    data = pareto_front_data(study, axis_order=[2, 0, 1])
    assert data.best_values.tolist() == [[3.0, 1.0, 2.0], [1.0, 3.0, 2.0]]
    assert data.target_names == ("Objective 2", "Objective 0", "Objective 1")
    with pytest.raises(ValueError, match="permutation"):
        pareto_front_data(study, axis_order=[0, 0, 1])


def test_constraints_func_puts_infeasible_trials_in_their_own_trace() -> None:
    study = _study([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [0.0, 0.0]])

    def constraints(trial: FrozenTrial) -> list[float]:
        return [1.0 if trial.number == 3 else -1.0]

    figure = plot_pareto_front(study, constraints_func=constraints)
    traces = _by_name(figure)
    assert [trace.name for trace in figure.data] == ["Infeasible Trial", "Trial", "Best Trial"]
    assert traces["Infeasible Trial"].marker.color == "#cccccc"
    assert list(traces["Infeasible Trial"].x) == [0.0]
    # The infeasible point dominates everything but does not count for the front.
    assert list(traces["Best Trial"].x) == [1.0, 2.0]
    assert list(traces["Trial"].x) == [3.0]


def test_stored_constraints_are_used() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    for values, violation in (([1.0, 1.0], 0.5), ([2.0, 2.0], 0.0), ([3.0, 3.0], -1.0)):
        study.add_trial(
            hpo.create_trial(values=values, system_attrs={CONSTRAINTS_KEY: [violation]})
        )
    data = pareto_front_data(study)
    assert data.has_constraints
    assert data.infeasible_numbers.tolist() == [0]
    assert data.best_numbers.tolist() == [1]
    assert data.dominated_numbers.tolist() == [2]


def test_custom_targets_on_a_single_objective_study() -> None:
    study = hpo.create_study()
    for x in (1.0, 2.0, 3.0):
        study.add_trial(hpo.create_trial(value=x, user_attrs={"cost": 4.0 - x, "other": x * x}))

    def targets(trial: FrozenTrial) -> tuple[float, float]:
        assert trial.value is not None
        return trial.value, trial.user_attrs["cost"]

    figure = plot_pareto_front(study, targets=targets, target_names=["value", "cost"])
    best = _by_name(figure)["Best Trial"]
    assert list(best.x) == [1.0, 2.0, 3.0] and list(best.y) == [3.0, 2.0, 1.0]
    with pytest.raises(ValueError, match="2 or 3"):
        plot_pareto_front(study, targets=lambda t: [t.values[0]])
    with pytest.raises(ValueError, match="same time"):
        plot_pareto_front(study, targets=targets, axis_order=[1, 0])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="2 or 3 objectives"):
        plot_pareto_front(hpo.create_study())
    study = _study([[1.0, 2.0]])
    with pytest.raises(ValueError, match="target_names"):
        plot_pareto_front(study, target_names=["only one"])


def test_empty_study_warns_and_returns_an_empty_front() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        figure = plot_pareto_front(study)
    assert [len(trace.x) for trace in figure.data] == [0]
    with pytest.warns(HpoWarning), pytest.raises(ValueError, match="target_names"):
        plot_pareto_front(study, targets=lambda t: list(t.values))


def test_best_trials_agree_with_the_study() -> None:
    rng = np.random.default_rng(0)
    study = _study(rng.normal(size=(60, 2)).tolist(), ["minimize", "maximize"])
    data = pareto_front_data(study)
    assert sorted(data.best_numbers.tolist()) == sorted(t.number for t in study.best_trials)
