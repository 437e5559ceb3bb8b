"""plot_param_importances: both renderers draw the bars of importance_bars."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.importance import PedAnovaImportanceEvaluator
from hpo.visualization import plot_param_importances as plotly_importances
from hpo.visualization._data._param_importances import importance_bars
from hpo.visualization.matplotlib import plot_param_importances
from tests.visualization.helpers import failed_only_study
from tests.visualization.matplotlib.helpers import is_empty, legend_texts, tick_labels


def _study(directions: list[str] | None = None) -> hpo.Study:
    study = hpo.create_study(
        directions=directions or ["minimize"], sampler=hpo.samplers.RandomSampler(seed=1)
    )

    def objective(trial: hpo.Trial) -> float | tuple[float, float]:
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        z = trial.suggest_categorical("z", ["p", "q"])
        if len(study.directions) == 2:
            return x + 0.1 * y, y
        return x + 0.1 * y + (0.01 if z == "p" else 0.0)

    study.optimize(objective, n_trials=30)
    return study


def _widths(ax) -> list[float]:  # type: ignore[no-untyped-def]
    return [patch.get_width() for patch in ax.patches]


def test_bars_ordered_least_important_first_with_values_written() -> None:
    study = _study()
    evaluator = PedAnovaImportanceEvaluator()
    bars = importance_bars(study, evaluator, None, None, "Objective Value")
    figure = plotly_importances(study, evaluator=evaluator)
    ax = plot_param_importances(study, evaluator=evaluator)
    assert tick_labels(ax, "y") == bars.params == list(figure.data[0].y)
    assert bars.params[-1] == "x"  # most important on top
    assert _widths(ax) == pytest.approx(bars.importances[0].tolist())
    assert _widths(ax) == pytest.approx(list(figure.data[0].x))
    assert [text.get_text() for text in ax.texts] == list(figure.data[0].text)
    assert ax.get_title() == "Hyperparameter Importances"
    assert ax.get_xlabel() == "Hyperparameter Importance" and ax.get_ylabel() == "Hyperparameter"
    assert legend_texts(ax) == []  # one objective: nothing to tell apart


def test_params_subset() -> None:
    ax = plot_param_importances(_study(), evaluator=PedAnovaImportanceEvaluator(), params=["y"])
    assert tick_labels(ax, "y") == ["y"] and len(ax.patches) == 1


def test_multi_objective_one_group_of_bars_per_objective() -> None:
    study = _study(["minimize", "minimize"])
    study.set_metric_names(["loss", "cost"])
    evaluator = PedAnovaImportanceEvaluator()
    bars = importance_bars(study, evaluator, None, None, "Objective Value")
    ax = plot_param_importances(study, evaluator=evaluator)
    assert legend_texts(ax) == ["loss", "cost"]
    n = len(bars.params)
    assert _widths(ax) == pytest.approx(bars.importances.ravel().tolist())
    centres = [patch.get_y() + patch.get_height() / 2 for patch in ax.patches]
    # In each parameter's slot the first objective's bar is above the second's.
    assert all(centres[i] > centres[n + i] for i in range(n))
    assert np.allclose(np.array(centres[:n]) - np.array(centres[n:]), 0.4)


def test_target_gives_one_group_named_after_it() -> None:
    study = _study(["minimize", "minimize"])
    ax = plot_param_importances(
        study,
        evaluator=PedAnovaImportanceEvaluator(),
        target=lambda t: t.values[1],
        target_name="cost",
    )
    assert len(ax.patches) == 3 and ax.containers[0].get_label() == "cost"


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_nothing_to_show_warns_and_returns_an_empty_axes(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        ax = plot_param_importances(make(), params=params)
    assert is_empty(ax)


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_param_importances(_study(), params=["nope"])
