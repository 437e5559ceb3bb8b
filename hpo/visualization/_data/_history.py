"""Data of the optimization history plot: values and best values so far, per study."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.visualization._data._trials import Target, check_target, read_table

if TYPE_CHECKING:
    from hpo.study import Study


@dataclass(frozen=True, eq=False)
class HistoryLine:
    """One study's completed trials in order: numbers, values and the best value so far.

    ``best_values`` is ``None`` when a custom target is plotted (no direction applies).
    """

    study_name: str
    numbers: np.ndarray
    values: np.ndarray
    best_values: np.ndarray | None


@dataclass(frozen=True, eq=False)
class HistoryBand:
    """Mean and standard deviation across studies at each trial number."""

    numbers: np.ndarray
    value_mean: np.ndarray
    value_std: np.ndarray
    best_mean: np.ndarray | None
    best_std: np.ndarray | None


def history_lines(
    studies: Sequence[Study], target: Target | None = None, target_name: str = "Objective Value"
) -> list[HistoryLine]:
    """Return one :class:`HistoryLine` per study (completed trials with finite values).

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``.
    """
    for study in studies:
        check_target(study, target, target_name)
    lines = []
    for study in studies:
        table = read_table(study, target, target_name, with_params=False)
        order = np.argsort(table.numbers, kind="stable")
        numbers, values = table.numbers[order], table.values[order]
        best = None
        if target is None:
            maximize = study.directions[0] == StudyDirection.MAXIMIZE
            best = (np.maximum if maximize else np.minimum).accumulate(values)
        lines.append(HistoryLine(study.study_name, numbers, values, best))
    return lines


def _by_number(lines: Sequence[HistoryLine], field: str, width: int) -> np.ndarray:
    matrix = np.full((len(lines), width), np.nan)
    for row, line in enumerate(lines):
        matrix[row, line.numbers] = getattr(line, field)
    return matrix


def history_band(lines: Sequence[HistoryLine]) -> HistoryBand:
    """Aggregate several studies' lines; a study's best value carries over between its trials."""
    width = max((int(line.numbers.max()) + 1 for line in lines if len(line.numbers)), default=0)
    values = _by_number(lines, "values", width)
    columns = ~np.isnan(values).all(axis=0)
    numbers = np.flatnonzero(columns)
    shown = values[:, columns]
    best_mean = best_std = None
    if all(line.best_values is not None for line in lines):
        best = _by_number(lines, "best_values", width)
        # Forward-fill each study's best value over the trial numbers it did not complete.
        last = np.where(np.isnan(best), 0, np.arange(width))
        np.maximum.accumulate(last, axis=1, out=last)
        best = np.take_along_axis(best, last, axis=1)[:, columns]
        best_mean, best_std = _nan_mean_std(best)
    value_mean, value_std = _nan_mean_std(shown)
    return HistoryBand(numbers, value_mean, value_std, best_mean, best_std)


def _nan_mean_std(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = (~np.isnan(matrix)).sum(axis=0)
    safe = np.maximum(counts, 1)
    mean = np.nansum(matrix, axis=0) / safe
    variance = np.nansum((matrix - mean) ** 2, axis=0) / safe
    mean[counts == 0] = np.nan
    return mean, np.sqrt(variance)
