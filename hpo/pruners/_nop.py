"""NopPruner: never prune."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo.pruners._base import BasePruner
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class NopPruner(BasePruner):
    """A pruner that never stops a trial, in studies with one objective or several."""

    _supports_multi_objective = True

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        return False
