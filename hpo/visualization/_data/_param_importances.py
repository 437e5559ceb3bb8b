"""Data of the parameter importances plot: one importance per parameter and objective."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo.importance import get_param_importances
from hpo.trial import TrialState
from hpo.visualization._data._trials import (
    Target,
    choose_params,
    objective_target,
    table_from_trials,
)

if TYPE_CHECKING:
    from hpo.importance import BaseImportanceEvaluator
    from hpo.study import Study


PLOT = "plot_param_importances"


@dataclass(frozen=True, eq=False)
class ImportanceBars:
    """``importances[k, j]``: importance of ``params[j]`` for objective ``names[k]``.

    Parameters are ordered by their importance for the first objective, least important first
    (the order of horizontal bars from the bottom up).
    """

    names: list[str]
    params: list[str]
    importances: np.ndarray


def importance_label(value: float) -> str:
    """The text shown on a bar: two decimals, or ``<0.01`` for smaller values."""
    return f"{value:.2f}" if value >= 0.01 else "<0.01"


def importance_bars(
    study: Study,
    evaluator: BaseImportanceEvaluator | None,
    params: Sequence[str] | None,
    target: Target | None,
    target_name: str,
) -> ImportanceBars | None:
    """Evaluate the importances of the study (one row per objective when ``target`` is None).

    Rows are named after the study's metric names when it has them and ``target`` is None.
    ``None`` when there is nothing to show: no completed trial (after a warning) or no
    parameter.

    Raises
    ------
    ValueError
        For a name in ``params`` that no completed trial has.
    """
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not choose_params(table_from_trials(complete, with_values=False), params, PLOT):
        return None
    n_objectives = len(study.directions)
    metric_names = study.metric_names if target is None else None
    if target is not None or n_objectives == 1:
        targets: list[Target | None] = [target]
        names = [target_name] if metric_names is None else list(metric_names)
    else:
        targets = [objective_target(k) for k in range(n_objectives)]
        names = metric_names or [f"{target_name} {k}" for k in range(n_objectives)]
    results = [
        get_param_importances(
            study,
            evaluator=evaluator,
            params=None if params is None else list(params),
            target=objective,
        )
        for objective in targets
    ]
    order = sorted(results[0], key=lambda name: results[0][name])
    importances = np.array([[result.get(name, 0.0) for name in order] for result in results])
    return ImportanceBars(names, order, importances.reshape(len(results), len(order)))
