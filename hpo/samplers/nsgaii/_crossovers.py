"""Crossover operators of the genetic samplers, on numerical parameters in transformed space.

Every operator maps the parameter vectors of ``n_parents`` parents (one row each, in the
transformed space of :mod:`hpo.samplers.nsgaii._transform`: log scale for log parameters,
integers widened to cells) to one child vector. The sampler keeps the child only if it lies
inside the search space bounds, and draws again otherwise.
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]


def _check_probability(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a float in [0, 1], got {value!r}.")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return float(value)


def _check_positive(name: str, value: Any, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive float, got {value!r}.")
    if not float(value) > 0.0 or math.isinf(float(value)):
        raise ValueError(f"{name} must be a positive finite float, got {value!r}.")
    return float(value)


class BaseCrossover(abc.ABC):
    """A crossover: makes one child from ``n_parents`` parents.

    Subclasses set :attr:`n_parents` and implement :meth:`crossover`.

    Examples
    --------
    >>> import numpy as np
    >>> class Midpoint(BaseCrossover):
    ...     n_parents = 2
    ...
    ...     def crossover(self, parents_params, rng, study, search_space_bounds):
    ...         return parents_params.mean(axis=0)
    >>> Midpoint().crossover(np.array([[0.0], [1.0]]), None, None, None).tolist()
    [0.5]
    """

    #: Number of parents the operator takes.
    n_parents: int

    @abc.abstractmethod
    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return one child.

        Parameters
        ----------
        parents_params:
            Array of shape ``(n_parents, n_params)``, the parents' numerical parameters in
            transformed space.
        rng:
            Random state to draw from.
        study:
            The study (some operators adapt their defaults to the number of objectives).
        search_space_bounds:
            Array of shape ``(n_params, 2)``: lower and upper bound of each parameter.

        Returns
        -------
        numpy.ndarray
            The child, shape ``(n_params,)``.
        """

    def __str__(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class UniformCrossover(BaseCrossover):
    """Uniform crossover: each parameter comes from the second parent with ``swapping_prob``.

    Parameters
    ----------
    swapping_prob:
        Probability of taking a parameter from the second parent instead of the first, in
        ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> parents = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> UniformCrossover(1.0).crossover(parents, np.random.RandomState(0), None, None).tolist()
    [1.0, 1.0]
    """

    n_parents = 2

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self._swapping_prob = _check_probability("swapping_prob", swapping_prob)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return a child that mixes the two parents coordinate by coordinate."""
        swap = rng.rand(parents_params.shape[1]) < self._swapping_prob
        return np.where(swap, parents_params[1], parents_params[0])


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover BLX-alpha (Eshelman and Schaffer, 1993).

    Each coordinate of the child is uniform on the parents' interval widened by ``alpha``
    times its length on both sides.

    Parameters
    ----------
    alpha:
        Widening factor, positive.

    Examples
    --------
    >>> import numpy as np
    >>> child = BLXAlphaCrossover(alpha=0.5).crossover(
    ...     np.array([[0.0], [1.0]]), np.random.RandomState(0), None, None
    ... )
    >>> bool(-0.5 <= child[0] <= 1.5)
    True
    """

    n_parents = 2

    def __init__(self, alpha: float = 0.5) -> None:
        self._alpha = _check_positive("alpha", alpha)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return a child drawn uniformly from the widened box of the parents."""
        assert self._alpha is not None
        low = parents_params.min(axis=0)
        high = parents_params.max(axis=0)
        width = high - low
        low = low - self._alpha * width
        high = high + self._alpha * width
        return low + rng.rand(parents_params.shape[1]) * (high - low)


def _default_eta(eta: float | None, study: StudyView | None) -> float:
    if eta is not None:
        return eta
    # A wide spread helps one objective; many objectives need children close to their parents.
    if study is not None and len(study.directions) > 1:
        return 20.0
    return 2.0


def _mix_children(
    parents_params: np.ndarray,
    child1: np.ndarray,
    child2: np.ndarray,
    rng: np.random.RandomState,
    uniform_crossover_prob: float,
    use_child_gene_prob: float,
) -> np.ndarray:
    n_params = parents_params.shape[1]
    swap = rng.rand(n_params) < uniform_crossover_prob
    child = np.where(swap, child2, child1)
    use_child = rng.rand(n_params) < use_child_gene_prob
    return np.where(use_child, child, parents_params[0])


class SBXCrossover(BaseCrossover):
    """Simulated binary crossover (Deb and Agrawal, 1995), bounded.

    Two children are spread around the parents' mean by a factor drawn from a polynomial
    distribution of index ``eta``, limited so that they stay inside the bounds; their
    coordinates are swapped with ``uniform_crossover_prob``, the first child is kept, and each
    of its coordinates replaces the first parent's with ``use_child_gene_prob``.

    Parameters
    ----------
    eta:
        Distribution index: larger values keep children closer to their parents. ``None``
        uses 2 for a single objective and 20 for several.
    uniform_crossover_prob:
        Probability of swapping a coordinate between the two children, in ``[0, 1]``.
    use_child_gene_prob:
        Probability of taking a coordinate from the child rather than the first parent, in
        ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> bounds = np.array([[0.0, 1.0]])
    >>> child = SBXCrossover(eta=2.0).crossover(
    ...     np.array([[0.4], [0.6]]), np.random.RandomState(0), None, bounds
    ... )
    >>> bool(0.0 <= child[0] <= 1.0)
    True
    """

    n_parents = 2

    def __init__(
        self,
        eta: float | None = None,
        uniform_crossover_prob: float = 0.5,
        use_child_gene_prob: float = 0.5,
    ) -> None:
        self._eta = _check_positive("eta", eta, allow_none=True)
        self._uniform_crossover_prob = _check_probability(
            "uniform_crossover_prob", uniform_crossover_prob
        )
        self._use_child_gene_prob = _check_probability("use_child_gene_prob", use_child_gene_prob)

    def _children(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        eta: float,
        bounds: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        low_parent = parents_params[:2].min(axis=0)
        high_parent = parents_params[:2].max(axis=0)
        gap = np.maximum(high_parent - low_parent, 1e-14)
        u = rng.rand(parents_params.shape[1])
        exponent = 1.0 / (eta + 1.0)

        def spread(room: np.ndarray) -> np.ndarray:
            # The probability mass beyond the bound is cut off and the rest rescaled (Deb's
            # bounded SBX), so a child never leaves the bounds.
            beta = 1.0 + 2.0 * np.maximum(room, 0.0) / gap
            alpha = 2.0 - beta ** (-(eta + 1.0))
            ua = u * alpha
            with np.errstate(divide="ignore", invalid="ignore"):
                contracting = ua**exponent
                expanding = (1.0 / np.maximum(2.0 - ua, 1e-300)) ** exponent
            return np.where(u <= 1.0 / alpha, contracting, expanding)

        beta_low = spread(low_parent - bounds[:, 0])
        beta_high = spread(bounds[:, 1] - high_parent)
        middle = 0.5 * (low_parent + high_parent)
        child1 = middle - 0.5 * beta_low * (high_parent - low_parent)
        child2 = middle + 0.5 * beta_high * (high_parent - low_parent)
        return child1, child2

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return one child of the two parents."""
        eta = _default_eta(self._eta, study)
        child1, child2 = self._children(parents_params, rng, eta, search_space_bounds)
        # Which of the two children is the "first" one is random, so the result is symmetric.
        if rng.rand() < 0.5:
            child1, child2 = child2, child1
        child = _mix_children(
            parents_params,
            child1,
            child2,
            rng,
            self._uniform_crossover_prob,
            self._use_child_gene_prob,
        )
        return np.clip(child, search_space_bounds[:, 0], search_space_bounds[:, 1])


class VSBXCrossover(SBXCrossover):
    """Simulated binary crossover with an independent spread factor for each child (vSBX).

    Each child takes its own spread factor, contracting or expanding with equal probability,
    from the polynomial distribution of index ``eta``, so the two children are no longer
    mirror images of each other; the rest is as in :class:`SBXCrossover`.

    Parameters
    ----------
    eta:
        Distribution index; ``None`` uses 2 for a single objective and 20 for several.
    uniform_crossover_prob:
        Probability of swapping a coordinate between the two children, in ``[0, 1]``.
    use_child_gene_prob:
        Probability of taking a coordinate from the child rather than the first parent, in
        ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> child = VSBXCrossover(eta=20.0).crossover(
    ...     np.array([[0.4], [0.6]]), np.random.RandomState(0), None, np.array([[0.0, 1.0]])
    ... )
    >>> child.shape
    (1,)
    """

    def _children(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        eta: float,
        bounds: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        n_params = parents_params.shape[1]
        exponent = 1.0 / (eta + 1.0)

        def spread() -> np.ndarray:
            u = rng.rand(n_params)
            contracting = (2.0 * u) ** exponent
            expanding = (1.0 / np.maximum(2.0 * (1.0 - u), 1e-300)) ** exponent
            return np.where(u <= 0.5, contracting, expanding)

        first, second = parents_params[0], parents_params[1]
        beta1, beta2 = spread(), spread()
        child1 = 0.5 * ((1.0 + beta1) * first + (1.0 - beta1) * second)
        child2 = 0.5 * ((1.0 - beta2) * first + (1.0 + beta2) * second)
        return child1, child2


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono and Kobayashi, 1997).

    The child is normal around the midpoint of the first two parents: along the line through
    them with standard deviation ``sigma_xi`` times their distance, and across it with
    standard deviation ``sigma_eta`` times the distance of the third parent from that line.

    Parameters
    ----------
    sigma_xi:
        Spread along the line of the first two parents, positive.
    sigma_eta:
        Spread across it; ``None`` uses ``0.35 / sqrt(n_params)``.

    Examples
    --------
    >>> import numpy as np
    >>> parents = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    >>> UNDXCrossover().crossover(parents, np.random.RandomState(0), None, None).shape
    (2,)
    """

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self._sigma_xi = _check_positive("sigma_xi", sigma_xi)
        self._sigma_eta = _check_positive("sigma_eta", sigma_eta, allow_none=True)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return a child drawn from the UNDX normal distribution."""
        assert self._sigma_xi is not None
        first, second, third = parents_params[0], parents_params[1], parents_params[2]
        n_params = parents_params.shape[1]
        middle = 0.5 * (first + second)
        direction = second - first
        child = middle + rng.normal(0.0, self._sigma_xi) * direction
        if n_params == 1:
            return child
        sigma_eta = self._sigma_eta or 0.35 / math.sqrt(n_params)
        length = float(np.linalg.norm(direction))
        if length > 0.0:
            unit = direction / length
            offset = third - first
            distance = float(np.linalg.norm(offset - np.dot(offset, unit) * unit))
            # An orthonormal basis of the hyperplane orthogonal to the parents' line.
            q, _ = np.linalg.qr(np.column_stack([unit, np.eye(n_params)]))
            basis = q[:, 1:n_params]
        else:
            distance = float(np.linalg.norm(third - first))
            basis = np.eye(n_params)
        etas = rng.normal(0.0, sigma_eta, size=basis.shape[1])
        return child + distance * (basis @ etas)


class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui, Yamamura and Higuchi, 1999).

    The simplex of the three parents is expanded by ``epsilon`` around its centroid, and the
    child is drawn uniformly inside the expanded simplex.

    Parameters
    ----------
    epsilon:
        Expansion rate, positive; ``None`` uses ``sqrt(n_params + 2)``.

    Examples
    --------
    >>> import numpy as np
    >>> parents = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> SPXCrossover(epsilon=1.0).crossover(parents, np.random.RandomState(0), None, None).shape
    (2,)
    """

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        self._epsilon = _check_positive("epsilon", epsilon, allow_none=True)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: StudyView,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return a child drawn uniformly from the expanded simplex of the parents."""
        n_parents, n_params = parents_params.shape
        epsilon = self._epsilon or math.sqrt(n_params + 2)
        centroid = parents_params.mean(axis=0)
        vertices = centroid + epsilon * (parents_params - centroid)
        # Tsutsui's recursion: c_k = r_k (x_{k-1} - x_k + c_{k-1}) with r_k = u^(1/k) gives a
        # uniform point of the simplex.
        carry = np.zeros(n_params)
        for k in range(1, n_parents):
            ratio = rng.rand() ** (1.0 / k)
            carry = ratio * (vertices[k - 1] - vertices[k] + carry)
        return vertices[-1] + carry
