"""PatientPruner: let another pruner act only once a trial has stopped improving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpo._study_direction import StudyDirection
from hpo.pruners._base import BasePruner
from hpo.pruners._rules import check_int, check_real, has_stagnated
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class PatientPruner(BasePruner):
    """Stop a trial only after ``patience`` reports without improvement, and only if the
    wrapped pruner agrees.

    The reports are taken in step order. The trial has stagnated when none of its last
    ``patience + 1`` values is better than its best earlier value by more than ``min_delta``
    (direction-aware; NaN values never improve). Then the wrapped pruner decides; with
    ``wrapped_pruner=None`` the trial is stopped.

    Parameters
    ----------
    wrapped_pruner:
        The pruner consulted once the trial has stagnated, or ``None``.
    patience:
        How many reports after the last improvement are tolerated; at least 0.
    min_delta:
        The smallest change that counts as an improvement; at least 0.

    Raises
    ------
    ValueError
        If ``patience < 0`` or ``min_delta < 0``.
    TypeError
        If ``wrapped_pruner`` is not a pruner or ``None``, or an argument is not a number.

    Examples
    --------
    >>> import hpo
    >>> pruner = hpo.pruners.PatientPruner(hpo.pruners.MedianPruner(), patience=3)
    >>> study = hpo.create_study(pruner=pruner)
    """

    def __init__(
        self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0
    ) -> None:
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise TypeError(f"wrapped_pruner must be a pruner or None, got {wrapped_pruner!r}.")
        self._wrapped_pruner = wrapped_pruner
        self._patience = check_int("patience", patience, 0)
        min_delta = check_real("min_delta", min_delta)
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got min_delta={min_delta}.")
        self._min_delta = min_delta

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` has stagnated and the wrapped pruner (if any) stops it.

        Parameters
        ----------
        study:
            The trial's study.
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        intermediate = trial.intermediate_values
        if len(intermediate) < self._patience + 2:
            return False
        values = [intermediate[step] for step in sorted(intermediate)]
        maximize = study.direction == StudyDirection.MAXIMIZE
        if not has_stagnated(values, self._patience, self._min_delta, maximize):
            return False
        if self._wrapped_pruner is None:
            return True
        return self._wrapped_pruner.prune(study, trial)

    def bracket_id(self, study: StudyView, trial: FrozenTrial) -> int | None:
        """Return the wrapped pruner's bracket for ``trial`` (``None`` without one)."""
        if self._wrapped_pruner is None:
            return None
        return self._wrapped_pruner.bracket_id(study, trial)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._wrapped_pruner!r}, patience={self._patience}, "
            f"min_delta={self._min_delta})"
        )
