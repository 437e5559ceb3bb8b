from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.importance import PedAnovaImportanceEvaluator, get_param_importances
from hpo.samplers import RandomSampler
from hpo.visualization import plot_param_importances
from tests.visualization.helpers import failed_only_study, mixed_study


def _study(n_objectives: int = 1) -> hpo.Study:
    study = hpo.create_study(directions=["minimize"] * n_objectives, sampler=RandomSampler(seed=0))

    def objective(trial: hpo.Trial) -> tuple[float, ...]:
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        return (x + 0.01 * y, y + 0.01 * x)[:n_objectives]

    study.optimize(objective, n_trials=30)
    return study


def test_bars_match_get_param_importances() -> None:
    study = _study()
    evaluator = PedAnovaImportanceEvaluator()
    figure = plot_param_importances(study, evaluator=evaluator)
    (bars,) = figure.data
    assert bars.type == "bar" and bars.orientation == "h"
    expected = get_param_importances(study, evaluator=evaluator)
    assert list(bars.y) == list(expected)[::-1]  # most important drawn on top
    assert list(bars.x) == pytest.approx([expected[name] for name in bars.y])
    assert bars.y[-1] == "x"
    assert figure.layout.xaxis.title.text == "Hyperparameter Importance"


def test_multi_objective_one_bar_trace_per_objective() -> None:
    study = _study(n_objectives=2)
    figure = plot_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert [bars.name for bars in figure.data] == ["Objective Value 0", "Objective Value 1"]
    first, second = figure.data
    assert list(first.y) == list(second.y) == ["y", "x"]
    assert first.x[1] > first.x[0] and second.x[0] > second.x[1]
    study.set_metric_names(["a", "b"])
    named = plot_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert [bars.name for bars in named.data] == ["a", "b"]
    single = plot_param_importances(
        study, evaluator=PedAnovaImportanceEvaluator(), target=lambda t: t.values[1]
    )
    assert len(single.data) == 1 and single.data[0].y[-1] == "y"


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_empty_warns(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        figure = plot_param_importances(make(), params=params)
    assert len(figure.data) == 0


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_param_importances(mixed_study(), params=["nope"])
