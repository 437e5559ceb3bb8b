"""StudySnapshot: a study read whole, ready to be stored as a copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial


@dataclass
class StudySnapshot:
    """A study's name, directions, attributes and trials (in number order), as read."""

    study_name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    trials: list[FrozenTrial] = field(default_factory=list)
