"""Bounding the bad group: a fixed number of kernels, however long the study.

The bad group holds every trial but the few good ones, so a Parzen estimator with one kernel
per bad trial costs time in proportion to the study's length on every suggestion. Beyond
:data:`MAX_BAD_KERNELS` observations, the trials are summarized: the newest
:data:`KEPT_NEWEST` stay as they are, and the older ones are replaced by a weighted subset drawn
from them in proportion to their weights (stratified resampling: one draw in each of equal
slices of their cumulative weight, so regular patterns in trial order cannot alias), each
drawn trial carrying an equal share of the old trials' total weight, so the mixture keeps
their mass where they lie. The older trials are also the ones the default weights ramp down,
so the summary coarsens what matters least.

The summary is made of all the rows (good ones included) and refreshed every
:data:`REFRESH_EVERY` new rows; in between, the rows added since join it as they are, at full
weight (they are the newest), and the current good rows are taken out of it. A suggestion
then costs the same at 2,000 trials as at 20,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_BAD_KERNELS = 1000
KEPT_NEWEST = 250
REFRESH_EVERY = 50


def ages(numbers: np.ndarray) -> np.ndarray:
    """Return each number's rank among ``numbers``, smallest 0, without sorting.

    Trial numbers are distinct, non-negative and dense (a study numbers its trials 0, 1, ...),
    so counting the present numbers below each one is a pass over ``max(numbers)`` flags.

    Parameters
    ----------
    numbers:
        Distinct non-negative integers, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        A permutation of ``range(n)``.

    Examples
    --------
    >>> ages(np.array([7, 2, 5])).tolist()
    [2, 0, 1]
    """
    if len(numbers) == 0:
        return np.zeros(0, dtype=np.intp)
    if 16 * len(numbers) < int(numbers.max()):  # a few numbers out of many: sort them
        ranks = np.empty(len(numbers), dtype=np.intp)
        ranks[np.argsort(numbers, kind="stable")] = np.arange(len(numbers))
        return ranks
    present = np.zeros(int(numbers.max()) + 1, dtype=np.intp)
    present[numbers] = 1
    return np.cumsum(present)[numbers] - 1


def oldest_first(ages: np.ndarray, n_ranked: int) -> np.ndarray:
    """Return the indices of ``ages`` in increasing age rank.

    Parameters
    ----------
    ages:
        Distinct ranks in ``[0, n_ranked)``, shape ``(n,)`` with ``n <= n_ranked`` (the ranks
        of a subset of a larger ranked set).
    n_ranked:
        The size of the ranked set.

    Examples
    --------
    >>> oldest_first(np.array([4, 0, 2]), 5).tolist()
    [1, 2, 0]
    """
    slots = np.full(n_ranked, -1, dtype=np.intp)
    slots[ages] = np.arange(len(ages))
    return slots[slots >= 0] if len(ages) < n_ranked else slots


def summarize(
    order: np.ndarray,
    weights: np.ndarray,
    max_kernels: int | None = None,
    kept_newest: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return which observations to keep as kernels and their weights.

    Parameters
    ----------
    order:
        The observations' indices, oldest first (a permutation of ``range(n)``).
    weights:
        Weight of each observation, shape ``(n,)``, non-negative.
    max_kernels:
        The most observations to return; :data:`MAX_BAD_KERNELS` when ``None``.
    kept_newest:
        How many of the newest observations are kept as they are (``< max_kernels``);
        :data:`KEPT_NEWEST` when ``None``.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        Indices into ``numbers`` (all of them, in order, when ``n <= max_kernels``) and the
        weight of each; the weights sum to ``weights.sum()``.

    Examples
    --------
    >>> kept, w = summarize(np.arange(10), np.ones(10), max_kernels=6, kept_newest=2)
    >>> len(kept) <= 6, float(w.sum())
    (True, 10.0)
    """
    max_kernels = MAX_BAD_KERNELS if max_kernels is None else max_kernels
    kept_newest = KEPT_NEWEST if kept_newest is None else kept_newest
    n = len(order)
    if n <= max_kernels:
        return np.arange(n), weights
    if not 0 <= kept_newest < max_kernels:
        raise ValueError(f"kept_newest={kept_newest} must be in [0, max_kernels={max_kernels}).")
    newest = order[n - kept_newest :]
    old = order[: n - kept_newest]
    cumulative = np.cumsum(weights[old])
    total = float(cumulative[-1])
    n_drawn = max_kernels - kept_newest
    if total <= 0.0:
        return newest, weights[newest]
    # The draws depend on the group's size only: the same study gives the same summary.
    offsets = np.random.default_rng(n).random(n_drawn)
    positions = (np.arange(n_drawn) + offsets) * (total / n_drawn)
    picks = np.minimum(np.searchsorted(cumulative, positions, side="right"), len(old) - 1)
    drawn, counts = np.unique(picks, return_counts=True)
    kept = np.concatenate([old[drawn], newest])
    kept_weights = np.concatenate([counts * (total / n_drawn), weights[newest]])
    return kept, kept_weights


@dataclass(frozen=True)
class Summary:
    """The summarized kernels of the first ``n_rows`` rows of a row set."""

    n_rows: int
    rows: np.ndarray
    weights: np.ndarray


def summarized_bad_group(
    rows: np.ndarray,
    below: np.ndarray,
    numbers: np.ndarray,
    weights_of: Callable[[int], np.ndarray],
    summary: Summary | None,
) -> tuple[np.ndarray, np.ndarray, Summary]:
    """Return the bad group's kernels of a long study: rows, weights, and the summary used.

    Parameters
    ----------
    rows:
        The rows the split ranks, in increasing order (rows only get appended).
    below:
        The good rows, taken out of the result.
    numbers:
        Trial number per table row.
    weights_of:
        ``weights_of(n)``: ``n`` weights, oldest trial first.
    summary:
        The summary made for a prefix of ``rows`` by an earlier call, or ``None``; made again
        when ``REFRESH_EVERY`` rows were added since.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray, Summary]
        The bad rows, their weights, and the summary to pass to the next call.
    """
    if summary is None or not 0 <= len(rows) - summary.n_rows < REFRESH_EVERY:
        row_ages = ages(numbers[rows])
        weights = weights_of(len(rows))[row_ages]
        kept, kept_weights = summarize(oldest_first(row_ages, len(rows)), weights)
        summary = Summary(len(rows), rows[kept], kept_weights)
    added = rows[summary.n_rows :]
    candidates = np.concatenate([summary.rows, added])
    candidate_weights = np.concatenate([summary.weights, np.ones(len(added))])
    keep = ~np.isin(candidates, below)
    return candidates[keep], candidate_weights[keep], summary
