"""The interface every importance evaluator implements."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from hpo.study import Study
    from hpo.trial import FrozenTrial


class BaseImportanceEvaluator(abc.ABC):
    """Base class of parameter importance evaluators.

    An evaluator turns the COMPLETE trials of a study into one non-negative importance per
    parameter. :func:`hpo.importance.get_param_importances` calls :meth:`evaluate`, then
    normalizes and sorts the result; a custom evaluator only has to implement :meth:`evaluate`.

    Examples
    --------
    >>> import hpo
    >>> from hpo.importance import BaseImportanceEvaluator, get_param_importances
    >>> class Equal(BaseImportanceEvaluator):
    ...     def evaluate(self, study, params=None, *, target=None):
    ...         names = params if params is not None else study.best_trial.params
    ...         return {name: 1.0 for name in names}
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 3)
    >>> get_param_importances(study, evaluator=Equal())
    {'x': 0.5, 'y': 0.5}
    """

    @abc.abstractmethod
    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Return the importance of each parameter, sorted by importance, highest first.

        Parameters
        ----------
        study:
            The study whose COMPLETE trials are evaluated.
        params:
            Names of the parameters to evaluate. ``None`` means every parameter that all
            COMPLETE trials have (with the same distribution).
        target:
            Maps a trial to the value to explain. Required for a multi-objective study;
            ``None`` means the objective value of a single-objective study.

        Returns
        -------
        dict[str, float]
            Parameter name to non-negative importance.
        """


def sort_by_importance(names: list[str], importances: np.ndarray) -> dict[str, float]:
    """Pair names with importances, highest first (ties keep the parameters' order)."""
    ranking = np.argsort(-importances, kind="stable")
    return {names[i]: float(importances[i]) for i in ranking}
