"""Maximize an acquisition function over a mixed continuous / discrete / categorical space.

1. Candidates: a scrambled Sobol' sample of the unit cube mapped onto the grids and choices,
   the best observed points, and random perturbations around them (a cheap trust region that
   finds the narrow peaks of the acquisition near the incumbent).
2. The best few distinct candidates are refined: L-BFGS-B on the continuous coordinates (all
   starts in one call, since the acquisition of each start depends on its own coordinates
   only), then a hill climb over discrete neighbours (one grid move of an integer or stepped
   float, or another choice of a category), then L-BFGS-B again if the climb moved.
3. The best refined point wins.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.optimize
from scipy.spatial.distance import cdist

from hpo.distributions import BaseDistribution
from hpo.samplers._gp._acquisition import Acquisition
from hpo.samplers._gp._search_space import (
    discrete_neighbors,
    is_categorical,
    is_discrete,
    round_normalized,
    unit_to_normalized,
)
from hpo.samplers._qmc import qmc_points

_N_SOBOL = 1024
_N_PERTURBED_PER_POINT = 64
_PERTURBATION_STD = 0.05
_MAX_CLIMB_STEPS = 8


def _sobol_candidates(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    return qmc_points("sobol", d, 0, n, True, int(rng.integers(2**31)))


def _perturb(
    centers: np.ndarray,
    search_space: dict[str, BaseDistribution],
    rng: np.random.Generator,
) -> np.ndarray:
    if centers.size == 0:
        return np.empty((0, len(search_space)))
    categorical = is_categorical(search_space)
    repeated = np.repeat(centers, _N_PERTURBED_PER_POINT, axis=0)
    scales = rng.choice([0.3, 1.0, 3.0], size=(repeated.shape[0], 1)) * _PERTURBATION_STD
    moved = repeated + rng.normal(size=repeated.shape) * scales
    moved[:, ~categorical] = np.clip(moved[:, ~categorical], 0.0, 1.0)
    # Each categorical coordinate switches to a random choice with probability 1/d.
    for j in np.flatnonzero(categorical):
        n_choices = len(search_space[list(search_space)[j]].choices)  # type: ignore[attr-defined]
        switch = rng.random(repeated.shape[0]) < 1.0 / len(search_space)
        moved[switch, j] = rng.integers(n_choices, size=int(np.count_nonzero(switch)))
        moved[~switch, j] = repeated[~switch, j]
    return round_normalized(moved, search_space)


def _matches(points: np.ndarray, exclude: np.ndarray | None) -> np.ndarray:
    """Which rows of ``points`` coincide with a row of ``exclude``."""
    if exclude is None or len(exclude) == 0:
        return np.zeros(len(points), dtype=bool)
    return (cdist(points, exclude, "chebyshev") < 1e-9).any(axis=1)


def _local_continuous(
    acquisition: Acquisition, starts: np.ndarray, continuous: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """L-BFGS-B over the continuous coordinates of all ``starts`` at once."""
    k = starts.shape[0]
    n_cont = int(continuous.sum())
    if n_cont == 0:
        return starts, acquisition.evaluate(starts)
    fixed = starts.copy()

    def negative(flat: np.ndarray) -> tuple[float, np.ndarray]:
        X = fixed.copy()
        X[:, continuous] = flat.reshape(k, n_cont)
        values, grads = acquisition.evaluate_with_grad(X)
        return -float(values.sum()), -grads[:, continuous].ravel()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = scipy.optimize.minimize(
            negative,
            starts[:, continuous].ravel(),
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, 1.0)] * (k * n_cont),
            options={"maxiter": 200},
        )
    X = fixed.copy()
    X[:, continuous] = np.clip(result.x.reshape(k, n_cont), 0.0, 1.0)
    values = acquisition.evaluate(X)
    # Keep a start where the optimizer made things worse (it optimizes the sum).
    start_values = acquisition.evaluate(starts)
    worse = ~(values >= start_values)
    X[worse] = starts[worse]
    values[worse] = start_values[worse]
    return X, values


def _hill_climb(
    acquisition: Acquisition,
    point: np.ndarray,
    value: float,
    search_space: dict[str, BaseDistribution],
    exclude: np.ndarray | None,
) -> tuple[np.ndarray, float, bool]:
    moved = False
    for _ in range(_MAX_CLIMB_STEPS):
        neighbors = discrete_neighbors(point, search_space)
        if neighbors.shape[0] == 0:
            break
        values = acquisition.evaluate(neighbors)
        values[_matches(neighbors, exclude)] = -np.inf
        best = int(np.argmax(values))
        if not values[best] > value:
            break
        point, value, moved = neighbors[best], float(values[best]), True
    return point, value, moved


def optimize_acquisition(
    acquisition: Acquisition,
    search_space: dict[str, BaseDistribution],
    rng: np.random.Generator,
    *,
    best_points: np.ndarray | None = None,
    exclude: np.ndarray | None = None,
    n_local: int = 5,
) -> tuple[np.ndarray, float]:
    """Return the normalized point that maximizes ``acquisition`` and its value.

    Parameters
    ----------
    acquisition:
        The function to maximize.
    search_space:
        Parameter name to distribution (defines grids and categories).
    rng:
        Random generator for the Sobol' scrambling and the perturbations.
    best_points:
        Normalized points (rows) to include as candidates and to perturb; typically the best
        observations.
    exclude:
        Normalized points (rows) not to return, typically those already evaluated: on a grid
        a model with a little noise may otherwise propose the same point again and again.
        They are returned only when every candidate is excluded.
    n_local:
        How many of the best candidates are refined locally.

    Returns
    -------
    tuple[numpy.ndarray, float]
        A rounded normalized point of shape ``(d,)`` and its acquisition value.

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> from hpo.samplers._gp._model import GPRegressor
    >>> gp = GPRegressor(np.array([[0.2], [0.8]]), np.array([-1.0, 1.0]), np.array([False]),
    ...                  np.array([4.0]), 1.0, 1e-6)
    >>> point, _ = optimize_acquisition(Acquisition(gp, 1.0), {"x": FloatDistribution(0, 1)},
    ...                                 np.random.default_rng(0))
    >>> bool(point[0] > 0.5)
    True
    """
    d = len(search_space)
    continuous = ~is_discrete(search_space)
    known = (
        np.empty((0, d))
        if best_points is None
        else round_normalized(np.asarray(best_points, dtype=float).reshape(-1, d), search_space)
    )
    candidates = np.vstack(
        [
            unit_to_normalized(_sobol_candidates(d, _N_SOBOL, rng), search_space),
            known,
            _perturb(known, search_space, rng),
        ]
    )
    values = acquisition.evaluate(candidates)
    values = np.where(np.isnan(values), -np.inf, values)
    values[_matches(candidates, exclude)] = -np.inf
    order = np.argsort(-values, kind="stable")
    starts: list[int] = []
    for index in order:
        if len(starts) == n_local:
            break
        if all(not np.array_equal(candidates[index], candidates[s]) for s in starts):
            starts.append(int(index))
    start_points = candidates[starts]
    refined, refined_values = _local_continuous(acquisition, start_points, continuous)
    if not np.all(continuous):
        for i in range(refined.shape[0]):
            point, value, moved = _hill_climb(
                acquisition, refined[i], float(refined_values[i]), search_space, exclude
            )
            if moved and np.any(continuous):
                polished, polished_value = _local_continuous(
                    acquisition, point[None, :], continuous
                )
                point, value = polished[0], float(polished_value[0])
            refined[i], refined_values[i] = point, value
    refined_values[_matches(refined, exclude)] = -np.inf
    best = int(np.argmax(refined_values))
    if not np.isfinite(refined_values[best]) and np.isfinite(values[order[0]]):
        return candidates[order[0]], float(values[order[0]])
    return refined[best], float(refined_values[best])
