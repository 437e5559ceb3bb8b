"""Group decomposition of a conditional search space.

Parameters that always appear together in finished trials form a group. The groups are the
coarsest partition of all parameters such that every trial's parameter set is a union of
groups; each group can then be sampled jointly from the trials that contain it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from hpo.distributions import BaseDistribution
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


class _SearchSpaceGroup:
    """A partition of parameter names into groups, refined one trial at a time.

    Each group keeps the distributions last seen for its parameters.

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> group = _SearchSpaceGroup()
    >>> group.add_distributions({"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)})
    >>> group.add_distributions({"x": FloatDistribution(0, 1)})
    >>> [sorted(s) for s in group.search_spaces]
    [['x'], ['y']]
    """

    def __init__(self) -> None:
        self._groups: list[frozenset[str]] = []
        self._distributions: dict[str, BaseDistribution] = {}

    @property
    def search_spaces(self) -> list[dict[str, BaseDistribution]]:
        """The groups, each a dict of parameter name to distribution sorted by name."""
        return [
            {name: self._distributions[name] for name in sorted(group)}
            for group in sorted(self._groups, key=lambda g: sorted(g))
        ]

    def add_distributions(self, distributions: dict[str, BaseDistribution]) -> None:
        """Refine the groups so that ``distributions``' parameters are a union of groups.

        Parameters
        ----------
        distributions:
            A trial's parameter name to distribution.
        """
        names = frozenset(distributions)
        self._distributions.update(distributions)
        refined: list[frozenset[str]] = []
        for group in self._groups:
            inside = group & names
            outside = group - names
            if inside:
                refined.append(inside)
            if outside:
                refined.append(outside)
        new_names = names.difference(*self._groups) if self._groups else names
        if new_names:
            refined.append(frozenset(new_names))
        self._groups = refined


class _GroupDecomposedSearchSpace:
    """The group decomposition of a study's finished trials, computed incrementally.

    Parameters
    ----------
    include_pruned:
        Count PRUNED trials as well as COMPLETE ones.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._states: tuple[TrialState, ...] = (TrialState.COMPLETE,)
        if include_pruned:
            self._states = (TrialState.COMPLETE, TrialState.PRUNED)
        self._cursor = FinishedTrialCursor()
        self._group = _SearchSpaceGroup()
        self._study_key: Hashable = None

    def calculate(
        self, study: StudyView, trials: Sequence[FrozenTrial] | None = None
    ) -> _SearchSpaceGroup:
        """Return the groups of ``study``'s finished trials.

        Parameters
        ----------
        study:
            The study. An object is meant for one study; passing another study starts over.
        trials:
            The study's trials in number order, if the caller has just read them
            (``study.get_trials(deepcopy=False)``); read from the study when ``None``.

        Returns
        -------
        _SearchSpaceGroup
            The current partition (shared with later calls; do not modify).
        """
        study_key = study._identity
        if self._study_key != study_key:
            self._study_key = study_key
            self._cursor = FinishedTrialCursor()
            self._group = _SearchSpaceGroup()
        if trials is None:
            trials = study.get_trials(deepcopy=False)
        for trial in self._cursor.new_finished(trials):
            if trial.state in self._states:
                self._group.add_distributions(trial.distributions)
        return self._group
