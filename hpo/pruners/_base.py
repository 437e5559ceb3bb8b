"""The pruner interface."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class BasePruner(abc.ABC):
    """Decide whether a running trial should stop early.

    ``prune`` is a pure function of the study's trials (read through
    ``study.get_trials(deepcopy=False, ...)``) and the trial's intermediate values.
    """

    @abc.abstractmethod
    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return ``True`` to stop ``trial`` now."""

    def bracket_id(self, study: StudyView, trial: FrozenTrial) -> int | None:
        """Return the group of trials that ``trial`` should be compared with, or ``None``.

        Pruners that run trials under different budgets (Hyperband's brackets) return a
        group id, the same in every process; samplers then learn from the trials of the same
        group only. ``None`` (the default) means all trials are comparable.
        """
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
