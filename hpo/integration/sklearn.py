"""Hyperparameter search for scikit-learn estimators: :class:`HpoSearchCV`.

A drop-in for scikit-learn's ``RandomizedSearchCV`` whose candidates come from an hpo study
(TPE by default) instead of a fixed list, and for optuna-integration's ``OptunaSearchCV``
(exported under that name too). Needs scikit-learn: ``pip install "hpo[sklearn]"``.
"""

from __future__ import annotations

try:
    import sklearn  # noqa: F401
except ImportError as _error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        'hpo.integration.sklearn needs scikit-learn: pip install "hpo[sklearn]"'
    ) from _error

import copy
import time
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, check_random_state, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _num_samples, check_is_fitted

from hpo import logging
from hpo.distributions import BaseDistribution
from hpo.integration._sklearn import _checks
from hpo.integration._sklearn._objective import CrossValidationObjective, index_fit_params
from hpo.samplers import TPESampler
from hpo.study import Study, create_study
from hpo.trial import FrozenTrial, TrialState

__all__ = ["HpoSearchCV", "OptunaSearchCV"]

_logger = logging.get_logger(__name__)


def _delegate_check(method: str) -> Callable[[HpoSearchCV], bool]:
    """``available_if`` check: the method exists when the (best) estimator has it."""

    def check(search: HpoSearchCV) -> bool:
        if hasattr(search, "study_") and not search.refit:
            raise AttributeError(
                f"{method} needs the refitted best estimator; this search was fitted with "
                f"refit=False."
            )
        getattr(getattr(search, "best_estimator_", search.estimator), method)
        return True

    return check


class HpoSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Search an estimator's hyperparameters with an hpo study and cross-validation.

    Each trial of the study sets the parameters it suggests from ``param_distributions`` on a
    clone of ``estimator``, cross-validates it and returns the mean validation score, which
    the study maximizes. The fold results are kept as user attributes of the trial, under the
    names of scikit-learn's ``cv_results_`` (``split0_test_score``, ``mean_test_score``,
    ``std_test_score``, ``mean_fit_time``, ...). Afterwards the best parameters are refitted
    on all of ``X`` and the search predicts like the estimator it found.

    Also available as ``OptunaSearchCV`` with the same arguments and attributes as
    optuna-integration's class of that name.

    Parameters
    ----------
    estimator:
        The scikit-learn estimator (or pipeline) to tune. Without ``scoring`` it must have a
        ``score`` method.
    param_distributions:
        Parameter name, as ``estimator.set_params`` takes it (``"svc__C"`` in a pipeline), to
        an hpo distribution (:class:`~hpo.distributions.FloatDistribution`,
        :class:`~hpo.distributions.IntDistribution`,
        :class:`~hpo.distributions.CategoricalDistribution`).
    cv:
        The cross-validation: ``None`` for 5 folds, a number of folds (stratified for a
        classifier with a binary or multiclass target), a scikit-learn splitter, or an
        iterable of (train, validation) index arrays. The splits are drawn once per ``fit``
        and shared by every trial.
    enable_pruning:
        Train with ``partial_fit`` (the estimator must have it), one pass at a time for up to
        ``max_iter`` passes; after each pass the mean validation score over the folds is
        reported as the trial's intermediate value, and the trial stops, PRUNED, as soon as
        the study's pruner says so.
    error_score:
        ``"raise"`` to stop the search when a fold fails to fit or score, or the score given
        to a failing fold (with a :class:`~sklearn.exceptions.FitFailedWarning`). A NaN mean
        score makes the trial FAIL. The refit always raises.
    max_iter:
        The number of ``partial_fit`` passes with ``enable_pruning``.
    n_jobs:
        Trials run in this many threads (``None``: 1, ``-1``: one per CPU).
    n_trials:
        How many trials to run; ``None`` runs until ``timeout``.
    random_state:
        Seeds the new study's TPE sampler and the choice of the ``subsample`` rows: an int, a
        :class:`numpy.random.RandomState`, or ``None`` for unseeded.
    refit:
        Refit the best parameters on all of ``X`` (``best_estimator_``), so that ``predict``
        and the other methods of the estimator work on the search.
    return_train_score:
        Also score every fold on its training part (``split0_train_score``, ...).
    scoring:
        A scorer name (``"roc_auc"``) or a callable ``scorer(estimator, X, y)``; ``None`` uses
        the estimator's ``score``. Higher is better.
    study:
        The study to add the trials to (it must maximize); ``None`` creates an in-memory study
        with ``TPESampler(seed=random_state)`` and the default pruner. With a study in a
        database, several processes can search together and the trials outlive the process.
    subsample:
        The rows the search cross-validates on: a fraction of ``X`` (float in (0, 1]) or a
        number of rows (int); the refit uses all of ``X``.
    timeout:
        Start no new trial after this many seconds.
    verbose:
        ``> 0`` logs the search's progress at INFO level through hpo's logger.
    callbacks:
        Called as ``callback(study, frozen_trial)`` after each trial.
    catch:
        Exception types that fail a trial without stopping the search.

    Attributes
    ----------
    best_estimator_:
        The estimator refitted with the best parameters (``refit=True`` only).
    n_splits_:
        The number of cross-validation folds.
    refit_time_:
        Seconds spent refitting (``refit=True`` only).
    sample_indices_:
        The rows of ``X`` the search used (all rows without ``subsample``).
    scorer_:
        The scorer that was used.
    study_:
        The study of the search.

    Raises
    ------
    TypeError, ValueError
        From :meth:`fit`, for an invalid argument, before the first trial starts.

    Examples
    --------
    >>> import hpo
    >>> from hpo.distributions import FloatDistribution
    >>> from hpo.integration import HpoSearchCV
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> hpo.logging.set_verbosity(hpo.logging.WARNING)
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HpoSearchCV(
    ...     SVC(), {"C": FloatDistribution(1e-3, 1e3, log=True)}, n_trials=5, random_state=0
    ... )
    >>> search = search.fit(X, y)
    >>> len(search.trials_), sorted(search.best_params_)
    (5, ['C'])
    >>> search.predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, BaseDistribution],
        *,
        cv: int | Iterable[Any] | Any | None = None,
        enable_pruning: bool = False,
        error_score: float | str = np.nan,
        max_iter: int = 1000,
        n_jobs: int | None = None,
        n_trials: int | None = 10,
        random_state: int | np.random.RandomState | None = None,
        refit: bool = True,
        return_train_score: bool = False,
        scoring: str | Callable[..., float] | None = None,
        study: Study | None = None,
        subsample: float | int = 1.0,
        timeout: float | None = None,
        verbose: int = 0,
        callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
        catch: Iterable[type[Exception]] | type[Exception] = (),
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.cv = cv
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.n_trials = n_trials
        self.random_state = random_state
        self.refit = refit
        self.return_train_score = return_train_score
        self.scoring = scoring
        self.study = study
        self.subsample = subsample
        self.timeout = timeout
        self.verbose = verbose
        self.callbacks = callbacks
        self.catch = catch

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> HpoSearchCV:
        """Run the search, then refit the best parameters on all of ``X``.

        Parameters
        ----------
        X:
            The training data.
        y:
            The target, or ``None`` for unsupervised estimators.
        groups:
            Group labels for group-aware splitters (``GroupKFold``...).
        **fit_params:
            Passed to the estimator's ``fit`` (or ``partial_fit``); arrays with one value per
            sample (``sample_weight``) are split with the data.

        Returns
        -------
        HpoSearchCV
            The fitted search.

        Raises
        ------
        TypeError, ValueError
            For an invalid argument or an unusable ``cv`` (checked before any trial starts).
        ValueError
            If no trial completed, so there is no best trial to refit.
        """
        if not (hasattr(self.estimator, "fit") and hasattr(self.estimator, "get_params")):
            raise TypeError(
                f"estimator must be a scikit-learn estimator (with fit and get_params), got "
                f"{self.estimator!r}."
            )
        params = _checks.check_param_distributions(
            self.param_distributions, self.estimator.get_params(deep=True)
        )
        enable_pruning = _checks.check_flag("enable_pruning", self.enable_pruning)
        if enable_pruning and not hasattr(self.estimator, "partial_fit"):
            raise ValueError(
                f"enable_pruning=True needs an estimator with partial_fit, got "
                f"{type(self.estimator).__name__}."
            )
        refit = _checks.check_flag("refit", self.refit)
        return_train_score = _checks.check_flag("return_train_score", self.return_train_score)
        error_score = _checks.check_error_score(self.error_score)
        max_iter = _checks.check_int("max_iter", self.max_iter, 1)
        n_trials = _checks.check_n_trials(self.n_trials)
        verbose = _checks.check_int("verbose", self.verbose, 0)
        n_jobs = _checks.check_n_jobs(self.n_jobs)
        timeout = _checks.check_timeout(self.timeout)
        given_study = _checks.check_study(self.study)
        if not (self.scoring is None or isinstance(self.scoring, str) or callable(self.scoring)):
            raise ValueError(
                f"scoring must be a scorer name, a callable or None, got {self.scoring!r}."
            )
        scorer = check_scoring(self.estimator, scoring=self.scoring)

        X, y, groups = indexable(X, y, groups)
        n_samples = _num_samples(X)
        n_search = _checks.check_subsample(self.subsample, n_samples)
        rng = check_random_state(self.random_state)
        seed = self.random_state if isinstance(self.random_state, Integral) else None
        if isinstance(self.random_state, np.random.RandomState):
            seed = int(rng.randint(np.iinfo(np.int32).max))
        if n_search < n_samples:
            indices = np.sort(rng.choice(n_samples, n_search, replace=False))
        else:
            indices = np.arange(n_samples)
        X_search, y_search, groups_search = (
            None if data is None else _safe_indexing(data, indices) for data in (X, y, groups)
        )
        fit_params_search = index_fit_params(fit_params, n_samples, indices)

        cv = check_cv(self.cv, y_search, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X_search, y_search, groups_search))
        if not splits:
            raise ValueError(f"cv={self.cv!r} gave no (train, validation) split.")

        objective = CrossValidationObjective(
            self.estimator,
            params,
            X_search,
            y_search,
            splits,
            scorer,
            fit_params_search,
            enable_pruning=enable_pruning,
            error_score=error_score,
            max_iter=max_iter,
            return_train_score=return_train_score,
        )
        study = given_study
        if study is None:
            study = create_study(direction="maximize", sampler=TPESampler(seed=seed))
        self.study_ = study
        self.n_splits_ = len(splits)
        self.sample_indices_ = indices
        self.scorer_ = scorer
        self._param_names = list(params)
        self._return_train_score = return_train_score
        if verbose > 0:
            _logger.info(
                f"Searching {len(params)} parameters of {type(self.estimator).__name__} on "
                f"{n_search} samples with {len(splits)}-fold cross-validation."
            )
        study.optimize(
            objective,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=self.catch,
            callbacks=self.callbacks,
        )
        if not study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if objective.last_failure is not None:
                # Every fold failing usually means bad data: show the estimator's own error.
                number, fold, error = objective.last_failure
                if hasattr(error, "add_note"):  # Python 3.11+
                    error.add_note(
                        f"No trial of the search completed; this error failed fold {fold} of "
                        f"trial {number}."
                    )
                raise error
            raise ValueError(
                f"No trial of study {study.study_name!r} completed ({len(study.trials)} "
                f"trials), so there is no best estimator; see the trials' states and the "
                f"FitFailedWarning messages."
            )
        if verbose > 0:
            _logger.info(f"Best trial #{self.best_index_}: score {self.best_score_:.6g}.")
        if refit:
            self._refit(X, y, fit_params)
        return self

    def _refit(self, X: Any, y: Any, fit_params: Mapping[str, Any]) -> None:
        start = time.perf_counter()
        estimator = clone(self.estimator).set_params(**self.best_params_)
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - start
        self.best_estimator_ = estimator

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "study_")

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        # The search passes the data to the estimator as given, so it takes what it takes.
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        tags.transformer_tags = copy.deepcopy(inner.transformer_tags)
        tags.input_tags = copy.deepcopy(inner.input_tags)
        tags.target_tags = copy.deepcopy(inner.target_tags)
        return tags

    # -- results -------------------------------------------------------------------------------
    @property
    def best_trial_(self) -> FrozenTrial:
        """The best trial of :attr:`study_`."""
        check_is_fitted(self)
        return self.study_.best_trial

    @property
    def best_params_(self) -> dict[str, Any]:
        """The parameters of the best trial."""
        return self.best_trial_.params

    @property
    def best_score_(self) -> float:
        """The mean cross-validated score of the best trial."""
        value = self.best_trial_.value
        assert value is not None  # a COMPLETE trial has its value
        return value

    @property
    def best_index_(self) -> int:
        """The row of the best trial in :attr:`cv_results_` (its trial number)."""
        best = self.best_trial_.number
        return next(i for i, t in enumerate(self.trials_) if t.number == best)

    @property
    def trials_(self) -> list[FrozenTrial]:
        """All trials of :attr:`study_`."""
        check_is_fitted(self)
        return self.study_.trials

    @property
    def n_trials_(self) -> int:
        """The number of trials in :attr:`study_`."""
        return len(self.trials_)

    @property
    def user_attrs_(self) -> dict[str, Any]:
        """The user attributes of :attr:`study_`."""
        check_is_fitted(self)
        return self.study_.user_attrs

    @property
    def cv_results_(self) -> dict[str, Any]:
        """The fold results of every trial, one row per trial, as in ``GridSearchCV``.

        The keys of the trials' user attributes (``mean_fit_time``, ``std_fit_time``,
        ``mean_score_time``, ``std_score_time``, ``split<i>_test_score``, ``mean_test_score``,
        ``std_test_score`` and, with ``return_train_score``, the ``train`` ones) as float
        arrays (NaN where a trial has none), plus ``params`` (dicts), ``param_<name>`` (masked
        arrays, masked where a trial lacks the parameter) and ``rank_test_score`` (1 is the
        best trial; trials that did not complete rank last).
        """
        trials = self.trials_
        names = ["fit_time", "score_time"]
        names += [f"split{i}_test_score" for i in range(self.n_splits_)] + ["test_score"]
        if self._return_train_score:
            names += [f"split{i}_train_score" for i in range(self.n_splits_)] + ["train_score"]
        keys: list[str] = []
        for name in names:
            keys += [name] if name.startswith("split") else [f"mean_{name}", f"std_{name}"]
        results: dict[str, Any] = {
            key: np.array([float(t.user_attrs.get(key, np.nan)) for t in trials]) for key in keys
        }
        results["params"] = [t.params for t in trials]
        for name in self._param_names:
            column = np.ma.MaskedArray(np.empty(len(trials), dtype=object), mask=True)
            for row, trial in enumerate(trials):
                if name in trial.params:
                    column[row] = trial.params[name]
            results[f"param_{name}"] = column
        values = np.array(
            [t.value if t.state == TrialState.COMPLETE else -np.inf for t in trials], float
        )
        order = np.sort(values)[::-1]
        results["rank_test_score"] = np.searchsorted(-order, -values, side="left") + 1
        return results

    @property
    def classes_(self) -> np.ndarray:
        """The class labels of the best estimator."""
        return self._best_estimator("classes_").classes_

    @property
    def n_features_in_(self) -> int:
        """The number of features the best estimator was fitted on."""
        return self._best_estimator("n_features_in_").n_features_in_

    @property
    def feature_names_in_(self) -> np.ndarray:
        """The feature names the best estimator was fitted on."""
        return self._best_estimator("feature_names_in_").feature_names_in_

    def _best_estimator(self, needed: str) -> Any:
        check_is_fitted(self)
        if not self.refit:
            raise AttributeError(f"{needed} is known only after a refit; refit=False.")
        return self.best_estimator_

    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> Any:
        """Return :meth:`study_.trials_dataframe() <hpo.study.Study.trials_dataframe>`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        """
        check_is_fitted(self)
        return self.study_.trials_dataframe(attrs=attrs, multi_index=multi_index)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute on :attr:`study_`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        """
        check_is_fitted(self)
        self.study_.set_user_attr(key, value)

    # -- the best estimator's methods ----------------------------------------------------------
    def score(self, X: Any, y: Any = None) -> float:
        """Score the best estimator on ``X``, ``y`` with :attr:`scorer_`.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        AttributeError
            After a search with ``refit=False``.
        """
        estimator = self._best_estimator("score")
        return float(self.scorer_(estimator, X, y))

    @available_if(_delegate_check("predict"))
    def predict(self, X: Any) -> Any:
        """Return ``best_estimator_.predict(X)``."""
        return self._best_estimator("predict").predict(X)

    @available_if(_delegate_check("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """Return ``best_estimator_.predict_proba(X)``."""
        return self._best_estimator("predict_proba").predict_proba(X)

    @available_if(_delegate_check("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """Return ``best_estimator_.predict_log_proba(X)``."""
        return self._best_estimator("predict_log_proba").predict_log_proba(X)

    @available_if(_delegate_check("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """Return ``best_estimator_.decision_function(X)``."""
        return self._best_estimator("decision_function").decision_function(X)

    @available_if(_delegate_check("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """Return ``best_estimator_.score_samples(X)``."""
        return self._best_estimator("score_samples").score_samples(X)

    @available_if(_delegate_check("transform"))
    def transform(self, X: Any) -> Any:
        """Return ``best_estimator_.transform(X)``."""
        return self._best_estimator("transform").transform(X)

    @available_if(_delegate_check("transform"))
    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        """Run :meth:`fit`, then return ``best_estimator_.transform(X)``."""
        return self.fit(X, y, **fit_params).transform(X)

    @available_if(_delegate_check("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """Return ``best_estimator_.inverse_transform(X)``."""
        return self._best_estimator("inverse_transform").inverse_transform(X)


#: The name optuna-integration gives the same class.
OptunaSearchCV = HpoSearchCV
