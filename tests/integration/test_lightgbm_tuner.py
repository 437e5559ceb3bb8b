"""LightGBMTuner, LightGBMTunerCV and train: the stages, the study they leave, resuming."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import lightgbm
import pytest

import hpo
import hpo.integration.lightgbm as lgb
from hpo.exceptions import HpoWarning
from hpo.study import StudyDirection
from tests.integration.boosting_support import binary_data

PARAMS = {"objective": "binary", "metric": "binary_logloss", "verbose": -1, "num_threads": 1}
STEP = "lightgbm_tuner:step_name"
LGBM_PARAMS = "lightgbm_tuner:lgbm_params"
TUNED = {
    "feature_fraction": ["feature_fraction"],
    "num_leaves": ["num_leaves"],
    "bagging": ["bagging_fraction", "bagging_freq"],
    "feature_fraction_stage2": ["feature_fraction"],
    "regularization_factors": ["lambda_l1", "lambda_l2"],
    "min_child_samples": ["min_child_samples"],
}


def _sets() -> tuple[lgb.Dataset, lgb.Dataset]:
    X, y, X_valid, y_valid = binary_data()
    train = lgb.Dataset(X, y)
    return train, lgb.Dataset(X_valid, y_valid, reference=train)


def _tuner(params: dict[str, Any] = PARAMS, **kwargs: Any) -> lgb.LightGBMTuner:
    train, valid = _sets()
    kwargs.setdefault("num_boost_round", 3)
    kwargs.setdefault("optuna_seed", 0)
    return lgb.LightGBMTuner(params, train, valid_sets=[valid], show_progress_bar=False, **kwargs)


def _stage_counts(study: hpo.Study) -> Counter[str]:
    return Counter(trial.system_attrs[STEP] for trial in study.trials)


def test_stages_run_in_order_each_from_the_best_of_the_earlier_ones() -> None:
    tuner = _tuner()
    tuner.run()
    trials = tuner.study.trials
    stages = [trial.system_attrs[STEP] for trial in trials]
    order = list(dict.fromkeys(stages))
    assert order == list(TUNED)
    counts = Counter(stages)
    assert [counts[name] for name in ("feature_fraction", "num_leaves", "bagging")] == [7, 20, 10]
    assert [counts["regularization_factors"], counts["min_child_samples"]] == [20, 5]
    assert 3 <= counts["feature_fraction_stage2"] <= 6
    assert {
        t.params["feature_fraction"] for t in trials if t.system_attrs[STEP] == "feature_fraction"
    } == {
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
        1.0,
    }
    assert sorted(
        t.params["min_child_samples"]
        for t in trials
        if t.system_attrs[STEP] == "min_child_samples"
    ) == [5, 10, 25, 50, 100]
    for trial in trials:
        stage = trial.system_attrs[STEP]
        assert sorted(trial.params) == sorted(TUNED[stage])
        # Everything the stage does not tune is the best trial's of the stages before it.
        earlier = [t for t in trials if order.index(t.system_attrs[STEP]) < order.index(stage)]
        trained = json.loads(trial.system_attrs[LGBM_PARAMS])
        assert {k: trained[k] for k in trial.params} == trial.params
        if earlier:
            best = min(earlier, key=lambda t: t.value)
            best_params = json.loads(best.system_attrs[LGBM_PARAMS])
            fixed = {k: v for k, v in trained.items() if k not in TUNED[stage]}
            assert fixed == {k: v for k, v in best_params.items() if k not in TUNED[stage]}
        else:
            assert trained["num_leaves"] == 31 and trained["feature_pre_filter"] is False
    stage2 = [
        t.params["feature_fraction"]
        for t in trials
        if t.system_attrs[STEP] == "feature_fraction_stage2"
    ]
    assert len(set(stage2)) == len(stage2)
    best_stage1 = min(
        (
            t
            for t in trials
            if t.system_attrs[STEP] in ("feature_fraction", "num_leaves", "bagging")
        ),
        key=lambda t: t.value,
    )
    center = json.loads(best_stage1.system_attrs[LGBM_PARAMS])["feature_fraction"]
    assert all(abs(value - center) <= 0.08 + 1e-9 and 0.4 <= value <= 1.0 for value in stage2)


def test_best_params_score_and_booster_are_the_best_trials() -> None:
    tuner = _tuner()
    tuner.tune_feature_fraction()
    tuner.tune_num_leaves(n_trials=5)
    best = tuner.study.best_trial
    assert tuner.best_score == best.value
    assert tuner.best_params == json.loads(best.system_attrs[LGBM_PARAMS])
    booster = tuner.get_best_booster()
    assert booster is tuner.best_booster
    assert booster.best_score["valid_0"]["binary_logloss"] == best.value
    # The same parameters, trained again by LightGBM itself, give the same score.
    train, valid = _sets()
    again = lightgbm.train(tuner.best_params, train, 3, valid_sets=[valid])
    assert again.best_score["valid_0"]["binary_logloss"] == pytest.approx(best.value)


def test_nothing_tuned_yet() -> None:
    tuner = _tuner({**PARAMS, "num_leaves": 7})
    assert tuner.best_score == float("inf")
    assert tuner.best_params["num_leaves"] == 7  # a value the user gave is where search starts
    with pytest.raises(ValueError, match=r"No trial of the tuner has completed yet"):
        tuner.get_best_booster()


def test_resume_from_sqlite_runs_only_the_missing_trials(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'tuner.db'}"
    study = hpo.create_study(storage=storage, study_name="lgbm")
    first = _tuner(study=study, model_dir=str(tmp_path / "models"))
    first.tune_feature_fraction()
    first.tune_num_leaves(n_trials=4)
    assert _stage_counts(study) == {"feature_fraction": 7, "num_leaves": 4}
    numbers_before = [trial.number for trial in study.trials]

    # A new process would load the study by name; the run continues it.
    loaded = hpo.load_study(study_name="lgbm", storage=storage)
    second = _tuner(study=loaded, model_dir=str(tmp_path / "models"))
    assert second.best_score == first.best_score
    second.run()
    counts = _stage_counts(loaded)
    assert counts["feature_fraction"] == 7 and counts["num_leaves"] == 20
    assert counts["bagging"] == 10 and counts["min_child_samples"] == 5
    assert [t.number for t in loaded.trials][: len(numbers_before)] == numbers_before
    # The best booster comes back from model_dir even if an earlier run trained it.
    booster = second.get_best_booster()
    assert booster.best_score["valid_0"]["binary_logloss"] == pytest.approx(second.best_score)

    # A finished study runs nothing more.
    n_trials = len(loaded.trials)
    _tuner(study=hpo.load_study(study_name="lgbm", storage=storage)).run()
    assert len(hpo.load_study(study_name="lgbm", storage=storage).trials) == n_trials


def test_best_booster_of_an_earlier_run_needs_model_dir(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'tuner.db'}"
    study = hpo.create_study(storage=storage, study_name="lgbm")
    _tuner(study=study).tune_feature_fraction()
    resumed = _tuner(study=hpo.load_study(study_name="lgbm", storage=storage))
    with pytest.raises(ValueError, match=r"trained by an earlier run.*model_dir="):
        resumed.get_best_booster()


def test_seed_makes_runs_reproducible() -> None:
    runs = []
    for _ in range(2):
        tuner = _tuner(optuna_seed=3)
        tuner.tune_num_leaves(n_trials=12)
        runs.append([trial.params for trial in tuner.study.trials])
    assert runs[0] == runs[1]
    assert len({params["num_leaves"] for params in runs[0]}) > 3


def test_time_budget_stops_the_run() -> None:
    tuner = _tuner(time_budget=1e-6)
    tuner.run()
    assert len(tuner.study.trials) < 7  # never past the first stage


def test_callbacks_reach_lightgbm_and_the_study() -> None:
    seen: list[int] = []
    tuner = _tuner(
        {**PARAMS, "learning_rate": 1.0},  # overfits within a few rounds
        num_boost_round=50,
        callbacks=[lightgbm.early_stopping(2, verbose=False)],
        optuna_callbacks=[lambda study, trial: seen.append(trial.number)],
    )
    tuner.tune_feature_fraction()
    assert seen == list(range(7))
    booster = tuner.get_best_booster()
    assert booster.best_iteration < 50  # stopped early
    assert tuner.best_score == booster.best_score["valid_0"]["binary_logloss"]
    assert all(
        t.system_attrs["lightgbm_tuner:average_iteration_time"] > 0 for t in tuner.study.trials
    )


def test_maximized_metric_gets_a_maximizing_study() -> None:
    tuner = _tuner({**PARAMS, "metric": "auc"})
    assert tuner.higher_is_better() and tuner.study.direction == StudyDirection.MAXIMIZE
    assert tuner.compare_validation_metrics(0.9, 0.8)
    tuner.tune_feature_fraction()
    assert tuner.best_score == max(trial.value for trial in tuner.study.trials)


def test_aliases_of_tuned_parameters_are_folded_into_one_name() -> None:
    params = {key: value for key, value in PARAMS.items() if key != "metric"}
    tuner = _tuner({**params, "reg_alpha": 0.5, "min_data_in_leaf": 7, "metrics": "auc"})
    assert tuner.lgbm_params["lambda_l1"] == 0.5
    assert tuner.lgbm_params["min_child_samples"] == 7
    assert "reg_alpha" not in tuner.lgbm_params and "min_data_in_leaf" not in tuner.lgbm_params
    assert tuner.study.direction == StudyDirection.MAXIMIZE


def test_named_last_validation_set_is_scored() -> None:
    train, valid = _sets()
    tuner = lgb.LightGBMTuner(
        PARAMS,
        train,
        num_boost_round=3,
        valid_sets=[train, valid],
        valid_names=["fit", "holdout"],
        show_progress_bar=False,
    )
    tuner.tune_feature_fraction()
    assert tuner.best_score == tuner.get_best_booster().best_score["holdout"]["binary_logloss"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"valid_sets": None}, ValueError, "valid_sets is required"),
        ({"num_boost_round": 0}, ValueError, "num_boost_round must be a positive integer, got 0"),
        ({"time_budget": -1}, ValueError, "time_budget must be positive, got -1"),
        ({"time_budget": "1"}, TypeError, "time_budget must be a number of seconds or None"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    train, valid = _sets()
    kwargs = {"valid_sets": [valid], **kwargs}
    with pytest.raises(error, match=message):
        lgb.LightGBMTuner(PARAMS, train, show_progress_bar=False, **kwargs)


def test_study_in_the_wrong_direction_is_refused() -> None:
    study = hpo.create_study(direction="minimize")
    with pytest.raises(
        ValueError, match=r"direction is minimize but LightGBM's metric 'auc' must be maximized"
    ):
        _tuner({**PARAMS, "metric": "auc"}, study=study)
    assert study.trials == []


def test_params_that_cannot_be_stored_are_refused() -> None:
    with pytest.raises(TypeError, match=r"params must be JSON-like.*function"):
        _tuner({**PARAMS, "custom": lambda: None})
    with pytest.raises(TypeError, match=r"train_set must be a lightgbm.Dataset, got ndarray"):
        lgb.LightGBMTuner(PARAMS, binary_data()[0], valid_sets=[_sets()[1]])


def test_sample_size_is_accepted_with_a_warning() -> None:
    with pytest.warns(
        HpoWarning, match="sample_size=100 is accepted for compatibility and not used"
    ):
        _tuner(sample_size=100)


def test_cv_tuner_scores_the_mean_over_folds_and_keeps_the_boosters() -> None:
    train, _ = _sets()
    tuner = lgb.LightGBMTunerCV(
        PARAMS, train, num_boost_round=3, nfold=3, show_progress_bar=False, return_cvbooster=True
    )
    tuner.tune_feature_fraction()
    assert len(tuner.study.trials) == 7
    again = lightgbm.cv(tuner.best_params, lgb.Dataset(*binary_data()[:2]), 3, nfold=3, seed=0)
    assert tuner.best_score == pytest.approx(again["valid binary_logloss-mean"][-1])
    boosters = tuner.get_best_booster()
    assert isinstance(boosters, lightgbm.CVBooster) and len(boosters.boosters) == 3


def test_cv_tuner_without_cvbooster_has_no_booster() -> None:
    train, _ = _sets()
    tuner = lgb.LightGBMTunerCV(PARAMS, train, num_boost_round=2, nfold=2, show_progress_bar=False)
    tuner.tune_min_data_in_leaf()
    assert len(tuner.study.trials) == 5
    with pytest.raises(ValueError, match="return_cvbooster=True"):
        tuner.get_best_booster()
    with pytest.raises(ValueError, match="nfold must be a positive integer, got 0"):
        lgb.LightGBMTunerCV(PARAMS, train, nfold=0)


def test_train_is_a_drop_in_for_lightgbm_train() -> None:
    train, valid = _sets()
    study = hpo.create_study()
    booster = lgb.train(
        PARAMS, train, num_boost_round=3, valid_sets=[valid], study=study, show_progress_bar=False
    )
    assert isinstance(booster, lightgbm.Booster)
    assert len(study.trials) >= 65
    assert booster.best_score["valid_0"]["binary_logloss"] == study.best_value


def test_bagging_stage_spreads_its_points_and_resumes_the_design() -> None:
    full = _tuner()
    full.tune_bagging()
    points = [(t.params["bagging_fraction"], t.params["bagging_freq"]) for t in full.study.trials]
    assert len(points) == 10
    # A Latin hypercube: one bagging_fraction in each tenth of [0.4, 1.0].
    assert sorted(int((fraction - 0.4) / 0.06) for fraction, _ in points) == list(range(10))
    assert all(1 <= freq <= 7 for _, freq in points) and len({freq for _, freq in points}) >= 5
    # Stopped after 4 trials and resumed, the stage runs the same 10 points.
    first = _tuner()
    first.tune_bagging(n_trials=4)
    _tuner(study=first.study).tune_bagging()
    assert [
        (t.params["bagging_fraction"], t.params["bagging_freq"]) for t in first.study.trials
    ] == points
