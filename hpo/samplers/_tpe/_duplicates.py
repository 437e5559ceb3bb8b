"""Recognizing proposals that repeat an evaluated configuration of a discrete search space.

When every parameter is an int, a stepped float or a categorical, a configuration is a point
of a finite grid and can be encoded as one integer (its mixed-radix index). In a small grid
TPE's good kernels are nearly point masses, so candidates drawn from them often repeat the
good trials exactly; evaluating a configuration again teaches the sampler nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    FloatDistribution,
    IntDistribution,
    grid_size,
)

# Grids with more points than this are not encoded (repeats are rare there anyway); below it
# every key is an integer that a float64 holds exactly.
_MAX_GRID_SIZE = 2**53


def grid_shape(search_space: Mapping[str, BaseDistribution]) -> list[int] | None:
    """Return the number of values of each parameter, or None unless the space is a finite
    grid of at most ``2**53`` points.

    Parameters
    ----------
    search_space:
        Parameter name to distribution.

    Returns
    -------
    list[int] or None
        One count per parameter in the space's order.

    Examples
    --------
    >>> from hpo.distributions import IntDistribution, CategoricalDistribution
    >>> grid_shape({"a": IntDistribution(1, 3), "b": CategoricalDistribution(["x", "y"])})
    [3, 2]
    """
    shape: list[int] = []
    size = 1
    for dist in search_space.values():
        count = grid_size(dist)
        if count is None:
            return None
        size *= count
        if size > _MAX_GRID_SIZE:
            return None
        shape.append(count)
    return shape


def grid_keys(
    values: Mapping[str, np.ndarray],
    search_space: Mapping[str, BaseDistribution],
    shape: list[int],
) -> np.ndarray:
    """Encode configurations (internal representation) as integers, one per row.

    Parameters
    ----------
    values:
        Parameter name to internal values of shape ``(n,)``.
    search_space:
        Parameter name to distribution, with ``shape = grid_shape(search_space)``.
    shape:
        The number of values of each parameter.

    Returns
    -------
    numpy.ndarray
        Integer-valued float keys of shape ``(n,)``; equal keys mean equal configurations.
    """
    low = np.zeros(len(shape))
    step = np.ones(len(shape))
    for column, dist in enumerate(search_space.values()):
        if isinstance(dist, (IntDistribution, FloatDistribution)) and dist.step is not None:
            low[column] = float(dist.low)
            step[column] = float(dist.step)
    table = np.stack([np.asarray(values[name], dtype=float) for name in search_space], axis=1)
    index = (table - low) / step
    np.rint(index, out=index)
    np.clip(index, 0, np.asarray(shape) - 1, out=index)
    # Mixed radix, the last parameter varying fastest; exact in float64 below 2**53.
    radix = np.cumprod([1.0, *shape[:0:-1]])[::-1]
    return index @ radix


def repeated(candidate_keys: np.ndarray, evaluated_keys: np.ndarray) -> np.ndarray:
    """Return which candidates repeat an evaluated configuration (a boolean mask)."""
    if len(evaluated_keys) == 0:
        return np.zeros(len(candidate_keys), dtype=bool)
    ordered = np.sort(evaluated_keys)
    position = np.minimum(np.searchsorted(ordered, candidate_keys), len(ordered) - 1)
    return ordered[position] == candidate_keys


def pass_over_repeats(
    scores: np.ndarray,
    candidates: Mapping[str, np.ndarray],
    evaluated: Mapping[str, np.ndarray],
    search_space: Mapping[str, BaseDistribution],
) -> None:
    """Set the scores of candidates that repeat an evaluated configuration to ``-inf``,
    unless every candidate does; nothing changes unless the space is a finite grid.

    Parameters
    ----------
    scores:
        One score per candidate, shape ``(m,)``; changed in place.
    candidates, evaluated:
        Parameter name to internal values, shapes ``(m,)`` and ``(n,)``.
    search_space:
        Parameter name to distribution.
    """
    shape = grid_shape(search_space)
    if shape is None:
        return
    mask = repeated(
        grid_keys(candidates, search_space, shape), grid_keys(evaluated, search_space, shape)
    )
    if not mask.all():
        scores[mask] = -np.inf


def independent_choice_without_repeat(
    scores: np.ndarray,
    candidates: Mapping[str, np.ndarray],
    evaluated: Mapping[str, np.ndarray],
    search_space: Mapping[str, BaseDistribution],
) -> np.ndarray:
    """Choose a candidate row per parameter (univariate TPE) that avoids repeats.

    Each parameter takes its best-scoring candidate. If that combination repeats an evaluated
    configuration, the new combination that changes one parameter at the smallest loss of
    score is taken instead; if none is new, the repeat stands.

    Parameters
    ----------
    scores:
        Per candidate and parameter, shape ``(m, d)`` (``-inf`` for unusable entries),
        columns in the search space's order.
    candidates, evaluated:
        Parameter name to internal values, shapes ``(m,)`` and ``(n,)``.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        The chosen candidate row of each parameter, shape ``(d,)``.
    """
    best_rows = np.argmax(scores, axis=0)
    shape = grid_shape(search_space)
    if shape is None:
        return best_rows
    n_candidates, n_params = scores.shape
    columns = np.repeat(np.arange(n_params), n_candidates)
    rows = np.tile(np.arange(n_candidates), n_params)
    # Option 0 is the best combination; the others change one parameter each.
    options = np.tile(best_rows, (1 + len(rows), 1))
    options[1 + np.arange(len(rows)), columns] = rows
    best_scores = scores[best_rows, np.arange(n_params)]
    with np.errstate(invalid="ignore"):
        loss = np.concatenate([[0.0], best_scores[columns] - scores[rows, columns]])
    values = {
        name: np.asarray(candidates[name])[options[:, column]]
        for column, name in enumerate(search_space)
    }
    new = ~repeated(
        grid_keys(values, search_space, shape), grid_keys(evaluated, search_space, shape)
    )
    new &= np.isfinite(loss)
    if new[0] or not new.any():
        return best_rows
    usable = np.flatnonzero(new)
    return options[usable[np.argmin(loss[usable])]]
