"""Building blocks of the Parzen estimator: the unit-interval layout of a search space and
the kernel rules (bandwidths, categorical kernels)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

CategoricalDistanceFunc = Callable[[Any, Any], float]


class Layout:
    """The numeric and categorical dimensions of a search space, as column arrays.

    Numeric parameters map affinely from their (log) domain onto ``[0, 1]``: continuous
    ones from ``[low, high]``, discrete ones from ``[low - step/2, high + step/2]`` so that
    every grid value owns a cell of equal width (for log ints, the cells
    ``[log(v - 1/2), log(v + 1/2)]``).
    """

    def __init__(self, search_space: tuple[tuple[str, BaseDistribution], ...]) -> None:
        self.names = tuple(name for name, _ in search_space)
        numeric: list[tuple[str, FloatDistribution | IntDistribution]] = []
        self.categorical: list[tuple[str, CategoricalDistribution]] = []
        for name, dist in search_space:
            if isinstance(dist, CategoricalDistribution):
                self.categorical.append((name, dist))
            elif isinstance(dist, (FloatDistribution, IntDistribution)):
                numeric.append((name, dist))
            else:
                raise TypeError(f"Unsupported distribution {dist!r} for parameter {name!r}.")
        # Continuous parameters first, then discrete ones: each kind is a contiguous block.
        numeric.sort(key=lambda item: item[1].step is not None)
        self.numeric_names = [name for name, _ in numeric]
        # Columns hold the numeric parameters first, then the categorical ones.
        columns = self.numeric_names + [name for name, _ in self.categorical]
        self.column_of_name = np.array([columns.index(name) for name in self.names], dtype=int)
        n_numeric = len(numeric)
        self.low = np.array([float(d.low) for _, d in numeric]).reshape(n_numeric)
        self.high = np.array([float(d.high) for _, d in numeric]).reshape(n_numeric)
        self.log = np.array([d.log for _, d in numeric], dtype=bool).reshape(n_numeric)
        self.discrete = np.array([d.step is not None for _, d in numeric], dtype=bool).reshape(
            n_numeric
        )
        self.step = np.array([1.0 if d.step is None else float(d.step) for _, d in numeric])
        self.step = self.step.reshape(n_numeric)
        t_low = np.where(self.log, np.log(np.maximum(self.low, 1e-300)), self.low)
        t_high = np.where(self.log, np.log(np.maximum(self.high, 1e-300)), self.high)
        discrete_log = self.discrete & self.log
        discrete_linear = self.discrete & ~self.log
        t_low[discrete_log] = np.log(self.low[discrete_log] - 0.5)
        t_high[discrete_log] = np.log(self.high[discrete_log] + 0.5)
        t_low[discrete_linear] -= 0.5 * self.step[discrete_linear]
        t_high[discrete_linear] += 0.5 * self.step[discrete_linear]
        width = t_high - t_low
        self.t_low = t_low
        self.width = np.where(width > 0, width, 1.0)
        self.n_points = np.where(
            self.discrete, np.round((self.high - self.low) / self.step) + 1, 0.0
        )
        self.any_log = bool(self.log.any())
        self.continuous_index = np.flatnonzero(~self.discrete)
        self.discrete_index = np.flatnonzero(self.discrete)
        self.discrete_log = discrete_log[self.discrete]
        # Density of a continuous parameter is per unit of its (log) value, not of [0, 1].
        self.log_width_continuous = float(np.sum(np.log(self.width[~self.discrete])))

    def to_unit(self, values: np.ndarray) -> np.ndarray:
        """Map values of shape ``(n, n_numeric)`` onto the unit interval."""
        t = values
        if self.any_log:
            t = values.copy()
            with np.errstate(divide="ignore", invalid="ignore"):
                t[:, self.log] = np.log(values[:, self.log])
        return (t - self.t_low) / self.width

    def from_unit(self, unit: np.ndarray) -> np.ndarray:
        """Map unit-interval points back to values on each distribution's grid."""
        t = self.t_low + unit * self.width
        if self.any_log:
            t[:, self.log] = np.exp(t[:, self.log])
        grid = self.low + np.clip(np.round((t - self.low) / self.step), 0, self.n_points - 1) * (
            self.step
        )
        values = np.where(self.discrete & ~self.log, grid, t)
        values = np.where(self.discrete & self.log, np.round(t), values)
        return np.clip(values, self.low, self.high)

    def cells(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the unit-interval cell bounds of discrete values ``(n, n_discrete)``."""
        index = self.discrete_index
        t_low = self.t_low[index]
        width = self.width[index]
        half = 0.5 * self.step[index]
        lower = values - half
        upper = values + half
        if self.discrete_log.any():
            with np.errstate(divide="ignore", invalid="ignore"):
                lower[:, self.discrete_log] = np.log(lower[:, self.discrete_log])
                upper[:, self.discrete_log] = np.log(upper[:, self.discrete_log])
        return (lower - t_low) / width, (upper - t_low) / width


@functools.lru_cache(maxsize=256)
def layout_of(search_space: tuple[tuple[str, BaseDistribution], ...]) -> Layout:
    """Return the (cached) layout of a search space given as ``(name, distribution)`` pairs."""
    return Layout(search_space)


def neighbor_sigmas(mus: np.ndarray, consider_endpoints: bool) -> np.ndarray:
    """Bandwidth of each kernel: the larger gap to its sorted neighbors (Bergstra et al.).

    Parameters
    ----------
    mus:
        Kernel centers on the unit interval, shape ``(n_dims, n_kernels)``; each row is
        handled on its own.
    consider_endpoints:
        Count the domain bounds 0 and 1 as neighbors of the outermost kernels.

    Returns
    -------
    numpy.ndarray
        Bandwidths of the same shape; 1 where a row has a single kernel.
    """
    n_kernels = mus.shape[1]
    if n_kernels <= 1:
        return np.ones(mus.shape)
    # Equal centers have a zero gap between them, so how ties are ordered does not matter.
    order = np.argsort(mus, axis=1)
    ordered = np.take_along_axis(mus, order, axis=1)
    gaps = np.diff(ordered, axis=1)
    widest = np.empty(mus.shape)
    np.maximum(gaps[:, :-1], gaps[:, 1:], out=widest[:, 1:-1])
    if consider_endpoints:
        widest[:, 0] = np.maximum(gaps[:, 0], ordered[:, 0])
        widest[:, -1] = np.maximum(gaps[:, -1], 1.0 - ordered[:, -1])
    else:
        widest[:, 0] = gaps[:, 0]
        widest[:, -1] = gaps[:, -1]
    sigmas = np.empty(mus.shape)
    np.put_along_axis(sigmas, order, widest, axis=1)
    return sigmas


def categorical_log_probs(
    observed: np.ndarray,
    n_choices: int,
    smoothing: float,
    distances: np.ndarray | None,
) -> np.ndarray:
    """Kernel rows over the choices: the observed choice gets weight 1, others ``smoothing``.

    With a distance matrix, the weight decays as ``exp(-lam * (d / d_max) ** 2)`` where
    ``lam`` makes the farthest choice weigh ``smoothing / (1 + smoothing)`` of the observed
    one, as in the plain kernel.
    """
    indices = observed.astype(np.intp)
    if distances is None:
        rows = np.full((len(indices), n_choices), smoothing)
        rows[np.arange(len(indices)), indices] += 1.0
    else:
        d_max = float(distances.max())
        scaled = distances / d_max if d_max > 0 else np.zeros_like(distances)
        lam = math.log((1.0 + smoothing) / smoothing)
        rows = np.exp(-lam * scaled[indices] ** 2)
    rows /= rows.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        return np.log(rows)


def categorical_distance_matrix(
    dist: CategoricalDistribution, distance_func: CategoricalDistanceFunc, name: str
) -> np.ndarray:
    """Return the ``(C, C)`` matrix of ``distance_func`` over a distribution's choices.

    Raises
    ------
    ValueError
        If a distance is negative, NaN or infinite.
    """
    choices = dist.choices
    matrix = np.array([[float(distance_func(a, b)) for b in choices] for a in choices])
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ValueError(
            f"categorical_distance_func[{name!r}] must return finite distances >= 0; got "
            f"{matrix.tolist()} for choices {list(choices)!r}."
        )
    return matrix
