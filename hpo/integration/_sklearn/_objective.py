"""One trial of the search: cross-validate the estimator with the parameters the trial suggests.

Without pruning every fold is fitted once with ``fit``. With pruning every fold's estimator is
trained one ``partial_fit`` pass at a time; after each pass the mean validation score over the
folds is reported, and the trial stops (PRUNED) when the study's pruner says so. Either way
the fold scores and timings become user attributes of the trial under the names of
scikit-learn's ``cv_results_`` (``split0_test_score``, ``mean_test_score``, ...).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _num_samples

from hpo._keys import CV_SCORES_KEY
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.exceptions import TrialPruned
from hpo.trial import Trial

Split = tuple[np.ndarray, np.ndarray]


def suggest(trial: Trial, name: str, distribution: BaseDistribution) -> Any:
    """Ask ``trial`` for the value of ``name`` in ``distribution`` through its public API."""
    if isinstance(distribution, FloatDistribution):
        return trial.suggest_float(
            name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
        )
    if isinstance(distribution, IntDistribution):
        return trial.suggest_int(
            name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
        )
    if isinstance(distribution, CategoricalDistribution):
        return trial.suggest_categorical(name, distribution.choices)
    raise TypeError(f"Cannot suggest {name!r} from {distribution!r}.")


def index_fit_params(fit_params: Mapping[str, Any], n_samples: int, rows: Any) -> dict[str, Any]:
    """Select ``rows`` of the fit parameters that hold one value per sample (sample_weight)."""
    selected = {}
    for key, value in fit_params.items():
        per_sample = hasattr(value, "__len__") and not isinstance(value, (str, bytes))
        if per_sample and _num_samples(value) == n_samples:
            value = _safe_indexing(value, rows)
        selected[key] = value
    return selected


class _Fold:
    """One train/validation split of one trial: its estimator, scores and timings."""

    def __init__(self, estimator: Any, split: Split) -> None:
        self.estimator = estimator
        self.train, self.test = split
        self.test_score = float("nan")
        self.train_score = float("nan")
        self.fit_time = 0.0
        self.score_time = 0.0
        self.error: BaseException | None = None


class CrossValidationObjective:
    """The objective a search optimizes: a trial's mean validation score over the folds.

    Parameters
    ----------
    estimator:
        The unfitted estimator; each fold fits a clone with the trial's parameters.
    param_distributions:
        Parameter name (as ``set_params`` takes it) to distribution.
    X, y:
        The search data (already subsampled); ``y`` may be ``None``.
    splits:
        The (train, validation) index arrays, the same for every trial.
    scorer:
        ``scorer(estimator, X, y) -> float``, higher is better.
    fit_params:
        Keyword arguments of ``fit`` / ``partial_fit``; per-sample arrays are split with the data.
    enable_pruning:
        Train with ``partial_fit``, report after each pass and stop when the pruner says so.
    error_score:
        ``"raise"`` to let a failing fold stop the search, or the score of a failing fold.
    max_iter:
        The number of ``partial_fit`` passes when pruning.
    return_train_score:
        Also score each fold's estimator on its training part.
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, BaseDistribution],
        X: Any,
        y: Any,
        splits: Sequence[Split],
        scorer: Callable[..., float],
        fit_params: Mapping[str, Any],
        *,
        enable_pruning: bool,
        error_score: float | str,
        max_iter: int,
        return_train_score: bool,
    ) -> None:
        self.estimator = estimator
        self.param_distributions = dict(param_distributions)
        self.X = X
        self.y = y
        self.splits = list(splits)
        self.scorer = scorer
        self.fit_params = dict(fit_params)
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.return_train_score = return_train_score
        self._classes = np.unique(y) if y is not None and is_classifier(estimator) else None
        pairwise = get_tags(estimator).input_tags.pairwise
        self._plain_arrays = (
            not pairwise and type(X) is np.ndarray and (y is None or type(y) is np.ndarray)
        )
        #: The latest fold failure (trial number, fold index, error), for when all trials fail.
        self.last_failure: tuple[int, int, BaseException] | None = None

    def __call__(self, trial: Trial) -> float:
        params = {
            name: suggest(trial, name, distribution)
            for name, distribution in self.param_distributions.items()
        }
        estimator = clone(self.estimator).set_params(**params)
        folds = [_Fold(clone(estimator), split) for split in self.splits]
        if self.enable_pruning:
            self._train_step_by_step(trial, folds)
        else:
            for fold in folds:
                self._run(fold, self._fit)
        return self._record(trial, folds)

    # -- one fold ------------------------------------------------------------------------------
    def _data(self, rows: np.ndarray, train: np.ndarray | None = None) -> tuple[Any, Any]:
        if self._plain_arrays:
            # A numpy take is microseconds; scikit-learn's generic split costs milliseconds.
            return self.X[rows], None if self.y is None else self.y[rows]
        return _safe_split(self.estimator, self.X, self.y, rows, train)

    def _fit(self, fold: _Fold, method: str = "fit") -> None:
        X_train, y_train = self._data(fold.train)
        kwargs = index_fit_params(self.fit_params, _num_samples(self.X), fold.train)
        if method == "partial_fit" and self._classes is not None:
            kwargs["classes"] = self._classes
        start = time.perf_counter()
        try:
            getattr(fold.estimator, method)(X_train, y_train, **kwargs)
        finally:
            fold.fit_time += time.perf_counter() - start
        start = time.perf_counter()
        try:
            fold.test_score = self._score(fold.estimator, *self._data(fold.test, fold.train))
        finally:
            fold.score_time += time.perf_counter() - start

    def _score(self, estimator: Any, X: Any, y: Any) -> float:
        score = self.scorer(estimator, X, y)
        if not isinstance(score, Real) or isinstance(score, bool):
            raise ValueError(f"scoring must return a number, got {score!r} ({type(score)}).")
        return float(score)

    def _run(self, fold: _Fold, step: Callable[[_Fold], None]) -> None:
        """Run one training step of ``fold``; a failure scores ``error_score`` from then on."""
        if fold.error is not None:
            return
        try:
            step(fold)
        except Exception as error:
            if self.error_score == "raise":
                raise
            fold.error = error
            fold.test_score = fold.train_score = float(self.error_score)

    def _train_step_by_step(self, trial: Trial, folds: list[_Fold]) -> None:
        for step in range(self.max_iter):
            for fold in folds:
                self._run(fold, lambda f: self._fit(f, "partial_fit"))
            trial.report(float(np.mean([fold.test_score for fold in folds])), step)
            if trial.should_prune():
                self._record(trial, folds)
                raise TrialPruned(f"Trial {trial.number} was pruned after {step + 1} passes.")

    # -- the trial's record --------------------------------------------------------------------
    def _record(self, trial: Trial, folds: list[_Fold]) -> float:
        """Store the fold results as user attributes and return the mean validation score."""
        if self.return_train_score:
            for fold in folds:
                self._run(fold, self._score_train)
        self._warn_failures(trial, folds)
        columns: dict[str, list[float]] = {
            "fit_time": [fold.fit_time for fold in folds],
            "score_time": [fold.score_time for fold in folds],
            "test_score": [fold.test_score for fold in folds],
        }
        if self.return_train_score:
            columns["train_score"] = [fold.train_score for fold in folds]
        for name, values in columns.items():
            if name.endswith("_score"):
                for index, value in enumerate(values):
                    trial.set_user_attr(f"split{index}_{name}", value)
            trial.set_user_attr(f"mean_{name}", float(np.mean(values)))
            trial.set_user_attr(f"std_{name}", float(np.std(values)))
        test_scores = columns["test_score"]
        if len(test_scores) >= 2 and np.isfinite(test_scores).all():
            # The terminator's cross-validation error evaluator reads them from here.
            trial.set_system_attr(CV_SCORES_KEY, test_scores)
        return float(np.mean(test_scores))

    def _score_train(self, fold: _Fold) -> None:
        fold.train_score = self._score(fold.estimator, *self._data(fold.train))

    def _warn_failures(self, trial: Trial, folds: list[_Fold]) -> None:
        failed = [(index, fold.error) for index, fold in enumerate(folds) if fold.error]
        if not failed:
            return
        index, error = failed[-1]
        self.last_failure = (trial.number, index, error)
        warnings.warn(
            f"Trial {trial.number}: {len(failed)} of {len(folds)} folds failed and score "
            f"error_score={self.error_score!r}; fold {index} failed with "
            f"{type(error).__name__}: {error}",
            FitFailedWarning,
            stacklevel=2,
        )
