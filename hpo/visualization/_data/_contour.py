"""Data of the contour plot: the target value on a grid over each pair of parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hpo.visualization._data._axes import GRID_SIZE, ParamAxis, param_axis
from hpo.visualization._data._trials import TrialTable


@dataclass(frozen=True, eq=False)
class ContourPanel:
    """One pair of parameters: the trials that have both, and the mean target per grid cell.

    ``z[j, i]`` is the mean target of the trials nearest to ``(x_grid[i], y_grid[j])``; NaN
    where no trial falls (the renderer lets plotly fill those gaps).
    """

    x_axis: ParamAxis
    y_axis: ParamAxis
    x_grid: np.ndarray
    y_grid: np.ndarray
    z: np.ndarray
    x: np.ndarray
    y: np.ndarray
    values: np.ndarray


def contour_panel(
    table: TrialTable, x_name: str, y_name: str, size: int = GRID_SIZE
) -> ContourPanel:
    """Return the :class:`ContourPanel` of the parameters ``x_name`` (x) and ``y_name`` (y)."""
    x_column, y_column = table.params[x_name], table.params[y_name]
    both = x_column.present & y_column.present
    x, y, values = x_column.values[both], y_column.values[both], table.values[both]
    x_axis, y_axis = param_axis(x_column), param_axis(y_column)
    x_grid, y_grid = x_axis.grid(size), y_axis.grid(size)
    x_cell, y_cell = x_axis.cell(x, size), y_axis.cell(y, size)
    flat = y_cell * len(x_grid) + x_cell
    n_cells = len(x_grid) * len(y_grid)
    sums = np.bincount(flat, weights=values, minlength=n_cells)
    counts = np.bincount(flat, minlength=n_cells)
    flat_z = np.full(n_cells, np.nan)
    filled = counts > 0
    flat_z[filled] = sums[filled] / counts[filled]
    z = flat_z.reshape(len(y_grid), len(x_grid))
    return ContourPanel(x_axis, y_axis, x_grid, y_grid, z, x, y, values)


def contour_panels(
    table: TrialTable, params: Sequence[str]
) -> dict[tuple[str, str], ContourPanel]:
    """Return the panel of every ordered pair of distinct parameters, keyed ``(x, y)``."""
    panels = {}
    for i, x_name in enumerate(params):
        for y_name in params[i + 1 :]:
            panel = contour_panel(table, x_name, y_name)
            panels[x_name, y_name] = panel
            panels[y_name, x_name] = ContourPanel(
                panel.y_axis,
                panel.x_axis,
                panel.y_grid,
                panel.x_grid,
                panel.z.T,
                panel.y,
                panel.x,
                panel.values,
            )
    return panels
