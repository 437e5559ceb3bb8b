from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.trial import TrialState, create_trial
from hpo.visualization._data._axes import param_axis
from hpo.visualization._data._contour import contour_panel
from hpo.visualization._data._edf import edf_lines
from hpo.visualization._data._history import history_band, history_lines
from hpo.visualization._data._intermediate import learning_curves
from hpo.visualization._data._parallel_coordinate import parallel_data
from hpo.visualization._data._rank import rank_panels, ranks
from hpo.visualization._data._slice import slice_panels
from hpo.visualization._data._trials import read_table, table_from_trials
from tests.visualization.helpers import X, mixed_study, multi_objective_study


def test_table_reads_complete_trials_into_columns() -> None:
    table = read_table(mixed_study())
    assert table.numbers.tolist() == [0, 1, 2, 3]
    assert table.values.tolist() == [0.5, 0.2, 0.9, 0.1]
    assert list(table.params) == ["c", "k", "x"]
    c = table.params["c"]
    assert c.is_categorical and c.choices == ("a", "b", "c")
    np.testing.assert_array_equal(c.values, [0, np.nan, 2, np.nan])
    assert table.params["x"].is_log and not table.params["k"].is_log


def test_table_uses_target_and_drops_non_finite_values() -> None:
    trials = [
        create_trial(value=v, params={"x": 0.1}, distributions={"x": X})
        for v in [1.0, float("inf"), 3.0]
    ]
    table = table_from_trials(trials, target=lambda t: -t.value)
    assert table.values.tolist() == [-1.0, -3.0]
    assert len(table.numbers) == 2
    with pytest.raises(ValueError, match="target"):
        read_table(multi_objective_study())


@pytest.mark.parametrize(("direction", "best"), [("minimize", 0.1), ("maximize", 0.9)])
def test_history_best_so_far(direction: str, best: float) -> None:
    (line,) = history_lines([mixed_study(direction)])
    assert line.numbers.tolist() == [0, 1, 2, 3]
    assert line.best_values is not None
    expected = {"minimize": [0.5, 0.2, 0.2, 0.1], "maximize": [0.5, 0.5, 0.9, 0.9]}[direction]
    assert line.best_values.tolist() == expected
    assert line.best_values[-1] == best
    (with_target,) = history_lines([mixed_study()], target=lambda t: t.params["k"])
    assert with_target.best_values is None and with_target.values.tolist() == [1, 2, 0, 3]


def test_history_band_across_studies_carries_best_values() -> None:
    first = hpo.create_study()
    second = hpo.create_study()
    for value in [4.0, 2.0, 3.0]:
        first.add_trial(create_trial(value=value))
    second.add_trial(create_trial(value=6.0))
    second.add_trial(create_trial(state=TrialState.FAIL))
    second.add_trial(create_trial(value=1.0))
    band = history_band(history_lines([first, second]))
    assert band.numbers.tolist() == [0, 1, 2]
    np.testing.assert_allclose(band.value_mean, [5.0, 2.0, 2.0])
    np.testing.assert_allclose(band.value_std, [1.0, 0.0, 1.0])
    assert band.best_mean is not None
    # second study's best at trial 1 carries over from trial 0 (6.0).
    np.testing.assert_allclose(band.best_mean, [5.0, 4.0, 1.5])


def test_learning_curves_include_pruned_and_sort_steps() -> None:
    study = mixed_study()
    study.add_trial(create_trial(value=1.0, intermediate_values={3: 3.0, 1: 1.0}))
    curves = learning_curves(study)
    assert [c.number for c in curves] == [0, 1, 2, 3, 5, 6]
    assert curves[4].state == TrialState.PRUNED and curves[4].values.tolist() == [7.0]
    assert curves[5].steps.tolist() == [1, 3] and curves[5].values.tolist() == [1.0, 3.0]


def test_slice_panels_only_trials_with_the_parameter() -> None:
    table = read_table(mixed_study())
    c_panel, x_panel = slice_panels(table, ["c", "x"])
    assert c_panel.numbers.tolist() == [0, 2] and c_panel.x.tolist() == [0, 2]
    assert c_panel.y.tolist() == [0.5, 0.9]
    assert x_panel.x.tolist() == [0.001, 0.01, 0.1, 1.0]


def test_contour_panel_grid_means() -> None:
    table = read_table(mixed_study())
    panel = contour_panel(table, "x", "k", size=4)
    np.testing.assert_allclose(panel.x_grid, [0.001, 0.01, 0.1, 1.0])
    np.testing.assert_allclose(panel.y_grid, np.linspace(0, 3, 4))
    expected = np.full((4, 4), np.nan)
    expected[1, 0], expected[2, 1], expected[0, 2], expected[3, 3] = 0.5, 0.2, 0.9, 0.1
    np.testing.assert_array_equal(panel.z, expected)
    with_c = contour_panel(table, "c", "x")
    assert with_c.x_grid.tolist() == [0.0, 1.0, 2.0] and with_c.values.tolist() == [0.5, 0.9]


def test_param_axis_of_categorical_spans_all_choices() -> None:
    axis = param_axis(read_table(mixed_study()).params["c"])
    assert (axis.low, axis.high) == (0.0, 2.0)


def test_parallel_data_log_and_categorical_dimensions() -> None:
    data = parallel_data(read_table(mixed_study()), ["c", "x"], "Objective")
    target, c, x = data.dimensions
    assert target.label == "Objective" and target.values.tolist() == [0.5, 0.9]
    assert c.values.tolist() == [0, 2] and c.tick_text == ["a", "b", "c"]
    np.testing.assert_allclose(x.values, [-3.0, -1.0])
    assert x.tick_values is not None and x.tick_values.tolist() == [-3.0, -2.0, -1.0]


def test_edf_lines_on_shared_grid() -> None:
    lines = edf_lines(
        [("a", np.array([1.0, 2.0, 3.0, 4.0])), ("b", np.array([3.0])), ("c", np.array([]))]
    )
    assert [line.study_name for line in lines] == ["a", "b"]
    a, b = lines
    assert a.x[0] == 1.0 and a.x[-1] == 4.0 and len(a.x) == 100
    assert a.y[0] == 0.25 and a.y[-1] == 1.0
    assert b.y[0] == 0.0 and b.y[-1] == 1.0
    assert edf_lines([]) == []


def test_ranks_and_rank_panels() -> None:
    np.testing.assert_allclose(ranks(np.array([3.0, 1.0, 2.0, 1.0])), [1.0, 0.0, 2 / 3, 0.0])
    table = read_table(mixed_study())
    panels = rank_panels(table, ["c", "x"])
    assert set(panels) == {("c", "x"), ("x", "c")}
    panel = panels["c", "x"]
    assert panel.numbers.tolist() == [0, 2]
    np.testing.assert_allclose(panel.color, [2 / 3, 1.0])  # ranks among all four trials
    single = rank_panels(table, ["k"])[("k", None)]
    assert single.y_axis is None and single.y.tolist() == [0.5, 0.2, 0.9, 0.1]


def test_table_without_params_and_importance_bars() -> None:
    from hpo.importance import PedAnovaImportanceEvaluator
    from hpo.visualization._data._param_importances import importance_bars

    study = mixed_study()
    assert read_table(study, with_params=False).params == {}
    bars = importance_bars(study, PedAnovaImportanceEvaluator(), ["x", "k"], None, "v")
    assert bars.names == ["v"] and sorted(bars.params) == ["k", "x"]
    assert bars.importances.shape == (1, 2)
    assert list(bars.importances[0]) == sorted(bars.importances[0])  # least important first
