"""Data of the parallel coordinate plot: one axis for the target and one per parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hpo.visualization._data._trials import TrialTable


@dataclass(frozen=True, eq=False)
class Dimension:
    """One vertical axis: plotted values (log10 for log parameters) and optional tick labels."""

    label: str
    values: np.ndarray
    tick_values: np.ndarray | None = None
    tick_text: list[str] | None = None


@dataclass(frozen=True, eq=False)
class ParallelData:
    """The dimensions (target first) and the target value colouring each line."""

    dimensions: list[Dimension]
    color: np.ndarray


def _log_ticks(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    low, high = float(values.min()), float(values.max())
    ticks = np.arange(np.floor(low), np.ceil(high) + 1)
    ticks = ticks[(ticks >= low) & (ticks <= high)]
    if len(ticks) < 2:
        ticks = np.array([low, high]) if high > low else np.array([low])
    return ticks, [f"{10**tick:.3g}" for tick in ticks]


def parallel_data(table: TrialTable, params: Sequence[str], target_name: str) -> ParallelData:
    """Return the dimensions of the trials that have every parameter in ``params``."""
    rows = np.ones(len(table), dtype=bool)
    for name in params:
        rows &= table.params[name].present
    values = table.values[rows]
    dimensions = [Dimension(target_name, values)]
    for name in params:
        column = table.params[name]
        shown = column.values[rows]
        if column.is_categorical:
            ticks = np.arange(len(column.choices), dtype=float)
            dimensions.append(Dimension(name, shown, ticks, column.labels))
        elif column.is_log and len(shown):
            logged = np.log10(shown)
            ticks, text = _log_ticks(logged)
            dimensions.append(Dimension(name, logged, ticks, text))
        else:
            dimensions.append(Dimension(name, shown))
    return ParallelData(dimensions, values)
