"""RegretBoundEvaluator: a high-probability upper bound on the regret of the best trial."""

from __future__ import annotations

import math

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._rules import check_int, check_real
from hpo.samplers._gp._blas import single_threaded_blas
from hpo.samplers._gp._model import fit_gp, standardize
from hpo.terminator._gp_data import (
    finite_only,
    gp_inputs,
    gp_search_space,
    minimize_over_space,
    ucb_beta,
)
from hpo.terminator._improvement import BaseImprovementEvaluator, as_minimized, complete_values
from hpo.trial import FrozenTrial

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20


def n_top_trials(n_trials: int, top_trials_ratio: float, min_n_trials: int) -> int:
    """Return how many of the best trials the model is fitted on.

    ``top_trials_ratio`` of the trials, but at least ``min_n_trials`` (all of them while
    there are fewer) and at least one.

    Examples
    --------
    >>> n_top_trials(100, 0.5, 20), n_top_trials(30, 0.5, 20), n_top_trials(7, 0.5, 20)
    (50, 20, 7)
    """
    return max(1, int(n_trials * top_trials_ratio), min(n_trials, min_n_trials))


def regret_bound(min_ucb_observed: float, min_lcb_space: float, scale: float = 1.0) -> float:
    """Return ``scale * max(0, min_ucb_observed - min_lcb_space)``.

    With probability about ``1 - delta`` the true function lies between the confidence
    bounds, so the best observed point is at most ``min UCB`` over the observed points and
    the optimum at least ``min LCB`` over the whole space: their gap bounds the regret of
    the best observed point (Makarova et al., 2022, eq. 5).

    Examples
    --------
    >>> regret_bound(1.5, 0.5, scale=2.0)
    2.0
    """
    return scale * max(0.0, min_ucb_observed - min_lcb_space)


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """An upper bound, with high probability, on how far the best trial is from the optimum.

    Makarova et al. (2022, "Automatic termination for hyperparameter optimization"): a
    Gaussian process (Matérn 5/2 with automatic relevance determination) is fitted to the
    best ``top_trials_ratio`` of the COMPLETE trials (at least ``min_n_trials`` of them),
    which focuses the model on the promising region. With confidence bounds
    ``mean +- sqrt(beta) * std`` (``beta`` from :func:`~hpo.terminator._gp_data.ucb_beta`),
    the regret of the best trial is at most ``min UCB`` over the fitted trials minus
    ``min LCB`` over the whole search space. The minimum LCB is searched with 1024 Sobol'
    points (``scipy.stats.qmc``) plus a local random search around the best of them. The
    bound is computed on standardized values and scaled back to objective units.

    Trials whose value is infinite are left out. The search space is the parameters every
    COMPLETE trial has (parameters with a single possible value left out); with no such
    parameter, there is nothing left to search and the bound is 0.

    Parameters
    ----------
    top_trials_ratio:
        The share of the best trials the model is fitted on, in ``(0, 1]``.
    min_n_trials:
        Fit on at least this many trials (all of them while there are fewer).
    seed:
        Seed of the candidate points and of the model fit.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``top_trials_ratio`` is outside ``(0, 1]`` or ``min_n_trials`` below 1.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> bound = RegretBoundEvaluator(seed=0).evaluate(study.trials, study.direction)
    >>> 0.0 <= bound < 0.1
    True
    """

    def __init__(
        self,
        top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
        seed: int | None = None,
    ) -> None:
        ratio = check_real("top_trials_ratio", top_trials_ratio)
        if not 0.0 < ratio <= 1.0:
            raise ValueError(f"top_trials_ratio must be in (0, 1], got {ratio}.")
        self._top_trials_ratio = ratio
        self._min_n_trials = check_int("min_n_trials", min_n_trials, 1)
        if seed is not None:
            check_int("seed", seed, 0)
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the regret bound of the best COMPLETE trial, in objective units.

        Raises
        ------
        ValueError
            If no trial is COMPLETE.
        """
        with single_threaded_blas():
            return self._estimate(trials, study_direction)

    def _estimate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        complete, values = finite_only(*complete_values(trials))
        if not complete:
            raise ValueError(
                "No trial is COMPLETE with a finite value yet: the regret bound cannot be "
                "evaluated."
            )
        search_space = gp_search_space(complete)
        if not search_space:
            return 0.0
        loss = as_minimized(values, study_direction)
        n_top = n_top_trials(len(complete), self._top_trials_ratio, self._min_n_trials)
        top = np.argsort(loss, kind="stable")[:n_top]
        top_trials = [complete[i] for i in top]
        X, categorical = gp_inputs(top_trials, search_space)
        y, _, std = standardize(loss[top])
        gp = fit_gp(X, y, categorical, seed=int(self._rng.integers(2**31)))
        sqrt_beta = math.sqrt(ucb_beta(n_top, len(search_space)))

        def lower_bound(points: np.ndarray) -> np.ndarray:
            mean, variance = gp.posterior(points)
            return mean - sqrt_beta * np.sqrt(variance)

        mean, variance = gp.posterior(X)
        min_ucb = float(np.min(mean + sqrt_beta * np.sqrt(variance)))
        min_lcb = minimize_over_space(lower_bound, search_space, X, self._rng)
        return regret_bound(min_ucb, min_lcb, scale=std)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(top_trials_ratio={self._top_trials_ratio}, "
            f"min_n_trials={self._min_n_trials}, seed={self._seed})"
        )
