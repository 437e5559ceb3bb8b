"""Pure decision rules of the multi-objective pruners, on arrays of losses.

Every objective is a loss here (minimized): callers multiply each column by the sign of its
direction (:func:`direction_signs`). Each function takes arrays and returns arrays or a bool,
so each rule is tested on hand-computed cases without a study.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hpo._pareto import nondominated_ranks
from hpo._study_direction import StudyDirection


def direction_signs(directions: Sequence[StudyDirection]) -> np.ndarray:
    """Return ``+1`` for each minimized objective and ``-1`` for each maximized one."""
    return np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])


def best_so_far_losses(losses: np.ndarray) -> np.ndarray:
    """Return the best (smallest) loss of each objective over a trial's reports.

    The component-wise best is the multi-objective reading of the single-objective median
    rule's "best value so far": a trial is judged by what it has shown it can reach in each
    objective. NaN values are ignored; an objective with no number gives NaN.

    Parameters
    ----------
    losses:
        Shape ``(n_reports, n_objectives)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_objectives,)``.
    """
    losses = np.asarray(losses, dtype=float)
    finite_rows = ~np.isnan(losses)
    filled = np.where(finite_rows, losses, np.inf)
    best = filled.min(axis=0)
    best[~finite_rows.any(axis=0)] = np.nan
    return best


def rank_is_worse_than_median(trial_losses: np.ndarray, peer_losses: np.ndarray) -> bool:
    """Return whether a trial's non-dominated rank is worse than the median rank of its peers.

    The trial's losses and its peers' (at the same step) are sorted into non-dominated fronts
    together (Deb et al., 2002): rank 0 is the Pareto front of the pool, rank 1 the front once
    rank 0 is removed, and so on. The trial is worse if its rank is strictly greater than the
    median of the peers' ranks; so a trial on the pool's Pareto front is never worse, and with
    a single peer a trial is worse exactly when that peer dominates it.

    Parameters
    ----------
    trial_losses:
        Shape ``(n_objectives,)``; no NaN.
    peer_losses:
        Shape ``(n_peers, n_objectives)``, ``n_peers >= 1``; no NaN.

    Returns
    -------
    bool
        ``True`` if the trial ranks below the median.
    """
    pool = np.vstack([np.asarray(peer_losses, dtype=float), trial_losses])
    ranks = nondominated_ranks(pool)
    return bool(ranks[-1] > np.median(ranks[:-1]))


def crowding_distances(losses: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Return the crowding distance of each point within its non-dominated front.

    NSGA-II's crowding distance (Deb et al., 2002): for each objective, a point at the
    smallest or largest value of its front gets infinity; any other point gets the gap
    between the nearest smaller and the nearest larger value in its front, divided by the
    front's range; the distances of the objectives add up. Equal values share one position,
    so duplicates get the same distance whatever their order. An objective whose values are
    all equal in a front adds nothing.

    Parameters
    ----------
    losses:
        Shape ``(n_points, n_objectives)``; no NaN (infinities allowed).
    ranks:
        The non-dominated rank of each point.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_points,)``; larger means more isolated.
    """
    losses = np.asarray(losses, dtype=float)
    distances = np.zeros(len(losses))
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        front = losses[members]
        total = np.zeros(len(members))
        for column in front.T:
            unique = np.unique(column)
            if unique.size < 2:
                continue
            position = np.searchsorted(unique, column)
            boundary = (position == 0) | (position == unique.size - 1)
            span = unique[-1] - unique[0]
            inner = np.clip(position, 1, unique.size - 2)
            with np.errstate(invalid="ignore"):
                gap = (unique[np.minimum(inner + 1, unique.size - 1)] - unique[inner - 1]) / span
            total += np.where(boundary | ~np.isfinite(gap), np.inf, gap)
        distances[members] = total
    return distances


def is_pareto_promotable(rung_losses: np.ndarray, reduction_factor: int) -> bool:
    """Return whether the last point of a rung is among its best ``1 / reduction_factor``.

    Points are ordered by non-dominated rank, then by crowding distance within a rank (the
    more isolated first), as NSGA-II selects survivors and as multi-objective asynchronous
    successive halving promotes (Schmucker et al., 2021). The best ``max(1, n //
    reduction_factor)`` of the ``n`` points are promoted; points tied with the last promoted
    one in both keys are promoted too. So a point alone on the rung's Pareto front, or at an
    end of it, is always promoted.

    Parameters
    ----------
    rung_losses:
        Shape ``(n_points, n_objectives)``: every loss vector recorded at the rung, the
        trial's own last; no NaN.
    reduction_factor:
        At least 2.

    Returns
    -------
    bool
        ``True`` to promote the last point, ``False`` to stop it.
    """
    rung_losses = np.asarray(rung_losses, dtype=float)
    ranks = nondominated_ranks(rung_losses)
    crowding = crowding_distances(rung_losses, ranks)
    n_promoted = max(1, len(rung_losses) // reduction_factor)
    order = np.lexsort((-crowding, ranks))
    cutoff = order[n_promoted - 1]
    own_rank, cutoff_rank = ranks[-1], ranks[cutoff]
    if own_rank != cutoff_rank:
        return bool(own_rank < cutoff_rank)
    return bool(crowding[-1] >= crowding[cutoff])
