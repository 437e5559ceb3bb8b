"""Backoff: retry a store's operations with exponentially growing pauses."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from hpo import logging
from hpo.artifacts._protocol import ArtifactStore
from hpo.artifacts.exceptions import ArtifactNotFound

_logger = logging.get_logger(__name__)

_Result = TypeVar("_Result")
# Errors that another attempt cannot fix: a missing artifact, a bad id.
_NOT_RETRIED = (ArtifactNotFound, TypeError, ValueError)
# A stream that cannot rewind is buffered before the first attempt; in memory up to this size.
_SPOOL_BYTES = 16 * 2**20


class Backoff:
    """Wrap an artifact store so that failed operations are tried again after a pause.

    For a network store (S3) with occasional errors. Each operation is tried up to
    ``max_retries`` times; the pause after the ``k``-th failure (counting from 0) is
    ``min(max_delay, min_delay * multiplier ** k)`` seconds. A missing artifact
    (:class:`~hpo.artifacts.exceptions.ArtifactNotFound`) and a bad id are raised at once.
    A write rewinds its stream before each new attempt, so a retried upload is complete.

    Parameters
    ----------
    backend:
        The store to wrap.
    max_retries:
        How many times an operation is tried in all, at least 1.
    multiplier:
        The factor by which the pause grows after each failure, positive.
    min_delay:
        The first pause in seconds, at least 0.
    max_delay:
        The longest pause in seconds, at least ``min_delay``.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> import io, tempfile
    >>> from hpo.artifacts import FileSystemArtifactStore
    >>> store = Backoff(FileSystemArtifactStore(tempfile.mkdtemp()), max_retries=3)
    >>> store.write("example-id", io.BytesIO(b"data"))
    >>> with store.open_reader("example-id") as reader:
    ...     reader.read()
    b'data'
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 1:
            raise ValueError(f"max_retries={max_retries!r} must be an integer >= 1")
        if not multiplier > 0:
            raise ValueError(f"multiplier={multiplier!r} must be > 0")
        if not min_delay >= 0:
            raise ValueError(f"min_delay={min_delay!r} must be >= 0")
        if not max_delay >= min_delay:
            raise ValueError(f"max_delay={max_delay!r} must be >= min_delay={min_delay!r}")
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = multiplier
        self._min_delay = min_delay
        self._max_delay = max_delay

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact through the wrapped store, retrying on failure."""
        return self._retry("open", artifact_id, lambda: self._backend.open_reader(artifact_id))

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Write the artifact through the wrapped store, retrying on failure."""
        if content_body.seekable():
            self._write_rewinding(artifact_id, content_body)
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as buffer:
            while chunk := content_body.read(2**20):
                buffer.write(chunk)
            buffer.seek(0)
            self._write_rewinding(artifact_id, buffer)  # type: ignore[arg-type]

    def remove(self, artifact_id: str) -> None:
        """Remove the artifact through the wrapped store, retrying on failure."""
        self._retry("remove", artifact_id, lambda: self._backend.remove(artifact_id))

    def _write_rewinding(self, artifact_id: str, content_body: BinaryIO) -> None:
        start = content_body.tell()

        def attempt() -> None:
            content_body.seek(start)
            self._backend.write(artifact_id, content_body)

        self._retry("write", artifact_id, attempt)

    def _retry(self, operation: str, artifact_id: str, action: Callable[[], _Result]) -> _Result:
        for attempt in range(self._max_retries):
            try:
                return action()
            except _NOT_RETRIED:
                raise
            except Exception as error:
                if attempt + 1 == self._max_retries:
                    raise
                delay = min(self._max_delay, self._min_delay * self._multiplier**attempt)
                _logger.warning(
                    f"Failed to {operation} artifact {artifact_id!r} "
                    f"(attempt {attempt + 1} of {self._max_retries}): {error!r}; "
                    f"retrying in {delay:.3g} s"
                )
                time.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises
