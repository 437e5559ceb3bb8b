"""Storages: where studies and trials are kept.

``InMemoryStorage`` is the default. ``RDBStorage`` keeps studies in SQLite or PostgreSQL and
``JournalStorage`` in an append-only file; both are imported on first use so that
``import hpo`` does not load SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpo.storages._base import BaseStorage
from hpo.storages._heartbeat import (
    BaseHeartbeat,
    HeartbeatThread,
    RetryFailedTrialCallback,
    fail_stale_trials,
    is_heartbeat_enabled,
)
from hpo.storages._in_memory import InMemoryStorage

if TYPE_CHECKING:
    from hpo.storages._rdb import RDBStorage
    from hpo.storages.journal import JournalFileStorage, JournalStorage

__all__ = [
    "BaseHeartbeat",
    "BaseStorage",
    "HeartbeatThread",
    "InMemoryStorage",
    "JournalFileStorage",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "fail_stale_trials",
    "get_storage",
    "is_heartbeat_enabled",
]

_LAZY = {
    "RDBStorage": "hpo.storages._rdb",
    "JournalStorage": "hpo.storages.journal",
    "JournalFileStorage": "hpo.storages.journal",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "journal":
        return importlib.import_module("hpo.storages.journal")
    raise AttributeError(f"module 'hpo.storages' has no attribute {name!r}")


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Return a storage for what ``create_study`` and friends accept.

    Parameters
    ----------
    storage:
        ``None`` for a new :class:`InMemoryStorage`, a database URL such as
        ``"sqlite:///study.db"`` for an ``RDBStorage``, or a storage object, returned as is.

    Returns
    -------
    BaseStorage
        The storage.

    Raises
    ------
    TypeError
        If ``storage`` is none of these.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, str):
        from hpo.storages._rdb import RDBStorage

        return RDBStorage(storage)
    if isinstance(storage, BaseStorage):
        return storage
    raise TypeError(
        f"storage must be None, a database URL string or a BaseStorage, got {storage!r}."
    )
