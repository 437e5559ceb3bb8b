"""Pareto dominance on arrays of losses (every objective minimized).

Pure functions shared by the study (``best_trials``) and the multi-objective samplers.
Callers turn maximized objectives into losses by negating them.
"""

from __future__ import annotations

import numpy as np


def is_pareto_front(losses: np.ndarray) -> np.ndarray:
    """Return a boolean mask of the rows of ``losses`` that no other row dominates.

    Row ``a`` dominates row ``b`` when ``a <= b`` in every column and ``a < b`` in one. Equal
    rows do not dominate each other, so duplicates of a front point are all on the front.

    Parameters
    ----------
    losses:
        Array of shape ``(n_points, n_objectives)``; no NaN.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``(n_points,)``.

    Examples
    --------
    >>> is_pareto_front(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]])).tolist()
    [True, True, False]
    """
    losses = np.asarray(losses, dtype=float)
    if losses.ndim != 2:
        raise ValueError(f"losses must be 2-dimensional, got shape {losses.shape}.")
    if len(losses) == 0:
        return np.zeros(0, dtype=bool)
    # In lexicographic order no row can be dominated by a later distinct row, so the first
    # remaining row is always on the front; drop what it dominates and repeat.
    unique, inverse = np.unique(losses, axis=0, return_inverse=True)
    on_front = np.zeros(len(unique), dtype=bool)
    remaining = np.arange(len(unique))
    while remaining.size:
        current = remaining[0]
        on_front[current] = True
        rest = remaining[1:]
        dominated = np.all(unique[rest] >= unique[current], axis=1)
        remaining = rest[~dominated]
    return on_front[inverse.reshape(-1)]


def nondominated_ranks(losses: np.ndarray, n_below: int | None = None) -> np.ndarray:
    """Return the non-dominated sorting rank of each row (0 for the Pareto front).

    Parameters
    ----------
    losses:
        Array of shape ``(n_points, n_objectives)``; no NaN.
    n_below:
        Stop once at least this many rows are ranked; the rest get rank ``max_rank + 1``.

    Returns
    -------
    numpy.ndarray
        Integer ranks of shape ``(n_points,)``.
    """
    losses = np.asarray(losses, dtype=float)
    n_points = len(losses)
    ranks = np.full(n_points, -1, dtype=int)
    limit = n_points if n_below is None else min(n_below, n_points)
    remaining = np.arange(n_points)
    rank = 0
    n_ranked = 0
    while remaining.size and n_ranked < limit:
        front = is_pareto_front(losses[remaining])
        ranks[remaining[front]] = rank
        n_ranked += int(front.sum())
        remaining = remaining[~front]
        rank += 1
    ranks[ranks < 0] = rank
    return ranks


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Return whether loss vector ``a`` dominates loss vector ``b``."""
    return bool(np.all(a <= b) and np.any(a < b))
