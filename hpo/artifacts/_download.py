"""download_artifact: copy an artifact's content to a new local file."""

from __future__ import annotations

import contextlib
import errno
import os

from hpo.artifacts._atomic import write_atomically
from hpo.artifacts._protocol import ArtifactStore


def download_artifact(
    *, artifact_store: ArtifactStore, file_path: str | os.PathLike[str], artifact_id: str
) -> None:
    """Copy the content of artifact ``artifact_id`` to the new file ``file_path``.

    The file appears only once complete (it is written under a temporary name in the same
    directory and renamed), so an interrupted download leaves no partial file.

    Parameters
    ----------
    artifact_store:
        The store the artifact was uploaded to.
    file_path:
        The file to create; it must not exist yet, and its directory must.
    artifact_id:
        The id :func:`upload_artifact` returned (or :attr:`ArtifactMeta.artifact_id`).

    Raises
    ------
    FileExistsError
        If ``file_path`` exists; it is not overwritten.
    FileNotFoundError
        If the directory of ``file_path`` does not exist.
    ArtifactNotFound
        If the store has no artifact with this id (no file is created).

    Examples
    --------
    >>> import io, tempfile
    >>> from hpo.artifacts import FileSystemArtifactStore
    >>> store = FileSystemArtifactStore(tempfile.mkdtemp())
    >>> store.write("example-id", io.BytesIO(b"weights"))
    >>> download_artifact(artifact_store=store, file_path="model.bin", artifact_id="example-id")
    >>> from pathlib import Path
    >>> Path("model.bin").read_bytes()
    b'weights'
    """
    if not isinstance(file_path, (str, os.PathLike)):
        raise TypeError(f"file_path must be a path, got {type(file_path).__name__}")
    path = os.fspath(file_path)
    if os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "File already exists", path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "directory to download into does not exist", path)
    reader = artifact_store.open_reader(artifact_id)
    with contextlib.closing(reader):
        write_atomically(path, reader, overwrite=False)
