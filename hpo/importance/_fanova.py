"""Functional ANOVA over a random forest (Hutter, Hoos and Leyton-Brown, ICML 2014).

Each regression tree is a piecewise-constant function on the search space, which (for this
purpose) carries the uniform measure: numerical parameters uniformly on [0, 1] of their
transformed range, categorical parameters uniformly over their choices. For one tree, with
leaves ``l`` of volume ``|l|`` and value ``v_l``, the mean is ``f0 = sum |l| v_l`` and the
variance ``V = sum |l| (v_l - f0)^2``. The main effect of parameter ``j`` is the marginal
``a_j(x) = sum over leaves whose box contains x of v_l |l| / |l_j|`` (the leaf's volume
without its extent along ``j``); it is constant between consecutive split points on ``j``,
so its variance ``V_j`` is an exact finite sum. The importance of ``j`` is ``V_j / V``,
averaged over the trees.

A categorical parameter with ``k`` choices is seen by the trees as ``k`` indicator features;
a leaf's extent along the parameter is the set of choices its indicator bounds allow.
"""

from __future__ import annotations

import numpy as np

from hpo.importance._data import ImportanceData
from hpo.importance._forest import Forest
from hpo.importance._forest_evaluator import _ForestImportanceEvaluator


def _extents(
    forest: Forest, owner: np.ndarray, n_choices: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """Each leaf's extent along each parameter, and the choices it allows per categorical."""
    n_leaves = forest.leaf_value.size
    extent = np.empty((n_leaves, n_choices.size))
    allowed: list[np.ndarray | None] = []
    for param, k in enumerate(n_choices):
        columns = np.flatnonzero(owner == param)
        if k == 0:
            column = columns[0]
            extent[:, param] = forest.leaf_high[:, column] - forest.leaf_low[:, column]
            allowed.append(None)
            continue
        # Indicator bounds: high > 0.5 lets the indicator be 1, low < 0.5 lets it be 0.
        may_be_one = forest.leaf_high[:, columns] > 0.5
        may_be_zero = forest.leaf_low[:, columns] < 0.5
        others_zero = may_be_zero.sum(axis=1, keepdims=True) - may_be_zero == k - 1
        choices = may_be_one & others_zero
        extent[:, param] = choices.sum(axis=1) / k
        allowed.append(choices)
    return extent, allowed


def split_grid(column: np.ndarray) -> np.ndarray:
    """Every bound a leaf can have along a feature: 0, 1 and the midpoints between values."""
    distinct = np.unique(column)
    below, above = distinct[:-1], distinct[1:]
    middle = 0.5 * (below + above)
    return np.concatenate(([0.0], np.where(middle < above, middle, below), [1.0]))


def _numerical_variance(
    forest: Forest, column: int, grid: np.ndarray, weight: np.ndarray, mean: np.ndarray
) -> np.ndarray:
    """Variance of one numerical parameter's main effect in every tree.

    ``grid`` holds, sorted, every value the leaves' bounds along ``column`` take.
    """
    n_trees = mean.size
    n_cells = grid.size - 1
    start = np.searchsorted(grid, forest.leaf_low[:, column])
    stop = np.searchsorted(grid, forest.leaf_high[:, column])
    # The marginal on each cell: add each leaf's weight where its interval starts, remove it
    # where it stops, and accumulate.
    keys = np.concatenate(
        (forest.leaf_tree * (n_cells + 1) + start, forest.leaf_tree * (n_cells + 1) + stop)
    )
    deltas = np.concatenate((weight, -weight))
    marginal = np.cumsum(
        np.bincount(keys, deltas, minlength=n_trees * (n_cells + 1)).reshape(n_trees, n_cells + 1),
        axis=1,
    )[:, :n_cells]
    widths = np.diff(grid)
    return ((marginal - mean[:, None]) ** 2 * widths[None, :]).sum(axis=1)


def _categorical_variance(
    forest: Forest, choices: np.ndarray, weight: np.ndarray, mean: np.ndarray
) -> np.ndarray:
    """Variance of one categorical parameter's main effect in every tree."""
    n_trees = mean.size
    marginal = np.stack(
        [
            np.bincount(forest.leaf_tree, weight * choices[:, c], minlength=n_trees)
            for c in range(choices.shape[1])
        ],
        axis=1,
    )
    return ((marginal - mean[:, None]) ** 2).mean(axis=1)


def fanova_importances(
    forest: Forest, grids: list[np.ndarray | None], owner: np.ndarray, n_choices: np.ndarray
) -> np.ndarray:
    """Return each parameter's share of the forest's variance, averaged over trees.

    Parameters
    ----------
    forest:
        A forest fitted to ``features``.
    grids:
        For each feature column, the sorted values the leaves' bounds take (see
        :func:`split_grid`); ``None`` for indicator columns of categorical parameters.
    owner:
        Parameter index of each feature column.
    n_choices:
        Number of choices of each parameter, 0 for a numerical one.

    Returns
    -------
    numpy.ndarray
        ``(n_params,)`` mean fraction of each tree's variance explained by each parameter's
        main effect; 0 for every parameter if no tree varies.
    """
    n_trees = forest.impurity_decrease.shape[0]
    extent, allowed = _extents(forest, owner, n_choices)
    volume = extent.prod(axis=1)
    value = forest.leaf_value
    mean = np.bincount(forest.leaf_tree, volume * value, minlength=n_trees)
    variance = np.bincount(
        forest.leaf_tree, volume * (value - mean[forest.leaf_tree]) ** 2, minlength=n_trees
    )
    varies = variance > 1e-12 * np.maximum(
        np.bincount(forest.leaf_tree, volume * value**2, minlength=n_trees), 1e-300
    )
    shares = np.zeros((n_trees, n_choices.size))
    if not varies.any():
        return shares.sum(axis=0)
    for param, choices in enumerate(allowed):
        weight = value * volume / extent[:, param]
        if choices is None:
            column = int(np.flatnonzero(owner == param)[0])
            grid = grids[column]
            assert grid is not None
            effect = _numerical_variance(forest, column, grid, weight, mean)
        else:
            effect = _categorical_variance(forest, choices, weight, mean)
        shares[varies, param] = effect[varies] / variance[varies]
    return shares.sum(axis=0) / n_trees


class FanovaImportanceEvaluator(_ForestImportanceEvaluator):
    """fANOVA importance evaluator.

    Implements functional ANOVA as described in Hutter, Hoos and Leyton-Brown, "An Efficient
    Approach for Assessing Hyperparameter Importance" (ICML 2014). A random forest of
    regression trees is fitted to the COMPLETE trials (parameters to target value); for each
    tree the variance of each parameter's main effect (its marginal, averaging the tree over
    all other parameters uniformly on the search space) is computed exactly from the tree's
    partition, as a share of the tree's variance; the importance is that share averaged over
    the trees. Log-scale parameters are used in log space; a categorical parameter counts
    as uniform over its choices.

    The importances describe the fitted forest: trials spread over the whole search space
    (for example from :class:`~hpo.samplers.RandomSampler`) give the most faithful picture.
    Interactions are not attributed to any single parameter, so unnormalized importances can
    sum to less than 1.

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
    >>> from hpo.importance import FanovaImportanceEvaluator, get_param_importances
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: 3 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 200)
    >>> importances = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0))
    >>> list(importances), round(importances["x"], 1)
    (['x', 'y'], 0.9)
    """

    def _importances(
        self, data: ImportanceData, forest: Forest, features: np.ndarray, owner: np.ndarray
    ) -> np.ndarray:
        grids: list[np.ndarray | None] = [
            None if data.n_choices[param] else split_grid(features[:, column])
            for column, param in enumerate(owner)
        ]
        return fanova_importances(forest, grids, owner, data.n_choices)
