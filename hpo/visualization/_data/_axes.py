"""Axes of a parameter: range, grid and log or categorical kind, shared by contour and rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hpo.visualization._data._trials import ParamColumn

GRID_SIZE = 100


@dataclass(frozen=True, eq=False)
class ParamAxis:
    """How one parameter is laid out on an axis.

    ``low``/``high`` bound the present values (choice indices for a categorical parameter).
    """

    column: ParamColumn
    low: float
    high: float

    @property
    def name(self) -> str:
        """The parameter name."""
        return self.column.name

    def grid(self, size: int = GRID_SIZE) -> np.ndarray:
        """Grid points across the axis: every choice index, or ``size`` (log-)spaced values."""
        if self.column.is_categorical:
            return np.arange(len(self.column.choices), dtype=float)
        if self.column.is_log:
            return np.geomspace(self.low, self.high, size)
        return np.linspace(self.low, self.high, size)

    def cell(self, values: np.ndarray, size: int = GRID_SIZE) -> np.ndarray:
        """Index of the nearest grid point of each value."""
        if self.column.is_categorical:
            return values.astype(np.int64)
        low, high, points = self.low, self.high, values
        if self.column.is_log:
            low, high, points = np.log(low), np.log(high), np.log(values)
        if high <= low:
            return np.zeros(len(values), dtype=np.int64)
        return np.rint((points - low) / (high - low) * (size - 1)).astype(np.int64)


def param_axis(column: ParamColumn) -> ParamAxis:
    """Return the axis of a column that has at least one present value."""
    present = column.values[column.present]
    if column.is_categorical:
        return ParamAxis(column, 0.0, float(len(column.choices) - 1))
    return ParamAxis(column, float(present.min()), float(present.max()))
