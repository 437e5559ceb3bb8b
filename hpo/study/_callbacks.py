"""Callbacks for ``Study.optimize``."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study._study import Study


class MaxTrialsCallback:
    """Stop the study once it has ``n_trials`` trials in ``states``.

    Useful when several workers share a study: each stops when the study as a whole reaches
    the count, not when it ran ``n_trials`` itself.

    Parameters
    ----------
    n_trials:
        The number of trials to reach.
    states:
        The states that count; COMPLETE only by default, ``None`` for all states.

    Raises
    ------
    ValueError
        If ``n_trials`` is negative.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50,
    ...                callbacks=[MaxTrialsCallback(10)])
    >>> len(study.trials)
    10
    """

    def __init__(
        self, n_trials: int, states: Container[TrialState] | None = (TrialState.COMPLETE,)
    ) -> None:
        if n_trials < 0:
            raise ValueError(f"n_trials={n_trials} must be >= 0.")
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._states is None:
            count = study._storage.get_n_trials(study._study_id)
        else:
            states = tuple(s for s in TrialState if s in self._states)
            count = study._storage.get_n_trials(study._study_id, states)
        if count >= self._n_trials:
            study.stop()
