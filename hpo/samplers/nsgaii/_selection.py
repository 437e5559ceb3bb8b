"""Elite selection of NSGA-II: constrained non-dominated sorting and crowding distance.

Deb, Pratap, Agarwal and Meyarivan (2002). Loss arrays have every objective minimized; a trial's
constraint violation is the sum of its positive constraint values, and a trial is feasible
when that sum is zero. Under constrained domination a feasible trial beats an infeasible one,
and of two infeasible trials the one with the smaller violation wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from hpo._keys import CONSTRAINTS_KEY
from hpo._pareto import dominates, nondominated_ranks
from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def losses_of(trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]) -> np.ndarray:
    """Return the ``(n_trials, n_objectives)`` losses of COMPLETE trials (maximized negated)."""
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    if not trials:
        return np.zeros((0, len(signs)))
    values = np.array([t.values for t in trials], dtype=float)
    return values * signs


def violations_of(trials: Sequence[FrozenTrial]) -> np.ndarray:
    """Return each trial's total constraint violation; ``inf`` where none is recorded."""
    out = np.empty(len(trials))
    for i, trial in enumerate(trials):
        constraints = trial.system_attrs.get(CONSTRAINTS_KEY)
        if constraints is None:
            out[i] = math.inf
        else:
            out[i] = float(sum(c for c in constraints if c > 0.0))
    return out


# Above this many rows the pairwise domination matrix gets large; peel fronts instead.
_MAX_MATRIX_ROWS = 2000


def fast_nondominated_ranks(losses: np.ndarray, n_below: int | None = None) -> np.ndarray:
    """Return the non-dominated front index of each row (0 for the Pareto front).

    Deb's fast non-dominated sorting on the pairwise domination matrix: the rows that nothing
    dominates form a front; removing them lowers the domination counts of the rest. Equal rows
    share a front.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``; no NaN.
    n_below:
        Stop once at least this many rows are ranked; the rest share the next rank.

    Returns
    -------
    numpy.ndarray
        Integer ranks of shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> fast_nondominated_ranks(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]])).tolist()
    [0, 0, 1]
    """
    losses = np.asarray(losses, dtype=float)
    n_rows = len(losses)
    if n_rows > _MAX_MATRIX_ROWS:
        return nondominated_ranks(losses, n_below)
    if losses.shape[1] == 1:
        # One objective: the fronts are the distinct values in increasing order.
        _, dense = np.unique(losses[:, 0], return_inverse=True)
        dense = dense.reshape(-1).astype(int)
        if n_below is not None and n_rows:
            cumulative = np.cumsum(np.bincount(dense))
            last = int(np.searchsorted(cumulative, min(n_below, n_rows)))
            dense = np.minimum(dense, last + 1)
        return dense
    # One objective at a time: numpy reduces a short last axis slowly.
    not_worse = np.ones((n_rows, n_rows), dtype=bool)
    better = np.zeros((n_rows, n_rows), dtype=bool)
    for column in losses.T:
        not_worse &= column[:, None] <= column[None, :]
        better |= column[:, None] < column[None, :]
    dominates_matrix = not_worse & better  # [i, j]: row i dominates row j
    counts = dominates_matrix.sum(axis=0)
    ranks = np.full(n_rows, -1, dtype=int)
    limit = n_rows if n_below is None else min(n_below, n_rows)
    n_ranked = 0
    rank = 0
    while n_ranked < limit:
        front = np.flatnonzero(counts == 0)
        ranks[front] = rank
        n_ranked += len(front)
        counts[front] = -1  # ranked rows stay negative from now on
        counts -= dominates_matrix[front].sum(axis=0)
        rank += 1
    ranks[ranks < 0] = rank
    return ranks


def constrained_dominates(
    loss_a: np.ndarray, loss_b: np.ndarray, violation_a: float = 0.0, violation_b: float = 0.0
) -> bool:
    """Return whether solution ``a`` dominates ``b`` under constrained domination.

    Parameters
    ----------
    loss_a, loss_b:
        Loss vectors (every objective minimized).
    violation_a, violation_b:
        Total constraint violations (zero means feasible).

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> constrained_dominates(np.array([5.0]), np.array([1.0]), 0.0, 0.5)
    True
    """
    if violation_a <= 0.0 and violation_b <= 0.0:
        return dominates(np.asarray(loss_a), np.asarray(loss_b))
    return violation_a < violation_b


def constrained_ranks(
    losses: np.ndarray, violations: np.ndarray | None = None, n_below: int | None = None
) -> np.ndarray:
    """Return the front index of each row under constrained domination (0 is best).

    Feasible rows are sorted into non-dominated fronts; every infeasible row ranks after all
    of them, infeasible rows with equal violation sharing one rank.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.
    violations:
        Total violation of each row, or ``None`` for an unconstrained problem.
    n_below:
        Feasible fronts may stop once this many rows are ranked (the rest share the next rank).

    Returns
    -------
    numpy.ndarray
        Integer ranks of shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0], [0.0, 0.0]])
    >>> constrained_ranks(losses, np.array([0.0, 0.0, 0.0, 3.0])).tolist()
    [0, 0, 1, 2]
    """
    losses = np.asarray(losses, dtype=float)
    if violations is None:
        return fast_nondominated_ranks(losses, n_below)
    violations = np.asarray(violations, dtype=float)
    feasible = violations <= 0.0
    ranks = np.empty(len(losses), dtype=int)
    if feasible.any():
        ranks[feasible] = fast_nondominated_ranks(losses[feasible], n_below)
        base = int(ranks[feasible].max()) + 1
    else:
        base = 0
    if (~feasible).any():
        _, dense = np.unique(violations[~feasible], return_inverse=True)
        ranks[~feasible] = base + dense.reshape(-1)
    return ranks


def crowding_distance(losses: np.ndarray) -> np.ndarray:
    """Return the crowding distance of each row of one front.

    For each objective the rows are sorted; the two extreme rows get an infinite distance and
    every other row adds the gap between its two neighbours divided by the objective's range.
    Infinite losses are clipped to the finite extremes for the gaps, and their rows count as
    extreme. Equal rows are ordered by position.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.

    Returns
    -------
    numpy.ndarray
        Float distances of shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> crowding_distance(np.array([[0.0, 4.0], [1.0, 2.0], [2.0, 1.0], [4.0, 0.0]])).tolist()
    [inf, 1.25, 1.25, inf]
    """
    losses = np.asarray(losses, dtype=float)
    n_rows, n_objectives = losses.shape
    if n_rows <= 2:
        return np.full(n_rows, math.inf)
    distance = np.zeros(n_rows)
    for j in range(n_objectives):
        column = losses[:, j]
        finite = np.isfinite(column)
        if finite.any():
            low, high = float(column[finite].min()), float(column[finite].max())
        else:
            low = high = 0.0
        # Order by the true losses (infinities outermost), measure gaps on the clipped ones.
        clipped = np.clip(column, low, high)
        order = np.argsort(column, kind="stable")
        ordered = clipped[order]
        contribution = np.zeros(n_rows)
        if high > low:
            contribution[order[1:-1]] = (ordered[2:] - ordered[:-2]) / (high - low)
        contribution[order[[0, -1]]] = math.inf
        contribution[~finite] = math.inf
        distance += contribution
    return distance


def select_elites(
    losses: np.ndarray, violations: np.ndarray | None, population_size: int
) -> np.ndarray:
    """Return the indices of the ``population_size`` elite rows, best front first.

    Whole fronts are taken while they fit; the front that does not fit is cut by decreasing
    crowding distance.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.
    violations:
        Total violation of each row, or ``None``.
    population_size:
        Number of rows to keep.

    Returns
    -------
    numpy.ndarray
        Indices into ``losses``.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.array([[3.0, 3.0], [0.0, 4.0], [1.0, 2.0], [2.0, 1.0], [4.0, 0.0]])
    >>> select_elites(losses, None, 3).tolist()
    [1, 4, 2]
    """
    n_rows = len(losses)
    if n_rows <= population_size:
        ranks = constrained_ranks(losses, violations)
        return np.argsort(ranks, kind="stable")
    ranks = constrained_ranks(losses, violations, n_below=population_size)
    chosen: list[np.ndarray] = []
    n_chosen = 0
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        if n_chosen + len(members) <= population_size:
            chosen.append(members)
            n_chosen += len(members)
            if n_chosen == population_size:
                break
            continue
        distance = crowding_distance(losses[members])
        keep = np.argsort(-distance, kind="stable")[: population_size - n_chosen]
        chosen.append(members[keep])
        break
    return np.concatenate(chosen)


def ranks_and_crowding(
    losses: np.ndarray, violations: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the constrained rank and the in-front crowding distance of every row.

    The crowding distance of a row is :func:`crowding_distance` within its own front; all
    fronts are computed together.

    Examples
    --------
    >>> import numpy as np
    >>> ranks, crowding = ranks_and_crowding(np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), None)
    >>> ranks.tolist(), crowding.tolist()
    ([0, 0, 1], [inf, inf, inf])
    """
    losses = np.asarray(losses, dtype=float)
    ranks = constrained_ranks(losses, violations)
    n_rows = len(losses)
    distance = np.zeros(n_rows)
    if n_rows == 0:
        return ranks, distance
    # Sorted by front first, the fronts form the same contiguous blocks for every objective.
    sorted_ranks = np.sort(ranks, kind="stable")
    is_start = np.empty(n_rows, dtype=bool)
    is_start[0] = True
    np.not_equal(sorted_ranks[1:], sorted_ranks[:-1], out=is_start[1:])
    starts = np.flatnonzero(is_start)
    ends = np.append(starts[1:], n_rows) - 1
    block = np.cumsum(is_start) - 1
    for column in losses.T:
        order = np.lexsort((column, ranks))
        values = column[order]
        finite = np.isfinite(values)
        if finite.all():
            low, high = values[starts], values[ends]
            clipped = values
        else:
            masked = np.where(finite, values, np.nan)
            low = np.nan_to_num(np.fmin.reduceat(masked, starts), nan=0.0)
            high = np.nan_to_num(np.fmax.reduceat(masked, starts), nan=0.0)
            clipped = np.minimum(np.maximum(values, low[block]), high[block])
        span = (high - low)[block]
        contribution = np.zeros(n_rows)
        if n_rows > 2:
            gaps = clipped[2:] - clipped[:-2]
            inner_span = span[1:-1]
            positive = inner_span > 0
            contribution[1:-1][positive] = gaps[positive] / inner_span[positive]
        # Extremes of each front (and infinite losses) are infinitely far from the rest.
        contribution[starts] = math.inf
        contribution[ends] = math.inf
        contribution[~finite] = math.inf
        distance[order] += contribution
    return ranks, distance


class NSGAIIElitePopulationSelection:
    """The default elite selection of :class:`NSGAIISampler`, as a strategy callable.

    Called with the study and the candidate trials (the previous parents and the previous
    generation), it returns the next parent population.

    Parameters
    ----------
    population_size:
        Number of trials to keep.
    constraints_func:
        When given, rank with constrained domination using the constraints recorded on the
        trials.

    Examples
    --------
    >>> NSGAIIElitePopulationSelection(population_size=10).population_size
    10
    """

    def __init__(
        self,
        population_size: int,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        self.population_size = population_size
        self._constrained = constraints_func is not None

    def __call__(self, study: StudyView, population: list[FrozenTrial]) -> list[FrozenTrial]:
        losses = losses_of(population, study.directions)
        violations = violations_of(population) if self._constrained else None
        elite = select_elites(losses, violations, self.population_size)
        return [population[i] for i in elite.tolist()]
