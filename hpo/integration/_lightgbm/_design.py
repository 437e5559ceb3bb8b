"""A sampler that runs a fixed Latin hypercube design, one point per trial of a stage.

The bagging stage has 10 trials, as many as TPE's random start-up trials, so TPE would draw
all of them independently at random. A Latin hypercube spreads the same number of points
evenly over each parameter's range instead, which finds a good region more reliably.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from scipy.stats import qmc

from hpo.distributions import BaseDistribution, FloatDistribution, IntDistribution
from hpo.samplers import BaseSampler, RandomSampler
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class LatinHypercubeStageSampler(BaseSampler):
    """Give the k-th trial of a stage the k-th point of a seeded Latin hypercube.

    ``k`` counts the study's other trials that carry the stage's name in the system attribute
    ``step_key``, so a resumed stage continues the design where it stopped.
    """

    def __init__(
        self, names: list[str], n_points: int, step_key: str, stage: str, seed: int | None
    ) -> None:
        self._names = names
        self._points = qmc.LatinHypercube(d=len(names), seed=seed).random(n_points)
        self._step_key = step_key
        self._stage = stage
        self._fallback = RandomSampler(seed=seed)

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._names or not isinstance(
            param_distribution, (FloatDistribution, IntDistribution)
        ):
            return self._fallback.sample_independent(study, trial, param_name, param_distribution)
        index = sum(
            1
            for other in study.get_trials(deepcopy=False)
            if other.number != trial.number
            and other.system_attrs.get(self._step_key) == self._stage
        )
        unit = float(self._points[index % len(self._points), self._names.index(param_name)])
        low, high = param_distribution.low, param_distribution.high
        if isinstance(param_distribution, IntDistribution):
            return min(high, low + math.floor(unit * (high - low + 1)))
        return low + unit * (high - low)
