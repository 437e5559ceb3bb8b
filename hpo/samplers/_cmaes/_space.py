"""The unit cube that CMA-ES searches, and its map to and from parameter values.

Every numerical parameter becomes one coordinate in ``[0, 1]``: log-scale parameters are
taken in log space, and a parameter with a grid (an integer, or a float with ``step``) covers
``[low - step / 2, high + step / 2]`` so that each grid value owns a cell of equal width (of
equal width in log space for log-scale integers). A point decodes to the grid value of its
cell; a value encodes to a point of its cell.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from hpo.distributions import BaseDistribution, FloatDistribution, IntDistribution

_CONTINUOUS = 0
_GRID = 1
_LOG_INT = 2


def space_hash(search_space: dict[str, BaseDistribution]) -> str:
    """Return a short hash of a search space (names and distributions).

    Parameters
    ----------
    search_space:
        Parameter name to distribution.

    Returns
    -------
    str
        Twelve hexadecimal digits, the same in every process for the same space.

    Examples
    --------
    >>> space_hash({"x": FloatDistribution(0, 1)}) == space_hash({"x": FloatDistribution(0, 1)})
    True
    """
    text = ";".join(f"{name}={dist!r}" for name, dist in sorted(search_space.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


class UnitSpace:
    """The map between parameter values and points of the unit cube.

    Parameters
    ----------
    search_space:
        Parameter name to FloatDistribution or IntDistribution; the coordinates follow its
        order.

    Raises
    ------
    TypeError
        If a distribution is neither a FloatDistribution nor an IntDistribution.

    Examples
    --------
    >>> space = UnitSpace({"x": FloatDistribution(0, 10), "n": IntDistribution(0, 4)})
    >>> space.decode(np.array([[0.5, 0.5]]))
    [{'x': 5.0, 'n': 2}]
    """

    def __init__(self, search_space: dict[str, BaseDistribution]) -> None:
        self.names = list(search_space)
        self.distributions = list(search_space.values())
        dim = len(self.names)
        self.kind = np.zeros(dim, dtype=np.int64)
        self.raw_low = np.zeros(dim)  # bounds of the coordinate before scaling to [0, 1]
        self.raw_high = np.zeros(dim)
        self.low = np.zeros(dim)  # bounds of the values
        self.high = np.zeros(dim)
        self.step = np.ones(dim)
        self.n_values = np.zeros(dim)  # grid size (0 for continuous)
        self.is_int = np.zeros(dim, dtype=bool)
        self.is_log = np.zeros(dim, dtype=bool)
        for j, dist in enumerate(self.distributions):
            if not isinstance(dist, (FloatDistribution, IntDistribution)):
                raise TypeError(f"CMA-ES cannot search {dist!r}.")
            low, high = float(dist.low), float(dist.high)
            self.low[j], self.high[j] = low, high
            self.is_int[j] = isinstance(dist, IntDistribution)
            self.is_log[j] = dist.log
            step = dist.step
            if isinstance(dist, IntDistribution) and dist.log:
                self.kind[j] = _LOG_INT
                self.raw_low[j], self.raw_high[j] = math.log(low - 0.5), math.log(high + 0.5)
                self.n_values[j] = high - low + 1
            elif dist.log:
                self.raw_low[j], self.raw_high[j] = math.log(low), math.log(high)
            elif step is not None:
                self.kind[j] = _GRID
                self.step[j] = float(step)
                self.raw_low[j], self.raw_high[j] = low - step / 2, high + step / 2
                self.n_values[j] = round((high - low) / step) + 1
            else:
                self.raw_low[j], self.raw_high[j] = low, high
        self.width = self.raw_high - self.raw_low
        self.discrete = self.kind != _CONTINUOUS
        self._is_int_list = self.is_int.tolist()
        self._log_columns = np.flatnonzero(self.is_log)
        self._grid_columns = np.flatnonzero(self.kind == _GRID)
        self._log_int_columns = np.flatnonzero(self.kind == _LOG_INT)

    @property
    def dim(self) -> int:
        """The number of coordinates."""
        return len(self.names)

    def raw_range_min(self) -> float:
        """The smallest width of a coordinate before scaling (log width for log scales)."""
        return float(self.width.min())

    def _values(self, points: np.ndarray) -> np.ndarray:
        """Values (internal representation) of points, array of shape ``(n, dim)``."""
        values = self.raw_low + np.clip(points, 0.0, 1.0) * self.width
        if self._log_columns.size:
            values[:, self._log_columns] = np.exp(values[:, self._log_columns])
        grid = self._grid_columns
        if grid.size:
            index = np.rint((values[:, grid] - self.low[grid]) / self.step[grid])
            index = np.clip(index, 0, self.n_values[grid] - 1)
            values[:, grid] = self.low[grid] + index * self.step[grid]
        if self._log_int_columns.size:
            values[:, self._log_int_columns] = np.rint(values[:, self._log_int_columns])
        return np.clip(values, self.low, self.high)

    def decode(self, points: np.ndarray) -> list[dict[str, Any]]:
        """Map points of the unit cube to parameter values (external representation).

        Parameters
        ----------
        points:
            Array of shape ``(n, dim)``; coordinates outside ``[0, 1]`` are clipped.

        Returns
        -------
        list[dict[str, Any]]
            One parameter dictionary per point; integers as ``int``, floats as ``float``.
        """
        values = self._values(np.atleast_2d(np.asarray(points, dtype=float)))
        columns = [
            [int(v) for v in values[:, j].tolist()]
            if self.is_int[j]
            else [float(v) for v in values[:, j].tolist()]
            for j in range(self.dim)
        ]
        return [dict(zip(self.names, row)) for row in zip(*columns)]

    def decode_one(self, point: np.ndarray) -> dict[str, Any]:
        """Map one point of the unit cube to parameter values (see :meth:`decode`)."""
        row = self._values(np.asarray(point, dtype=float)[None])[0].tolist()
        return {
            name: int(value) if is_int else value
            for name, value, is_int in zip(self.names, row, self._is_int_list)
        }

    def encode(self, values: np.ndarray) -> np.ndarray:
        """Map values (internal representation, shape ``(n, dim)``) to points of the cube."""
        values = np.clip(np.asarray(values, dtype=float), self.low, self.high)
        raw = np.where(self.is_log, np.log(np.where(self.is_log, values, 1.0)), values)
        return np.clip((raw - self.raw_low) / self.width, 0.0, 1.0)

    def cells(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the bounds, in the unit cube, of the cells that contain ``points``.

        A continuous coordinate's cell is the point itself. For a grid coordinate the cell is
        the interval of points that decode to the same value; it is open towards a
        neighbouring value and closed at the ends of the cube.

        Parameters
        ----------
        points:
            Array of shape ``(n, dim)`` or ``(dim,)``.

        Returns
        -------
        tuple[numpy.ndarray, numpy.ndarray]
            Lower and upper bounds, each of the shape of ``points``.
        """
        points = np.clip(np.asarray(points, dtype=float), 0.0, 1.0)
        values = self._values(np.atleast_2d(points)).reshape(points.shape)
        half = np.where(self.kind == _GRID, self.step / 2, 0.5)
        low_value, high_value = values - half, values + half
        log_int = self.kind == _LOG_INT
        raw_low = np.where(log_int, np.log(np.where(log_int, low_value, 1.0)), low_value)
        raw_high = np.where(log_int, np.log(np.where(log_int, high_value, 1.0)), high_value)
        lower = np.clip((raw_low - self.raw_low) / self.width, 0.0, 1.0)
        upper = np.clip((raw_high - self.raw_low) / self.width, 0.0, 1.0)
        lower = np.where(self.discrete, lower, points)
        upper = np.where(self.discrete, upper, points)
        return lower, upper

    def params_matrix(self, params: list[dict[str, Any]]) -> np.ndarray:
        """Stack the values of ``params`` (one dict per trial) in an ``(n, dim)`` array."""
        return np.array(
            [[float(p[name]) for name in self.names] for p in params], dtype=float
        ).reshape(len(params), self.dim)
