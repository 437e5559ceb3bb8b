"""FileSystemArtifactStore: artifacts as files under one directory."""

from __future__ import annotations

import os
from typing import BinaryIO

from hpo.artifacts._atomic import write_atomically
from hpo.artifacts._protocol import check_artifact_id
from hpo.artifacts.exceptions import ArtifactNotFound


class FileSystemArtifactStore:
    """Keep each artifact as one file, named by its id, under ``base_path``.

    ``base_path`` may be a directory shared by many machines (NFS, a mounted volume). Writes
    are atomic: the content goes to a temporary file in the same directory, is flushed to
    disk, and only then takes the artifact's name, so a reader never sees part of an artifact
    and a failed write leaves nothing behind. An id that would lead outside ``base_path``
    (``..``, an absolute path, a symbolic link pointing out) is refused.

    Parameters
    ----------
    base_path:
        The directory holding the artifacts. It is created, with its parents, at the first
        write if it does not exist.

    Raises
    ------
    TypeError
        If ``base_path`` is not a path.

    Examples
    --------
    >>> import io, tempfile
    >>> store = FileSystemArtifactStore(tempfile.mkdtemp())
    >>> store.write("example-id", io.BytesIO(b"weights"))
    >>> with store.open_reader("example-id") as reader:
    ...     reader.read()
    b'weights'
    >>> store.remove("example-id")
    """

    def __init__(self, base_path: str | os.PathLike[str]) -> None:
        if not isinstance(base_path, (str, os.PathLike)):
            raise TypeError(f"base_path must be a path, got {type(base_path).__name__}")
        self._base_path = os.fspath(base_path)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact's file for reading in binary mode; the caller closes it.

        Raises
        ------
        ArtifactNotFound
            If no artifact has this id.
        TypeError, ValueError
            If ``artifact_id`` is not a string or leads outside the base path.
        """
        path = self._path_of(artifact_id)
        try:
            return open(path, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise self._not_found(artifact_id) from None

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store everything read from ``content_body`` under ``artifact_id``, atomically.

        An artifact with the same id is replaced. If reading or writing fails, the previous
        content (or no file) remains and no temporary file is left.

        Raises
        ------
        TypeError, ValueError
            If ``artifact_id`` is not a string or leads outside the base path.
        """
        path = self._path_of(artifact_id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomically(path, content_body, overwrite=True)

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact's file.

        Raises
        ------
        ArtifactNotFound
            If no artifact has this id.
        TypeError, ValueError
            If ``artifact_id`` is not a string or leads outside the base path.
        """
        path = self._path_of(artifact_id)
        try:
            os.remove(path)
        except (FileNotFoundError, IsADirectoryError):
            raise self._not_found(artifact_id) from None

    def _not_found(self, artifact_id: str) -> ArtifactNotFound:
        return ArtifactNotFound(f"artifact {artifact_id!r} not found in {self._base_path!r}")

    def _path_of(self, artifact_id: str) -> str:
        check_artifact_id(artifact_id)
        parts = artifact_id.replace("\\", "/").split("/")
        if os.path.isabs(artifact_id) or any(part in ("", ".", "..") for part in parts):
            raise ValueError(
                f"artifact_id {artifact_id!r} must be a relative path without empty, '.' or "
                f"'..' parts"
            )
        base = os.path.realpath(self._base_path)
        path = os.path.realpath(os.path.join(base, *parts))
        # realpath follows symbolic links, so a link pointing out of the base is caught here.
        if os.path.commonpath([base, path]) != base or path == base:
            raise ValueError(
                f"artifact_id {artifact_id!r} leads outside the store's base path "
                f"{self._base_path!r}"
            )
        return path
