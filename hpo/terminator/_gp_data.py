"""Trials as Gaussian-process data, and candidate points to search the unit cube with.

Shared by the regret-bound and EMMR evaluators; the model itself is
:mod:`hpo.samplers._gp`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.samplers._gp._search_space import is_categorical, normalize_params
from hpo.search_space import intersection_search_space
from hpo.trial import FrozenTrial

#: Sobol' points drawn to search the unit cube for the smallest lower confidence bound.
N_QMC_CANDIDATES = 1024
#: Points refined by local random search after the QMC pass, and its rounds.
N_LOCAL_STARTS = 5
_LOCAL_SCALES = (0.1, 0.03, 0.01)
_LOCAL_SAMPLES = 64


def finite_only(
    trials: list[FrozenTrial], values: np.ndarray
) -> tuple[list[FrozenTrial], np.ndarray]:
    """Drop the trials whose value is not finite (a Gaussian process cannot fit them).

    Parameters
    ----------
    trials, values:
        Trials and their values, same order.

    Returns
    -------
    tuple[list[FrozenTrial], numpy.ndarray]
        The trials with finite values and those values, order kept.
    """
    keep = np.isfinite(values)
    return [t for t, k in zip(trials, keep) if k], values[keep]


def gp_search_space(trials: list[FrozenTrial]) -> dict[str, BaseDistribution]:
    """Return the parameters every COMPLETE trial has, without single-value ones.

    Parameters
    ----------
    trials:
        Trials of one study.

    Returns
    -------
    dict[str, BaseDistribution]
        Name to distribution, sorted by name.
    """
    space = intersection_search_space(trials)
    return {name: dist for name, dist in space.items() if not dist.single()}


def gp_inputs(
    trials: list[FrozenTrial], search_space: dict[str, BaseDistribution]
) -> tuple[np.ndarray, np.ndarray]:
    """Return the normalized parameters of ``trials`` and the categorical-column mask.

    Parameters
    ----------
    trials:
        Trials that have every parameter of ``search_space``.
    search_space:
        The columns, in order.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        ``X`` of shape ``(len(trials), d)`` and a bool array of shape ``(d,)``.
    """
    return normalize_params(trials, search_space), is_categorical(search_space)


def _n_choices(search_space: dict[str, BaseDistribution]) -> np.ndarray:
    return np.array(
        [
            len(dist.choices) if isinstance(dist, CategoricalDistribution) else 0
            for dist in search_space.values()
        ],
        dtype=np.int64,
    )


def _snap_categories(points: np.ndarray, n_choices: np.ndarray) -> np.ndarray:
    """Turn the categorical columns of unit-cube points into choice indices."""
    columns = np.flatnonzero(n_choices)
    if columns.size:
        k = n_choices[columns]
        points[:, columns] = np.minimum(np.floor(points[:, columns] * k), k - 1)
    return points


def qmc_candidates(
    search_space: dict[str, BaseDistribution], n: int, rng: np.random.Generator
) -> np.ndarray:
    """Return ``n`` scrambled Sobol' points of the normalized search space.

    Parameters
    ----------
    search_space:
        The columns, in order.
    n:
        Number of points.
    rng:
        Source of the scrambling seed.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, d)``; categorical columns hold choice indices.
    """
    from scipy.stats import qmc

    d = len(search_space)
    seed = int(rng.integers(2**31))
    engine = qmc.Sobol(d, scramble=True, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # balance properties need powers of two
        points = np.asarray(engine.random(n), dtype=float)
    return _snap_categories(points, _n_choices(search_space))


def local_candidates(
    starts: np.ndarray, search_space: dict[str, BaseDistribution], rng: np.random.Generator
) -> np.ndarray:
    """Return random perturbations of each start at a few shrinking scales.

    Numerical columns move by Gaussian steps (clipped to ``[0, 1]``); a categorical column
    takes a random choice with probability 0.2 per point.

    Parameters
    ----------
    starts:
        Points of shape ``(m, d)``.
    search_space:
        The columns, in order.
    rng:
        The random source.

    Returns
    -------
    numpy.ndarray
        Shape ``(m * rounds * samples, d)``.
    """
    n_choices = _n_choices(search_space)
    categorical = n_choices > 0
    blocks = []
    for scale in _LOCAL_SCALES:
        base = np.repeat(starts, _LOCAL_SAMPLES, axis=0)
        moved = np.clip(base + rng.normal(0.0, scale, base.shape), 0.0, 1.0)
        if categorical.any():
            resample = rng.random(base.shape) < 0.2
            random_choice = np.floor(rng.random(base.shape) * np.maximum(n_choices, 1))
            moved[:, categorical] = np.where(
                resample[:, categorical], random_choice[:, categorical], base[:, categorical]
            )
        blocks.append(moved)
    return np.concatenate(blocks, axis=0)


def minimize_over_space(
    function: Callable[[np.ndarray], np.ndarray],
    search_space: dict[str, BaseDistribution],
    extra_points: np.ndarray,
    rng: np.random.Generator,
) -> float:
    """Approximate the minimum of a vectorized function over the normalized search space.

    Evaluates ``function`` on Sobol' points and ``extra_points``, then refines the best few
    by local random search.

    Parameters
    ----------
    function:
        Maps points of shape ``(m, d)`` to values of shape ``(m,)``.
    search_space:
        The columns, in order.
    extra_points:
        Points always evaluated (e.g. the observed ones), shape ``(k, d)``.
    rng:
        The random source.

    Returns
    -------
    float
        The smallest value found.
    """
    points = np.concatenate([qmc_candidates(search_space, N_QMC_CANDIDATES, rng), extra_points])
    values = np.asarray(function(points), dtype=float)
    for _ in range(2):
        order = np.argsort(values, kind="stable")[:N_LOCAL_STARTS]
        points, values = points[order], values[order]
        local = local_candidates(points, search_space, rng)
        points = np.concatenate([points, local])
        values = np.concatenate([values, np.asarray(function(local), dtype=float)])
    return float(values.min())


def ucb_beta(n_trials: int, dimension: int, delta: float = 0.1) -> float:
    """Return the confidence-bound coefficient ``beta`` after ``n_trials`` observations.

    ``beta = 2 log(d t^2 pi^2 / (6 delta)) / 5``: the GP-UCB schedule of Srinivas et al.
    (2010) for a domain of ``d`` "effective" points, with the usual down-scaling by 5 that
    keeps the bounds from being vacuous in practice. Confidence bounds are
    ``mean +- sqrt(beta) * std``.

    Parameters
    ----------
    n_trials:
        Number of observations ``t`` (at least 1).
    dimension:
        Number of parameters ``d`` (at least 1).
    delta:
        The failure probability.

    Returns
    -------
    float
        ``beta``, positive.

    Examples
    --------
    >>> round(ucb_beta(10, 2), 3)
    3.239
    """
    t, d = max(n_trials, 1), max(dimension, 1)
    return 2.0 * math.log(d * t * t * math.pi**2 / (6.0 * delta)) / 5.0
