"""After-trial strategy of the genetic samplers: record the constraint values of a trial."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hpo.samplers._constraints import store_constraints
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class NSGAIIAfterTrial:
    """Evaluate ``constraints_func`` on each COMPLETE trial and store the values.

    The values go to the trial's system attribute ``CONSTRAINTS_KEY``; a value ``> 0`` is a
    violation.

    Parameters
    ----------
    constraints_func:
        Function of the finished trial returning a sequence of floats, or ``None`` to do
        nothing.

    Examples
    --------
    >>> strategy = NSGAIIAfterTrial(lambda trial: [trial.values[0] - 1.0])
    """

    def __init__(
        self, constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None
    ) -> None:
        self._constraints_func = constraints_func

    def __call__(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Store the constraint values of ``trial`` when it completed.

        Raises
        ------
        ValueError
            If ``constraints_func`` returns something other than a sequence of numbers, or NaN.
        """
        store_constraints(study, trial, state, self._constraints_func)
