"""ArtifactStore: the three operations every artifact store provides."""

from __future__ import annotations

from typing import BinaryIO, Protocol, runtime_checkable


@runtime_checkable
class ArtifactStore(Protocol):
    """Where artifact contents are kept, by artifact id.

    Any object with these three methods is a store: :class:`FileSystemArtifactStore`,
    :class:`Boto3ArtifactStore`, :class:`Backoff`, or one of your own. Metadata (file name,
    MIME type) is not the store's business; it lives in the study's storage.
    """

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact's content for reading; the caller closes it.

        Raises
        ------
        ArtifactNotFound
            If no artifact has this id.
        """
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store everything read from ``content_body`` as the artifact's content."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact.

        Raises
        ------
        ArtifactNotFound
            If no artifact has this id.
        """
        ...


def check_artifact_id(artifact_id: object) -> None:
    """Raise if ``artifact_id`` is not a non-empty string without NUL characters."""
    if not isinstance(artifact_id, str):
        raise TypeError(f"artifact_id must be a str, got {type(artifact_id).__name__}")
    if not artifact_id or "\0" in artifact_id:
        raise ValueError(f"artifact_id {artifact_id!r} must be non-empty and contain no NUL")
