"""What the two forest-based evaluators share: arguments, validation and fitting."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from hpo.importance._base import BaseImportanceEvaluator, sort_by_importance
from hpo.importance._data import ImportanceData, one_hot, read_trials
from hpo.importance._forest import Forest, fit_forest
from hpo.pruners._rules import check_int

if TYPE_CHECKING:
    from hpo.study import Study
    from hpo.trial import FrozenTrial

# Rows drawn for each tree. Beyond a few thousand rows the importances barely move, while the
# time to grow a tree keeps growing with its rows; the forest as a whole still sees every row.
MAX_SAMPLES_PER_TREE = 1024


def _check_seed(seed: object) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int or None, got {seed!r}.")
    return int(seed)


class _ForestImportanceEvaluator(BaseImportanceEvaluator):
    """An evaluator that fits a random forest to the trials and reads importances from it."""

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        self._n_trees = check_int("n_trees", n_trees, 1)
        self._max_depth = check_int("max_depth", max_depth, 1)
        self._seed = _check_seed(seed)

    def _fit(self, data: ImportanceData) -> tuple[Forest, np.ndarray, np.ndarray]:
        features, owner = one_hot(data)
        forest = fit_forest(
            features,
            data.values,
            n_trees=self._n_trees,
            max_depth=self._max_depth,
            rng=np.random.default_rng(self._seed),
            max_samples=MAX_SAMPLES_PER_TREE,
        )
        return forest, features, owner

    def _importances(
        self, data: ImportanceData, forest: Forest, features: np.ndarray, owner: np.ndarray
    ) -> np.ndarray:
        raise NotImplementedError

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Return each parameter's importance, highest first.

        Parameters
        ----------
        study:
            The study whose COMPLETE trials are evaluated.
        params:
            Parameter names; ``None`` means all parameters every COMPLETE trial has.
        target:
            The value to explain; required for a multi-objective study.

        Returns
        -------
        dict[str, float]
            Parameter name to non-negative importance.
        """
        data = read_trials(study, params, target)
        if not data.names:
            return {}
        forest, features, owner = self._fit(data)
        return sort_by_importance(data.names, self._importances(data, forest, features, owner))
