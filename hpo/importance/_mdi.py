"""Mean decrease in impurity: how much each parameter's splits reduce the forest's error."""

from __future__ import annotations

import numpy as np

from hpo.importance._data import ImportanceData
from hpo.importance._forest import Forest
from hpo.importance._forest_evaluator import _ForestImportanceEvaluator


def mean_decrease_impurity(forest: Forest, owner: np.ndarray, n_params: int) -> np.ndarray:
    """Return each parameter's share of the squared-error decrease, averaged over trees.

    Parameters
    ----------
    forest:
        A fitted forest.
    owner:
        Parameter index of each feature column (a categorical parameter owns several).
    n_params:
        Number of parameters.

    Returns
    -------
    numpy.ndarray
        ``(n_params,)`` non-negative shares; they sum to 1 unless no tree has a split.
    """
    per_tree = np.zeros((forest.impurity_decrease.shape[0], n_params))
    for column, param in enumerate(owner):
        per_tree[:, param] += forest.impurity_decrease[:, column]
    totals = per_tree.sum(axis=1)
    split = totals > 0
    if not split.any():
        return np.zeros(n_params)
    return (per_tree[split] / totals[split, None]).sum(axis=0) / per_tree.shape[0]


class MeanDecreaseImpurityImportanceEvaluator(_ForestImportanceEvaluator):
    """Mean Decrease Impurity (MDI) parameter importance evaluator.

    A random forest of regression trees is fitted to the COMPLETE trials (parameters to
    target value). The importance of a parameter is the reduction of squared error that the
    splits on it achieve, as a share of each tree's total reduction, averaged over the trees.
    A categorical parameter is split on through one indicator per choice; its importance is the
    sum over its indicators. Log-scale parameters are used in log space.

    Parameters
    ----------
    n_trees:
        Number of trees in the forest.
    max_depth:
        Maximum depth of each tree.
    seed:
        Seed of the forest's randomness; the same seed gives the same importances.

    Raises
    ------
    TypeError
        If ``n_trees`` or ``max_depth`` is not an int, or ``seed`` is neither an int nor None.
    ValueError
        If ``n_trees`` or ``max_depth`` is smaller than 1.

    Examples
    --------
    >>> import hpo
    >>> from hpo.importance import MeanDecreaseImpurityImportanceEvaluator
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> def objective(trial):
    ...     return trial.suggest_float("x", 0, 1) + 0.01 * trial.suggest_float("y", 0, 1)
    >>> study.optimize(objective, n_trials=50)
    >>> evaluator = MeanDecreaseImpurityImportanceEvaluator(seed=0)
    >>> list(hpo.importance.get_param_importances(study, evaluator=evaluator))
    ['x', 'y']
    """

    def _importances(
        self, data: ImportanceData, forest: Forest, features: np.ndarray, owner: np.ndarray
    ) -> np.ndarray:
        return mean_decrease_impurity(forest, owner, len(data.names))
