"""Map parameters to the unit cube the Gaussian process works in, and back.

Floats without a step are scaled linearly from ``[low, high]`` to ``[0, 1]`` (in log space
with ``log=True``). Integers and stepped floats have ``k`` grid values; value ``i`` sits at
the centre ``(i + 0.5) / k`` of the ``i``-th of ``k`` equal cells, so each grid value owns
the same share of the cube (log integers use cells ``[v - 0.5, v + 0.5]`` in log space).
Categorical columns hold the index of the choice as a float; the kernel compares them by
equality only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    grid_size,
)
from hpo.trial import FrozenTrial


def _log_int_bounds(dist: IntDistribution) -> tuple[float, float]:
    return math.log(dist.low - 0.5), math.log(dist.high + 0.5)


def _n_grid(dist: BaseDistribution) -> int:
    """Number of grid values of a discrete numerical distribution (0 if continuous)."""
    if isinstance(dist, CategoricalDistribution) or (
        isinstance(dist, IntDistribution) and dist.log
    ):
        return 0
    return grid_size(dist) or 0


def is_categorical(search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Which columns of the normalized matrix are categorical.

    Parameters
    ----------
    search_space:
        Parameter name to distribution; the column order is the dictionary's order.

    Returns
    -------
    numpy.ndarray
        Bool array of shape ``(len(search_space),)``.

    Examples
    --------
    >>> is_categorical({"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a", "b"])})
    array([False,  True])
    """
    return np.array(
        [isinstance(d, CategoricalDistribution) for d in search_space.values()], dtype=bool
    )


def is_discrete(search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Which columns take only grid values: categoricals, integers, stepped floats.

    Parameters
    ----------
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        Bool array of shape ``(len(search_space),)``.

    Examples
    --------
    >>> is_discrete({"x": FloatDistribution(0, 1), "n": IntDistribution(0, 3)})
    array([False,  True])
    """
    return np.array(
        [
            isinstance(d, (CategoricalDistribution, IntDistribution))
            or (isinstance(d, FloatDistribution) and d.step is not None)
            for d in search_space.values()
        ],
        dtype=bool,
    )


def normalize_internal(
    internal: np.ndarray, search_space: dict[str, BaseDistribution]
) -> np.ndarray:
    """Normalize internal-representation values column by column.

    Parameters
    ----------
    internal:
        Shape ``(n, d)``; column ``j`` holds internal values of the ``j``-th parameter.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, d)``, numerical columns in ``[0, 1]``, categorical columns the index.
    """
    internal = np.asarray(internal, dtype=float).reshape(-1, len(search_space))
    out = np.empty_like(internal)
    for j, dist in enumerate(search_space.values()):
        col = internal[:, j]
        if isinstance(dist, CategoricalDistribution):
            out[:, j] = col
            continue
        assert isinstance(dist, (FloatDistribution, IntDistribution))
        n_grid = _n_grid(dist)
        if n_grid > 0:
            step = dist.step
            assert step is not None
            index = np.rint((col - dist.low) / step)
            out[:, j] = (index + 0.5) / n_grid
        elif isinstance(dist, IntDistribution):
            lo, hi = _log_int_bounds(dist)
            out[:, j] = (np.log(col) - lo) / (hi - lo)
        elif dist.log:
            lo, hi = math.log(dist.low), math.log(dist.high)
            out[:, j] = (np.log(col) - lo) / (hi - lo) if hi > lo else 0.5
        else:
            width = dist.high - dist.low
            out[:, j] = (col - dist.low) / width if width > 0 else 0.5
    return np.clip(out, 0.0, None) if out.size else out


def normalize_params(
    trials: Sequence[FrozenTrial], search_space: dict[str, BaseDistribution]
) -> np.ndarray:
    """Normalize the parameters of ``trials`` to the unit cube (choice index for categories).

    Parameters
    ----------
    trials:
        Trials that have every parameter of ``search_space``.
    search_space:
        Parameter name to distribution; the column order is the dictionary's order.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(trials), len(search_space))``.

    Examples
    --------
    >>> import hpo
    >>> space = {"x": FloatDistribution(0, 10)}
    >>> t = hpo.trial.create_trial(params={"x": 2.5}, distributions=space, value=0.0)
    >>> normalize_params([t], space)
    array([[0.25]])
    """
    names = list(search_space)
    internal = np.array(
        [
            [search_space[name].to_internal_repr(trial.params[name]) for name in names]
            for trial in trials
        ],
        dtype=float,
    ).reshape(len(trials), len(names))
    return normalize_internal(internal, search_space)


def round_normalized(points: np.ndarray, search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Move each discrete coordinate of normalized points onto its grid.

    Categorical coordinates in ``[0, 1]`` are not indices yet: use :func:`unit_to_normalized`
    for raw unit-cube points. Here categorical columns are taken as indices and rounded.

    Parameters
    ----------
    points:
        Shape ``(m, d)``, normalized coordinates.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        A rounded copy.
    """
    out = np.array(points, dtype=float)
    for j, dist in enumerate(search_space.values()):
        if isinstance(dist, CategoricalDistribution):
            out[:, j] = np.clip(np.rint(out[:, j]), 0, len(dist.choices) - 1)
            continue
        n_grid = _n_grid(dist)
        if n_grid > 0:
            index = np.clip(np.floor(out[:, j] * n_grid), 0, n_grid - 1)
            out[:, j] = (index + 0.5) / n_grid
        elif isinstance(dist, IntDistribution):
            lo, hi = _log_int_bounds(dist)
            values = np.clip(
                np.rint(np.exp(lo + np.clip(out[:, j], 0, 1) * (hi - lo))), dist.low, dist.high
            )
            out[:, j] = (np.log(values) - lo) / (hi - lo)
        else:
            out[:, j] = np.clip(out[:, j], 0.0, 1.0)
    return out


def unit_to_normalized(unit: np.ndarray, search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Turn points of the unit cube into valid normalized points (grids and choice indices).

    Parameters
    ----------
    unit:
        Shape ``(m, d)``, values in ``[0, 1]``.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, d)``; categorical column ``j`` holds ``floor(u * n_choices)``.
    """
    out = np.array(unit, dtype=float)
    for j, dist in enumerate(search_space.values()):
        if isinstance(dist, CategoricalDistribution):
            k = len(dist.choices)
            out[:, j] = np.minimum(np.floor(out[:, j] * k), k - 1)
    return round_normalized(out, search_space)


def grid_step(search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Distance between neighbouring grid values per column in normalized space (0 if none).

    Log integers have an uneven grid; their entry is 0 and neighbours are found by value.

    Parameters
    ----------
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        Shape ``(d,)``.
    """
    steps = np.zeros(len(search_space))
    for j, dist in enumerate(search_space.values()):
        n_grid = _n_grid(dist)
        if n_grid > 0:
            steps[j] = 1.0 / n_grid
    return steps


def denormalize(point: np.ndarray, search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
    """Map one normalized point to parameter values (external representation).

    Parameters
    ----------
    point:
        Shape ``(d,)``, normalized coordinates (rounded or not).
    search_space:
        Parameter name to distribution.

    Returns
    -------
    dict[str, Any]
        Parameter name to a value inside its distribution.

    Examples
    --------
    >>> denormalize(np.array([0.25]), {"x": FloatDistribution(0, 10)})
    {'x': 2.5}
    """
    rounded = round_normalized(np.asarray(point, dtype=float)[None, :], search_space)[0]
    params: dict[str, Any] = {}
    for j, (name, dist) in enumerate(search_space.items()):
        u = float(rounded[j])
        if isinstance(dist, CategoricalDistribution):
            params[name] = dist.choices[int(u)]
            continue
        n_grid = _n_grid(dist)
        if isinstance(dist, IntDistribution):
            if n_grid > 0:
                index = min(math.floor(u * n_grid), n_grid - 1)
                params[name] = int(dist.low + index * dist.step)
            else:
                lo, hi = _log_int_bounds(dist)
                rounded_value = round(math.exp(lo + u * (hi - lo)))
                params[name] = int(min(max(rounded_value, dist.low), dist.high))
            continue
        assert isinstance(dist, FloatDistribution)
        if n_grid > 0:
            assert dist.step is not None
            index = min(math.floor(u * n_grid), n_grid - 1)
            value = dist.low + index * dist.step
        elif dist.log:
            lo, hi = math.log(dist.low), math.log(dist.high)
            value = math.exp(lo + u * (hi - lo))
        else:
            value = dist.low + u * (dist.high - dist.low)
        params[name] = float(min(max(value, dist.low), dist.high))
    return params


def discrete_neighbors(point: np.ndarray, search_space: dict[str, BaseDistribution]) -> np.ndarray:
    """Points that differ from ``point`` in one discrete coordinate by one grid move.

    Integers and stepped floats move one grid value up or down; a categorical coordinate
    takes every other choice.

    Parameters
    ----------
    point:
        A rounded normalized point, shape ``(d,)``.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, d)``; ``k`` may be 0 when nothing is discrete.

    Examples
    --------
    >>> discrete_neighbors(np.array([0.5, 0.3]), {"n": IntDistribution(0, 2),
    ...                                          "x": FloatDistribution(0, 1)}).round(3)
    array([[0.167, 0.3  ],
           [0.833, 0.3  ]])
    """
    point = np.asarray(point, dtype=float)
    rows: list[np.ndarray] = []
    for j, dist in enumerate(search_space.values()):
        candidates: list[float] = []
        if isinstance(dist, CategoricalDistribution):
            candidates = [float(i) for i in range(len(dist.choices)) if i != point[j]]
        elif _n_grid(dist) > 0:
            step = 1.0 / _n_grid(dist)
            candidates = [u for u in (point[j] - step, point[j] + step) if 0.0 < u < 1.0]
        elif isinstance(dist, IntDistribution):
            lo, hi = _log_int_bounds(dist)
            value = round(math.exp(lo + point[j] * (hi - lo)))
            candidates = [
                (math.log(v) - lo) / (hi - lo)
                for v in (value - 1, value + 1)
                if dist.low <= v <= dist.high
            ]
        for u in candidates:
            row = point.copy()
            row[j] = u
            rows.append(row)
    if not rows:
        return np.empty((0, point.size))
    return np.array(rows)
