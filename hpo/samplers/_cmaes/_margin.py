"""CMA-ES with Margin (Hamano, Saito, Nomura and Shirakawa, GECCO 2022).

On a grid coordinate (an integer, or a float with ``step``) plain CMA-ES can shrink the
distribution inside one cell: every candidate then decodes to the same value and the
coordinate is frozen. The margin keeps, after each update, the probability that a candidate
leaves the cell of the mean at least ``alpha`` (``1 / (n * popsize)`` by default): on each side
with a neighbouring value at least ``alpha / 2``. When a side falls below its bound, the
marginal normal ``N(m_j, s_j^2)`` is replaced by the one with the corrected probabilities:
for a cell ``[a, b]`` with target probabilities ``p_low`` and ``p_up`` outside it,
``(a - m_j) / s_j = Phi^-1(p_low)`` and ``(b - m_j) / s_j = Phi^-1(1 - p_up)`` give the new
mean and standard deviation. The standard deviation changes through the diagonal scale ``A``
(candidates are ``m + sigma * A * y``), so ``C`` and ``sigma`` keep their own adaptation. At
the ends of the range only one side has a neighbour; there the mean moves towards it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from hpo.samplers._cmaes._space import UnitSpace


class Margin:
    """The margin correction for the grid coordinates of a :class:`UnitSpace`.

    Parameters
    ----------
    space:
        The unit space; its continuous coordinates are left alone.
    alpha:
        Lower bound of the probability of leaving the mean's cell, per grid coordinate.

    Examples
    --------
    >>> from hpo.distributions import IntDistribution
    >>> space = UnitSpace({"a": IntDistribution(0, 4), "b": IntDistribution(0, 4)})
    >>> margin = Margin(space, alpha=0.1)
    >>> mean, scale = margin.correct(np.array([0.5, 0.5]), np.array([1e-6, 1e-6]), np.ones(2))
    >>> bool(np.all(scale > 1e4))  # the scale grows so that other values stay reachable
    True
    """

    def __init__(self, space: UnitSpace, alpha: float) -> None:
        self._space = space
        self._alpha = float(alpha)
        self._grid = space.discrete & (space.n_values > 1)

    def correct(
        self, mean: np.ndarray, marginal_std: np.ndarray, scale: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the corrected mean and scale ``A``.

        Parameters
        ----------
        mean:
            The mean after the update, shape ``(n,)``.
        marginal_std:
            ``sigma * sqrt(diag(C))`` after the update (without the scale), shape ``(n,)``.
        scale:
            The current diagonal scale ``A``, shape ``(n,)``.

        Returns
        -------
        tuple[numpy.ndarray, numpy.ndarray]
            The mean and the scale; both unchanged on continuous coordinates.
        """
        grid = self._grid
        if not grid.any():
            return mean, scale
        std = np.maximum(marginal_std * scale, 1e-300)
        lower, upper = self._space.cells(mean)
        has_low = grid & (lower > 0.0)
        has_up = grid & (upper < 1.0)
        p_low = np.where(has_low, ndtr((lower - mean) / std), 0.0)
        p_up = np.where(has_up, ndtr((mean - upper) / std), 0.0)
        both = has_low & has_up
        half = self._alpha / 2
        # Two neighbours: lift each side to alpha / 2, then solve for mean and std.
        need_both = both & ((p_low < half) | (p_up < half))
        target_low = np.clip(np.maximum(p_low, half), half, 0.5 - 1e-12)
        target_up = np.clip(np.maximum(p_up, half), half, 0.5 - 1e-12)
        # Keep the cell's own probability positive when both sides were large.
        excess = np.maximum(target_low + target_up - (1 - 1e-9), 0.0)
        target_low, target_up = target_low - excess / 2, target_up - excess / 2
        z_low = ndtri(target_low)
        z_up = ndtri(1 - target_up)
        new_std_both = (upper - lower) / np.maximum(z_up - z_low, 1e-300)
        new_mean_both = lower - z_low * new_std_both
        # One neighbour: move the mean so that the probability across is alpha.
        only_low = has_low & ~has_up & (p_low < self._alpha)
        only_up = has_up & ~has_low & (p_up < self._alpha)
        shift = ndtri(self._alpha) * std  # negative
        new_mean = np.where(need_both, new_mean_both, mean)
        new_mean = np.where(only_low, lower - shift, new_mean)
        new_mean = np.where(only_up, upper + shift, new_mean)
        new_std = np.where(need_both, new_std_both, std)
        new_scale = np.where(need_both, new_std / np.maximum(marginal_std, 1e-300), scale)
        return new_mean, new_scale
