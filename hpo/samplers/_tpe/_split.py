"""Splitting trials into a good ("below") and a bad ("above") group.

Trials are ranked best first:

1. feasible COMPLETE trials, by objective value (single objective) or by non-dominated rank
   with hypervolume-contribution tie-breaking inside the last admitted front (several
   objectives, Ozaki et al., 2022);
2. PRUNED trials, those that got further first (larger last step), then by the value at that
   step;
3. infeasible trials (a constraint value > 0), by total violation.

The first ``gamma(n)`` ranked trials are good; the rest, plus RUNNING trials under the
constant liar, are bad. All functions are pure and work on arrays.
"""

from __future__ import annotations

import numpy as np

from hpo._hypervolume import hypervolume_contributions
from hpo._pareto import nondominated_ranks
from hpo.samplers._tpe._observations import COMPLETE

_GROUP_COMPLETE = 0
_GROUP_PRUNED = 1
_GROUP_INFEASIBLE = 2


def _groups(states: np.ndarray, violations: np.ndarray) -> np.ndarray:
    groups = np.where(states == COMPLETE, _GROUP_COMPLETE, _GROUP_PRUNED)
    with np.errstate(invalid="ignore"):
        infeasible = violations > 0
    groups[infeasible] = _GROUP_INFEASIBLE
    return groups


def single_objective_keys(
    states: np.ndarray,
    values: np.ndarray,
    last_steps: np.ndarray,
    last_values: np.ndarray,
    violations: np.ndarray,
    sign: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the sort keys of :func:`rank_single_objective`: (group, primary, secondary).

    Rows are ranked by group first, then primary, then secondary, ties in row order.
    """
    groups = _groups(states, violations)
    pruned_value = np.where(np.isnan(last_values), np.inf, sign * last_values)
    primary = np.where(
        groups == _GROUP_COMPLETE,
        sign * values,
        np.where(groups == _GROUP_PRUNED, -last_steps, violations),
    )
    secondary = np.where(groups == _GROUP_PRUNED, pruned_value, 0.0)
    return groups, primary, secondary


def rank_single_objective(
    states: np.ndarray,
    values: np.ndarray,
    last_steps: np.ndarray,
    last_values: np.ndarray,
    violations: np.ndarray,
    sign: float,
) -> np.ndarray:
    """Return row indices ordered best first for one objective.

    Parameters
    ----------
    states:
        ``COMPLETE`` or ``PRUNED`` per row.
    values:
        The objective value per row (NaN for PRUNED rows).
    last_steps, last_values:
        The last reported step (``-inf`` if none) and the value reported there.
    violations:
        Summed positive constraint values (NaN when not recorded).
    sign:
        ``1`` to minimize, ``-1`` to maximize.

    Returns
    -------
    numpy.ndarray
        A permutation of ``range(len(states))``.

    Examples
    --------
    >>> nan = float("nan")
    >>> rank_single_objective(
    ...     np.array([1, 2, 1]), np.array([3.0, nan, 1.0]), np.array([-np.inf, 5, -np.inf]),
    ...     np.array([nan, 0.5, nan]), np.array([nan, nan, nan]), 1.0,
    ... ).tolist()
    [2, 0, 1]
    """
    groups, primary, secondary = single_objective_keys(
        states, values, last_steps, last_values, violations, sign
    )
    return np.lexsort((secondary, primary, groups))


class IncrementalRanking:
    """:func:`rank_single_objective` of a table that only grows, kept up to date by inserting
    each new row at its place instead of sorting every row again.
    """

    # Beyond this many new rows at once, sorting everything again is cheaper.
    MAX_INSERTS = 64

    def __init__(self) -> None:
        self.sign: float | None = None
        self.size = 0
        # Rows in rank order and their sort keys, in buffers with room to insert.
        self._order = np.zeros(0, dtype=np.intp)
        self._groups = np.zeros(0, dtype=np.int64)
        self._primary = np.zeros(0)
        self._secondary = np.zeros(0)

    def update(
        self,
        states: np.ndarray,
        values: np.ndarray,
        last_steps: np.ndarray,
        last_values: np.ndarray,
        violations: np.ndarray,
        sign: float,
    ) -> np.ndarray:
        """Return the ranking of all ``len(states)`` rows, of which the first ``self.size``
        are unchanged since the last call with the same ``sign``."""
        size = len(states)
        start = self.size
        if sign != self.sign or size < start or size - start > self.MAX_INSERTS:
            groups, primary, secondary = single_objective_keys(
                states, values, last_steps, last_values, violations, sign
            )
            order = np.lexsort((secondary, primary, groups))
            capacity = 2 * size + 64
            self._order = np.empty(capacity, dtype=np.intp)
            self._groups = np.empty(capacity, dtype=np.int64)
            self._primary = np.empty(capacity)
            self._secondary = np.empty(capacity)
            self._order[:size] = order
            self._groups[:size] = groups[order]
            self._primary[:size] = primary[order]
            self._secondary[:size] = secondary[order]
        elif size > start:
            if size > len(self._order):
                self._grow(2 * size + 64)
            new = slice(start, size)
            groups, primary, secondary = single_objective_keys(
                states[new], values[new], last_steps[new], last_values[new], violations[new], sign
            )
            for offset in range(size - start):
                self._insert(
                    start + offset,
                    start + offset,
                    groups[offset],
                    primary[offset],
                    secondary[offset],
                )
        self.sign = sign
        self.size = size
        return self._order[:size]

    def _grow(self, capacity: int) -> None:
        for name in ("_order", "_groups", "_primary", "_secondary"):
            old = getattr(self, name)
            grown = np.empty(capacity, dtype=old.dtype)
            grown[: len(old)] = old
            setattr(self, name, grown)

    def _insert(self, row: int, size: int, group: int, primary: float, secondary: float) -> None:
        # The ranked keys are sorted by (group, primary, secondary): narrow the range key by
        # key. A new row has the largest index, so it goes after the rows with equal keys.
        low = int(np.searchsorted(self._groups[:size], group, side="left"))
        high = int(np.searchsorted(self._groups[:size], group, side="right"))
        span = self._primary[low:high]
        low, high = (
            low + int(np.searchsorted(span, primary, side="left")),
            low + int(np.searchsorted(span, primary, side="right")),
        )
        at = low + int(np.searchsorted(self._secondary[low:high], secondary, "right"))
        for array, value in (
            (self._order, row),
            (self._groups, group),
            (self._primary, primary),
            (self._secondary, secondary),
        ):
            array[at + 1 : size + 1] = array[at:size]
            array[at] = value


def _finite_extremes(losses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per objective, the smallest and largest finite loss (NaN where there is none)."""
    finite = np.isfinite(losses)
    best = np.where(finite, losses, np.inf).min(axis=0, initial=np.inf)
    worst = np.where(finite, losses, -np.inf).max(axis=0, initial=-np.inf)
    none = ~finite.any(axis=0)
    return np.where(none, np.nan, best), np.where(none, np.nan, worst)


def reference_point(losses: np.ndarray) -> np.ndarray:
    """Return a reference point a little worse than every finite loss in each objective.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_objectives,)``, finite.
    """
    best, worst = _finite_extremes(losses)
    worst = np.where(np.isnan(worst), 0.0, worst)
    best = np.where(np.isnan(best), 0.0, best)
    spread = np.maximum(worst - best, np.maximum(np.abs(worst), 1.0) * 1e-3)
    return worst + 0.1 * spread


def finite_losses(losses: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Replace infinite losses: ``-inf`` by a value far below the others, ``inf`` by the
    reference point (where they add no hypervolume)."""
    best, _ = _finite_extremes(losses)
    best = np.where(np.isnan(best), reference - 1.0, best)
    far = best - 10.0 * np.maximum(reference - best, 1.0)
    out = np.where(losses == np.inf, reference, losses)
    return np.where(out == -np.inf, far, out)


def select_below_multi_objective(losses: np.ndarray, n_below: int) -> np.ndarray:
    """Return the indices of the ``n_below`` best rows of ``losses`` (all minimized).

    Whole non-dominated fronts are taken in order; from the front that does not fit, the
    points with the largest hypervolume contributions within that front are taken.

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.
    n_below:
        How many rows to select, ``0 <= n_below <= n``.

    Returns
    -------
    numpy.ndarray
        Selected row indices, best fronts first.
    """
    n_rows = len(losses)
    if n_below <= 0 or n_rows == 0:
        return np.zeros(0, dtype=np.intp)
    if n_below >= n_rows:
        return np.arange(n_rows)
    ranks = nondominated_ranks(losses, n_below)
    order = np.argsort(ranks, kind="stable")
    sorted_ranks = ranks[order]
    last_rank = sorted_ranks[n_below - 1]
    taken = order[sorted_ranks < last_rank]
    tied = order[sorted_ranks == last_rank]
    n_needed = n_below - len(taken)
    if n_needed < len(tied):
        reference = reference_point(losses)
        contributions = hypervolume_contributions(
            finite_losses(losses[tied], reference), reference
        )
        # Largest contributions first; equal ones keep trial order.
        best = np.argsort(-contributions, kind="stable")[:n_needed]
        tied = tied[np.sort(best)]
    return np.concatenate([taken, tied])
