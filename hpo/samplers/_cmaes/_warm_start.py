"""Warm starting CMA-ES from the trials of a similar task (Nomura et al., AAAI 2021).

The best ``gamma`` fraction of the source solutions define a promising distribution: a
mixture of normals ``N(x_i, alpha^2 I)``, one around each good solution. The initial search
distribution is the single normal closest to that mixture in Kullback-Leibler divergence: the
mean of the good solutions, and their covariance plus ``alpha^2 I``. The initial step size is
``det(Sigma)^(1 / 2n)``, so that ``C = Sigma / sigma^2`` has determinant 1.
"""

from __future__ import annotations

import math

import numpy as np

_GAMMA = 0.1
_ALPHA = 0.1


def warm_start_distribution(
    solutions: np.ndarray, values: np.ndarray, gamma: float = _GAMMA, alpha: float = _ALPHA
) -> tuple[np.ndarray, float, np.ndarray]:
    """Return the initial mean, step size and covariance estimated from source solutions.

    Parameters
    ----------
    solutions:
        Source solutions in the unit cube, shape ``(k, n)``.
    values:
        Their objective values (lower is better), shape ``(k,)``.
    gamma:
        Fraction of the solutions taken as good (at least one is taken).
    alpha:
        Standard deviation of the normal placed around each good solution.

    Returns
    -------
    tuple[numpy.ndarray, float, numpy.ndarray]
        The mean ``(n,)``, the step size and ``C`` ``(n, n)``.

    Raises
    ------
    ValueError
        If there is no solution.

    Examples
    --------
    >>> x = np.array([[0.1, 0.1], [0.12, 0.1], [0.9, 0.9]])
    >>> mean, sigma, cov = warm_start_distribution(x, np.array([0.0, 0.1, 5.0]), gamma=0.7)
    >>> np.round(mean, 2).tolist()
    [0.11, 0.1]
    """
    solutions = np.asarray(solutions, dtype=float)
    values = np.asarray(values, dtype=float)
    if solutions.shape[0] == 0:
        raise ValueError("Warm starting needs at least one source solution.")
    dim = solutions.shape[1]
    n_good = max(1, math.floor(gamma * solutions.shape[0]))
    good = solutions[np.argsort(values, kind="stable")[:n_good]]
    mean = good.mean(axis=0)
    centred = good - mean
    sigma_matrix = centred.T @ centred / n_good + alpha**2 * np.eye(dim)
    _, log_det = np.linalg.slogdet(sigma_matrix)
    sigma = math.exp(log_det / (2 * dim))
    return mean, sigma, sigma_matrix / sigma**2
