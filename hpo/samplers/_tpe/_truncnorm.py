"""Vectorized truncated-normal helpers: interval masses and inverse-CDF sampling.

Every function works elementwise on broadcastable arrays and stays accurate far in either
tail, where ``ndtr`` alone would round to 0 or 1.
"""

from __future__ import annotations

import functools
from types import ModuleType

import numpy as np


@functools.cache
def _special() -> ModuleType:
    # scipy.special takes about 0.2 s to import: loaded with the first sample, not with hpo.
    import scipy.special

    return scipy.special


# Below this mass, ndtr differences lose their relative precision; recompute in log space.
_TINY_MASS = 1e-100
# Beyond this many standard deviations a normal tail is below double precision.
_TAIL_REACH = 8.5


def log_normal_mass(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Return ``log(Phi(upper) - Phi(lower))`` for standardized bounds ``lower <= upper``.

    Parameters
    ----------
    lower, upper:
        Standardized interval bounds (``(bound - mean) / sigma``), broadcastable.

    Returns
    -------
    numpy.ndarray
        The log of the standard normal mass of each interval; ``-inf`` for empty intervals.
    """
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    if lower.max(initial=-np.inf) <= 0.0 <= upper.min(initial=np.inf):
        # Intervals around 0 at least one standard deviation wide (every kernel mass over the
        # unit domain with sigma <= 1) have mass >= 0.38: no precision issue.
        return np.log(_special().ndtr(upper) - _special().ndtr(lower))
    lower, upper = np.broadcast_arrays(lower, upper)
    # Phi(b) - Phi(a) = Phi(-a) - Phi(-b): work in the left tail, where Phi is exact.
    flip = lower > 0
    low = np.where(flip, -upper, lower)
    high = np.where(flip, -lower, upper)
    with np.errstate(divide="ignore"):
        mass = _special().ndtr(high) - _special().ndtr(low)
        result = np.log(mass)
    small = mass < _TINY_MASS
    if small.any():
        log_low = _special().log_ndtr(low[small])
        log_high = _special().log_ndtr(high[small])
        with np.errstate(divide="ignore", invalid="ignore"):
            precise = log_high + np.log1p(-np.exp(log_low - log_high))
        precise[~(high[small] > low[small])] = -np.inf
        result[small] = precise
    return result


def log_unit_interval_mass(mean: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Return ``log P(0 <= X <= 1)`` for ``X ~ N(mean, sigma^2)``, elementwise.

    Equal to ``log_normal_mass(-mean / sigma, (1 - mean) / sigma)`` but evaluates the normal
    CDF only for means within a few standard deviations of a bound: elsewhere the tails are
    below double precision.

    Parameters
    ----------
    mean, sigma:
        Arrays of the same shape; ``0 < sigma <= 1``.

    Returns
    -------
    numpy.ndarray
        The log masses.
    """
    mean = np.asarray(mean, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    reach = _TAIL_REACH * sigma
    near_low = mean < reach
    near_high = mean > 1.0 - reach
    tails = np.zeros(mean.shape)
    if near_low.any():
        tails[near_low] = _special().ndtr(-mean[near_low] / sigma[near_low])
    if near_high.any():
        tails[near_high] += _special().ndtr((mean[near_high] - 1.0) / sigma[near_high])
    with np.errstate(divide="ignore"):
        result = np.log1p(-tails)
    # Means outside [0, 1] may leave almost no mass inside; recompute those precisely.
    outside = (mean < 0.0) | (mean > 1.0)
    if outside.any():
        m, s = mean[outside], sigma[outside]
        result[outside] = log_normal_mass(-m / s, (1.0 - m) / s)
    return result


def sample_truncated_normal(
    rng: np.random.Generator,
    mean: np.ndarray,
    sigma: np.ndarray,
    low: float | np.ndarray,
    high: float | np.ndarray,
) -> np.ndarray:
    """Draw one value per element from ``N(mean, sigma^2)`` truncated to ``[low, high]``.

    Parameters
    ----------
    rng:
        The random generator (one uniform draw per element).
    mean, sigma:
        Arrays of the same shape; ``sigma > 0``.
    low, high:
        Truncation bounds, scalars or broadcastable arrays.

    Returns
    -------
    numpy.ndarray
        Samples within ``[low, high]``.
    """
    mean = np.asarray(mean, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    lower = (low - mean) / sigma
    upper = (high - mean) / sigma
    # Sample the mirrored interval when it lies right of 0, where log Phi keeps its precision.
    flip = lower > 0
    a = np.where(flip, -upper, lower)
    b = np.where(flip, -lower, upper)
    log_a = _special().log_ndtr(a)
    log_b = _special().log_ndtr(b)
    uniform = rng.random(mean.shape)
    with np.errstate(divide="ignore"):
        log_u = np.logaddexp(np.log1p(-uniform) + log_a, np.log(uniform) + log_b)
    z = np.clip(_special().ndtri_exp(log_u), a, b)
    z = np.where(flip, -z, z)
    return np.clip(mean + sigma * z, low, high)
