"""The optimization direction of an objective.

Kept below the storage layer because storages record directions; re-exported as
``hpo.study.StudyDirection``.
"""

from __future__ import annotations

import enum


class StudyDirection(enum.IntEnum):
    """Whether an objective is minimized or maximized."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2
