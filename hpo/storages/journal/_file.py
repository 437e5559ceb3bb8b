"""JournalFileBackend: the journal as a file of JSON lines, shared through a filesystem."""

from __future__ import annotations

import json
import os
import stat
import threading
from typing import Any

from hpo import logging
from hpo.storages.journal._base import BaseJournalBackend
from hpo.storages.journal._lock import BaseJournalFileLock, JournalFileSymlinkLock

_logger = logging.get_logger(__name__)

_NEWLINE = b"\n"
_DECODER = json.JSONDecoder()
# What JSON itself counts as white space; str.strip() would also drop e.g. form feeds.
_JSON_SPACE = " \t\r"


class JournalFileBackend(BaseJournalBackend):
    """Keep the journal in one file, one JSON object per line, appended under a lock.

    Reads are incremental: the backend remembers how far it has read (in bytes and in logs),
    so each call reads only what was appended since. A last line without its newline (a
    writer is still writing it, or died while writing) is left for a later read; a complete
    line that is not a JSON object is skipped with a warning, the same way in every process.

    Parameters
    ----------
    file_path:
        The journal file. It is created if missing; its directory must exist.
    lock_obj:
        The lock that serializes appends between processes; by default a
        :class:`JournalFileSymlinkLock` on ``file_path``.

    Raises
    ------
    TypeError
        If ``file_path`` is not a path or ``lock_obj`` is not a journal file lock.
    FileNotFoundError
        If the directory of ``file_path`` does not exist.
    IsADirectoryError
        If ``file_path`` is a directory.
    PermissionError
        If the file cannot be read and written.

    Examples
    --------
    >>> import tempfile, os
    >>> backend = JournalFileBackend(os.path.join(tempfile.mkdtemp(), "study.journal"))
    >>> backend.append_logs([{"op": "example"}])
    >>> list(backend.read_logs(0))
    [{'op': 'example'}]
    """

    def __init__(self, file_path: str, lock_obj: BaseJournalFileLock | None = None) -> None:
        if not isinstance(file_path, (str, os.PathLike)):
            raise TypeError(f"file_path must be a path string, got {file_path!r}.")
        if lock_obj is not None and not isinstance(lock_obj, BaseJournalFileLock):
            raise TypeError(
                "lock_obj must be a JournalFileSymlinkLock, a JournalFileOpenLock or None, "
                f"got {lock_obj!r}."
            )
        self._file_path = os.path.abspath(os.fspath(file_path))
        self._lock = lock_obj if lock_obj is not None else JournalFileSymlinkLock(self._file_path)
        self._open_or_create()
        self._read_lock = threading.Lock()
        # How far this object has read: the byte after the last complete line, and the number
        # of logs in the lines before it.
        self._offset = 0
        self._n_logs_read = 0

    @property
    def file_path(self) -> str:
        """The absolute path of the journal file."""
        return self._file_path

    def __getstate__(self) -> dict[str, Any]:
        return {"file_path": self._file_path, "lock_obj": self._lock}

    def __setstate__(self, state: dict[str, Any]) -> None:
        JournalFileBackend.__init__(self, state["file_path"], state["lock_obj"])

    def _open_or_create(self) -> None:
        path = self._file_path
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise FileNotFoundError(
                f"Cannot use the journal file {path!r}: its directory {directory!r} does not "
                "exist."
            )
        if os.path.isdir(path):
            raise IsADirectoryError(f"The journal file {path!r} is a directory, not a file.")
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except PermissionError as e:
            raise PermissionError(
                e.errno, f"Cannot read and write the journal file {path!r}: {e.strerror}"
            ) from e
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ValueError(f"The journal file {path!r} is not a regular file.")
        finally:
            os.close(fd)

    # -- reading ---------------------------------------------------------------------------
    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        """Return the logs numbered ``log_number_from`` and later.

        Only bytes appended since the previous call are read when ``log_number_from`` is the
        number of logs read so far (the usual case); an earlier number reads from the start.

        Parameters
        ----------
        log_number_from:
            The number of the first log to return.

        Returns
        -------
        list[dict[str, Any]]
            The logs in journal order.

        Raises
        ------
        TypeError
            If ``log_number_from`` is not an int.
        ValueError
            If ``log_number_from`` is negative, or the file shrank (it was replaced or
            truncated by something else).
        OSError
            If the file cannot be read.
        """
        if isinstance(log_number_from, bool) or not isinstance(log_number_from, int):
            raise TypeError(f"log_number_from must be an int, got {log_number_from!r}.")
        if log_number_from < 0:
            raise ValueError(f"log_number_from={log_number_from} must be >= 0.")
        with self._read_lock:
            if log_number_from < self._n_logs_read:
                self._offset = 0
                self._n_logs_read = 0
            new_logs = self._read_new_logs()
            first = self._n_logs_read - len(new_logs)
            skip = max(0, log_number_from - first)
            return new_logs[skip:] if skip else new_logs

    def _read_new_logs(self) -> list[dict[str, Any]]:
        size = os.stat(self._file_path).st_size
        if size == self._offset:
            return []
        if size < self._offset:
            raise ValueError(
                f"The journal file {self._file_path!r} shrank from {self._offset} to {size} "
                "bytes; it was truncated or replaced, so the logs read so far are no longer "
                "in it."
            )
        with open(self._file_path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(_NEWLINE)
        if end < 0:
            return []  # only an incomplete line so far
        logs = self._parse_lines(data[:end], self._offset)
        self._offset += end + 1
        self._n_logs_read += len(logs)
        return logs

    def _parse_lines(self, chunk: bytes, offset: int) -> list[dict[str, Any]]:
        """Parse complete lines; skip blank ones, and corrupt ones with a warning."""
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            return self._parse_lines_one_by_one(chunk, offset)
        logs: list[dict[str, Any]] = []
        append = logs.append
        decode = _DECODER.raw_decode
        for line in text.split("\n"):
            stripped = line.strip(_JSON_SPACE)
            if not stripped:
                continue
            try:
                log, end = decode(stripped)
            except ValueError:
                end = -1
            if end != len(stripped) or type(log) is not dict:
                # Rare: redo this chunk line by line, which also finds the byte offsets.
                return self._parse_lines_one_by_one(chunk, offset)
            append(log)
        return logs

    def _parse_lines_one_by_one(self, chunk: bytes, offset: int) -> list[dict[str, Any]]:
        logs: list[dict[str, Any]] = []
        line_start = 0
        for line in chunk.split(_NEWLINE):
            line_offset = offset + line_start
            line_start += len(line) + 1
            if not line.strip():
                continue
            try:
                log = json.loads(line)
            except ValueError:
                log = None
            if type(log) is not dict:
                _logger.warning(
                    "Skipped a corrupt line at byte %d of the journal file %s: %r",
                    line_offset,
                    self._file_path,
                    line[:200],
                )
                continue
            logs.append(log)
        return logs

    # -- writing ---------------------------------------------------------------------------
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` as JSON lines, in one write under the lock.

        A line left incomplete by a writer that died is first ended, so that it is skipped
        as corrupt instead of swallowing the new lines.

        Parameters
        ----------
        logs:
            Dictionaries of JSON values. NaN and infinities are not JSON; encode them first.

        Raises
        ------
        TypeError
            If a log is not a dict or holds a value JSON cannot represent.
        ValueError
            If a log holds NaN or an infinity.
        OSError
            If the file cannot be written.
        """
        data = b"".join(_encode_log(log) for log in logs)
        if not data:
            return
        with self._lock:
            fd = os.open(self._file_path, os.O_RDWR | os.O_APPEND)
            try:
                size = os.fstat(fd).st_size
                if size > 0 and os.pread(fd, 1, size - 1) != _NEWLINE:
                    data = _NEWLINE + data
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            finally:
                os.close(fd)


def _encode_log(log: dict[str, Any]) -> bytes:
    if not isinstance(log, dict):
        raise TypeError(f"A journal log must be a dict, got {log!r}.")
    try:
        text = json.dumps(log, allow_nan=False, separators=(",", ":"))
    except ValueError as e:
        raise ValueError(f"A journal log cannot hold NaN or infinity ({e}): {log!r}") from e
    except TypeError as e:
        raise TypeError(f"A journal log must hold only JSON values ({e}): {log!r}") from e
    return text.encode("utf-8") + _NEWLINE
