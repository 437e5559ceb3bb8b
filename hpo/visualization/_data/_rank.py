"""Data of the rank plot: parameter values coloured by the rank of their target value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hpo.visualization._data._axes import ParamAxis, param_axis
from hpo.visualization._data._trials import TrialTable


def ranks(values: np.ndarray) -> np.ndarray:
    """Rank of each value scaled to [0, 1] (0 the smallest); ties share their lowest rank."""
    if len(values) < 2:
        return np.zeros(len(values))
    order = np.sort(values)
    return np.searchsorted(order, values, side="left") / (len(values) - 1)


@dataclass(frozen=True, eq=False)
class RankPanel:
    """The trials having both parameters (``y_axis`` is ``None`` for a single parameter,
    whose panel plots the target on y)."""

    x_axis: ParamAxis
    y_axis: ParamAxis | None
    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    color: np.ndarray
    numbers: np.ndarray


def rank_panel(table: TrialTable, x_name: str, y_name: str | None) -> RankPanel:
    """Return the panel of ``x_name`` against ``y_name`` (or the target when ``None``).

    Colours are the ranks among all the table's trials, so panels share one scale.
    """
    color = ranks(table.values)
    x_column = table.params[x_name]
    rows = x_column.present
    y_axis = None
    if y_name is not None:
        y_column = table.params[y_name]
        rows = rows & y_column.present
        y_axis = param_axis(y_column)
        y = y_column.values[rows]
    else:
        y = table.values[rows]
    return RankPanel(
        param_axis(x_column),
        y_axis,
        x_column.values[rows],
        y,
        table.values[rows],
        color[rows],
        table.numbers[rows],
    )


def rank_panels(
    table: TrialTable, params: Sequence[str]
) -> dict[tuple[str, str | None], RankPanel]:
    """Return the panels of a rank plot: ``(name, None)`` for one parameter, else every pair."""
    if len(params) == 1:
        return {(params[0], None): rank_panel(table, params[0], None)}
    return {
        (x_name, y_name): rank_panel(table, x_name, y_name)
        for x_name in params
        for y_name in params
        if x_name != y_name
    }
