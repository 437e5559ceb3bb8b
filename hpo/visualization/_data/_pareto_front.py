"""What the Pareto front plot shows: each trial's targets, split into best, dominated and
infeasible trials."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo._keys import CONSTRAINTS_KEY
from hpo._pareto import is_pareto_front
from hpo._study_direction import StudyDirection
from hpo.exceptions import HpoWarning
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study import Study


@dataclass(frozen=True, eq=False)
class ParetoFrontData:
    """The points of a Pareto front plot, already in axis order.

    Attributes
    ----------
    target_names:
        One axis title per target (2 or 3).
    best_numbers, best_values:
        Numbers of the feasible trials on the Pareto front, and their targets
        (shape ``(n, n_targets)``).
    dominated_numbers, dominated_values:
        The feasible trials off the front (empty when dominated trials are not included).
    infeasible_numbers, infeasible_values:
        The trials that violate a constraint.
    has_constraints:
        Whether constraints were known (from ``constraints_func`` or stored with the trials).
    """

    target_names: tuple[str, ...]
    best_numbers: np.ndarray
    best_values: np.ndarray
    dominated_numbers: np.ndarray
    dominated_values: np.ndarray
    infeasible_numbers: np.ndarray
    infeasible_values: np.ndarray
    has_constraints: bool

    @property
    def n_targets(self) -> int:
        """The number of axes: 2 or 3."""
        return len(self.target_names)


def _feasibility(
    trials: list[FrozenTrial],
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
) -> tuple[np.ndarray, bool]:
    """Return a feasible mask and whether any constraint was known."""
    feasible = np.ones(len(trials), dtype=bool)
    has_constraints = constraints_func is not None
    for index, trial in enumerate(trials):
        constraints: Sequence[float] | None
        if constraints_func is not None:
            constraints = constraints_func(trial)
        else:
            constraints = trial.system_attrs.get(CONSTRAINTS_KEY)
            if constraints is None:
                continue
            has_constraints = True
        feasible[index] = all(float(c) <= 0.0 for c in constraints)
    return feasible, has_constraints


def _check_axis_order(axis_order: Sequence[int], n_objectives: int) -> list[int]:
    order = [int(i) for i in axis_order]
    if sorted(order) != list(range(n_objectives)):
        raise ValueError(
            f"axis_order must be a permutation of range({n_objectives}), got {list(axis_order)}."
        )
    return order


def pareto_front_data(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> ParetoFrontData:
    """Split the COMPLETE trials of ``study`` into Pareto-best, dominated and infeasible ones.

    The front is computed among the feasible trials, in the study's directions (custom
    ``targets`` are minimized unless there is one per objective, then they follow the
    study's directions). A trial is infeasible when a value of ``constraints_func(trial)``,
    or of the constraints stored with it, is ``> 0``. Warns with :class:`HpoWarning` when
    there is no COMPLETE trial.

    Parameters
    ----------
    study, target_names, include_dominated_trials, axis_order, constraints_func, targets:
        As in :func:`~hpo.visualization.plot_pareto_front`.

    Returns
    -------
    ParetoFrontData
        The points per category.

    Raises
    ------
    ValueError
        For a study without 2 or 3 objectives and no ``targets``, ``targets`` returning
        other than 2 or 3 values, ``axis_order`` together with ``targets`` or not a
        permutation, ``target_names`` of the wrong length, or ``targets`` on a study without
        COMPLETE trials and no ``target_names``.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(directions=["minimize", "minimize"])
    >>> for values in ([1.0, 2.0], [2.0, 1.0], [3.0, 3.0]):
    ...     study.add_trial(hpo.create_trial(values=values))
    >>> data = pareto_front_data(study)
    >>> data.best_numbers.tolist(), data.dominated_numbers.tolist()
    ([0, 1], [2])
    """
    n_objectives = len(study.directions)
    if targets is not None and axis_order is not None:
        raise ValueError("axis_order and targets cannot be used at the same time.")
    if targets is None and n_objectives not in (2, 3):
        raise ValueError(
            f"The Pareto front plot needs 2 or 3 objectives, the study has {n_objectives}; "
            "pass targets= to choose 2 or 3 values per trial."
        )
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        warnings.warn("The study has no COMPLETE trial to plot.", HpoWarning, stacklevel=3)
    if targets is None:
        order = (
            list(range(n_objectives))
            if axis_order is None
            else _check_axis_order(axis_order, n_objectives)
        )
        n_targets = len(order)
        values = np.array([t.values for t in trials], dtype=float).reshape(-1, n_objectives)
        values = values[:, order]
        signs = np.array(
            [-1.0 if study.directions[i] == StudyDirection.MAXIMIZE else 1.0 for i in order]
        )
    else:
        rows = [[float(v) for v in targets(t)] for t in trials]
        lengths = {len(row) for row in rows}
        if not rows:
            if target_names is None:
                raise ValueError(
                    "targets on a study without COMPLETE trials needs target_names to know "
                    "the number of axes."
                )
            lengths = {len(target_names)}
        if len(lengths) != 1 or not lengths <= {2, 3}:
            raise ValueError(
                f"targets must return 2 or 3 values per trial, got {sorted(lengths)}."
            )
        n_targets = lengths.pop()
        values = np.array(rows, dtype=float).reshape(-1, n_targets)
        same_as_objectives = n_targets == n_objectives
        signs = np.array(
            [
                -1.0 if same_as_objectives and d == StudyDirection.MAXIMIZE else 1.0
                for d in (study.directions if same_as_objectives else [None] * n_targets)
            ]
        )
        order = list(range(n_targets))
    if target_names is None:
        metric_names = study.metric_names if targets is None else None
        names = [metric_names[i] if metric_names else f"Objective {i}" for i in order]
    else:
        if len(target_names) != n_targets:
            raise ValueError(
                f"target_names must have {n_targets} names, got {len(target_names)}: "
                f"{target_names!r}."
            )
        names = [str(n) for n in target_names]

    numbers = np.array([t.number for t in trials], dtype=int)
    feasible, has_constraints = _feasibility(trials, constraints_func)
    best = np.zeros(len(trials), dtype=bool)
    feasible_index = np.flatnonzero(feasible)
    if feasible_index.size:
        # NaN cannot be ordered; such a row is never on the front.
        losses = values[feasible_index] * signs
        comparable = ~np.isnan(losses).any(axis=1)
        candidates = feasible_index[comparable]
        best[candidates[is_pareto_front(losses[comparable])]] = True
    dominated = feasible & ~best
    if not include_dominated_trials:
        dominated[:] = False
    return ParetoFrontData(
        target_names=tuple(names),
        best_numbers=numbers[best],
        best_values=values[best],
        dominated_numbers=numbers[dominated],
        dominated_values=values[dominated],
        infeasible_numbers=numbers[~feasible],
        infeasible_values=values[~feasible],
        has_constraints=has_constraints,
    )
