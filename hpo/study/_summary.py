"""StudySummary: one line of ``get_all_study_summaries``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from hpo._frozen_study import DirectedStudyRecord
from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial


class StudySummary(DirectedStudyRecord):
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
        self._set_directions(direction, directions)
        self.study_name = study_name
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    def __repr__(self) -> str:
        return f"StudySummary(study_name={self.study_name!r}, n_trials={self.n_trials})"
