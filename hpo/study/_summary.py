"""StudySummary: one line of ``get_all_study_summaries``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial


class StudySummary:
    """A summary of a study: name, directions, best trial, counts and attributes.

    Parameters
    ----------
    study_name:
        The study's name.
    direction, directions:
        Give exactly one.
    best_trial:
        The best COMPLETE trial of a single-objective study, if any.
    user_attrs, system_attrs:
        The study's attributes.
    n_trials:
        How many trials the study has.
    datetime_start:
        When its first trial started, if any.
    study_id:
        The storage's id.

    Raises
    ------
    ValueError
        If both or neither of ``direction`` and ``directions`` are given.
    """

    def __init__(
        self,
        study_name: str,
        direction: StudyDirection | None,
        best_trial: FrozenTrial | None,
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        n_trials: int,
        datetime_start: datetime.datetime | None,
        study_id: int,
        *,
        directions: Sequence[StudyDirection] | None = None,
    ) -> None:
        if (direction is None) == (directions is None):
            raise ValueError("Give exactly one of direction and directions.")
        self.study_name = study_name
        self._directions = [direction] if direction is not None else list(directions or [])
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study.

        Raises
        ------
        RuntimeError
            If the study has several objectives.
        """
        if len(self._directions) > 1:
            raise RuntimeError("direction is not available for a multi-objective study.")
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        """The direction of each objective."""
        return list(self._directions)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __lt__(self, other: StudySummary) -> bool:
        return self._study_id < other._study_id

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StudySummary(study_name={self.study_name!r}, n_trials={self.n_trials})"
