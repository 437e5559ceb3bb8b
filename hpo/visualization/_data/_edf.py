"""Data of the empirical distribution function plot, one line per study."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EDF_POINTS = 100


@dataclass(frozen=True, eq=False)
class EdfLine:
    """The fraction of a study's trials whose value is at most each ``x``."""

    study_name: str
    x: np.ndarray
    y: np.ndarray


def edf_lines(named_values: Sequence[tuple[str, np.ndarray]]) -> list[EdfLine]:
    """Return one line per ``(study name, values)`` on a grid shared by all the studies.

    Studies without values get no line; with no values at all, the list is empty.
    """
    named_values = [(name, values) for name, values in named_values if len(values)]
    if not named_values:
        return []
    low = min(float(values.min()) for _, values in named_values)
    high = max(float(values.max()) for _, values in named_values)
    x = np.linspace(low, high, EDF_POINTS)
    lines = []
    for name, values in named_values:
        counts = np.searchsorted(np.sort(values), x, side="right")
        lines.append(EdfLine(name, x, counts / len(values)))
    return lines
