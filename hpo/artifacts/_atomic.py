"""Write a file so that readers see either nothing or all of it, never a part."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from typing import BinaryIO

# Long names are cut in the temporary name so that it stays within the file name limit.
_MAX_NAME_IN_TEMP = 100


def write_atomically(path: str, source: BinaryIO, *, overwrite: bool) -> None:
    """Copy ``source`` to ``path`` through a temporary file in the same directory.

    The content is flushed to disk before the temporary file takes the final name, so a crash
    or an error while writing leaves no file at ``path`` (or the previous one, when
    overwriting) and no temporary file behind.

    Raises
    ------
    FileExistsError
        If ``overwrite`` is False and ``path`` exists (checked again at the final rename).
    """
    directory = os.path.dirname(os.path.abspath(path))
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(f"File already exists: {path}")
    fd, temp_path = _create_temporary(directory, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as temp:
            shutil.copyfileobj(source, temp)
            temp.flush()
            os.fsync(temp.fileno())
        if overwrite:
            os.replace(temp_path, path)
        else:
            _rename_without_overwrite(temp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_path)
        raise
    _fsync_directory(directory)


def _create_temporary(directory: str, name: str) -> tuple[int, str]:
    # os.open with mode 0o666 gives the file the permissions the umask allows, as open() does.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp_path = os.path.join(
            directory, f".{name[:_MAX_NAME_IN_TEMP]}.{secrets.token_hex(8)}.tmp"
        )
        try:
            return os.open(temp_path, flags, 0o666), temp_path
        except FileExistsError:
            continue


def _rename_without_overwrite(temp_path: str, path: str) -> None:
    # A hard link fails if the target exists, atomically; the temporary name is removed after.
    try:
        os.link(temp_path, path)
    except FileExistsError:
        raise FileExistsError(f"File already exists: {path}") from None
    except OSError:
        # The filesystem has no hard links: check, then rename (a small race remains).
        if os.path.lexists(path):
            raise FileExistsError(f"File already exists: {path}") from None
        os.replace(temp_path, path)
        return
    os.unlink(temp_path)


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable; some platforms cannot open a directory, which is fine.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
