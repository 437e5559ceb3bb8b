"""RandomSampler: independent uniform sampling."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.samplers._base import BaseSampler
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def sample_uniform(rng: np.random.Generator, distribution: BaseDistribution) -> Any:
    """Draw one value (external representation) uniformly from ``distribution``.

    Floats and ints are uniform on their scale (log-uniform with ``log=True``) and then put on
    their step grid; categories are uniform over the choices.
    """
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[int(rng.integers(len(distribution.choices)))]
    if isinstance(distribution, FloatDistribution):
        low, high = distribution.low, distribution.high
        if distribution.log:
            return float(min(high, max(low, math.exp(rng.uniform(math.log(low), math.log(high))))))
        if distribution.step is None:
            return float(low + (high - low) * rng.random())
        n_points = round((high - low) / distribution.step) + 1
        return float(min(high, low + int(rng.integers(n_points)) * distribution.step))
    if isinstance(distribution, IntDistribution):
        low_i, high_i, step = distribution.low, distribution.high, distribution.step
        if distribution.log:
            # Uniform in log space over the cells [v - 0.5, v + 0.5] of the integers.
            lo, hi = math.log(low_i - 0.5), math.log(high_i + 0.5)
            return int(min(high_i, max(low_i, round(math.exp(rng.uniform(lo, hi))))))
        n_points = (high_i - low_i) // step + 1
        return int(low_i + int(rng.integers(n_points)) * step)
    raise TypeError(f"Unsupported distribution {distribution!r}.")


class RandomSampler(BaseSampler):
    """Sample every parameter independently and uniformly at random.

    Parameters
    ----------
    seed:
        Seed of the random number generator, for reproducible studies.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(sampler=RandomSampler(seed=0))
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return sample_uniform(self._rng, param_distribution)
