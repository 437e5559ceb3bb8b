"""LightGBMTuner, LightGBMTunerCV and train: tune LightGBM's parameters in stages on one study.

The stages and the bookkeeping on the study live in ``_base.py``; here is how one trial
trains, with ``lightgbm.train`` or ``lightgbm.cv``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lightgbm as lgb

from hpo.integration._lightgbm._base import (
    StudyCallback,
    _apply_dataset_options,
    _check_positive_int,
    _pick_metric,
    _StepwiseTuner,
)
from hpo.study import Study


class LightGBMTuner(_StepwiseTuner):
    """Tune LightGBM's parameters stage by stage with ``lightgbm.train`` and a validation set.

    The stages run in this order, each fixing the other parameters at the best values found
    so far: ``feature_fraction`` (a grid 0.4, 0.5, ..., 1.0), ``num_leaves`` (20 TPE trials
    over 2..256), ``bagging`` (a 10-point Latin hypercube over ``bagging_fraction`` 0.4..1
    and ``bagging_freq`` 1..7, where Optuna draws 10 random points),
    ``feature_fraction_stage2`` (a grid 0.032 apart around the best value),
    ``regularization_factors`` (20 TPE trials over ``lambda_l1`` and ``lambda_l2``,
    1e-8..10 on a log scale) and ``min_child_samples`` (5, 10, 25, 50, 100). A trial's score
    is the booster's best score of the first metric in ``params`` on the last validation set.

    All trials go to one study; each records its stage (system attribute
    ``lightgbm_tuner:step_name``) and every parameter it trained with
    (``lightgbm_tuner:lgbm_params``). Run again on a study loaded from the same storage, the
    tuner skips the finished stages and runs only the missing trials of the others.

    The arguments of ``lightgbm.train`` keep their meaning; the others are:

    Parameters
    ----------
    params:
        LightGBM parameters; ``metric`` decides what is optimized and in which direction.
        Values given for tuned parameters are where the search starts.
    train_set, num_boost_round, valid_sets, valid_names, feval, keep_training_booster:
        As for ``lightgbm.train``; ``valid_sets`` is required.
    feature_name, categorical_feature:
        Set on ``train_set`` when given (LightGBM 4 takes them on the Dataset).
    callbacks:
        LightGBM callbacks of every training, such as ``lightgbm.early_stopping(...)``.
    time_budget:
        Seconds for the whole run; no trial starts once they are spent.
    sample_size:
        Accepted for compatibility with Optuna and not used (a warning says so).
    study:
        The study to run the trials in (for a storage, a name, resuming); by default an
        in-memory study in the metric's direction.
    optuna_callbacks:
        Study callbacks ``f(study, frozen_trial)`` called after each trial.
    model_dir:
        A directory where the model of each trial that improves on the best is saved, so that
        :meth:`get_best_booster` works after a resumed run.
    show_progress_bar:
        Show a progress bar per stage.
    optuna_seed:
        Seed of the samplers, for reproducible runs.

    Raises
    ------
    ValueError
        If ``valid_sets`` is missing, ``num_boost_round`` or ``time_budget`` is not
        positive, or the study's direction disagrees with the metric's.
    TypeError
        If ``params`` is not a JSON-like dict or ``train_set`` not a ``lightgbm.Dataset``.

    Examples
    --------
    >>> import lightgbm as lgb
    >>> from sklearn.datasets import load_breast_cancer
    >>> from hpo.integration.lightgbm import LightGBMTuner
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> train = lgb.Dataset(X[:400], y[:400])
    >>> valid = lgb.Dataset(X[400:], y[400:], reference=train)
    >>> params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1,
    ...           "num_threads": 1}
    >>> tuner = LightGBMTuner(params, train, num_boost_round=5, valid_sets=[valid],
    ...                       show_progress_bar=False, optuna_seed=0)
    >>> tuner.run()
    >>> sorted(tuner.best_params)[:3], tuner.best_score < 0.7
    (['bagging_fraction', 'bagging_freq', 'feature_fraction'], True)
    """

    def __init__(
        self,
        params: dict[str, Any],
        train_set: lgb.Dataset,
        num_boost_round: int = 1000,
        valid_sets: list[lgb.Dataset] | tuple[lgb.Dataset, ...] | lgb.Dataset | None = None,
        valid_names: Any | None = None,
        feval: Callable[..., Any] | None = None,
        feature_name: str | None = None,
        categorical_feature: str | None = None,
        keep_training_booster: bool = False,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: int | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_callbacks: list[StudyCallback] | None = None,
        model_dir: str | None = None,
        *,
        show_progress_bar: bool = True,
        optuna_seed: int | None = None,
    ) -> None:
        if valid_sets is None or (isinstance(valid_sets, (list, tuple)) and not valid_sets):
            raise ValueError("valid_sets is required: the tuner scores each trial on it.")
        super().__init__(
            params,
            train_set,
            num_boost_round,
            callbacks,
            time_budget,
            sample_size,
            study,
            optuna_callbacks,
            model_dir,
            show_progress_bar,
            optuna_seed,
        )
        self._valid_sets = (
            [valid_sets] if isinstance(valid_sets, lgb.Dataset) else list(valid_sets)
        )
        self._valid_names = [valid_names] if isinstance(valid_names, str) else valid_names
        if self._valid_names:
            self._valid_name = str(list(self._valid_names)[-1])
        elif self._valid_sets[-1] is train_set:
            self._valid_name = "training"
        else:
            self._valid_name = f"valid_{len(self._valid_sets) - 1}"
        self._feval = feval
        self._keep_training_booster = keep_training_booster
        _apply_dataset_options(train_set, feature_name, categorical_feature)

    def _train(self, params: dict[str, Any]) -> tuple[float, Any, int]:
        booster = lgb.train(
            params,
            self._train_set,
            num_boost_round=self._num_boost_round,
            valid_sets=self._valid_sets,
            valid_names=self._valid_names,
            feval=self._feval,
            keep_training_booster=self._keep_training_booster,
            callbacks=self._lgb_callbacks,
        )
        scores = booster.best_score.get(self._valid_name, {})
        metric = _pick_metric(list(scores), params, f"the validation set {self._valid_name!r}")
        return float(scores[metric]), booster, booster.current_iteration()

    def _load_model(self, path: str) -> lgb.Booster:
        return lgb.Booster(model_file=path)


class LightGBMTunerCV(_StepwiseTuner):
    """Tune LightGBM's parameters stage by stage with ``lightgbm.cv``.

    The stages, the study, resuming and the time budget are those of :class:`LightGBMTuner`;
    a trial's score is the last mean over the folds of the first metric in ``params`` (with
    early stopping, the mean at the best round).

    Parameters
    ----------
    params, train_set, num_boost_round, folds, nfold, stratified, shuffle, feval, fpreproc, seed:
        As for ``lightgbm.cv``.
    feature_name, categorical_feature:
        Set on ``train_set`` when given.
    callbacks, time_budget, sample_size, study, optuna_callbacks, show_progress_bar, \
model_dir, optuna_seed:
        As for :class:`LightGBMTuner`.
    return_cvbooster:
        Keep the fold boosters (a ``lightgbm.CVBooster``) of the best trial for
        :meth:`get_best_booster`.

    Raises
    ------
    ValueError
        If ``num_boost_round``, ``nfold`` or ``time_budget`` is not positive, or the study's
        direction disagrees with the metric's.
    TypeError
        If ``params`` is not a JSON-like dict or ``train_set`` not a ``lightgbm.Dataset``.

    Examples
    --------
    >>> import lightgbm as lgb
    >>> from sklearn.datasets import load_breast_cancer
    >>> from hpo.integration.lightgbm import LightGBMTunerCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> params = {"objective": "binary", "metric": "auc", "verbose": -1, "num_threads": 1}
    >>> tuner = LightGBMTunerCV(params, lgb.Dataset(X, y), num_boost_round=5, nfold=3,
    ...                         show_progress_bar=False, optuna_seed=0)
    >>> tuner.tune_feature_fraction()
    >>> len(tuner.study.trials), tuner.best_score > 0.9
    (7, True)
    """

    def __init__(
        self,
        params: dict[str, Any],
        train_set: lgb.Dataset,
        num_boost_round: int = 1000,
        folds: Any | None = None,
        nfold: int = 5,
        stratified: bool = True,
        shuffle: bool = True,
        feval: Callable[..., Any] | None = None,
        feature_name: str | None = None,
        categorical_feature: str | None = None,
        fpreproc: Callable[..., Any] | None = None,
        seed: int = 0,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: int | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_callbacks: list[StudyCallback] | None = None,
        *,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        return_cvbooster: bool = False,
        optuna_seed: int | None = None,
    ) -> None:
        _check_positive_int("nfold", nfold)
        super().__init__(
            params,
            train_set,
            num_boost_round,
            callbacks,
            time_budget,
            sample_size,
            study,
            optuna_callbacks,
            model_dir,
            show_progress_bar,
            optuna_seed,
        )
        self._cv_kwargs: dict[str, Any] = {
            "folds": folds,
            "nfold": nfold,
            "stratified": stratified,
            "shuffle": shuffle,
            "feval": feval,
            "fpreproc": fpreproc,
            "seed": seed,
        }
        self._return_cvbooster = return_cvbooster
        _apply_dataset_options(train_set, feature_name, categorical_feature)

    def _train(self, params: dict[str, Any]) -> tuple[float, Any, int]:
        result = lgb.cv(
            params,
            self._train_set,
            num_boost_round=self._num_boost_round,
            callbacks=self._lgb_callbacks,
            return_cvbooster=self._return_cvbooster,
            **self._cv_kwargs,
        )
        means = {
            key[len("valid ") : -len("-mean")]: values
            for key, values in result.items()
            if key.startswith("valid ") and key.endswith("-mean")
        }
        metric = _pick_metric(list(means), params, "the held-out folds")
        history: list[float] = means[metric]  # type: ignore[assignment]
        return float(history[-1]), result.get("cvbooster"), len(history)

    def get_best_booster(self) -> lgb.CVBooster:
        """Return the fold boosters of the best trial.

        Raises
        ------
        ValueError
            If the tuner was made without ``return_cvbooster=True``, no trial has
            completed, or the best trial's boosters are from an earlier run without
            ``model_dir``.
        """
        if not self._return_cvbooster:
            raise ValueError("The tuner keeps no boosters: create it with return_cvbooster=True.")
        return super().get_best_booster()

    def _load_model(self, path: str) -> lgb.CVBooster:
        return lgb.CVBooster(model_file=path)


def train(
    params: dict[str, Any],
    train_set: lgb.Dataset,
    num_boost_round: int = 1000,
    valid_sets: list[lgb.Dataset] | tuple[lgb.Dataset, ...] | lgb.Dataset | None = None,
    valid_names: Any | None = None,
    feval: Callable[..., Any] | None = None,
    feature_name: str | None = None,
    categorical_feature: str | None = None,
    keep_training_booster: bool = False,
    callbacks: list[Callable[..., Any]] | None = None,
    time_budget: int | None = None,
    sample_size: int | None = None,
    study: Study | None = None,
    optuna_callbacks: list[StudyCallback] | None = None,
    model_dir: str | None = None,
    *,
    show_progress_bar: bool = True,
    optuna_seed: int | None = None,
) -> lgb.Booster:
    """Tune LightGBM's parameters with :class:`LightGBMTuner`, then return the best booster.

    A drop-in for ``lightgbm.train``: ``import hpo.integration.lightgbm as lgb`` and
    ``lgb.train(params, train_set, valid_sets=[valid])`` runs every stage of the tuner and
    returns the booster of the best trial. The arguments are :class:`LightGBMTuner`'s.

    Returns
    -------
    lightgbm.Booster
        The booster of the best trial.

    Raises
    ------
    ValueError
        As :class:`LightGBMTuner` does.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> import hpo.integration.lightgbm as lgb
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> train_set = lgb.Dataset(X[:400], y[:400])
    >>> valid = lgb.Dataset(X[400:], y[400:], reference=train_set)
    >>> params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1,
    ...           "num_threads": 1}
    >>> booster = lgb.train(params, train_set, num_boost_round=3, valid_sets=[valid],
    ...                     time_budget=2, show_progress_bar=False)
    >>> booster.predict(X[:2]).shape
    (2,)
    """
    tuner = LightGBMTuner(
        params,
        train_set,
        num_boost_round=num_boost_round,
        valid_sets=valid_sets,
        valid_names=valid_names,
        feval=feval,
        feature_name=feature_name,
        categorical_feature=categorical_feature,
        keep_training_booster=keep_training_booster,
        callbacks=callbacks,
        time_budget=time_budget,
        sample_size=sample_size,
        study=study,
        optuna_callbacks=optuna_callbacks,
        model_dir=model_dir,
        show_progress_bar=show_progress_bar,
        optuna_seed=optuna_seed,
    )
    tuner.run()
    return tuner.get_best_booster()
