"""The stepwise tuner shared by LightGBMTuner and LightGBMTunerCV: stages, study, best model.

Each stage tunes one group of parameters with the others fixed at the best values found so
far, as a set of trials of one study. A trial records its stage and its full parameter set in
system attributes, so a study kept in a storage can be inspected, and a second run on it
continues where the first stopped: finished stages are skipped, a half-run stage runs only
its missing trials, and each stage starts from the best trial of the stages before it.
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import lightgbm as lgb

from hpo.exceptions import HpoWarning
from hpo.integration._lightgbm import _stages
from hpo.integration._lightgbm._design import LatinHypercubeStageSampler
from hpo.samplers import BaseSampler, GridSampler, TPESampler
from hpo.study import Study, StudyDirection, create_study
from hpo.trial import FrozenTrial, Trial, TrialState

StudyCallback = Callable[[Study, FrozenTrial], None]


def _jsonable(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} value {value!r} cannot be stored as JSON")


def _check_positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


class _StepwiseTuner:
    """The stages, the study and the best model; subclasses say how one trial trains."""

    def __init__(
        self,
        params: dict[str, Any],
        train_set: lgb.Dataset,
        num_boost_round: int,
        callbacks: list[Callable[..., Any]] | None,
        time_budget: float | None,
        sample_size: int | None,
        study: Study | None,
        optuna_callbacks: list[StudyCallback] | None,
        model_dir: str | None,
        show_progress_bar: bool,
        optuna_seed: int | None,
    ) -> None:
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of LightGBM parameters, got {params!r}.")
        if not isinstance(train_set, lgb.Dataset):
            raise TypeError(
                f"train_set must be a lightgbm.Dataset, got {type(train_set).__name__}."
            )
        _check_positive_int("num_boost_round", num_boost_round)
        if time_budget is not None and not (
            isinstance(time_budget, (int, float)) and not isinstance(time_budget, bool)
        ):
            raise TypeError(
                f"time_budget must be a number of seconds or None, got {time_budget!r}."
            )
        if time_budget is not None and not time_budget > 0:
            raise ValueError(f"time_budget must be positive, got {time_budget!r}.")
        if sample_size is not None:
            warnings.warn(
                f"sample_size={sample_size!r} is accepted for compatibility and not used: "
                "the tuner trains on the whole train_set.",
                HpoWarning,
                stacklevel=3,
            )
        self.lgbm_params = _stages.normalize_params(params)
        self.lgbm_params.setdefault("feature_pre_filter", False)  # min_child_samples changes
        try:
            json.dumps(self.lgbm_params, default=_jsonable)
        except TypeError as error:
            raise TypeError(
                f"params must be JSON-like to be stored with each trial: {error}."
            ) from None
        self._train_set = train_set
        self._num_boost_round = num_boost_round
        self._lgb_callbacks = list(callbacks or [])
        self._time_budget = time_budget
        self._optuna_callbacks = list(optuna_callbacks or [])
        self._model_dir = None if model_dir is None else os.fspath(model_dir)
        self._show_progress_bar = show_progress_bar
        self._seed = optuna_seed
        direction = StudyDirection.MAXIMIZE if self.higher_is_better() else StudyDirection.MINIMIZE
        if study is None:
            study = create_study(direction=direction, sampler=TPESampler(seed=optuna_seed))
        elif study.direction != direction:
            raise ValueError(
                f"The study's direction is {study.direction.name.lower()} but LightGBM's metric "
                f"{_stages.first_metric(self.lgbm_params) or '(default)'!r} must be "
                f"{direction.name.lower()}d; create the study with "
                f"direction={direction.name.lower()!r}."
            )
        self.study = study
        self._best_model: Any = None
        self._best_model_number: int | None = None
        self._run_start = time.perf_counter()

    # -- what a subclass provides ----------------------------------------------------------
    def _train(self, params: dict[str, Any]) -> tuple[float, Any, int]:
        """Train once; return (score, model, number of boosting rounds)."""
        raise NotImplementedError

    def _load_model(self, path: str) -> Any:
        raise NotImplementedError

    # -- results ---------------------------------------------------------------------------
    def higher_is_better(self) -> bool:
        """Return whether the tuned metric is maximized (AUC, NDCG, MAP...)."""
        return _stages.higher_is_better(self.lgbm_params)

    def compare_validation_metrics(self, val_score: float, best_score: float) -> bool:
        """Return whether ``val_score`` is better than ``best_score`` for the tuned metric."""
        return val_score > best_score if self.higher_is_better() else val_score < best_score

    def _tuner_trials(self, stages: Iterable[str] | None = None) -> Iterator[FrozenTrial]:
        names = {name for name, _ in _stages.STAGES} if stages is None else set(stages)
        for trial in self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if trial.system_attrs.get(_stages.STEP_NAME_KEY) in names:
                yield trial

    def _best_trial(self, stages: Iterable[str] | None = None) -> FrozenTrial | None:
        best: FrozenTrial | None = None
        for trial in self._tuner_trials(stages):
            assert trial.value is not None
            if best is None or self.compare_validation_metrics(trial.value, best.value):  # type: ignore[arg-type]
                best = trial
        return best

    def _params_of(self, trial: FrozenTrial | None) -> dict[str, Any]:
        if trial is None:
            return {**self.lgbm_params, **_stages.DEFAULT_TUNED_PARAMS, **self._fixed_params()}
        return json.loads(trial.system_attrs[_stages.LGBM_PARAMS_KEY])

    def _fixed_params(self) -> dict[str, Any]:
        # Values the user gave for tuned parameters are where the search starts.
        return {
            name: self.lgbm_params[name]
            for name in _stages.DEFAULT_TUNED_PARAMS
            if name in self.lgbm_params
        }

    @property
    def best_score(self) -> float:
        """The best validation score of the tuner's trials (±inf before the first trial)."""
        best = self._best_trial()
        if best is None:
            return -math.inf if self.higher_is_better() else math.inf
        assert best.value is not None
        return best.value

    @property
    def best_params(self) -> dict[str, Any]:
        """All LightGBM parameters of the best trial (the starting ones before any trial)."""
        return self._params_of(self._best_trial())

    def get_best_booster(self) -> Any:
        """Return the model of the best trial.

        Raises
        ------
        ValueError
            If no trial has completed, or if the best trial ran in an earlier run and
            ``model_dir`` was not given (the model is kept in memory only).
        """
        best = self._best_trial()
        if best is None:
            raise ValueError("No trial of the tuner has completed yet; call run() first.")
        if best.number == self._best_model_number:
            return self._best_model
        path = self._model_path(best.number)
        if path is not None and os.path.exists(path):
            return self._load_model(path)
        raise ValueError(
            f"The best trial (#{best.number}) was trained by an earlier run and its model was not "
            "saved; pass model_dir= to keep the models across runs."
        )

    @property
    def best_booster(self) -> Any:
        """The model of the best trial, as :meth:`get_best_booster` returns it."""
        return self.get_best_booster()

    def _model_path(self, number: int) -> str | None:
        if self._model_dir is None:
            return None
        return os.path.join(self._model_dir, f"{self.study.study_name}.{number}.txt")

    # -- running ---------------------------------------------------------------------------
    def run(self) -> None:
        """Run every stage in order, skipping what a previous run on the study finished."""
        self._run_start = time.perf_counter()
        for stage, n_trials in _stages.STAGES:
            if not self._tune(stage, n_trials):
                break

    def tune_feature_fraction(self, n_trials: int = 7) -> None:
        """Run the feature_fraction stage: a grid from 0.4 to 1.0."""
        self._tune("feature_fraction", n_trials)

    def tune_num_leaves(self, n_trials: int = 20) -> None:
        """Run the num_leaves stage: TPE over 2 to 256 leaves."""
        self._tune("num_leaves", n_trials)

    def tune_bagging(self, n_trials: int = 10) -> None:
        """Run the bagging stage: a Latin hypercube over bagging_fraction and bagging_freq."""
        self._tune("bagging", n_trials)

    def tune_feature_fraction_stage2(self, n_trials: int = 6) -> None:
        """Run the second feature_fraction stage: a fine grid around the best value."""
        self._tune("feature_fraction_stage2", n_trials)

    def tune_regularization_factors(self, n_trials: int = 20) -> None:
        """Run the regularization stage: TPE over lambda_l1 and lambda_l2 (log scale)."""
        self._tune("regularization_factors", n_trials)

    def tune_min_data_in_leaf(self) -> None:
        """Run the min_child_samples stage: a grid of 5, 10, 25, 50, 100."""
        self._tune("min_child_samples", len(_stages.MIN_CHILD_SAMPLES_GRID))

    def _remaining_time(self) -> float | None:
        if self._time_budget is None:
            return None
        return self._time_budget - (time.perf_counter() - self._run_start)

    def _tune(self, stage: str, n_trials: int) -> bool:
        """Run the missing trials of ``stage``; return False once the time budget is spent."""
        _check_positive_int("n_trials", n_trials)
        names = [name for name, _ in _stages.STAGES]
        earlier = names[: names.index(stage)]
        base = self._params_of(self._best_trial(earlier))
        grid = _stages.grid_of(stage, base)
        if grid is not None:
            n_trials = min(n_trials, len(next(iter(grid.values()))))
        done = sum(
            1
            for trial in self.study.get_trials(deepcopy=False)
            if trial.state.is_finished() and trial.system_attrs.get(_stages.STEP_NAME_KEY) == stage
        )
        if n_trials - done <= 0:
            return True
        timeout = self._remaining_time()
        if timeout is not None and timeout <= 0:
            return False
        # Each stage's parameters are new to the study: TPE samples them one by one, as meant.
        sampler: BaseSampler
        if grid:
            sampler = GridSampler(grid, seed=self._seed)
        elif stage == "bagging":
            sampler = LatinHypercubeStageSampler(
                ["bagging_fraction", "bagging_freq"],
                max(10, n_trials),  # fewer trials run a prefix, so a resumed run continues it
                _stages.STEP_NAME_KEY,
                stage,
                self._seed,
            )
        else:
            sampler = TPESampler(seed=self._seed, warn_independent_sampling=False)
        saved_sampler, self.study.sampler = self.study.sampler, sampler
        try:
            self.study.optimize(
                lambda trial: self._objective(trial, stage, base),
                n_trials=n_trials - done,
                timeout=timeout,
                callbacks=self._optuna_callbacks,
                show_progress_bar=self._show_progress_bar,
            )
        finally:
            self.study.sampler = saved_sampler
        remaining = self._remaining_time()
        return remaining is None or remaining > 0

    def _objective(self, trial: Trial, stage: str, base: dict[str, Any]) -> float:
        trial.set_system_attr(_stages.STEP_NAME_KEY, stage)
        params = {**base, **_stages.suggest_stage(trial, stage, base)}
        start = time.perf_counter()
        score, model, n_rounds = self._train(params)
        elapsed = time.perf_counter() - start
        trial.set_system_attr(_stages.LGBM_PARAMS_KEY, json.dumps(params, default=_jsonable))
        trial.set_system_attr(_stages.ELAPSED_KEY, elapsed)
        trial.set_system_attr(_stages.ITERATION_TIME_KEY, elapsed / max(n_rounds, 1))
        best = self._best_trial()
        if best is None or self.compare_validation_metrics(score, best.value):  # type: ignore[arg-type]
            self._best_model, self._best_model_number = model, trial.number
            path = self._model_path(trial.number)
            if path is not None and model is not None:
                os.makedirs(self._model_dir, exist_ok=True)  # type: ignore[arg-type]
                model.save_model(path)
        return score


def _pick_metric(available: Sequence[str], params: dict[str, Any], where: str) -> str:
    """The evaluated metric the tuner scores: the first of ``params`` or else the first one."""
    if not available:
        raise ValueError(f"LightGBM evaluated no metric on {where}; set params['metric'].")
    wanted = _stages.first_metric(params)
    if wanted is not None:
        for name in available:
            if name == wanted or name.startswith(f"{wanted}@"):
                return name
    return available[0]


def _apply_dataset_options(
    train_set: lgb.Dataset, feature_name: Any, categorical_feature: Any
) -> None:
    # LightGBM 4 takes these on the Dataset, no longer as arguments of train and cv.
    if feature_name not in (None, "auto"):
        train_set.set_feature_name(feature_name)
    if categorical_feature not in (None, "auto"):
        train_set.set_categorical_feature(categorical_feature)
