"""GPSampler: Bayesian optimization with a Gaussian-process model and log expected improvement."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo._keys import CONSTRAINTS_KEY
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution
from hpo.exceptions import HpoWarning
from hpo.samplers._base import BaseSampler, _check_bool, _check_independent_sampler
from hpo.samplers._constraints import store_constraints
from hpo.samplers._gp._acquisition import Acquisition
from hpo.samplers._gp._blas import single_threaded_blas
from hpo.samplers._gp._model import GPRegressor, fit_gp, standardize
from hpo.samplers._gp._optimize_acqf import optimize_acquisition
from hpo.samplers._gp._search_space import denormalize, is_categorical, normalize_params
from hpo.samplers._random import RandomSampler
from hpo.search_space import IntersectionSearchSpace
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

#: Weight of the linear part of the augmented Chebyshev scalarization (multi-objective).
_CHEBYSHEV_RHO = 0.05
#: How many of the best observations seed the acquisition search.
_N_BEST_POINTS = 5


def _finite(values: np.ndarray) -> np.ndarray:
    """Replace infinite objective values by the extremes of the finite ones (per column)."""
    values = np.array(values, dtype=float)
    for j in range(values.shape[1]):
        column = values[:, j]
        finite = column[np.isfinite(column)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
        values[:, j] = np.clip(np.nan_to_num(column, nan=high, posinf=high, neginf=low), low, high)
    return values


def _warp(losses: np.ndarray) -> np.ndarray:
    """Yeo-Johnson transform of standardized losses, its power fitted by maximum likelihood.

    Objectives such as validation losses or Rosenbrock-like functions have a long tail of
    bad values; standardized as they are, the tail dominates the model and the region of good
    values looks flat. The monotone transform (as in HEBO, Cowen-Rivers et al. 2022) makes
    the values closer to Gaussian and keeps their order, so the best trial stays the best.
    """
    if not np.ptp(losses) > 0:
        return losses
    from scipy.stats import yeojohnson

    standardized, _, _ = standardize(losses)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        transformed, _ = yeojohnson(standardized)
    transformed = np.asarray(transformed, dtype=float)
    return transformed if np.all(np.isfinite(transformed)) else standardized


class GPSampler(BaseSampler):
    """Bayesian optimization with a Gaussian process (numpy and scipy only).

    The search space is the intersection of the parameters of all COMPLETE trials. Each
    proposal fits a Gaussian process to the completed trials (Matérn-5/2 kernel with one
    length scale per parameter, a Hamming term for categorical parameters; kernel
    hyperparameters by maximum a posteriori with L-BFGS-B, warm-started from the previous
    fit) and maximizes the log expected improvement (computed stably far from the incumbent,
    after Ament et al., 2023) over the mixed search space: scrambled Sobol' candidates and
    perturbations of the best trials, refined by L-BFGS-B on continuous parameters and a
    neighbour search on integer, stepped and categorical ones.

    * With ``constraints_func``, one Gaussian process per constraint models its value, and the
      log probability that every constraint is ``<= 0`` is added to the log expected
      improvement (over the best *feasible* trial; before any trial is feasible, only the
      feasibility term is maximized).
    * With several objectives, each proposal draws random weights and maximizes the log
      expected improvement of an augmented Chebyshev scalarization of the objectives
      normalized to ``[0, 1]`` (ParEGO, Knowles 2006): every weight vector targets another
      part of the Pareto front, and one model per proposal keeps it fast.
    * RUNNING trials (parallel workers) are added to the model at their predicted value
      ("kriging believer"): the model is then certain there, so the expected improvement
      near them vanishes and workers do not propose the same point.

    Parameters
    ----------
    seed:
        Seed of the random generator (Sobol' scrambling, perturbations) and of the default
        independent sampler.
    independent_sampler:
        Sampler for the first ``n_startup_trials`` trials and for parameters outside the
        search space; ``RandomSampler(seed)`` by default.
    n_startup_trials:
        Number of COMPLETE trials before the model is used.
    deterministic_objective:
        The objective has no noise: the noise variance of the model is fixed at a tiny floor.
    constraints_func:
        ``constraints_func(trial) -> sequence of floats``, called when a trial completes; the
        trial is feasible when every value is ``<= 0``. The values are stored in the trial's
        system attribute ``"constraints"``.
    warn_independent_sampling:
        Warn when a parameter outside the search space is sampled by ``independent_sampler``
        (after the startup trials).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``n_startup_trials`` is negative.

    Examples
    --------
    >>> import hpo
    >>> sampler = GPSampler(seed=0, n_startup_trials=4)
    >>> study = hpo.create_study(sampler=sampler)
    >>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=8)
    >>> len(study.trials)
    8
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        warn_independent_sampling: bool = True,
    ) -> None:
        if seed is not None and (
            isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer))
        ):
            raise TypeError(f"seed must be an int or None, got {seed!r}.")
        _check_independent_sampler(independent_sampler)
        if isinstance(n_startup_trials, (bool, np.bool_)) or not isinstance(
            n_startup_trials, (int, np.integer)
        ):
            raise TypeError(f"n_startup_trials must be an int, got {n_startup_trials!r}.")
        if n_startup_trials < 0:
            raise ValueError(f"n_startup_trials must be >= 0, got {n_startup_trials}.")
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(
                f"constraints_func must be callable or None, got {constraints_func!r}."
            )
        self._deterministic = _check_bool("deterministic_objective", deterministic_objective)
        self._warn_independent_sampling = _check_bool(
            "warn_independent_sampling", warn_independent_sampling
        )
        self._seed = None if seed is None else int(seed)
        self._rng = np.random.default_rng(self._seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=self._seed)
        self._n_startup_trials = int(n_startup_trials)
        self._constraints_func = constraints_func
        self._search_space = IntersectionSearchSpace()
        self._lock = threading.RLock()
        # Last fit per study, search space and modelled quantity: the warm start of the next.
        self._fits: dict[Hashable, GPRegressor] = {}
        self._fits_study: Hashable = None

    def reseed_rng(self) -> None:
        """Draw a fresh seed for this sampler and its independent sampler."""
        self._rng = np.random.default_rng()
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the parameters all COMPLETE trials share (single-valued ones left out)."""
        with self._lock:
            space = self._search_space.calculate(study)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample one parameter outside the search space with ``independent_sampler``."""
        if self._warn_independent_sampling and not param_distribution.single():
            complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if len(complete) >= max(self._n_startup_trials, 1):
                warnings.warn(
                    f"GPSampler samples parameter {param_name!r} of trial {trial.number} with "
                    f"its independent sampler {type(self._independent_sampler).__name__}: "
                    "the completed trials do not all share it with this distribution.",
                    HpoWarning,
                    stacklevel=2,
                )
        return self._independent_sampler.sample_independent(
            study, trial, param_name, param_distribution
        )

    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Evaluate ``constraints_func`` on a completed trial and store its values.

        Raises
        ------
        ValueError
            If ``constraints_func`` returns something that is not a sequence of numbers, or
            contains NaN.
        """
        store_constraints(study, trial, state, self._constraints_func)
        self._independent_sampler.after_trial(study, trial, state, values)

    # -- the model -------------------------------------------------------------------------
    def _fit(
        self,
        study: StudyView,
        role: str,
        search_space: dict[str, BaseDistribution],
        X: np.ndarray,
        y: np.ndarray,
        categorical: np.ndarray,
    ) -> GPRegressor:
        if self._fits_study != study._identity:
            self._fits_study = study._identity
            self._fits = {}
        key = (role, tuple(search_space.items()))
        gp = fit_gp(
            X,
            y,
            categorical,
            deterministic_objective=self._deterministic,
            seed=int(self._rng.integers(2**31)),
            warm_start=self._fits.get(key),
        )
        self._fits[key] = gp
        return gp

    def _objective_targets(self, study: StudyView, values: np.ndarray) -> np.ndarray:
        """The quantity to maximize, one per trial (before standardization)."""
        signs = np.array([1.0 if d == StudyDirection.MINIMIZE else -1.0 for d in study.directions])
        losses = _finite(values) * signs
        if losses.shape[1] == 1:
            return -_warp(losses[:, 0])
        low, high = losses.min(axis=0), losses.max(axis=0)
        scaled = (losses - low) / np.where(high > low, high - low, 1.0)
        weights = self._rng.dirichlet(np.ones(losses.shape[1]))
        weighted = scaled * weights
        return -(weighted.max(axis=1) + _CHEBYSHEV_RHO * weighted.sum(axis=1))

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Propose values for ``search_space`` by maximizing the acquisition function."""
        if not search_space:
            return {}
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.RUNNING))
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < max(self._n_startup_trials, 1):
            return {}
        running = [t for t in trials if t.state == TrialState.RUNNING]
        with self._lock, single_threaded_blas():
            return self._propose(study, trial, search_space, complete, running)

    def _propose(
        self,
        study: StudyView,
        trial: FrozenTrial,
        search_space: dict[str, BaseDistribution],
        complete: list[FrozenTrial],
        running: list[FrozenTrial],
    ) -> dict[str, Any]:
        complete = [t for t in complete if all(name in t.params for name in search_space)]
        if not complete:
            return {}
        categorical = is_categorical(search_space)
        X = normalize_params(complete, search_space)
        values = np.array([t.values for t in complete], dtype=float)
        y, _, _ = standardize(self._objective_targets(study, values))

        feasible = np.ones(len(complete), dtype=bool)
        constraint_models: list[tuple[GPRegressor, float]] = []
        if self._constraints_func is not None:
            rows = [t.system_attrs.get(CONSTRAINTS_KEY) for t in complete]
            known = np.array([r is not None for r in rows])
            feasible = known.copy()
            if known.any():
                n_constraints = max(len(r) for r in rows if r is not None)
                table = np.array(
                    [
                        r
                        if r is not None and len(r) == n_constraints
                        else [np.nan] * n_constraints
                        for r in rows
                    ],
                    dtype=float,
                )
                usable = ~np.isnan(table).any(axis=1)
                feasible = usable & (table <= 0.0).all(axis=1)
                for i in range(n_constraints):
                    column = table[usable, i]
                    if np.ptp(column) == 0.0:
                        continue  # a constant constraint says nothing about where it holds
                    scaled, mean, std = standardize(column)
                    model = self._fit(
                        study, f"constraint:{i}", search_space, X[usable], scaled, categorical
                    )
                    constraint_models.append((model, (0.0 - mean) / std))

        running = [
            t
            for t in running
            if t.number != trial.number and all(name in t.params for name in search_space)
        ]
        X_running = normalize_params(running, search_space)
        objective: GPRegressor | None = self._fit(
            study, "objective", search_space, X, y, categorical
        )
        best = float(y[feasible].max()) if feasible.any() else 0.0
        if not feasible.any():
            objective = None
        elif objective is not None:
            objective, best = self._believe_running(objective, best, constraint_models, X_running)
        acquisition = Acquisition(objective, best, constraint_models)
        order = np.argsort(-np.where(feasible, y, -np.inf), kind="stable")
        best_points = X[order[: min(_N_BEST_POINTS, int(feasible.sum()) or 1)]]
        point, _ = optimize_acquisition(
            acquisition,
            search_space,
            self._rng,
            best_points=best_points,
            exclude=np.vstack([X, X_running]),
        )
        return denormalize(point, search_space)

    def _believe_running(
        self,
        model: GPRegressor,
        best: float,
        constraint_models: list[tuple[GPRegressor, float]],
        X_running: np.ndarray,
    ) -> tuple[GPRegressor, float]:
        """Add RUNNING trials at their predicted value, so proposals move away from them.

        A predicted value above the incumbent raises the incumbent too (when the trial is
        predicted feasible); otherwise the improvement at a pending point would stay positive.
        """
        if len(X_running) == 0:
            return model, best
        mean, _ = model.posterior(X_running)
        predicted_feasible = np.ones(len(X_running), dtype=bool)
        for constraint, threshold in constraint_models:
            predicted_feasible &= constraint.posterior(X_running)[0] <= threshold
        if predicted_feasible.any():
            best = max(best, float(mean[predicted_feasible].max()))
        return model.condition_on(X_running, mean), best

    def __repr__(self) -> str:
        return (
            f"GPSampler(seed={self._seed}, n_startup_trials={self._n_startup_trials}, "
            f"deterministic_objective={self._deterministic})"
        )
