"""Locks on a shared filesystem: one writer at a time appends to a journal file.

Both locks create a lock file next to the journal with an operation that is atomic on local
filesystems and on NFS (creating a symbolic link, or ``open`` with ``O_CREAT | O_EXCL``). The
lock file holds a random token so that its owner recognizes it. A lock file older than the
grace period is taken to belong to a process that died while holding it, and is removed.
"""

from __future__ import annotations

import abc
import os
import random
import threading
import time
import uuid
from types import TracebackType

from hpo import logging

_logger = logging.get_logger(__name__)

_FIRST_DELAY = 0.0005
_MAX_DELAY = 0.05


class BaseJournalFileLock(abc.ABC):
    """A lock that excludes other threads and processes; used by ``JournalFileBackend``."""

    @abc.abstractmethod
    def acquire(self) -> bool:
        """Wait until the lock is held by this object, then return ``True``."""

    @abc.abstractmethod
    def release(self) -> None:
        """Release the lock held by this object."""

    def __enter__(self) -> BaseJournalFileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class _LockFile(BaseJournalFileLock):
    """The shared logic: wait with backoff, break stale locks, release only one's own lock."""

    def __init__(self, filepath: str, grace_period: int | None = 30) -> None:
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"filepath must be a path string, got {filepath!r}.")
        if grace_period is not None and (
            isinstance(grace_period, bool)
            or not isinstance(grace_period, (int, float))
            or not grace_period > 0
        ):
            raise ValueError(f"grace_period={grace_period!r} must be a positive number or None.")
        self._lock_path = os.fspath(filepath) + ".lock"
        self._grace_period = grace_period
        self._token: str | None = None
        # Threads sharing this object wait here; the lock file excludes other processes.
        self._thread_lock = threading.Lock()

    @property
    def lock_path(self) -> str:
        """The path of the lock file."""
        return self._lock_path

    def __getstate__(self) -> dict[str, object]:
        return {"filepath": self._lock_path[: -len(".lock")], "grace": self._grace_period}

    def __setstate__(self, state: dict[str, object]) -> None:
        _LockFile.__init__(self, state["filepath"], state["grace"])  # type: ignore[arg-type]

    @abc.abstractmethod
    def _create(self, token: str) -> None:
        """Create the lock file holding ``token``; FileExistsError if it exists."""

    @abc.abstractmethod
    def _read_token(self) -> str:
        """Return the token in the lock file; FileNotFoundError if there is none."""

    def acquire(self) -> bool:
        """Wait until no other thread or process holds the lock, then take it.

        Returns
        -------
        bool
            ``True`` once the lock is held.

        Raises
        ------
        OSError
            If the lock file cannot be created (for example, no permission on its directory).
        """
        self._thread_lock.acquire()
        try:
            delay = _FIRST_DELAY
            while not self._create_lock_file():
                self._remove_if_stale()
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, _MAX_DELAY)
        except BaseException:
            self._thread_lock.release()
            raise
        return True

    def _try_acquire(self) -> bool:
        """Take the lock if it is free now; return whether this object holds it."""
        if not self._thread_lock.acquire(blocking=False):
            return False
        try:
            taken = self._create_lock_file()
        except BaseException:
            self._thread_lock.release()
            raise
        if not taken:
            self._thread_lock.release()
        return taken

    def _create_lock_file(self) -> bool:
        token = uuid.uuid4().hex
        try:
            self._create(token)
        except FileExistsError:
            return False
        except OSError as e:
            raise type(e)(
                e.errno, f"Cannot create the journal lock file {self._lock_path!r}: {e.strerror}"
            ) from e
        self._token = token
        return True

    def release(self) -> None:
        """Release the lock.

        Raises
        ------
        RuntimeError
            If this object does not hold the lock.
        """
        if self._token is None:
            raise RuntimeError(f"The lock {self._lock_path!r} is not held by this object.")
        try:
            if self._read_token() == self._token:
                os.unlink(self._lock_path)
            else:
                _logger.warning(
                    "The lock %s was removed as stale while held; the grace period is too short.",
                    self._lock_path,
                )
        except FileNotFoundError:
            _logger.warning(
                "The lock %s was removed as stale while held; the grace period is too short.",
                self._lock_path,
            )
        finally:
            self._token = None
            self._thread_lock.release()

    def _remove_if_stale(self) -> None:
        if self._grace_period is None:
            return
        try:
            if time.time() - os.lstat(self._lock_path).st_mtime <= self._grace_period:
                return
        except FileNotFoundError:
            return
        # Move the lock aside first so that of several processes only one removes it.
        aside = f"{self._lock_path}.{uuid.uuid4().hex}.stale"
        try:
            os.rename(self._lock_path, aside)
        except FileNotFoundError:
            return
        try:
            if time.time() - os.lstat(aside).st_mtime <= self._grace_period:
                # A fresh lock was taken between the check and the move: give it back.
                try:
                    os.link(aside, self._lock_path, follow_symlinks=False)
                except FileExistsError:
                    _logger.warning("Could not give back the lock %s.", self._lock_path)
            else:
                _logger.warning(
                    "Removed the lock %s, older than the grace period of %s s.",
                    self._lock_path,
                    self._grace_period,
                )
        finally:
            os.unlink(aside)


class JournalFileSymlinkLock(_LockFile):
    """A lock whose lock file is a symbolic link, created atomically even on NFS.

    Parameters
    ----------
    filepath:
        The journal file; the lock file is ``filepath + ".lock"``.
    grace_period:
        Seconds after which a lock file is considered left behind by a dead process and
        removed; ``None`` never removes it. Clocks of the machines sharing the file must agree
        to well within this period.

    Raises
    ------
    TypeError
        If ``filepath`` is not a path.
    ValueError
        If ``grace_period`` is not a positive number or ``None``.

    Examples
    --------
    >>> import tempfile, os
    >>> lock = JournalFileSymlinkLock(os.path.join(tempfile.mkdtemp(), "study.journal"))
    >>> with lock:
    ...     pass
    """

    def _create(self, token: str) -> None:
        os.symlink(token, self._lock_path)

    def _read_token(self) -> str:
        return os.readlink(self._lock_path)


class JournalFileOpenLock(_LockFile):
    """A lock whose lock file is created with ``open(O_CREAT | O_EXCL)``.

    Use it where symbolic links are not available.

    Parameters
    ----------
    filepath:
        The journal file; the lock file is ``filepath + ".lock"``.
    grace_period:
        Seconds after which a lock file is considered left behind by a dead process and
        removed; ``None`` never removes it.

    Raises
    ------
    TypeError
        If ``filepath`` is not a path.
    ValueError
        If ``grace_period`` is not a positive number or ``None``.

    Examples
    --------
    >>> import tempfile, os
    >>> lock = JournalFileOpenLock(os.path.join(tempfile.mkdtemp(), "study.journal"))
    >>> with lock:
    ...     pass
    """

    def _create(self, token: str) -> None:
        fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        try:
            os.write(fd, token.encode())
        finally:
            os.close(fd)

    def _read_token(self) -> str:
        with open(self._lock_path, encoding="ascii", errors="replace") as f:
            return f.read()
