"""FrozenStudy, the record of a study as a storage lists it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hpo._study_direction import StudyDirection


class DirectedStudyRecord:
    """A study's directions and identity, shared by FrozenStudy and StudySummary."""

    _directions: list[StudyDirection]
    _study_id: int

    def _set_directions(
        self, direction: StudyDirection | None, directions: Sequence[StudyDirection] | None
    ) -> None:
        if (direction is None) == (directions is None):
            raise ValueError("Give exactly one of direction and directions.")
        self._directions = [direction] if direction is not None else list(directions or [])

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
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __lt__(self, other: DirectedStudyRecord) -> bool:
        return self._study_id < other._study_id

    __hash__ = None  # type: ignore[assignment]


class FrozenStudy(DirectedStudyRecord):
    """A study's name, directions and attributes, as returned by ``get_all_studies``.

    Parameters
    ----------
    study_name:
        The study's name.
    direction, directions:
        Give exactly one: the direction of a single-objective study or all directions.
    user_attrs, system_attrs:
        The study's attributes.
    study_id:
        The storage's identifier.

    Raises
    ------
    ValueError
        If both or neither of ``direction`` and ``directions`` are given.
    """

    def __init__(
        self,
        study_name: str,
        direction: StudyDirection | None,
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        study_id: int,
        *,
        directions: Sequence[StudyDirection] | None = None,
    ) -> None:
        self._set_directions(direction, directions)
        self.study_name = study_name
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self._study_id = study_id

    def __repr__(self) -> str:
        return f"FrozenStudy(study_name={self.study_name!r}, directions={self._directions!r})"
