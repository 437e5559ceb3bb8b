"""Data of the slice plot: the target value against each parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hpo.visualization._data._trials import ParamColumn, TrialTable


@dataclass(frozen=True, eq=False)
class SlicePanel:
    """One parameter's panel: the trials that have the parameter.

    ``x`` holds numbers, or the choice index of a categorical parameter (see ``column``).
    """

    column: ParamColumn
    x: np.ndarray
    y: np.ndarray
    numbers: np.ndarray


def slice_panels(table: TrialTable, params: Sequence[str]) -> list[SlicePanel]:
    """Return one :class:`SlicePanel` per parameter name."""
    panels = []
    for name in params:
        column = table.params[name]
        present = column.present
        panels.append(
            SlicePanel(
                column, column.values[present], table.values[present], table.numbers[present]
            )
        )
    return panels
