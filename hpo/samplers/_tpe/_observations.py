"""A study's finished trials as numpy columns, appended as trials finish.

Finished trials never change, so each is converted once: its state, objective values, last
intermediate value, constraint violation and parameters (internal representation) go into
preallocated arrays that grow by doubling. Sampling then works on array slices instead of
looping over trial objects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from hpo._keys import CONSTRAINTS_KEY
from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

COMPLETE = 1
PRUNED = 2
# Bracket ids are computed lazily; this marks a row whose id is not known yet.
_UNKNOWN_BRACKET = np.iinfo(np.int64).min
_NO_BRACKET = np.iinfo(np.int64).min + 1
# Distinct parameter sets whose rows are remembered (conditional spaces have a few).
_MAX_CACHED_ROW_SETS = 256
_NO_ROWS = np.zeros(0, dtype=np.intp)


def internal_value(distribution: BaseDistribution, value: object) -> float:
    """Return the internal representation of a recorded parameter value."""
    if isinstance(distribution, CategoricalDistribution):
        return distribution.to_internal_repr(value)
    return float(value)  # type: ignore[arg-type]


def constraint_violation(trial: FrozenTrial) -> float:
    """Return the summed positive constraint values of a trial, or NaN if none are recorded."""
    constraints = trial.system_attrs.get(CONSTRAINTS_KEY)
    if constraints is None:
        return math.nan
    return float(sum(c for c in constraints if c > 0))


class TrialTable:
    """Columns of the COMPLETE and PRUNED trials of one study.

    Parameters
    ----------
    n_objectives:
        The number of objective values per trial.
    """

    def __init__(self, n_objectives: int) -> None:
        self.n_objectives = n_objectives
        self.size = 0
        self._capacity = 64
        self._numbers = np.empty(self._capacity, dtype=np.int64)
        self._states = np.empty(self._capacity, dtype=np.int8)
        self._values = np.empty((self._capacity, n_objectives))
        self._last_steps = np.empty(self._capacity)
        self._last_values = np.empty(self._capacity)
        self._violations = np.empty(self._capacity)
        self._brackets = np.empty(self._capacity, dtype=np.int64)
        self._columns: dict[str, np.ndarray] = {}
        self.trials: list[FrozenTrial] = []
        self._cursor = FinishedTrialCursor()
        # Names -> (table size when computed, how many rows have all of them, those rows
        # at the start of a buffer with room to append).
        self._rows_with: dict[tuple[str, ...], tuple[int, int, np.ndarray]] = {}
        # Bumped on every change, so derived results can be cached per version.
        self.version = 0

    # -- updates -------------------------------------------------------------------------
    def sync(self, trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
        """Append the trials that finished since the last call; return the RUNNING ones.

        Parameters
        ----------
        trials:
            All trials of the study in number order.

        Returns
        -------
        list[FrozenTrial]
            The study's RUNNING trials.
        """
        finished, running = self._cursor.scan(trials)
        for trial in finished:
            if trial.state == TrialState.COMPLETE or trial.state == TrialState.PRUNED:
                self._append(trial)
        return running

    def _grow(self) -> None:
        capacity = self._capacity * 2

        def grown(array: np.ndarray, fill: float = math.nan) -> np.ndarray:
            new = np.full((capacity, *array.shape[1:]), fill, dtype=array.dtype)
            new[: self._capacity] = array
            return new

        self._numbers = grown(self._numbers, 0)
        self._states = grown(self._states, 0)
        self._values = grown(self._values)
        self._last_steps = grown(self._last_steps)
        self._last_values = grown(self._last_values)
        self._violations = grown(self._violations)
        self._brackets = grown(self._brackets, _UNKNOWN_BRACKET)
        self._columns = {name: grown(column) for name, column in self._columns.items()}
        self._capacity = capacity

    def _append(self, trial: FrozenTrial) -> None:
        if self.size == self._capacity:
            self._grow()
        row = self.size
        self._numbers[row] = trial.number
        complete = trial.state == TrialState.COMPLETE
        self._states[row] = COMPLETE if complete else PRUNED
        values = trial.values
        if complete and values is not None and len(values) == self.n_objectives:
            self._values[row] = values
        else:
            self._values[row] = math.nan
        intermediate = trial.intermediate_values
        if intermediate:
            step = max(intermediate)
            self._last_steps[row] = step
            self._last_values[row] = intermediate[step]
        else:
            self._last_steps[row] = -math.inf
            self._last_values[row] = math.nan
        self._violations[row] = constraint_violation(trial)
        self._brackets[row] = _UNKNOWN_BRACKET
        distributions = trial.distributions
        for name, value in trial.params.items():
            column = self._columns.get(name)
            if column is None:
                column = np.full(self._capacity, math.nan)
                self._columns[name] = column
            column[row] = internal_value(distributions[name], value)
        self.trials.append(trial)
        self.size += 1
        self.version += 1

    # -- views ---------------------------------------------------------------------------
    @property
    def numbers(self) -> np.ndarray:
        """Trial numbers, shape ``(size,)``."""
        return self._numbers[: self.size]

    @property
    def states(self) -> np.ndarray:
        """``COMPLETE`` (1) or ``PRUNED`` (2), shape ``(size,)``."""
        return self._states[: self.size]

    @property
    def values(self) -> np.ndarray:
        """Objective values of COMPLETE rows (NaN otherwise), shape ``(size, n_objectives)``."""
        return self._values[: self.size]

    @property
    def last_steps(self) -> np.ndarray:
        """The last reported step (``-inf`` if none), shape ``(size,)``."""
        return self._last_steps[: self.size]

    @property
    def last_values(self) -> np.ndarray:
        """The value reported at the last step (NaN if none), shape ``(size,)``."""
        return self._last_values[: self.size]

    @property
    def violations(self) -> np.ndarray:
        """Summed positive constraint values (NaN when not recorded), shape ``(size,)``."""
        return self._violations[: self.size]

    def column(self, name: str) -> np.ndarray | None:
        """Internal values of parameter ``name`` (NaN where absent), or None if never seen."""
        column = self._columns.get(name)
        return None if column is None else column[: self.size]

    def rows_with(self, names: Sequence[str]) -> np.ndarray:
        """Return the rows that have every parameter in ``names`` (read-only).

        Rows never change once appended, so the answer is kept per set of names and extended
        by the rows appended since.
        """
        key = tuple(names)
        start, n_rows, buffer = self._rows_with.get(key, (0, 0, _NO_ROWS))
        if start < self.size:
            mask = np.ones(self.size - start, dtype=bool)
            for name in names:
                column = self.column(name)
                if column is None:
                    return _NO_ROWS
                mask &= ~np.isnan(column[start:])
            new_rows = start + np.flatnonzero(mask)
            total = n_rows + len(new_rows)
            if total > len(buffer):
                grown = np.empty(2 * total + 64, dtype=np.intp)
                grown[:n_rows] = buffer[:n_rows]
                buffer = grown
            buffer[n_rows:total] = new_rows
            n_rows = total
            if len(self._rows_with) >= _MAX_CACHED_ROW_SETS:
                self._rows_with.clear()
            self._rows_with[key] = (self.size, n_rows, buffer)
        return buffer[:n_rows]

    def rows_with_exactly(self, names: Sequence[str]) -> np.ndarray:
        """Return the rows that have every parameter in ``names`` and no other."""
        rows = self.rows_with(names)
        wanted = set(names)
        mask = np.ones(len(rows), dtype=bool)
        for name, column in self._columns.items():
            if name not in wanted:
                mask &= np.isnan(column[rows])
        return rows[mask]

    def brackets(self, study: StudyView) -> np.ndarray:
        """Return each row's bracket id from the study's pruner, computing unknown ones once."""
        brackets = self._brackets[: self.size]
        unknown = np.flatnonzero(brackets == _UNKNOWN_BRACKET)
        for row in unknown:
            bracket = study.pruner.bracket_id(study, self.trials[row])
            brackets[row] = _NO_BRACKET if bracket is None else int(bracket)
        return brackets
