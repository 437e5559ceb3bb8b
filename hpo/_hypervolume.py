"""Exact hypervolume and hypervolume contributions (every objective minimized).

The hypervolume of a set of loss vectors is the volume of the region they dominate, bounded by
a reference point. Two objectives use a sort-and-sweep in ``O(n log n)``; three or more use the
WFG recursion (While, Bradstreet and Barone, 2012): the volume is the sum over points of their
exclusive volume, each computed as the point's box minus the hypervolume of the other points
limited to that box. Pure numpy functions shared by the multi-objective samplers.
"""

from __future__ import annotations

import numpy as np

from hpo._pareto import is_pareto_front

__all__ = ["compute_hypervolume", "hypervolume_contributions"]


def _check(loss_vals: np.ndarray, reference_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    losses = np.asarray(loss_vals, dtype=float)
    reference = np.asarray(reference_point, dtype=float)
    if losses.ndim != 2:
        raise ValueError(f"loss_vals must be 2-dimensional, got shape {losses.shape}.")
    if reference.ndim != 1 or reference.shape[0] != losses.shape[1]:
        raise ValueError(
            f"reference_point must have shape ({losses.shape[1]},), got {reference.shape}."
        )
    if np.isnan(losses).any() or np.isnan(reference).any():
        raise ValueError("loss_vals and reference_point must not contain NaN.")
    return losses, reference


def _front(points: np.ndarray) -> np.ndarray:
    """Return the distinct non-dominated rows of ``points``."""
    if len(points) <= 1:
        return points
    unique = np.unique(points, axis=0)
    return unique[is_pareto_front(unique)]


def _hypervolume_2d(front: np.ndarray, reference: np.ndarray) -> float:
    # On a 2D front sorted by the first loss, the second loss decreases: sum the strips.
    order = np.argsort(front[:, 0], kind="stable")
    xs = front[order, 0]
    ys = front[order, 1]
    next_xs = np.append(xs[1:], reference[0])
    return float(np.sum((next_xs - xs) * (reference[1] - ys)))


def _wfg(front: np.ndarray, reference: np.ndarray) -> float:
    """Hypervolume of a non-dominated set whose rows are all strictly below ``reference``."""
    n_points = len(front)
    if n_points == 0:
        return 0.0
    if n_points == 1:
        return float(np.prod(reference - front[0]))
    if front.shape[1] == 2:
        return _hypervolume_2d(front, reference)
    # Sorting by the last loss makes the limited sets small, which keeps the recursion shallow.
    front = front[np.argsort(-front[:, -1], kind="stable")]
    boxes = np.prod(reference - front, axis=1)
    total = 0.0
    for i in range(n_points):
        rest = front[i + 1 :]
        if len(rest) == 0:
            total += boxes[i]
            continue
        limited = _front(np.maximum(rest, front[i]))
        total += boxes[i] - _wfg(limited, reference)
    return float(total)


def compute_hypervolume(
    loss_vals: np.ndarray, reference_point: np.ndarray, assume_pareto: bool = False
) -> float:
    """Return the hypervolume that ``loss_vals`` dominate up to ``reference_point``.

    Parameters
    ----------
    loss_vals:
        Array of shape ``(n_points, n_objectives)``; every objective is minimized.
    reference_point:
        Array of shape ``(n_objectives,)``. Points not strictly better than it in every
        objective add nothing.
    assume_pareto:
        Skip the non-dominated filtering when the caller knows the rows are a distinct
        Pareto front.

    Returns
    -------
    float
        The hypervolume; ``inf`` when a loss is ``-inf`` or the reference is ``inf``.

    Raises
    ------
    ValueError
        For arrays of the wrong shape or containing NaN.

    Examples
    --------
    >>> compute_hypervolume(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
    3.0
    """
    losses, reference = _check(loss_vals, reference_point)
    inside = np.all(losses < reference, axis=1)
    losses = losses[inside]
    if len(losses) == 0:
        return 0.0
    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(reference)):
        return float("inf")
    if losses.shape[1] == 1:
        return float(reference[0] - losses[:, 0].min())
    front = losses if assume_pareto else _front(losses)
    return _wfg(front, reference)


def hypervolume_contributions(loss_vals: np.ndarray, reference_point: np.ndarray) -> np.ndarray:
    """Return how much hypervolume each point adds: ``HV(all) - HV(all but that point)``.

    Dominated points, points outside the reference box and exact duplicates contribute 0.

    Parameters
    ----------
    loss_vals:
        Array of shape ``(n_points, n_objectives)``, finite; every objective is minimized.
    reference_point:
        Array of shape ``(n_objectives,)``, finite.

    Returns
    -------
    numpy.ndarray
        Contributions of shape ``(n_points,)``, all ``>= 0``.

    Raises
    ------
    ValueError
        For arrays of the wrong shape, or containing NaN or infinities.

    Examples
    --------
    >>> hypervolume_contributions(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
    array([1., 1.])
    """
    losses, reference = _check(loss_vals, reference_point)
    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(reference)):
        raise ValueError("hypervolume_contributions needs finite losses and reference point.")
    n_points, n_objectives = losses.shape
    contributions = np.zeros(n_points)
    inside = np.all(losses < reference, axis=1)
    if not inside.any():
        return contributions
    candidates = np.flatnonzero(inside)
    points = losses[candidates]
    on_front = is_pareto_front(points)
    # A point equal to another one adds nothing: removing it leaves the same dominated region.
    _, inverse, counts = np.unique(points, axis=0, return_inverse=True, return_counts=True)
    duplicated = counts[inverse.reshape(-1)] > 1
    keep = on_front & ~duplicated
    if n_objectives == 1:
        best = np.flatnonzero(keep)
        if len(best):
            order = np.sort(points[:, 0])
            second = order[1] if len(order) > 1 else reference[0]
            contributions[candidates[best]] = second - points[best, 0]
        return contributions
    front_idx = np.flatnonzero(keep)
    values = np.empty(len(front_idx))
    for position, i in enumerate(front_idx):
        # Removing a point can expose points it dominated, so limit all the others, not only
        # the front.
        others = np.delete(points, i, axis=0)
        limited = _front(np.maximum(others, points[i]))
        values[position] = np.prod(reference - points[i]) - _wfg(limited, reference)
    contributions[candidates[front_idx]] = np.maximum(values, 0.0)
    return contributions
