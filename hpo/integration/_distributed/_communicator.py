"""The few collective operations a distributed objective needs from its process group."""

from __future__ import annotations

import abc
from typing import Any


class Communicator(abc.ABC):
    """A group of processes that run one objective together.

    Every method is collective: all ranks of the group call it, in the same order.
    """

    @property
    @abc.abstractmethod
    def rank(self) -> int:
        """This process's rank in the group, ``0 <= rank < size``."""

    @property
    @abc.abstractmethod
    def size(self) -> int:
        """How many processes the group has."""

    @abc.abstractmethod
    def broadcast(self, obj: Any, root: int = 0) -> Any:
        """Return ``obj`` of rank ``root`` on every rank (other ranks' ``obj`` is ignored)."""

    @abc.abstractmethod
    def allgather(self, obj: Any) -> list[Any]:
        """Return the list of every rank's ``obj``, indexed by rank, on every rank."""
