"""HpoSearchCV against real scikit-learn: the estimator contract, the search and its failures."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.estimator_checks import check_estimator

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.integration import HpoSearchCV, OptunaSearchCV
from hpo.trial import TrialState

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_iris(return_X_y=True)
    return X, y


def nb_search(**kwargs: Any) -> HpoSearchCV:
    """A fast search: GaussianNB's smoothing over 3 folds."""
    options: dict[str, Any] = {"n_trials": 4, "cv": 3, "random_state": 0, **kwargs}
    return HpoSearchCV(
        GaussianNB(), {"var_smoothing": FloatDistribution(1e-10, 1e-2, log=True)}, **options
    )


class CountingSGD(SGDClassifier):
    """SGDClassifier that counts its partial_fit calls over all clones."""

    calls: list[int] = []
    lock = threading.Lock()

    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> Any:
        with CountingSGD.lock:
            CountingSGD.calls.append(len(X))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


class Recorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class; records the rows and sample weights each fit saw."""

    fits: list[tuple[int, int | None]] = []

    def __init__(self, shift: float = 0.0) -> None:
        self.shift = shift

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Recorder:
        Recorder.fits.append((len(X), None if sample_weight is None else len(sample_weight)))
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.full(len(X), self.majority_)


# -- the scikit-learn estimator contract ---------------------------------------------------------
# HpoSearchCV has a max_iter parameter (the partial_fit passes of pruning), so scikit-learn
# expects an n_iter_ attribute; a search has no single iteration count to report.
EXPECTED_FAILURES = {
    "check_non_transformer_estimators_n_iter": "max_iter counts partial_fit passes, no n_iter_"
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # degenerate data on purpose
@pytest.mark.parametrize(
    "search",
    [
        nb_search(n_trials=2, cv=2),
        HpoSearchCV(Ridge(), {"alpha": FloatDistribution(0.1, 10.0, log=True)}, n_trials=2, cv=2),
    ],
    ids=["classifier", "regressor"],
)
def test_passes_scikit_learns_estimator_checks(search: HpoSearchCV) -> None:
    results = check_estimator(search, on_fail=None, expected_failed_checks=EXPECTED_FAILURES)
    failed = {r["check_name"]: repr(r["exception"]) for r in results if r["status"] == "failed"}
    assert failed == {}
    statuses = {r["check_name"]: r["status"] for r in results}
    assert statuses["check_non_transformer_estimators_n_iter"] == "xfail"
    skipped = {name for name, status in statuses.items() if status == "skipped"}
    assert skipped <= {"check_array_api_input"}  # needs SCIPY_ARRAY_API=1 set before import
    assert len(results) > 40


def test_clone_and_params_round_trip(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = nb_search(n_trials=3)
    params = search.get_params()
    assert params["n_trials"] == 3 and params["estimator__var_smoothing"] == 1e-9
    search.set_params(estimator__var_smoothing=1e-5, n_trials=2)
    assert search.estimator.var_smoothing == 1e-5
    search.fit(*iris)
    copy = clone(search)
    assert copy.get_params()["n_trials"] == 2
    assert copy.param_distributions == search.param_distributions
    assert not hasattr(copy, "study_")
    with pytest.raises(NotFittedError):
        copy.predict(iris[0])
    copy.fit(*iris)
    assert copy.study_ is not search.study_ and len(copy.trials_) == 2


def test_optuna_name_is_the_same_class() -> None:
    import hpo.integration

    assert OptunaSearchCV is HpoSearchCV
    assert hpo.integration.OptunaSearchCV is HpoSearchCV
    assert {"HpoSearchCV", "OptunaSearchCV"} <= set(hpo.integration.__all__)


def test_missing_scikit_learn_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "try:\n    import hpo.integration.sklearn\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert 'pip install "hpo[sklearn]"' in out.stdout, out.stderr


# -- the search ----------------------------------------------------------------------------------
def test_search_over_a_pipeline_and_inside_a_pipeline(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = iris
    inner = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    space = {
        "logisticregression__C": FloatDistribution(1e-2, 1e2, log=True),
        "logisticregression__fit_intercept": CategoricalDistribution([True, False]),
    }
    search = HpoSearchCV(inner, space, n_trials=5, cv=3, random_state=0)
    outer = Pipeline([("scale", StandardScaler()), ("search", search)]).fit(X, y)
    fitted = outer.named_steps["search"]
    assert set(fitted.best_params_) == set(space)
    best_model = fitted.best_estimator_.named_steps["logisticregression"]
    assert fitted.best_params_["logisticregression__C"] == best_model.C
    scaled = outer.named_steps["scale"].transform(X)
    assert outer.score(X, y) == fitted.best_estimator_.score(scaled, y)
    assert outer.predict_proba(X).shape == (150, 3)
    np.testing.assert_array_equal(fitted.classes_, [0, 1, 2])


def test_behaves_like_grid_search(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = StandardScaler().fit_transform(iris[0]), iris[1]
    cv = KFold(3, shuffle=True, random_state=1)
    model = LogisticRegression(max_iter=1000)
    space = {"C": FloatDistribution(1e-3, 1e2, log=True)}
    search = HpoSearchCV(model, space, n_trials=6, cv=cv, random_state=0)
    search.fit(X, y)
    grid = GridSearchCV(model, {"C": [0.1, 1.0]}, cv=cv).fit(X, y)
    results = search.cv_results_
    assert set(grid.cv_results_) == set(results)
    assert search.n_splits_ == 3 and search.n_trials_ == 6 and len(results["params"]) == 6
    best = search.best_index_
    assert results["rank_test_score"][best] == 1
    assert (
        results["mean_test_score"][best] == search.best_score_ == max(results["mean_test_score"])
    )
    assert search.best_trial_.number == best
    assert results["params"][best] == search.best_params_ == {"C": results["param_C"][best]}
    # The fold scores are those scikit-learn computes for the same parameters and splits.
    for trial in search.trials_:
        expected = cross_val_score(clone(model).set_params(**trial.params), X, y, cv=cv)
        stored = [trial.user_attrs[f"split{i}_test_score"] for i in range(3)]
        np.testing.assert_allclose(stored, expected)
        assert trial.value == pytest.approx(trial.user_attrs["mean_test_score"])
        assert trial.system_attrs["terminator:cv_scores"] == stored
        assert trial.user_attrs["mean_fit_time"] > 0 and "std_score_time" in trial.user_attrs
    refitted = clone(model).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict(X), refitted.predict(X))
    np.testing.assert_allclose(search.predict_proba(X), refitted.predict_proba(X))
    np.testing.assert_allclose(search.predict_log_proba(X), refitted.predict_log_proba(X))
    np.testing.assert_allclose(search.decision_function(X), refitted.decision_function(X))
    assert search.score(X, y) == refitted.score(X, y)
    assert search.refit_time_ > 0 and search.n_features_in_ == 4
    assert search.scorer_(refitted, X, y) == refitted.score(X, y)
    frame = search.trials_dataframe()
    assert len(frame) == 6 and "user_attrs_mean_test_score" in frame.columns
    search.set_user_attr("dataset", "iris")
    assert search.user_attrs_ == {"dataset": "iris"}


def test_train_scores_and_transformer_methods(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, _ = iris
    space = {"n_components": IntDistribution(1, 3)}
    search = HpoSearchCV(PCA(), space, n_trials=3, cv=3, return_train_score=True)
    reduced = search.fit_transform(X)
    n_components = search.best_params_["n_components"]
    assert reduced.shape == (150, n_components)
    assert search.inverse_transform(reduced).shape == X.shape
    assert search.score_samples(X).shape == (150,)
    assert {"split2_train_score", "mean_train_score", "std_train_score"} <= set(search.cv_results_)
    assert np.isfinite(search.cv_results_["mean_train_score"]).all()
    assert not hasattr(search, "predict")  # PCA has none


def test_pruning_stops_partial_fit_and_marks_trials_pruned(
    iris: tuple[np.ndarray, np.ndarray],
) -> None:
    X, y = iris
    CountingSGD.calls.clear()
    study = hpo.create_study(
        direction="maximize",
        sampler=hpo.samplers.RandomSampler(seed=0),
        pruner=hpo.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1),
    )
    space = {"alpha": FloatDistribution(1e-6, 1e1, log=True)}
    search = HpoSearchCV(
        CountingSGD(random_state=0),
        space,
        enable_pruning=True,
        max_iter=15,
        n_trials=16,
        cv=3,
        study=study,
    )
    search.fit(StandardScaler().fit_transform(X), y)
    states = [t.state for t in search.trials_]
    pruned = [t for t in search.trials_ if t.state == TrialState.PRUNED]
    assert pruned and TrialState.COMPLETE in states
    for trial in search.trials_:
        passes = len(trial.intermediate_values)
        assert passes == 15 if trial.state == TrialState.COMPLETE else passes < 15
        assert "mean_test_score" in trial.user_attrs and "split2_test_score" in trial.user_attrs
    # Each reported pass is one partial_fit per fold: pruned trials really stopped training.
    reported = sum(len(t.intermediate_values) for t in search.trials_)
    assert len(CountingSGD.calls) == 3 * reported < 3 * 15 * 16
    assert search.best_trial_.state == TrialState.COMPLETE
    assert search.cv_results_["rank_test_score"][search.best_index_] == 1


def test_pruning_everything_fails_the_search_with_a_clear_error(
    iris: tuple[np.ndarray, np.ndarray],
) -> None:
    CountingSGD.calls.clear()
    study = hpo.create_study(direction="maximize", pruner=hpo.pruners.ThresholdPruner(lower=2.0))
    space = {"alpha": FloatDistribution(1e-4, 1e-1, log=True)}
    search = HpoSearchCV(
        CountingSGD(), space, enable_pruning=True, max_iter=50, n_trials=3, cv=2, study=study
    )
    with pytest.raises(ValueError, match=r"No trial of study .* completed"):
        search.fit(*iris)
    assert [len(t.intermediate_values) for t in study.trials] == [1, 1, 1]
    assert len(CountingSGD.calls) == 3 * 2
    assert all(t.state == TrialState.PRUNED for t in study.trials)


def test_enable_pruning_needs_partial_fit(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = HpoSearchCV(SVC(), {"C": FloatDistribution(0.1, 1.0)}, enable_pruning=True)
    with pytest.raises(
        ValueError, match="enable_pruning=True needs an estimator with partial_fit"
    ):
        search.fit(*iris)


def _kernel_study(*kernels: str) -> hpo.Study:
    study = hpo.create_study(direction="maximize")
    for kernel in kernels:
        study.enqueue_trial({"kernel": kernel})
    return study


KERNELS = {"kernel": CategoricalDistribution(["linear", "no-such-kernel"])}


def test_error_score_raise_stops_the_search(iris: tuple[np.ndarray, np.ndarray]) -> None:
    study = _kernel_study("linear", "no-such-kernel", "linear")
    search = HpoSearchCV(SVC(), KERNELS, n_trials=3, cv=2, study=study, error_score="raise")
    with pytest.raises(ValueError, match="no-such-kernel"):
        search.fit(*iris)
    # The third trial never started: the error ended the search.
    assert [t.state for t in study.trials][:2] == [TrialState.COMPLETE, TrialState.FAIL]


def test_error_score_nan_fails_the_trial_and_goes_on(iris: tuple[np.ndarray, np.ndarray]) -> None:
    study = _kernel_study("no-such-kernel", "linear")
    search = HpoSearchCV(SVC(), KERNELS, n_trials=2, cv=2, study=study)
    with pytest.warns(FitFailedWarning, match="Trial 0: 2 of 2 folds failed .*no-such-kernel"):
        search.fit(*iris)
    failed, complete = search.trials_
    assert failed.state == TrialState.FAIL and np.isnan(failed.user_attrs["mean_test_score"])
    assert complete.state == TrialState.COMPLETE and search.best_params_ == {"kernel": "linear"}
    assert list(search.cv_results_["rank_test_score"]) == [2, 1]


def test_numeric_error_score_completes_the_trial(iris: tuple[np.ndarray, np.ndarray]) -> None:
    study = _kernel_study("no-such-kernel", "linear")
    search = HpoSearchCV(SVC(), KERNELS, n_trials=2, cv=2, study=study, error_score=-1.0)
    with pytest.warns(FitFailedWarning):
        search.fit(*iris)
    assert search.trials_[0].value == -1.0
    assert search.best_params_ == {"kernel": "linear"}


def test_when_every_trial_fails_the_estimators_error_is_raised(
    iris: tuple[np.ndarray, np.ndarray],
) -> None:
    study = _kernel_study("no-such-kernel", "no-such-kernel")
    search = HpoSearchCV(SVC(), KERNELS, n_trials=2, cv=2, study=study)
    with pytest.warns(FitFailedWarning), pytest.raises(ValueError, match="no-such-kernel") as info:
        search.fit(*iris)
    if sys.version_info >= (3, 11):
        assert "No trial of the search completed" in info.value.__notes__[0]


def test_refit_false(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = nb_search(refit=False).fit(*iris)
    assert not hasattr(search, "best_estimator_") and not hasattr(search, "predict")
    assert "var_smoothing" in search.best_params_
    with pytest.raises(AttributeError, match="predict") as info:
        search.predict(iris[0])
    assert "refit=False" in str(info.value.__cause__)
    with pytest.raises(AttributeError, match="refit=False"):
        search.score(*iris)


def test_subsample_searches_on_part_and_refits_on_all(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = iris
    for subsample, expected in [(60, 60), (0.5, 75)]:
        Recorder.fits.clear()
        search = HpoSearchCV(
            Recorder(),
            {"shift": FloatDistribution(0.0, 1.0)},
            n_trials=2,
            cv=3,
            subsample=subsample,
            random_state=0,
        )
        search.fit(X, y, sample_weight=np.ones(150))
        indices = search.sample_indices_
        assert len(indices) == expected == len(np.unique(indices))
        assert list(indices) == sorted(indices)
        search_fits, refit = Recorder.fits[:-1], Recorder.fits[-1]
        assert len(search_fits) == 2 * 3
        # Each fold trains on two thirds of the subsample, with its share of the weights.
        assert {rows for rows, _ in search_fits} <= {expected * 2 // 3, expected * 2 // 3 + 1}
        assert all(rows == weights for rows, weights in search_fits)
        assert refit == (150, 150)


def test_groups_and_data_frames(iris: tuple[np.ndarray, np.ndarray]) -> None:
    import pandas as pd

    X = pd.DataFrame(iris[0], columns=["sl", "sw", "pl", "pw"])
    y = pd.Series(iris[1])
    groups = np.arange(150) % 5
    search = nb_search(cv=GroupKFold(5)).fit(X, y, groups=groups)
    assert search.n_splits_ == 5
    assert list(search.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    assert search.predict(X.iloc[:3]).shape == (3,)
    study = hpo.create_study(direction="maximize")
    with pytest.raises(ValueError, match="groups"):
        nb_search(cv=GroupKFold(5), study=study).fit(X, y)
    assert study.trials == []


def test_timeout_ends_an_unbounded_search(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = nb_search(n_trials=None, timeout=0.3).fit(*iris)
    assert search.n_trials_ >= 1
    assert all(t.state == TrialState.COMPLETE for t in search.trials_)


def test_threads_run_the_trials(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = nb_search(n_trials=8, n_jobs=2).fit(*iris)
    assert sorted(t.number for t in search.trials_) == list(range(8))
    assert all(t.state == TrialState.COMPLETE for t in search.trials_)


def test_callbacks_and_catch_reach_the_study(iris: tuple[np.ndarray, np.ndarray]) -> None:
    seen: list[int] = []
    search = nb_search(n_trials=3, callbacks=[lambda study, trial: seen.append(trial.number)])
    search.fit(*iris)
    assert seen == [0, 1, 2]

    def boom(estimator: Any, X: Any, y: Any) -> float:
        raise KeyError("scorer bug")

    search = nb_search(n_trials=2, scoring=boom, error_score="raise", catch=(KeyError,))
    with pytest.raises(ValueError, match="No trial of study"):
        search.fit(*iris)
    assert [t.state for t in search.study_.trials] == [TrialState.FAIL, TrialState.FAIL]


def test_verbose_logs_the_search(
    iris: tuple[np.ndarray, np.ndarray], caplog: pytest.LogCaptureFixture
) -> None:
    hpo.logging.set_verbosity(hpo.logging.INFO)
    with caplog.at_level("INFO", logger="hpo"):
        search = nb_search(n_trials=2, verbose=1).fit(*iris)
    messages = [r.getMessage() for r in caplog.records if r.name == "hpo.integration.sklearn"]
    assert messages[0] == (
        "Searching 1 parameters of GaussianNB on 150 samples with 3-fold cross-validation."
    )
    assert messages[1].startswith(f"Best trial #{search.best_index_}: score ")


def test_a_given_sqlite_study_keeps_the_trials(
    iris: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    storage = f"sqlite:///{tmp_path / 'search.db'}"
    study = hpo.create_study(storage=storage, study_name="nb", direction="maximize")
    search = nb_search(study=study, scoring="accuracy")
    search.fit(*iris)
    search.fit(*iris)  # a second fit continues the study
    loaded = hpo.load_study(study_name="nb", storage=storage)
    assert len(loaded.trials) == 8 == search.n_trials_
    assert loaded.best_value == search.best_score_
    assert loaded.trials[0].user_attrs == search.trials_[0].user_attrs
    assert "split2_test_score" in loaded.trials[7].user_attrs
    # A clone's study is a copy of the handle: it still writes to the same database.
    clone(search).fit(*iris)
    assert len(hpo.load_study(study_name="nb", storage=storage).trials) == 12


# -- failure modes -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            {"param_distributions": {"var_smoothing": [1e-9, 1e-8]}},
            ValueError,
            r"param_distributions\['var_smoothing'\] must be an hpo distribution.*1e-09, 1e-08",
        ),
        (
            {"param_distributions": {"C": FloatDistribution(0.1, 1.0)}},
            ValueError,
            "the estimator has no parameter 'C'",
        ),
        ({"param_distributions": [("x", 1)]}, TypeError, "param_distributions must be a dict"),
        ({"cv": "bad"}, ValueError, "Expected `cv` as an integer"),
        ({"cv": 500}, ValueError, "n_splits=500 greater than the number of samples"),
        ({"n_trials": 0}, ValueError, "n_trials must be >= 1, got 0"),
        ({"n_trials": 2.5}, TypeError, "n_trials must be an integer or None, got 2.5"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1, got 0"),
        ({"timeout": -1}, ValueError, "timeout must be > 0, got -1"),
        ({"n_jobs": 0}, ValueError, "n_jobs must be -1 or >= 1, got 0"),
        ({"error_score": "ignore"}, ValueError, "error_score must be 'raise' or a number"),
        ({"subsample": 0}, ValueError, r"subsample=0 samples"),
        ({"subsample": 151}, ValueError, r"subsample=151 samples: must be between 1 and the 150"),
        ({"subsample": 1.5}, ValueError, r"subsample=1.5 as a fraction must be in \(0, 1\]"),
        ({"refit": "yes"}, TypeError, "refit must be True or False, got 'yes'"),
        ({"scoring": ["accuracy"]}, ValueError, "scoring must be a scorer name"),
        ({"verbose": -1}, ValueError, "verbose must be >= 0"),
        ({"random_state": "seed"}, ValueError, "cannot be used to seed"),
    ],
)
def test_bad_arguments_fail_before_any_trial(
    iris: tuple[np.ndarray, np.ndarray], change: dict[str, Any], error: type, message: str
) -> None:
    study = hpo.create_study(direction="maximize")
    search = nb_search(study=study).set_params(**change)
    with pytest.raises(error, match=message):
        search.fit(*iris)
    assert study.trials == []


def test_a_study_that_minimizes_is_refused(iris: tuple[np.ndarray, np.ndarray]) -> None:
    study = hpo.create_study(direction="minimize")
    with pytest.raises(ValueError, match="direction 'maximize'"):
        nb_search(study=study).fit(*iris)
    with pytest.raises(TypeError, match="study must be an hpo Study"):
        nb_search(study="my-study").fit(*iris)
    assert study.trials == []


def test_an_estimator_without_fit_is_refused(iris: tuple[np.ndarray, np.ndarray]) -> None:
    search = HpoSearchCV(object(), {"C": FloatDistribution(0.1, 1.0)})
    with pytest.raises(TypeError, match="estimator must be a scikit-learn estimator"):
        search.fit(*iris)


@pytest.mark.parametrize(
    "use",
    [
        lambda s, X: s.predict(X),
        lambda s, X: s.score(X, np.zeros(len(X))),
        lambda s, X: s.best_params_,
        lambda s, X: s.cv_results_,
        lambda s, X: s.trials_dataframe(),
        lambda s, X: s.set_user_attr("k", 1),
    ],
    ids=["predict", "score", "best_params_", "cv_results_", "trials_dataframe", "set_user_attr"],
)
def test_not_fitted_raises_not_fitted_error(iris: tuple[np.ndarray, np.ndarray], use: Any) -> None:
    with pytest.raises(NotFittedError):
        use(nb_search(), iris[0])


# -- the example ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_example_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "sklearn_searchcv.py"), "--trials", "8"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "Best parameters:" in result.stdout
    assert "Test accuracy:" in result.stdout
    assert "pruned" in result.stdout
