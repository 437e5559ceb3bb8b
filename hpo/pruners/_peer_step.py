"""The settings and first checks shared by the pruners that compare a trial with its peers.

:class:`~hpo.pruners.PercentilePruner` (and so :class:`~hpo.pruners.MedianPruner`) and
:class:`~hpo.pruners.ParetoMedianPruner` judge a trial at a checked step against the values
the COMPLETE trials reported at that step; they take the same four settings and decide the
same way whether a step is judged at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.pruners._base import BasePruner
from hpo.pruners._rules import check_int, due_check_step
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

_COMPLETE = (TrialState.COMPLETE,)


class _PeerStepPruner(BasePruner):
    """A pruner with startup trials, warm-up steps, a check interval and a minimum of peers."""

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials, 0)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int("interval_steps", interval_steps, 1)
        self._n_min_trials = check_int("n_min_trials", n_min_trials, 1)

    def _due_step(
        self, study: StudyView, reports: dict[int, Any]
    ) -> tuple[int, list[FrozenTrial]] | None:
        """Return the step to judge and the study's COMPLETE trials, or ``None`` to not judge.

        A trial is judged at its latest step if warm-up and interval make that step a check and
        at least one, and at least ``n_startup_trials``, trials are COMPLETE.
        """
        step = due_check_step(reports, self._n_warmup_steps, self._interval_steps)
        if step is None:
            return None
        completed = study.get_trials(deepcopy=False, states=_COMPLETE)
        if len(completed) == 0 or len(completed) < self._n_startup_trials:
            return None
        return step, completed

    def _settings_repr(self) -> str:
        return (
            f"n_startup_trials={self._n_startup_trials}, "
            f"n_warmup_steps={self._n_warmup_steps}, interval_steps={self._interval_steps}, "
            f"n_min_trials={self._n_min_trials}"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._settings_repr()})"
