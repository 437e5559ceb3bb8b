"""Mutation operators of the genetic samplers, on one numerical parameter in transformed space."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np

from hpo.samplers.nsgaii._crossovers import _check_positive

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

__all__ = ["BaseMutation", "PolynomialMutation"]


class BaseMutation(abc.ABC):
    """A mutation: returns a changed value of one numerical parameter.

    Examples
    --------
    >>> import numpy as np
    >>> class Midpoint(BaseMutation):
    ...     def mutation(self, param, rng, study, search_space_bounds):
    ...         return float(search_space_bounds.mean())
    >>> Midpoint().mutation(0.1, None, None, np.array([0.0, 1.0]))
    0.5
    """

    @abc.abstractmethod
    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> float:
        """Return the mutated value.

        Parameters
        ----------
        param:
            The value in transformed space (log scale for log parameters).
        rng:
            Random state to draw from.
        study:
            The study.
        search_space_bounds:
            Array ``[low, high]`` of the parameter in transformed space.

        Returns
        -------
        float
            The new value, inside the bounds.
        """

    def __str__(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PolynomialMutation(BaseMutation):
    """Bounded polynomial mutation (Deb and Goyal, 1996).

    The value moves by a perturbation drawn from a polynomial distribution of index ``eta``
    whose tails are cut at the bounds, so the result always stays inside them.

    Parameters
    ----------
    eta:
        Distribution index, positive: larger values make smaller moves.

    Examples
    --------
    >>> import numpy as np
    >>> value = PolynomialMutation(eta=20).mutation(
    ...     0.5, np.random.RandomState(0), None, np.array([0.0, 1.0])
    ... )
    >>> 0.0 <= value <= 1.0
    True
    """

    def __init__(self, eta: float = 20.0) -> None:
        checked = _check_positive("eta", eta)
        assert checked is not None
        self._eta = checked

    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> float:
        """Return ``param`` moved by a bounded polynomial perturbation."""
        low, high = float(search_space_bounds[0]), float(search_space_bounds[1])
        width = high - low
        if width <= 0.0:
            return low
        eta = self._eta
        param = min(max(float(param), low), high)
        u = float(rng.rand())
        if u < 0.5:
            room = 1.0 - (param - low) / width
            value = 2.0 * u + (1.0 - 2.0 * u) * room ** (eta + 1.0)
            delta = value ** (1.0 / (eta + 1.0)) - 1.0
        else:
            room = 1.0 - (high - param) / width
            value = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * room ** (eta + 1.0)
            delta = 1.0 - value ** (1.0 / (eta + 1.0))
        return float(min(max(param + delta * width, low), high))
