"""Errors raised by artifact stores.

Code written for Optuna catches ``optuna.artifacts.exceptions.ArtifactNotFound``; with
``import hpo as optuna`` the same line catches :class:`ArtifactNotFound` from here.
"""

from __future__ import annotations

from hpo.exceptions import HpoError

__all__ = ["ArtifactNotFound"]


class ArtifactNotFound(HpoError):
    """Raised when an artifact id names no stored artifact.

    Examples
    --------
    >>> import io, tempfile
    >>> from hpo.artifacts import FileSystemArtifactStore
    >>> store = FileSystemArtifactStore(tempfile.mkdtemp())
    >>> try:
    ...     store.open_reader("no-such-artifact")
    ... except ArtifactNotFound as error:
    ...     print("not found")
    not found
    """
