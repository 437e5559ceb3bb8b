"""``get_param_importances``: the entry point of parameter importance evaluation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hpo.importance._base import BaseImportanceEvaluator
from hpo.importance._ped_anova import PedAnovaImportanceEvaluator

if TYPE_CHECKING:
    from hpo.study import Study
    from hpo.trial import FrozenTrial


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Callable[[FrozenTrial], float] | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Evaluate how much each parameter mattered, from the COMPLETE trials of a study.

    Importances are non-negative; higher means more important. The dictionary is ordered by
    importance, highest first. By default the importances are normalized to sum to 1.

    With ``params=None`` the parameters that every COMPLETE trial has (with the same
    distribution) are evaluated, so conditional parameters are left out. Listing parameters in
    ``params`` evaluates them on the COMPLETE trials that have all of them; an empty list gives
    an empty dictionary.

    Parameters
    ----------
    study:
        The study.
    evaluator:
        The importance algorithm; :class:`PedAnovaImportanceEvaluator` when ``None`` (the
        default of Optuna 5; pass :class:`FanovaImportanceEvaluator` for functional ANOVA).
    params:
        Names of the parameters to evaluate; ``None`` means all shared parameters.
    target:
        Maps a trial to the value to explain, for example ``lambda t: t.values[1]`` or
        ``lambda t: t.duration.total_seconds()``. Required for a multi-objective study;
        ``None`` means the objective value.
    normalize:
        Scale the importances to sum to 1 (equal shares if all are 0). With ``False`` the
        evaluator's raw values are returned.

    Returns
    -------
    dict[str, float]
        Parameter name to importance, highest first.

    Raises
    ------
    TypeError
        If ``evaluator`` is not a :class:`BaseImportanceEvaluator` or ``params`` is not a list
        of names.
    ValueError
        If the study has no COMPLETE trial, fewer than two COMPLETE trials with all ``params``
        (and a finite target), or several objectives and no ``target``.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -10, 10)
    ...     y = trial.suggest_int("y", 0, 10)
    ...     lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    ...     return x**2 + 0.1 * y + 0.01 * lr
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=100)
    >>> importances = hpo.importance.get_param_importances(study)
    >>> next(iter(importances))
    'x'
    >>> round(sum(importances.values()), 6)
    1.0
    """
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(
            f"evaluator must be a BaseImportanceEvaluator (for example "
            f"PedAnovaImportanceEvaluator()), got {evaluator!r}."
        )
    if params is not None:
        if isinstance(params, str) or not all(isinstance(name, str) for name in params):
            raise TypeError(f"params must be a list of parameter names, got {params!r}.")
        params = list(params)
        if not params:
            return {}
    importances = evaluator.evaluate(study, params=params, target=target)
    importances = {name: max(float(value), 0.0) for name, value in importances.items()}
    if normalize and importances:
        total = sum(importances.values())
        if total > 0:
            importances = {name: value / total for name, value in importances.items()}
        else:
            importances = {name: 1.0 / len(importances) for name in importances}
    return dict(sorted(importances.items(), key=lambda item: item[1], reverse=True))
