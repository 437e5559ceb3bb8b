"""PartialFixedSampler: fix some parameters, let another sampler choose the rest."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hpo.distributions import BaseDistribution
from hpo.exceptions import HpoWarning
from hpo.samplers._base import BaseSampler, _contains_value, _WrappingSampler
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class PartialFixedSampler(_WrappingSampler):
    """Give fixed values to some parameters and sample the others with ``base_sampler``.

    A fixed parameter always takes its value, even when the value lies outside the
    distribution the objective asks for (a warning says so). The relative search space passed
    to ``base_sampler`` leaves out the fixed parameters; the trial hooks go to
    ``base_sampler``.

    Parameters
    ----------
    fixed_params:
        Parameter name to the value it always takes (external representation).
    base_sampler:
        Sampler for the other parameters.

    Examples
    --------
    >>> import hpo
    >>> sampler = PartialFixedSampler({"x": 0.5}, hpo.samplers.RandomSampler(seed=0))
    >>> study = hpo.create_study(sampler=sampler)
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise TypeError(f"fixed_params must be a dict, got {fixed_params!r}.")
        for name in fixed_params:
            if not isinstance(name, str):
                raise TypeError(f"fixed_params keys must be parameter names (str), got {name!r}.")
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError(f"base_sampler must be a BaseSampler, got {base_sampler!r}.")
        self._fixed_params = dict(fixed_params)
        self._wrapped = base_sampler

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the base sampler's relative search space (fixed parameters included)."""
        return self._wrapped.infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Let the base sampler propose the parameters of ``search_space`` that are not fixed.

        The fixed parameters are not returned here: they reach ``sample_independent``, which
        gives them their value and checks it against the distribution the objective asks for.
        """
        free = {
            name: dist for name, dist in search_space.items() if name not in self._fixed_params
        }
        return self._wrapped.sample_relative(study, trial, free)

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Return the fixed value of ``param_name``, or ask the base sampler."""
        if param_name not in self._fixed_params:
            return self._wrapped.sample_independent(study, trial, param_name, param_distribution)
        value = self._fixed_params[param_name]
        if not _contains_value(param_distribution, value):
            warnings.warn(
                f"Fixed parameter {param_name!r} with value {value!r} is out of the range of "
                f"the distribution {param_distribution!r}; the value is used anyway.",
                HpoWarning,
                stacklevel=2,
            )
        return value

    def __repr__(self) -> str:
        return f"PartialFixedSampler({self._fixed_params!r}, {self._wrapped!r})"
