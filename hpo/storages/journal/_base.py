"""The interface of a journal backend: an append-only sequence of JSON-compatible logs."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any


class BaseJournalBackend(abc.ABC):
    """Where a :class:`~hpo.storages.journal.JournalStorage` keeps its log of operations.

    A backend stores an ordered sequence of logs (dictionaries of JSON values). Logs are only
    ever appended; every process reads the same logs in the same order.

    Examples
    --------
    >>> class ListBackend(BaseJournalBackend):
    ...     def __init__(self):
    ...         self.logs = []
    ...     def read_logs(self, log_number_from):
    ...         return self.logs[log_number_from:]
    ...     def append_logs(self, logs):
    ...         self.logs.extend(logs)
    """

    @abc.abstractmethod
    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        """Return the logs numbered ``log_number_from`` and later, in order.

        Parameters
        ----------
        log_number_from:
            The number (0-based position in the journal) of the first log to return.

        Returns
        -------
        Iterable[dict[str, Any]]
            The logs; empty when there are none that new.
        """

    @abc.abstractmethod
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` to the end of the journal, all together and in order.

        Parameters
        ----------
        logs:
            Dictionaries of JSON-serializable values.
        """
