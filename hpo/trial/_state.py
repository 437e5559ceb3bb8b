"""The life-cycle states of a trial."""

from __future__ import annotations

import enum


class TrialState(enum.IntEnum):
    """The state of a trial.

    ``RUNNING`` while the objective runs, ``WAITING`` while an enqueued trial waits for a
    worker, and one of the finished states ``COMPLETE``, ``PRUNED`` and ``FAIL`` afterwards.
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    # Printed as an enum member (``TrialState.COMPLETE``), not as the integer it also is.
    __repr__ = enum.Enum.__repr__
    __str__ = enum.Enum.__str__
    __format__ = enum.Enum.__format__

    def is_finished(self) -> bool:
        """Return whether the state is COMPLETE, PRUNED or FAIL."""
        return self in _FINISHED


_FINISHED = frozenset({TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL})
