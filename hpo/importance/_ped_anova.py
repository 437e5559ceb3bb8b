"""PED-ANOVA (Watanabe, Bansal and Hutter, IJCAI 2023).

Let the *target* set be the trials whose value is in the top ``target_quantile`` (gamma'), and
the *region* set those in the top ``region_quantile`` (gamma >= gamma'). In the region, the
indicator "this trial is in the target set" has, along parameter ``d``, the marginal
``(gamma'/gamma) p'(x_d) / p(x_d)``, where ``p'`` and ``p`` are the densities of ``x_d`` in the
target and region sets. Its variance, the importance of ``d``, is therefore a Pearson
divergence: ``(gamma'/gamma)^2 * E_p[(p'/p - 1)^2]``. Both densities are Gaussian kernel
estimates (Scott's bandwidth) on a grid of cells over the parameter's transformed range, so
each parameter costs a histogram and a small matrix product.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from hpo._study_direction import StudyDirection
from hpo.distributions import FloatDistribution, IntDistribution, grid_size
from hpo.importance._base import BaseImportanceEvaluator, sort_by_importance
from hpo.importance._data import ImportanceData, read_trials

if TYPE_CHECKING:
    from hpo.study import Study
    from hpo.trial import FrozenTrial

_MAX_CELLS = 50
_MIN_TARGET_TRIALS = 2


def _n_cells(data: ImportanceData, param: int) -> int:
    """Cells of a numerical parameter's grid: one per value for a short stepped range."""
    dist = data.distributions[param]
    n_values = grid_size(dist)
    if isinstance(dist, (FloatDistribution, IntDistribution)) and n_values and not dist.log:
        return max(1, min(n_values, _MAX_CELLS))
    return _MAX_CELLS


def _kernel_density(unit: np.ndarray, n_cells: int) -> np.ndarray:
    """Probability of each of ``n_cells`` equal cells of [0, 1] under a Gaussian KDE."""
    counts = np.bincount(np.clip((unit * n_cells).astype(int), 0, n_cells - 1), minlength=n_cells)
    spread = float(np.std(unit, ddof=1)) if unit.size > 1 else 0.0
    bandwidth = max(1.059 * spread * unit.size ** (-0.2), 1.0 / n_cells)
    edges = np.linspace(0.0, 1.0, n_cells + 1)
    centers = 0.5 * (edges[:-1] + edges[1:])
    cdf = ndtr((edges[None, :] - centers[:, None]) / bandwidth)
    mass = np.diff(cdf, axis=1)
    mass /= mass.sum(axis=1, keepdims=True)  # Each kernel is truncated to the range.
    density = counts @ mass
    # One pseudo-observation spread uniformly keeps every cell's probability positive.
    return (density + 1.0 / n_cells) / (unit.size + 1)


def _category_probability(codes: np.ndarray, n_choices: int) -> np.ndarray:
    counts = np.bincount(codes.astype(int), minlength=n_choices)
    return (counts + 1.0 / n_choices) / (codes.size + 1)


def _pearson_divergence(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum(q * (p / q - 1.0) ** 2))


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA importance evaluator.

    Implements PED-ANOVA from Watanabe, Bansal and Hutter, "PED-ANOVA: Efficiently
    Quantifying Hyperparameter Importance in Arbitrary Subspaces" (IJCAI 2023). The importance
    of a parameter says how much it matters for reaching the top ``target_quantile`` of the
    COMPLETE trials: the Pearson divergence between the distribution of its values in those
    top trials and a baseline distribution, each a kernel density estimate. No model is
    fitted, so it takes milliseconds even for many thousands of trials.

    The estimate needs enough top trials: prefer at least 5 trials in the top
    ``target_quantile`` (at least 2 are always used).

    Parameters
    ----------
    target_quantile:
        The top fraction of trials whose parameters are explained (``gamma'`` in the paper):
        0.1 tells which parameters mattered to reach the best 10% of the values.
    region_quantile:
        The top fraction of trials that defines the region the importance is measured in
        (``gamma`` in the paper); 1.0 means all trials. Must exceed ``target_quantile``.
    evaluate_on_local:
        With ``True`` the baseline is the density of the parameter in the region's trials, so
        the importance describes where the optimization actually searched. With ``False`` the
        baseline is uniform over the search space (the region is the whole space).

    Raises
    ------
    TypeError
        If a quantile is not a real number or ``evaluate_on_local`` is not a bool.
    ValueError
        Unless ``0 < target_quantile < region_quantile <= 1``.

    Examples
    --------
    >>> import hpo
    >>> from hpo.importance import PedAnovaImportanceEvaluator, get_param_importances
    >>> study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    >>> def objective(trial):
    ...     return trial.suggest_float("x", -1, 1) ** 2 + 0 * trial.suggest_float("y", -1, 1)
    >>> study.optimize(objective, n_trials=200)
    >>> list(get_param_importances(study, evaluator=PedAnovaImportanceEvaluator()))
    ['x', 'y']
    """

    def __init__(
        self,
        *,
        target_quantile: float = 0.1,
        region_quantile: float = 1.0,
        evaluate_on_local: bool = True,
    ) -> None:
        for name, value in (
            ("target_quantile", target_quantile),
            ("region_quantile", region_quantile),
        ):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a float, got {value!r}.")
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(
                "The quantiles must satisfy 0 < target_quantile < region_quantile <= 1, got "
                f"target_quantile={target_quantile!r} and region_quantile={region_quantile!r}."
            )
        if not isinstance(evaluate_on_local, bool):
            raise TypeError(f"evaluate_on_local must be a bool, got {evaluate_on_local!r}.")
        self._target_quantile = float(target_quantile)
        self._region_quantile = float(region_quantile)
        self._evaluate_on_local = evaluate_on_local

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Return each parameter's importance, highest first.

        Lower values are better in a minimized study and with a ``target`` on a
        multi-objective study; higher values are better in a maximized study.

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
        n_trials = data.values.size
        maximize = len(study.directions) == 1 and study.direction == StudyDirection.MAXIMIZE
        ranking = np.argsort(-data.values if maximize else data.values, kind="stable")
        n_target = min(
            max(math.ceil(self._target_quantile * n_trials), _MIN_TARGET_TRIALS), n_trials
        )
        if self._evaluate_on_local:
            n_region = max(math.ceil(self._region_quantile * n_trials), n_target)
        else:
            n_region = n_trials
        top = ranking[:n_target]
        region = ranking[:n_region]
        scale = (n_target / n_region) ** 2
        importances = np.zeros(len(data.names))
        for param in range(len(data.names)):
            k = int(data.n_choices[param])
            column = data.unit[:, param]
            if k:
                p = _category_probability(column[top], k)
                q = _category_probability(column[region], k)
                if not self._evaluate_on_local:
                    q = np.full(k, 1.0 / k)
            else:
                cells = _n_cells(data, param)
                p = _kernel_density(column[top], cells)
                if self._evaluate_on_local:
                    q = _kernel_density(column[region], cells)
                else:
                    q = np.full(cells, 1.0 / cells)
            importances[param] = scale * _pearson_divergence(p, q)
        return sort_by_importance(data.names, importances)
