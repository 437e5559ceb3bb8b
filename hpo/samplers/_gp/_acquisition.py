"""Acquisition functions: log expected improvement, with log probabilities of feasibility.

Everything is written for *maximization* of a standardized target. Expected improvement over
the incumbent ``best`` at a point with posterior mean ``mu`` and standard deviation ``sigma``
is ``sigma * h(z)`` with ``z = (mu - best) / sigma`` and ``h(z) = phi(z) + z * Phi(z)``.
Plain ``log(h(z))`` underflows to ``-inf`` near ``z = -38`` and loses all precision well before
that, which flattens the acquisition surface far from the incumbent. Following Ament et al.
(2023), "Unexpected Improvements to Expected Improvement for Bayesian Optimization", ``log h``
is computed in three regimes:

* ``z > -1``: directly;
* ``-1e3 < z <= -1``: ``log h(z) = log phi(z) + log(1 - |z| sqrt(pi/2) erfcx(|z|/sqrt(2)))``,
  using the scaled complementary error function ``erfcx``;
* ``z <= -1e3``: the asymptotic series ``log phi(z) - 2 log|z| + log(1 - 3/z^2 + 15/z^4)``.

The derivative is ``d log h / dz = Phi(z) / h(z)``, evaluated as an exponent difference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import erfcx, log_ndtr

from hpo.samplers._gp._model import GPRegressor

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_ASYMPTOTIC_BELOW = -1e3
#: Smallest posterior standard deviation used (targets are standardized).
_MIN_STD = 1e-10


def log_h(z: np.ndarray) -> np.ndarray:
    """Return ``log(phi(z) + z * Phi(z))`` without underflow.

    Parameters
    ----------
    z:
        Standardized improvements, any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``z``; finite for every finite ``z``.

    Examples
    --------
    >>> bool(np.isfinite(log_h(np.array([-1e5]))[0]))
    True
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    asymptotic = z <= _ASYMPTOTIC_BELOW
    middle = ~upper & ~asymptotic
    zu = z[upper]
    out[upper] = np.log(np.exp(-0.5 * zu * zu - _LOG_SQRT_2PI) + zu * np.exp(log_ndtr(zu)))
    zm = z[middle]
    log_phi = -0.5 * zm * zm - _LOG_SQRT_2PI
    out[middle] = log_phi + np.log1p(-np.abs(zm) * _SQRT_HALF_PI * erfcx(-zm / math.sqrt(2.0)))
    za = z[asymptotic]
    inv2 = 1.0 / (za * za)
    out[asymptotic] = (
        -0.5 * za * za - _LOG_SQRT_2PI - np.log(za * za) + np.log1p(-3.0 * inv2 + 15.0 * inv2**2)
    )
    return out


def log_h_grad(z: np.ndarray, log_h_value: np.ndarray) -> np.ndarray:
    """Derivative of :func:`log_h`, ``Phi(z) / h(z)``, given ``log_h(z)``.

    Parameters
    ----------
    z:
        Standardized improvements.
    log_h_value:
        ``log_h(z)``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``z``.
    """
    return np.exp(log_ndtr(z) - log_h_value)


def log_ei(mean: np.ndarray, variance: np.ndarray, best: float) -> np.ndarray:
    """Log expected improvement over ``best`` (maximization).

    Parameters
    ----------
    mean, variance:
        Posterior mean and variance, same shape.
    best:
        Incumbent value.

    Returns
    -------
    numpy.ndarray
        ``log E[max(f - best, 0)]``, finite for positive variance.

    Examples
    --------
    >>> round(float(log_ei(np.array([0.0]), np.array([1.0]), 0.0)[0]), 6)  # log(1/sqrt(2 pi))
    -0.918939
    """
    std = np.sqrt(np.maximum(variance, _MIN_STD**2))
    return np.log(std) + log_h((np.asarray(mean, dtype=float) - best) / std)


class Acquisition:
    """Log expected improvement plus the log probability that every constraint holds.

    Parameters
    ----------
    objective:
        Model of the standardized target to maximize, or ``None`` to use only the
        feasibility terms (no feasible observation yet).
    best:
        Incumbent standardized target (ignored without ``objective``).
    constraints:
        Pairs ``(model, threshold)``; a constraint holds where the modelled standardized
        value is ``<= threshold``. Constraints are taken as independent.

    Examples
    --------
    >>> gp = GPRegressor(np.array([[0.0], [1.0]]), np.array([-1.0, 1.0]), np.array([False]),
    ...                  np.array([1.0]), 1.0, 1e-6)
    >>> acq = Acquisition(gp, 1.0)
    >>> values = acq.evaluate(np.array([[0.0], [0.9]]))
    >>> bool(values[1] > values[0])
    True
    """

    def __init__(
        self,
        objective: GPRegressor | None,
        best: float,
        constraints: Sequence[tuple[GPRegressor, float]] = (),
    ) -> None:
        self.objective = objective
        self.best = float(best)
        self.constraints = list(constraints)

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """Acquisition values at the rows of ``X`` (shape ``(m, d)``), shape ``(m,)``."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        total = np.zeros(X.shape[0])
        if self.objective is not None:
            mean, variance = self.objective.posterior(X)
            total += log_ei(mean, variance, self.best)
        for model, threshold in self.constraints:
            mean, variance = model.posterior(X)
            std = np.sqrt(np.maximum(variance, _MIN_STD**2))
            total += log_ndtr((threshold - mean) / std)
        return total

    def evaluate_with_grad(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Acquisition values and their gradients in ``X``.

        Parameters
        ----------
        X:
            Shape ``(m, d)``.

        Returns
        -------
        tuple[numpy.ndarray, numpy.ndarray]
            Values of shape ``(m,)`` and gradients of shape ``(m, d)`` (zero on categorical
            columns).
        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        total = np.zeros(X.shape[0])
        grad = np.zeros_like(X)
        if self.objective is not None:
            mean, variance, mean_grad, variance_grad = self.objective.posterior_with_grad(X)
            std = np.sqrt(np.maximum(variance, _MIN_STD**2))
            std_grad = np.where(variance > _MIN_STD**2, 0.5 / std, 0.0)[:, None] * variance_grad
            z = (mean - self.best) / std
            value = log_h(z)
            slope = log_h_grad(z, value)
            total += np.log(std) + value
            # d/dx [log s + log h((m - b) / s)] = s'/s + (log h)'(z) (m' - z s') / s.
            grad += std_grad / std[:, None] + (slope / std)[:, None] * (
                mean_grad - z[:, None] * std_grad
            )
        for model, threshold in self.constraints:
            mean, variance, mean_grad, variance_grad = model.posterior_with_grad(X)
            std = np.sqrt(np.maximum(variance, _MIN_STD**2))
            std_grad = np.where(variance > _MIN_STD**2, 0.5 / std, 0.0)[:, None] * variance_grad
            t = (threshold - mean) / std
            log_cdf = log_ndtr(t)
            total += log_cdf
            # d log Phi(t) / dt = phi(t) / Phi(t).
            ratio = np.exp(-0.5 * t * t - _LOG_SQRT_2PI - log_cdf)
            grad += (ratio / std)[:, None] * (-mean_grad - t[:, None] * std_grad)
        return total, grad
