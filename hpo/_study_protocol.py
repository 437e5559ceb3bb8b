"""What the layers below ``hpo.study`` see of a study: narrow, structural interfaces.

Samplers and pruners (and the live trial that calls them) are written against these
protocols instead of :class:`hpo.study.Study`, so no module imports upwards, not even for type
checking. ``Study`` satisfies every protocol here without naming them.

* :class:`StudyView`: what a sampler or a pruner reads (trials, directions, attributes) and
  writes (a study system attribute; a trial's system attribute through the study, so that the
  live trial sees it at once).
* :class:`TrialStudy`: what a live :class:`~hpo.trial.Trial` uses of its study: the view above,
  its sampler and pruner, and the storage calls that record the trial.

This module sits in the trial layer: it imports only modules below it and the trial record
modules (not the ``hpo.trial`` package, which imports the live trial).
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from hpo._study_direction import StudyDirection
    from hpo.distributions import BaseDistribution
    from hpo.trial._frozen import FrozenTrial
    from hpo.trial._state import TrialState


class BracketSource(Protocol):
    """The part of a pruner a sampler asks: which group of trials a trial belongs to."""

    def bracket_id(self, study: StudyView, trial: FrozenTrial) -> int | None: ...


class StudyView(Protocol):
    """What samplers and pruners read from and write to a study."""

    @property
    def study_name(self) -> str: ...

    @property
    def directions(self) -> list[StudyDirection]: ...

    @property
    def direction(self) -> StudyDirection: ...

    @property
    def best_trial(self) -> FrozenTrial: ...

    @property
    def system_attrs(self) -> dict[str, Any]: ...

    @property
    def pruner(self) -> BracketSource: ...

    @property
    def _identity(self) -> Hashable:
        """Identifies the stored study (storage object and study id), for per-study caches."""
        ...

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]: ...

    def set_system_attr(self, key: str, value: Any) -> None: ...

    def _set_trial_system_attr(self, trial: FrozenTrial, key: str, value: Any) -> None: ...


class TrialSampler(Protocol):
    """The sampler calls a live trial makes."""

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]: ...

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]: ...

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any: ...


class TrialPruner(BracketSource, Protocol):
    """The pruner call a live trial makes."""

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool: ...


class TrialStorage(Protocol):
    """The storage calls that record a live trial."""

    def get_trial(self, trial_id: int) -> FrozenTrial: ...

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None: ...

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None: ...

    def set_trial_intermediate_vector(
        self, trial_id: int, step: int, values: Sequence[float]
    ) -> None: ...

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None: ...

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None: ...


class TrialStudy(StudyView, Protocol):
    """What a live trial uses of its study."""

    @property
    def sampler(self) -> TrialSampler: ...

    @property
    def pruner(self) -> TrialPruner: ...

    @property
    def _storage(self) -> TrialStorage: ...

    @property
    def _study_id(self) -> int: ...
