"""The CMA-ES search distribution, its update and its stopping rules.

Strategy parameters, weights (with negative weights for the active update), cumulation,
rank-one and rank-mu updates and cumulative step-size adaptation follow Hansen's tutorial
("The CMA Evolution Strategy: A Tutorial", 2016). With ``separable=True`` the covariance is
kept diagonal and learns faster, after Ros and Hansen (PPSN 2008). The state converts to and
from plain JSON-compatible values, so workers can share it through a study attribute.

The search runs minimization in the unit cube ``[0, 1]^n``; candidates outside it are
resampled, and clipped if none lands inside.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Protocol

import numpy as np

from hpo.samplers._cmaes._lr_adapt import LearningRates

_MAX_RESAMPLE_ROUNDS = 10
_RESAMPLE_BATCH = 16
_TOL_X = 1e-11
_TOL_FUN = 1e-12
_MAX_CONDITION = 1e14
_MAX_SIGMA_GROWTH = 1e4


class MarginCorrection(Protocol):
    """Correct the mean and the per-coordinate scale after an update (CMA-ES with Margin)."""

    def correct(
        self, mean: np.ndarray, marginal_std: np.ndarray, scale: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]: ...


def default_popsize(dim: int) -> int:
    """Return the default population size ``4 + floor(3 ln n)``.

    Examples
    --------
    >>> default_popsize(10)
    10
    """
    return 4 + math.floor(3 * math.log(dim))


class StrategyParameters:
    """Weights and learning rates for a dimension and a population size (Hansen 2016).

    Parameters
    ----------
    dim:
        Number of coordinates.
    popsize:
        Number of candidates per generation (at least 2).
    separable:
        Diagonal covariance: the covariance learning rates grow by ``(n + 2) / 3`` and only
        positive weights are used.

    Examples
    --------
    >>> params = StrategyParameters(10, 10)
    >>> params.mu, round(float(params.weights[:params.mu].sum()), 12)
    (5, 1.0)
    """

    def __init__(self, dim: int, popsize: int, separable: bool = False) -> None:
        n = float(dim)
        self.dim = dim
        self.popsize = popsize
        self.mu = popsize // 2
        prime = math.log((popsize + 1) / 2) - np.log(np.arange(1, popsize + 1))
        positive, negative = prime[: self.mu], prime[self.mu :]
        self.mu_eff = float(positive.sum() ** 2 / (positive**2).sum())
        mu_eff_neg = float(negative.sum() ** 2 / (negative**2).sum()) if negative.size else 0.0
        self.c_c = (4 + self.mu_eff / n) / (n + 4 + 2 * self.mu_eff / n)
        self.c_sigma = (self.mu_eff + 2) / (n + self.mu_eff + 5)
        self.d_sigma = 1 + 2 * max(0.0, math.sqrt((self.mu_eff - 1) / (n + 1)) - 1) + self.c_sigma
        alpha_cov = 2.0
        c_1 = alpha_cov / ((n + 1.3) ** 2 + self.mu_eff)
        c_mu = min(
            1 - c_1,
            alpha_cov
            * (self.mu_eff - 2 + 1 / self.mu_eff)
            / ((n + 2) ** 2 + alpha_cov * self.mu_eff / 2),
        )
        weights = np.zeros(popsize)
        weights[: self.mu] = positive / positive.sum()
        if separable:
            scale = (n + 2) / 3
            c_1, c_mu = c_1 * scale, c_mu * scale
            if c_1 + c_mu > 1:
                total = c_1 + c_mu
                c_1, c_mu = c_1 / total, c_mu / total
        elif negative.size and c_mu > 0:
            alpha_neg = min(
                1 + c_1 / c_mu,
                1 + 2 * mu_eff_neg / (self.mu_eff + 2),
                (1 - c_1 - c_mu) / (n * c_mu),
            )
            weights[self.mu :] = alpha_neg * negative / np.abs(negative).sum()
        self.c_1 = c_1
        self.c_mu = c_mu
        self.weights = weights
        self.chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
        # Generations of best values compared by the flat-fitness stopping rule.
        self.history_length = 10 + math.ceil(30 * n / popsize)


@functools.lru_cache(maxsize=64)
def _strategy_parameters(dim: int, popsize: int, separable: bool) -> StrategyParameters:
    return StrategyParameters(dim, popsize, separable)


class CmaEs:
    """A CMA-ES search distribution ``N(mean, sigma^2 C)`` in the unit cube, with its paths.

    Parameters
    ----------
    mean:
        Initial mean, shape ``(n,)``.
    sigma:
        Initial step size (> 0).
    popsize:
        Candidates per generation; ``4 + floor(3 ln n)`` if None.
    cov:
        Initial covariance ``C`` (``(n, n)``, or ``(n,)`` with ``separable``); identity if None.
    separable:
        Keep ``C`` diagonal (Ros and Hansen, 2008).
    lr_adapt:
        Adapt the learning rates of the mean and the covariance (Nomura et al., 2023).

    Examples
    --------
    >>> es = CmaEs(np.full(2, 0.5), 0.2)
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(60):
    ...     x = np.array([es.ask(rng) for _ in range(es.popsize)])
    ...     es.tell(x, ((x - 0.3) ** 2).sum(axis=1))
    >>> bool(np.abs(es.mean - 0.3).max() < 1e-3)
    True
    """

    def __init__(
        self,
        mean: np.ndarray,
        sigma: float,
        *,
        popsize: int | None = None,
        cov: np.ndarray | None = None,
        separable: bool = False,
        lr_adapt: bool = False,
    ) -> None:
        self.mean = np.array(mean, dtype=float)
        dim = self.mean.size
        self.dim = dim
        self.sigma = float(sigma)
        self.sigma0 = float(sigma)
        self.popsize = default_popsize(dim) if popsize is None else int(popsize)
        self.separable = separable
        if cov is None:
            cov = np.ones(dim) if separable else np.eye(dim)
        self.cov = np.array(cov, dtype=float)
        self.p_sigma = np.zeros(dim)
        self.p_c = np.zeros(dim)
        self.scale = np.ones(dim)  # the diagonal A of CMA-ES with Margin
        self.generation = 0
        self.best_history: list[float] = []
        self.last_spread = math.inf
        self.learning_rates: LearningRates | None = LearningRates(dim) if lr_adapt else None
        self.margin: MarginCorrection | None = None
        self.params = _strategy_parameters(dim, self.popsize, separable)
        self._decompose()

    # -- linear algebra -------------------------------------------------------------------

    def _decompose(self) -> None:
        """Refresh the eigendecomposition ``C = B diag(D^2) B^T``."""
        if self.separable:
            self.cov = np.maximum(self.cov, 1e-300)
            self.eig_d = np.sqrt(self.cov)
            self.eig_b = None
            return
        eigenvalues, basis = np.linalg.eigh(self.cov)
        if eigenvalues.min() <= 1e-300:
            eigenvalues = np.maximum(eigenvalues, 1e-300)
            self.cov = (basis * eigenvalues) @ basis.T
        self.eig_d = np.sqrt(eigenvalues)
        self.eig_b = basis

    def _whiten(self, y: np.ndarray) -> np.ndarray:
        """Return ``C^{-1/2} y`` for rows ``y``."""
        if self.eig_b is None:
            return y / self.eig_d
        return ((y @ self.eig_b) / self.eig_d) @ self.eig_b.T

    def _color(self, z: np.ndarray) -> np.ndarray:
        """Return ``C^{1/2} z`` (as ``B D z``) for rows ``z`` of standard normals."""
        if self.eig_b is None:
            return z * self.eig_d
        return (z * self.eig_d) @ self.eig_b.T

    # -- sampling -------------------------------------------------------------------------

    def ask(self, rng: np.random.Generator) -> np.ndarray:
        """Draw one candidate inside ``[0, 1]^n``.

        Candidates outside the cube are redrawn (in batches); after a few batches without a
        feasible one, the last candidate is clipped to the cube.
        """
        candidate = self.mean + self.sigma * self.scale * self._color(
            rng.standard_normal((1, self.dim))
        )
        if np.all((candidate >= 0) & (candidate <= 1)):
            return candidate[0]
        for _ in range(_MAX_RESAMPLE_ROUNDS):
            z = rng.standard_normal((_RESAMPLE_BATCH, self.dim))
            candidates = self.mean + self.sigma * self.scale * self._color(z)
            inside = np.flatnonzero(np.all((candidates >= 0) & (candidates <= 1), axis=1))
            if inside.size:
                return candidates[inside[0]]
        return np.clip(candidate[0], 0.0, 1.0)

    # -- update ---------------------------------------------------------------------------

    def tell(self, solutions: np.ndarray, values: np.ndarray) -> None:
        """Update the distribution from one generation (minimization).

        Parameters
        ----------
        solutions:
            Candidates, shape ``(popsize, n)``.
        values:
            Their objective values, shape ``(popsize,)``; lower is better.
        """
        params = self.params
        solutions = np.asarray(solutions, dtype=float)
        values = np.asarray(values, dtype=float)
        order = np.argsort(values, kind="stable")
        y = (solutions[order] - self.mean) / (self.sigma * self.scale)
        weights = params.weights
        y_w = weights[: params.mu] @ y[: params.mu]

        old_mean, old_sigma = self.mean, self.sigma
        old_cov = self.cov
        whitened_y_w = self._whiten(y_w)
        self.p_sigma = (1 - params.c_sigma) * self.p_sigma + math.sqrt(
            params.c_sigma * (2 - params.c_sigma) * params.mu_eff
        ) * whitened_y_w
        norm_p_sigma = float(np.linalg.norm(self.p_sigma))
        log_sigma_step = min(
            1.0, (params.c_sigma / params.d_sigma) * (norm_p_sigma / params.chi_n - 1)
        )
        correction = math.sqrt(1 - (1 - params.c_sigma) ** (2 * (self.generation + 1)))
        h_sigma = float(norm_p_sigma / correction < (1.4 + 2 / (self.dim + 1)) * params.chi_n)
        self.p_c = (1 - params.c_c) * self.p_c + h_sigma * math.sqrt(
            params.c_c * (2 - params.c_c) * params.mu_eff
        ) * y_w

        # Negative weights are rescaled so that the active update keeps C positive definite.
        adjusted = weights.copy()
        negative = weights < 0
        if negative.any():
            norms = (self._whiten(y[negative]) ** 2).sum(axis=1)
            adjusted[negative] *= self.dim / np.maximum(norms, 1e-300)
        delta = (1 - h_sigma) * params.c_c * (2 - params.c_c)
        decay = 1 + params.c_1 * delta - params.c_1 - params.c_mu * weights.sum()
        if self.separable:
            rank_mu = adjusted @ (y * y)
            full_cov = decay * old_cov + params.c_1 * self.p_c**2 + params.c_mu * rank_mu
        else:
            rank_mu = (y.T * adjusted) @ y
            full_cov = (
                decay * old_cov + params.c_1 * np.outer(self.p_c, self.p_c) + params.c_mu * rank_mu
            )
        full_mean = old_mean + old_sigma * self.scale * y_w
        if self.learning_rates is None:
            self.mean = full_mean
            self.sigma = old_sigma * math.exp(log_sigma_step)
            self.cov = full_cov
        else:
            self._apply_learning_rates(full_mean, log_sigma_step, full_cov)
        if not self.separable:
            self.cov = (self.cov + self.cov.T) / 2
        self._decompose()
        if self.margin is not None:
            marginal_std = self.sigma * self._marginal_sd()
            self.mean, self.scale = self.margin.correct(self.mean, marginal_std, self.scale)

        self.generation += 1
        finite = values[np.isfinite(values)]
        self.best_history.append(float(finite.min()) if finite.size else math.inf)
        del self.best_history[: -params.history_length]
        self.last_spread = float(np.ptp(finite)) if finite.size == values.size else math.inf

    def _marginal_sd(self) -> np.ndarray:
        return np.sqrt(self.cov if self.separable else np.diag(self.cov))

    def _apply_learning_rates(
        self, full_mean: np.ndarray, log_sigma_step: float, full_cov: np.ndarray
    ) -> None:
        """Move ``eta`` of the way to the standard update (Nomura et al., 2023)."""
        assert self.learning_rates is not None and self.eig_b is not None
        old_sigma = self.sigma
        old_sigma_cov = old_sigma**2 * self.cov
        full_sigma = old_sigma * math.exp(log_sigma_step)
        delta_mean = full_mean - self.mean
        delta_sigma_cov = full_sigma**2 * full_cov - old_sigma_cov
        # Changes in the local coordinates of the current distribution.
        inv_sqrt = (self.eig_b / (old_sigma * self.eig_d)) @ self.eig_b.T
        local_mean = inv_sqrt @ delta_mean
        local_cov = inv_sqrt @ delta_sigma_cov @ inv_sqrt
        eta_mean, eta_cov = self.learning_rates.update(local_mean, local_cov.ravel())
        self.mean = self.mean + eta_mean * delta_mean
        self.sigma = old_sigma * math.exp(eta_cov * log_sigma_step)
        self.cov = (old_sigma_cov + eta_cov * delta_sigma_cov) / self.sigma**2

    # -- stopping -------------------------------------------------------------------------

    def should_stop(self) -> bool:
        """Whether the run has converged or stalled (rules of Hansen's tutorial, Annex B.3)."""
        params = self.params
        history = self.best_history
        if (
            len(history) >= params.history_length
            and max(history) - min(history) < _TOL_FUN
            and self.last_spread < _TOL_FUN
        ):
            return True
        stds = self.sigma * self.scale * self._marginal_sd()
        if np.all(stds < _TOL_X) and np.all(self.sigma * np.abs(self.p_c) < _TOL_X):
            return True
        if self.sigma * float(self.eig_d.max()) > _MAX_SIGMA_GROWTH * self.sigma0:
            return True
        axis = self.generation % self.dim
        if self.eig_b is None:
            shift = np.zeros(self.dim)
            shift[axis] = 0.1 * self.sigma * self.eig_d[axis]
        else:
            shift = 0.1 * self.sigma * self.eig_d[axis] * self.eig_b[:, axis]
        if np.all(self.mean == self.mean + self.scale * shift):
            return True
        if np.any(self.mean == self.mean + 0.2 * stds):
            return True
        return bool((self.eig_d.max() / self.eig_d.min()) ** 2 > _MAX_CONDITION)

    # -- JSON -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Return the state as JSON-compatible values (lists, floats, ints, bools)."""
        return {
            "mean": self.mean.tolist(),
            "sigma": self.sigma,
            "sigma0": self.sigma0,
            "cov": self.cov.tolist(),
            "p_sigma": self.p_sigma.tolist(),
            "p_c": self.p_c.tolist(),
            "scale": self.scale.tolist(),
            "generation": self.generation,
            "popsize": self.popsize,
            "separable": self.separable,
            "best_history": [v if math.isfinite(v) else None for v in self.best_history],
            "last_spread": self.last_spread if math.isfinite(self.last_spread) else None,
            "learning_rates": None
            if self.learning_rates is None
            else self.learning_rates.to_json(),
        }

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> CmaEs:
        """Rebuild a state written by :meth:`to_json`."""
        es = cls(
            np.array(state["mean"], dtype=float),
            float(state["sigma"]),
            popsize=int(state["popsize"]),
            cov=np.array(state["cov"], dtype=float),
            separable=bool(state["separable"]),
        )
        es.sigma0 = float(state["sigma0"])
        es.p_sigma = np.array(state["p_sigma"], dtype=float)
        es.p_c = np.array(state["p_c"], dtype=float)
        es.scale = np.array(state["scale"], dtype=float)
        es.generation = int(state["generation"])
        es.best_history = [math.inf if v is None else float(v) for v in state["best_history"]]
        spread = state["last_spread"]
        es.last_spread = math.inf if spread is None else float(spread)
        if state["learning_rates"] is not None:
            es.learning_rates = LearningRates.from_json(state["learning_rates"])
        return es
