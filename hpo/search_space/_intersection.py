"""The intersection search space: parameters every finished trial shares."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING

from hpo.distributions import BaseDistribution
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def _states(include_pruned: bool) -> tuple[TrialState, ...]:
    if include_pruned:
        return (TrialState.COMPLETE, TrialState.PRUNED)
    return (TrialState.COMPLETE,)


def _intersect(
    space: dict[str, BaseDistribution] | None, distributions: dict[str, BaseDistribution]
) -> dict[str, BaseDistribution]:
    if space is None:
        return dict(distributions)
    return {
        name: dist
        for name, dist in space.items()
        # Distributions are shared (cached) objects, so identity settles most comparisons.
        if name in distributions and ((other := distributions[name]) is dist or other == dist)
    }


class IntersectionSearchSpace:
    """The parameters, with their distributions, that all finished trials of a study have.

    A parameter whose distribution differs between two trials is left out. The calculation is
    incremental: each call reads only the trials that finished since the previous call, so a
    study with many trials costs nothing extra per call.

    Parameters
    ----------
    include_pruned:
        Count PRUNED trials as well as COMPLETE ones.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> IntersectionSearchSpace().calculate(study)
    {'x': FloatDistribution(low=0.0, high=1.0, log=False, step=None)}
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._states = _states(include_pruned)
        self._cursor = FinishedTrialCursor()
        self._search_space: dict[str, BaseDistribution] | None = None
        self._study_key: Hashable = None

    def calculate(
        self, study: StudyView, trials: Sequence[FrozenTrial] | None = None
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space of ``study``, sorted by parameter name.

        Parameters
        ----------
        study:
            The study. An object is meant for one study; passing another study starts over.
        trials:
            The study's trials in number order, if the caller has just read them
            (``study.get_trials(deepcopy=False)``); read from the study when ``None``.

        Returns
        -------
        dict[str, BaseDistribution]
            Parameter name to distribution; empty before any trial finished.
        """
        study_key = study._identity
        if self._study_key != study_key:
            self._study_key = study_key
            self._cursor = FinishedTrialCursor()
            self._search_space = None
        if trials is None:
            trials = study.get_trials(deepcopy=False)
        for trial in self._cursor.new_finished(trials):
            if trial.state in self._states:
                self._search_space = _intersect(self._search_space, trial.distributions)
        if self._search_space is None:
            return {}
        return dict(sorted(self._search_space.items()))


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """Return the parameters (and distributions) shared by all finished ``trials``.

    Parameters
    ----------
    trials:
        Trials of one study; only COMPLETE (and PRUNED with ``include_pruned``) ones count.
    include_pruned:
        Count PRUNED trials too.

    Returns
    -------
    dict[str, BaseDistribution]
        Sorted by parameter name; empty if no trial counts.

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> from hpo.trial import create_trial
    >>> d = {"x": FloatDistribution(0, 1)}
    >>> trial = create_trial(params={"x": 0.5}, distributions=d, value=0)
    >>> list(intersection_search_space([trial]))
    ['x']
    """
    states = _states(include_pruned)
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if trial.state in states:
            space = _intersect(space, trial.distributions)
    return {} if space is None else dict(sorted(space.items()))
