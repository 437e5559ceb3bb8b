"""Journal storage: studies kept as an append-only log of operations.

For clusters that share a filesystem (e.g. NFS) but have no database server: every change is
appended as one JSON line to a file, and every process replays the file to rebuild the state.

Examples
--------
>>> import os, tempfile
>>> import hpo
>>> from hpo.storages.journal import JournalFileBackend, JournalStorage
>>> path = os.path.join(tempfile.mkdtemp(), "study.journal")
>>> storage = JournalStorage(JournalFileBackend(path))
>>> study = hpo.create_study(storage=storage, study_name="example")
"""

from __future__ import annotations

import warnings

from hpo.storages.journal._base import BaseJournalBackend
from hpo.storages.journal._file import JournalFileBackend
from hpo.storages.journal._lock import (
    BaseJournalFileLock,
    JournalFileOpenLock,
    JournalFileSymlinkLock,
)
from hpo.storages.journal._storage import JournalStorage

__all__ = [
    "BaseJournalBackend",
    "BaseJournalFileLock",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalStorage",
]


class JournalFileStorage(JournalFileBackend):
    """Deprecated name of :class:`JournalFileBackend`; use that instead.

    Parameters
    ----------
    file_path:
        The journal file.
    lock_obj:
        The lock that serializes appends.

    Raises
    ------
    TypeError, FileNotFoundError, IsADirectoryError, PermissionError
        As :class:`JournalFileBackend`.
    """

    def __init__(self, file_path: str, lock_obj: BaseJournalFileLock | None = None) -> None:
        warnings.warn(
            "JournalFileStorage is deprecated; use JournalFileBackend instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(file_path, lock_obj)
