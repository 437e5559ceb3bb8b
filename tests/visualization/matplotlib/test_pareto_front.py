"""plot_pareto_front: both renderers draw the categories of pareto_front_data."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState
from hpo.visualization import plot_pareto_front as plotly_pareto_front
from hpo.visualization._data._pareto_front import pareto_front_data
from hpo.visualization.matplotlib import plot_pareto_front
from tests.visualization.matplotlib.helpers import is_empty, legend_texts


def _study(rows: Sequence[Sequence[float]], directions: Sequence[str] | None = None) -> hpo.Study:
    study = hpo.create_study(directions=list(directions or ["minimize"] * len(rows[0])))
    for row in rows:
        study.add_trial(hpo.create_trial(values=list(row)))
    return study


def _by_label(ax):  # type: ignore[no-untyped-def]
    return {collection.get_label(): collection for collection in ax.collections}


def test_two_objectives_best_and_dominated_trials() -> None:
    study = _study([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0], [5.0, 5.0]])
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    data = pareto_front_data(study)
    traces = {trace.name: trace for trace in plotly_pareto_front(study).data}
    ax = plot_pareto_front(study)
    drawn = _by_label(ax)
    assert set(drawn) == set(traces) == {"Trial", "Best Trial"}
    best, dominated = drawn["Best Trial"], drawn["Trial"]
    assert best.get_offsets().tolist() == data.best_values.tolist()
    assert best.get_offsets()[:, 0].tolist() == list(traces["Best Trial"].x) == [1.0, 2.0, 4.0]
    assert dominated.get_offsets().tolist() == [[3.0, 3.0], [5.0, 5.0]]
    assert dominated.get_array().tolist() == list(traces["Trial"].marker.color) == [2, 4]
    assert best.get_array().tolist() == [0, 1, 3]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Objective 0", "Objective 1")
    assert ax.get_title() == "Pareto-front Plot"
    assert legend_texts(ax) == ["Trial", "Best Trial"]


def test_maximize_direction_and_dominated_left_out() -> None:
    study = _study([[1.0, 1.0], [2.0, 3.0], [2.0, 0.0]], ["minimize", "maximize"])
    assert set(_by_label(plot_pareto_front(study))) == {"Trial", "Best Trial"}
    ax = plot_pareto_front(study, include_dominated_trials=False)
    assert list(_by_label(ax)) == ["Best Trial"]
    assert _by_label(ax)["Best Trial"].get_offsets().tolist() == [[1.0, 1.0], [2.0, 3.0]]


def test_three_objectives_use_a_3d_axes() -> None:
    study = _study([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [4.0, 4.0, 4.0]])
    data = pareto_front_data(study)
    ax = plot_pareto_front(study, target_names=["a", "b", "c"])
    assert ax.name == "3d"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("a", "b", "c")
    best = _by_label(ax)["Best Trial"]
    xs, ys, zs = best._offsets3d
    assert [list(xs), list(ys), list(zs)] == data.best_values.T.tolist()
    assert legend_texts(ax) == ["Trial", "Best Trial"]


def test_constraints_func_and_stored_constraints_mark_infeasible_trials() -> None:
    study = _study([[1.0, 1.0], [2.0, 0.5], [0.5, 3.0]])
    ax = plot_pareto_front(study, constraints_func=lambda t: [t.values[0] - 1.5])
    drawn = _by_label(ax)
    assert list(drawn) == ["Infeasible Trial", "Best Trial"]  # the two feasible: both best
    assert drawn["Infeasible Trial"].get_offsets().tolist() == [[2.0, 0.5]]
    assert drawn["Best Trial"].get_offsets().tolist() == [[1.0, 1.0], [0.5, 3.0]]
    stored = hpo.create_study(directions=["minimize", "minimize"])
    stored.add_trial(hpo.create_trial(values=[0.0, 0.0], system_attrs={CONSTRAINTS_KEY: [1.0]}))
    stored.add_trial(hpo.create_trial(values=[1.0, 1.0], system_attrs={CONSTRAINTS_KEY: [0.0]}))
    drawn = _by_label(plot_pareto_front(stored))
    assert drawn["Infeasible Trial"].get_offsets().tolist() == [[0.0, 0.0]]
    assert drawn["Best Trial"].get_offsets().tolist() == [[1.0, 1.0]]


def test_targets_and_axis_order() -> None:
    study = _study([[1.0, 5.0], [2.0, 3.0]])
    ax = plot_pareto_front(
        study, targets=lambda t: [t.values[1], t.values[0]], target_names=["b", "a"]
    )
    assert _by_label(ax)["Best Trial"].get_offsets().tolist() == [[5.0, 1.0], [3.0, 2.0]]
    ax = plot_pareto_front(study, axis_order=[1, 0])
    assert ax.get_xlabel() == "Objective 1"


@pytest.mark.parametrize(
    ("kwargs", "directions", "match"),
    [
        ({}, ["minimize"], "2 or 3 objectives"),
        ({"target_names": ["a"]}, ["minimize", "minimize"], "target_names"),
        ({"axis_order": [0, 0]}, ["minimize", "minimize"], "permutation"),
        (
            {"axis_order": [1, 0], "targets": lambda t: t.values},
            ["minimize", "minimize"],
            "axis_order",
        ),
        ({"targets": lambda t: [1.0]}, ["minimize", "minimize"], "2 or 3 values"),
    ],
)
def test_bad_arguments_are_value_errors(kwargs, directions, match) -> None:  # type: ignore[no-untyped-def]
    study = hpo.create_study(directions=directions)
    study.add_trial(hpo.create_trial(values=[1.0] * len(directions)))
    with pytest.raises(ValueError, match=match):
        plot_pareto_front(study, **kwargs)


def test_no_complete_trial_warns_and_leaves_the_axes_empty() -> None:
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        ax = plot_pareto_front(hpo.create_study(directions=["minimize", "minimize"]))
    assert is_empty(ax) and legend_texts(ax) == []


def test_three_objectives_with_an_infeasible_trial() -> None:
    study = _study([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [0.0, 0.0, 0.0]])
    ax = plot_pareto_front(study, constraints_func=lambda t: [0.5 - t.values[0]])
    drawn = _by_label(ax)
    assert list(drawn) == ["Infeasible Trial", "Best Trial"]
    xs, ys, zs = drawn["Infeasible Trial"]._offsets3d
    assert (list(xs), list(ys), list(zs)) == ([0.0], [0.0], [0.0])
