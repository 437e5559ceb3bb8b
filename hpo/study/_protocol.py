"""What the study's helper modules use of a :class:`~hpo.study.Study`.

``Study`` (``_study.py``) calls the finishing of trials (``_tell.py``), the optimize loop
(``_optimize.py``) and the DataFrame export (``_dataframe.py``); those helpers are typed
against the protocols here instead of importing ``Study`` back, so the package's modules
import one another in one direction only. ``Study`` satisfies each protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING, Protocol

from hpo._study_protocol import StudyView

if TYPE_CHECKING:
    from hpo._study_direction import StudyDirection
    from hpo.distributions import BaseDistribution
    from hpo.samplers import BaseSampler
    from hpo.storages import BaseStorage
    from hpo.trial import FrozenTrial, Trial, TrialState

ObjectiveFuncType = Callable[["Trial"], "float | Sequence[float]"]


class TellingStudy(StudyView, Protocol):
    """What finishing a trial uses: the storage, the directions and the sampler's hooks."""

    @property
    def _storage(self) -> BaseStorage: ...

    @property
    def _study_id(self) -> int: ...

    @property
    def _directions(self) -> list[StudyDirection]: ...

    @property
    def sampler(self) -> BaseSampler: ...


class OptimizingStudy(TellingStudy, Protocol):
    """What the optimize loop uses: the above, its run flags, ``ask`` and ``add_trial``."""

    _optimize_lock: threading.Lock
    _in_optimize: bool
    _stop_flag: bool
    _next_stale_check: float

    def ask(self, fixed_distributions: dict[str, BaseDistribution] | None = None) -> Trial: ...

    def add_trial(self, trial: FrozenTrial) -> None: ...


class ExportedStudy(Protocol):
    """What ``trials_dataframe`` reads."""

    @property
    def _directions(self) -> list[StudyDirection]: ...

    @property
    def metric_names(self) -> list[str] | None: ...

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]: ...
