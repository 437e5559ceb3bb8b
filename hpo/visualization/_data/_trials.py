"""Read a study's trials once into columns: numbers, target values, one per parameter."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import HpoWarning
from hpo.trial import FrozenTrial, TrialState

_NUMBER = attrgetter("_number")
_VALUES = attrgetter("_values")
_NAN = float("nan")

if TYPE_CHECKING:
    from hpo.study import Study

Target = Callable[[FrozenTrial], float]


def objective_target(index: int) -> Target:
    """The target that reads a trial's ``index``-th objective value (NaN without values)."""

    def value(trial: FrozenTrial) -> float:
        values = trial._values
        return _NAN if values is None else values[index]

    return value


def warn_empty(message: str) -> None:
    """Warn that a plot has nothing to show (every plot then returns an empty figure)."""
    warnings.warn(message, HpoWarning, stacklevel=4)


def check_target(study: Study, target: Target | None, target_name: str) -> None:
    """Raise ``ValueError`` for a multi-objective study plotted without ``target``."""
    n_objectives = len(study.directions)
    if target is None and n_objectives > 1:
        raise ValueError(
            f"The study has {n_objectives} objectives: pass target=lambda t: t.values[i] "
            f"to plot one of them (and target_name={target_name!r} to label it)."
        )


@dataclass(frozen=True, eq=False)
class ParamColumn:
    """One parameter across the rows of a :class:`TrialTable`.

    ``values`` is NaN where a trial lacks the parameter; for a categorical parameter it holds
    the index into ``choices``.
    """

    name: str
    values: np.ndarray
    is_log: bool
    is_categorical: bool
    choices: tuple[Any, ...] = ()

    @property
    def present(self) -> np.ndarray:
        """Boolean mask of the rows that have this parameter."""
        return ~np.isnan(self.values)

    @property
    def labels(self) -> list[str]:
        """The categorical choices as axis labels."""
        return [str(choice) for choice in self.choices]


@dataclass(frozen=True, eq=False)
class TrialTable:
    """Trials as columns; row ``i`` of every array is the same trial."""

    numbers: np.ndarray
    values: np.ndarray
    params: dict[str, ParamColumn]

    def __len__(self) -> int:
        return len(self.numbers)


def _column(name: str, n_rows: int, rows: list[int], raw: list[Any], dist: Any) -> ParamColumn:
    values = np.full(n_rows, np.nan)
    if isinstance(dist, CategoricalDistribution):
        index = {choice: i for i, choice in enumerate(dist.choices)}
        choices = list(dist.choices)
        codes = []
        for value in raw:
            code = index.get(value)
            if code is None:  # a choice only a later distribution of a dynamic space has
                code = index[value] = len(choices)
                choices.append(value)
            codes.append(code)
        values[rows] = codes
        return ParamColumn(name, values, False, True, tuple(choices))
    values[rows] = np.asarray(raw, dtype=float)
    is_log = isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log
    return ParamColumn(name, values, bool(is_log), False)


def table_from_trials(
    trials: Sequence[FrozenTrial],
    target: Target | None = None,
    *,
    with_values: bool = True,
    with_params: bool = True,
) -> TrialTable:
    """Build a :class:`TrialTable` from trials in one pass.

    Rows whose target value is not finite are dropped when ``with_values`` is true; without
    ``with_params`` the table has no parameter columns (for plots of values only).
    """
    n_rows = len(trials)
    # Plain attribute reads through attrgetter: large studies make this loop the hot path.
    numbers = np.fromiter(map(_NUMBER, trials), dtype=np.int64, count=n_rows)
    if not with_values:
        values = np.full(n_rows, np.nan)
    elif target is None:
        values = np.array([v[0] if v else _NAN for v in map(_VALUES, trials)], dtype=float)
    else:
        values = np.fromiter((target(t) for t in trials), dtype=float, count=n_rows)
    collected: dict[str, tuple[list[int], list[Any], Any]] = {}
    for row, trial in enumerate(trials if with_params else ()):
        for name, value in trial.params.items():
            entry = collected.get(name)
            if entry is None:
                entry = collected[name] = ([], [], trial.distributions[name])
            entry[0].append(row)
            entry[1].append(value)
    params = {name: _column(name, n_rows, *collected[name]) for name in sorted(collected)}
    table = TrialTable(numbers, values, params)
    if with_values:
        keep = np.isfinite(values)
        if not keep.all():
            table = select_rows(table, keep)
    return table


def select_rows(table: TrialTable, mask: np.ndarray) -> TrialTable:
    """Return the rows of ``table`` where ``mask`` is true."""
    params = {
        name: ParamColumn(c.name, c.values[mask], c.is_log, c.is_categorical, c.choices)
        for name, c in table.params.items()
    }
    return TrialTable(table.numbers[mask], table.values[mask], params)


def read_table(
    study: Study,
    target: Target | None = None,
    target_name: str = "Objective Value",
    states: tuple[TrialState, ...] = (TrialState.COMPLETE,),
    *,
    with_params: bool = True,
) -> TrialTable:
    """Read the study's trials in ``states`` once into a :class:`TrialTable`.

    Raises
    ------
    ValueError
        For a multi-objective study without ``target``.
    """
    check_target(study, target, target_name)
    trials = study.get_trials(deepcopy=False, states=states)
    return table_from_trials(trials, target, with_params=with_params)


def choose_params(
    table: TrialTable, params: Sequence[str] | None, plot_name: str
) -> list[str] | None:
    """Return the parameter names to plot, or ``None`` (after a warning) when nothing to show.

    Raises
    ------
    ValueError
        For a name in ``params`` that no completed trial has (a typo, as in Optuna).
    """
    if len(table) == 0:
        warn_empty(f"{plot_name}: the study has no completed trials; the figure is empty.")
        return None
    names = list(table.params) if params is None else list(params)
    missing = [name for name in names if name not in table.params]
    if missing:
        raise ValueError(
            f"{plot_name}: no completed trial has the parameter(s) {missing} "
            f"(known: {list(table.params)})."
        )
    return names
