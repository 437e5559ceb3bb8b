"""Boto3ArtifactStore: artifacts as objects of an Amazon S3 (or S3-compatible) bucket."""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING, Any, BinaryIO

from hpo.artifacts._protocol import check_artifact_id
from hpo.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from botocore.client import BaseClient

# Error codes S3 answers with when a key does not exist (GetObject, HeadObject).
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class Boto3ArtifactStore:
    """Keep each artifact as one object of an S3 bucket, keyed by its id.

    Works with Amazon S3 and with S3-compatible servers (MinIO, Ceph, moto, ...) through a
    boto3 client created with their ``endpoint_url``. An S3 upload is atomic: readers see
    the whole object or none. Needs boto3: ``pip install "hpo[s3]"``.

    Parameters
    ----------
    bucket_name:
        The bucket holding the artifacts; it must exist.
    client:
        A boto3 S3 client; by default ``boto3.client("s3")``, configured from the
        environment (``AWS_*`` variables, ``~/.aws``).
    avoid_buf_copy:
        boto3 closes the stream it uploads from. By default the content is first copied to
        an in-memory buffer so the caller's stream stays open; True uploads straight from
        the caller's stream (no copy of large files in memory, but it is closed afterwards).

    Raises
    ------
    ImportError
        If boto3 is not installed.
    TypeError
        If ``bucket_name`` is not a string.

    Examples
    --------
    >>> import boto3  # doctest: +SKIP
    >>> client = boto3.client("s3", endpoint_url="http://127.0.0.1:9000")  # doctest: +SKIP
    >>> store = Boto3ArtifactStore("artifacts", client=client)  # doctest: +SKIP
    """

    def __init__(
        self, bucket_name: str, client: BaseClient | None = None, *, avoid_buf_copy: bool = False
    ) -> None:
        if not isinstance(bucket_name, str) or not bucket_name:
            raise TypeError(f"bucket_name must be a non-empty str, got {bucket_name!r}")
        if client is None:
            try:
                import boto3
            except ImportError as error:
                raise ImportError(
                    'Boto3ArtifactStore needs boto3: pip install "hpo[s3]"'
                ) from error
            client = boto3.client("s3")
        self.bucket = bucket_name
        self.client = client
        self._avoid_buf_copy = avoid_buf_copy

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the object's content as a stream; the caller closes it.

        Raises
        ------
        ArtifactNotFound
            If the bucket has no object with this key.
        """
        check_artifact_id(artifact_id)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as error:
            self._raise_if_not_found(error, artifact_id)
            raise
        body: BinaryIO = response["Body"]
        return body

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload everything read from ``content_body`` as the object ``artifact_id``."""
        check_artifact_id(artifact_id)
        source = content_body
        if not self._avoid_buf_copy:
            source = io.BytesIO()
            shutil.copyfileobj(content_body, source)
            source.seek(0)
        self.client.upload_fileobj(source, self.bucket, artifact_id)

    def remove(self, artifact_id: str) -> None:
        """Delete the object ``artifact_id``.

        Raises
        ------
        ArtifactNotFound
            If the bucket has no object with this key (S3 itself would not say so).
        """
        check_artifact_id(artifact_id)
        try:
            self.client.head_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as error:
            self._raise_if_not_found(error, artifact_id)
            raise
        self.client.delete_object(Bucket=self.bucket, Key=artifact_id)

    def _raise_if_not_found(self, error: Exception, artifact_id: str) -> None:
        response: Any = getattr(error, "response", None)
        code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
        if code in _NOT_FOUND_CODES:
            raise ArtifactNotFound(
                f"artifact {artifact_id!r} not found in bucket {self.bucket!r}"
            ) from error
