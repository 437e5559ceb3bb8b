"""EMMREvaluator: how much the last trial changed the model's expected minimum regret."""

from __future__ import annotations

import math
import sys

import numpy as np
import scipy.linalg

from hpo._study_direction import StudyDirection
from hpo.pruners._rules import check_int, check_real
from hpo.samplers._gp._blas import single_threaded_blas
from hpo.samplers._gp._model import GPRegressor, fit_gp, standardize
from hpo.terminator._gp_data import (
    finite_only,
    gp_inputs,
    gp_search_space,
    minimize_over_space,
    ucb_beta,
)
from hpo.terminator._improvement import BaseImprovementEvaluator, as_minimized, complete_values
from hpo.trial import FrozenTrial

# Returned while there are too few trials: larger than any threshold, so no study stops.
_NOT_ENOUGH_TRIALS = sys.float_info.max / 10
_VARIANCE_FLOOR = 1e-12


class _EarlierPosterior:
    """The posterior of ``gp``'s kernel and noise conditioned on a subset of its data."""

    def __init__(self, gp: GPRegressor, X: np.ndarray, y: np.ndarray) -> None:
        self._gp = gp
        self._X = X
        gram = gp.kernel(X, X)
        jitter = gp.noise_var
        while True:  # duplicated points with a noiseless model make the matrix singular
            try:
                self._cholesky = scipy.linalg.cholesky(gram + jitter * np.eye(len(X)), lower=True)
                break
            except np.linalg.LinAlgError:
                jitter = max(jitter * 10.0, 1e-10)
        self._alpha = scipy.linalg.cho_solve((self._cholesky, True), y)

    def posterior(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cross = self._gp.kernel(points, self._X)
        v = scipy.linalg.solve_triangular(self._cholesky, cross.T, lower=True)
        variance = self._gp.kernel_scale - np.einsum("ij,ij->j", v, v)
        return cross @ self._alpha, np.maximum(variance, 0.0)


def gaussian_kl(mean_p: float, var_p: float, mean_q: float, var_q: float) -> float:
    """Return ``KL(N(mean_p, var_p) || N(mean_q, var_q))`` (variances floored at 1e-12).

    Examples
    --------
    >>> gaussian_kl(0.0, 1.0, 0.0, 1.0)
    0.0
    >>> round(gaussian_kl(1.0, 1.0, 0.0, 1.0), 6)
    0.5
    """
    var_p, var_q = max(var_p, _VARIANCE_FLOOR), max(var_q, _VARIANCE_FLOOR)
    return max(
        0.0, 0.5 * (math.log(var_q / var_p) + (var_p + (mean_p - mean_q) ** 2) / var_q - 1.0)
    )


def emmr_bound(mean_shift: float, kappa: float, kl: float) -> float:
    """Return ``|mean_shift| + kappa * sqrt(kl / 2)``.

    The first term is how much the minimum of the posterior mean moved; the second bounds
    how much the expected minimum of the function moved: by Pinsker's inequality, two
    posteriors ``kl`` apart in Kullback-Leibler divergence give expectations of a quantity
    confined to an interval of width ``kappa`` that differ by at most
    ``kappa * sqrt(kl / 2)``.

    Examples
    --------
    >>> emmr_bound(-0.5, 2.0, 0.5)
    1.5
    """
    return abs(mean_shift) + kappa * math.sqrt(max(kl, 0.0) / 2.0)


class EMMREvaluator(BaseImprovementEvaluator):
    """The change in expected minimum simple regret caused by the latest trial.

    Ishibashi et al. (2023, "A stopping criterion for Bayesian optimization by the gap of
    expected minimum simple regrets"): optimization has converged once a new observation no
    longer changes what the model believes about the minimum. A Gaussian process is fitted to
    all COMPLETE trials (posterior ``p_t``); ``p_{t-1}`` is the same kernel conditioned on all
    but the latest trial. The estimate (scaled back to objective units) is

    ``|min mu_{t-1} - min mu_t| + kappa_{t-1} * sqrt(KL(p_t || p_{t-1}) / 2)``,

    where ``mu`` are posterior means minimized over the search space, ``kappa_{t-1}`` is the
    width ``min UCB - min LCB`` of the interval that holds the function's minimum with
    probability about ``1 - delta`` under ``p_{t-1}``, and the divergence between the two
    posteriors reduces to that of their Gaussian marginals at the latest trial's point
    (conditioning on one observation changes nothing else). Pair it with a
    :class:`~hpo.terminator.MedianErrorEvaluator`, which sets the threshold relative to the
    first estimates.

    Trials whose value is infinite are left out of the model.

    Parameters
    ----------
    deterministic_objective:
        The objective has no noise: the model's noise variance is fixed at a tiny floor.
    delta:
        The failure probability of the confidence bounds, in ``(0, 1)``.
    min_n_trials:
        Below this many COMPLETE trials (at least 2) the estimate is a huge number.
    seed:
        Seed of the candidate points and of the model fit.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``delta`` is outside ``(0, 1)`` or ``min_n_trials`` below 2.

    Examples
    --------
    >>> import hpo
    >>> from hpo.terminator import MedianErrorEvaluator, Terminator, TerminatorCallback
    >>> emmr = EMMREvaluator(deterministic_objective=True, seed=0)
    >>> median = MedianErrorEvaluator(emmr, warm_up_trials=2, n_initial_trials=5)
    >>> terminator = Terminator(emmr, median, min_n_trials=8)
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10,
    ...                callbacks=[TerminatorCallback(terminator)])
    """

    def __init__(
        self,
        deterministic_objective: bool = False,
        delta: float = 0.1,
        min_n_trials: int = 2,
        seed: int | None = None,
    ) -> None:
        if not isinstance(deterministic_objective, (bool, np.bool_)):
            raise TypeError(
                f"deterministic_objective must be a bool, got {deterministic_objective!r}."
            )
        self._deterministic_objective = bool(deterministic_objective)
        delta = check_real("delta", delta)
        if not 0.0 < delta < 1.0:
            raise ValueError(f"delta must be in (0, 1), got {delta}.")
        self._delta = delta
        self._min_n_trials = check_int("min_n_trials", min_n_trials, 2)
        if seed is not None:
            check_int("seed", seed, 0)
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the estimate for the latest COMPLETE trial, in objective units."""
        with single_threaded_blas():
            return self._estimate(trials, study_direction)

    def _estimate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        complete, values = finite_only(*complete_values(trials))
        if len(complete) < self._min_n_trials:
            return _NOT_ENOUGH_TRIALS
        search_space = gp_search_space(complete)
        if not search_space:
            return 0.0
        X, categorical = gp_inputs(complete, search_space)
        y, _, std = standardize(as_minimized(values, study_direction))
        gp = fit_gp(
            X,
            y,
            categorical,
            deterministic_objective=self._deterministic_objective,
            seed=int(self._rng.integers(2**31)),
        )
        earlier = _EarlierPosterior(gp, X[:-1], y[:-1])
        sqrt_beta = math.sqrt(ucb_beta(len(complete) - 1, len(search_space), self._delta))

        def mean_now(points: np.ndarray) -> np.ndarray:
            return gp.posterior(points)[0]

        def mean_before(points: np.ndarray) -> np.ndarray:
            return earlier.posterior(points)[0]

        def bound_before(sign: float) -> float:
            def bound(points: np.ndarray) -> np.ndarray:
                mean, variance = earlier.posterior(points)
                return mean + sign * sqrt_beta * np.sqrt(variance)

            return minimize_over_space(bound, search_space, X[:-1], self._rng)

        mean_shift = minimize_over_space(
            mean_before, search_space, X[:-1], self._rng
        ) - minimize_over_space(mean_now, search_space, X, self._rng)
        kappa = max(0.0, bound_before(+1.0) - bound_before(-1.0))
        latest = X[-1:]
        (m_now,), (v_now,) = gp.posterior(latest)
        (m_before,), (v_before,) = earlier.posterior(latest)
        kl = gaussian_kl(float(m_now), float(v_now), float(m_before), float(v_before))
        return std * emmr_bound(mean_shift, kappa, kl)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(deterministic_objective={self._deterministic_objective}, "
            f"delta={self._delta}, min_n_trials={self._min_n_trials}, seed={self._seed})"
        )
