"""upload_artifact: store a file and record it on a study or trial."""

from __future__ import annotations

import errno
import mimetypes
import os

from hpo import logging
from hpo.artifacts._ids import new_artifact_id
from hpo.artifacts._meta import ARTIFACT_KEY_PREFIX, ArtifactMeta, encode_meta
from hpo.artifacts._protocol import ArtifactStore
from hpo.artifacts._target import StudyOrTrial, resolve_target
from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)

_DEFAULT_MIMETYPE = "application/octet-stream"


def upload_artifact(
    *,
    artifact_store: ArtifactStore,
    file_path: str | os.PathLike[str],
    study_or_trial: StudyOrTrial,
    storage: BaseStorage | str | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Store a file in ``artifact_store`` and record it on a study or a running trial.

    The content is written under a new id first; only then is its metadata
    (:class:`ArtifactMeta`, as JSON) written to the system attribute ``"artifacts:<id>"``
    of the study or trial, in whichever storage the study uses. If recording fails, the
    stored content is removed again, so every listed artifact has its content.

    Parameters
    ----------
    artifact_store:
        Where the content goes, such as a :class:`FileSystemArtifactStore`.
    file_path:
        The file to upload.
    study_or_trial:
        A :class:`~hpo.study.Study`, a running :class:`~hpo.trial.Trial`, or a record of one
        kept in ``storage`` (:class:`~hpo.trial.FrozenTrial`, :class:`~hpo.study.FrozenStudy`).
    storage:
        Where a record is kept (a storage object or a database URL); required for records,
        ignored for a Study or Trial.
    mimetype:
        The MIME type; guessed from the file name by :mod:`mimetypes` when None, and
        ``"application/octet-stream"`` if it cannot be guessed.
    encoding:
        The content encoding (``"gzip"``, ...); guessed from the file name when None.

    Returns
    -------
    str
        The artifact id, for :func:`download_artifact`.

    Raises
    ------
    FileNotFoundError
        If ``file_path`` does not exist.
    IsADirectoryError
        If ``file_path`` is a directory.
    UpdateFinishedTrialError
        If the trial has finished (nothing is stored).
    ValueError
        If a record is given without ``storage``, or is not in it.
    TypeError
        If an argument has the wrong type.

    Examples
    --------
    >>> import hpo, tempfile, os
    >>> from hpo.artifacts import FileSystemArtifactStore, get_all_artifact_meta
    >>> store = FileSystemArtifactStore(tempfile.mkdtemp())
    >>> study = hpo.create_study()
    >>> trial = study.ask()
    >>> with open("notes.txt", "w") as f:
    ...     _ = f.write("first try")
    >>> artifact_id = upload_artifact(
    ...     artifact_store=store, file_path="notes.txt", study_or_trial=trial
    ... )
    >>> [meta.filename for meta in get_all_artifact_meta(trial)]
    ['notes.txt']
    """
    target = resolve_target(study_or_trial, storage, "upload_artifact")
    if not isinstance(file_path, (str, os.PathLike)):
        raise TypeError(f"file_path must be a path, got {type(file_path).__name__}")
    for name, value in (("mimetype", mimetype), ("encoding", encoding)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or None, got {value!r}")
    path = os.fspath(file_path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "cannot upload a directory", path)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "file to upload not found", path)
    target.check_writable()

    filename = os.path.basename(path)
    guessed_mimetype, guessed_encoding = mimetypes.guess_type(filename)
    meta = ArtifactMeta(
        artifact_id=new_artifact_id(),
        filename=filename,
        mimetype=mimetype or guessed_mimetype or _DEFAULT_MIMETYPE,
        encoding=encoding or guessed_encoding,
    )
    with open(path, "rb") as source:
        artifact_store.write(meta.artifact_id, source)
    try:
        target.set_system_attr(ARTIFACT_KEY_PREFIX + meta.artifact_id, encode_meta(meta))
    except BaseException:
        _remove_unrecorded(artifact_store, meta.artifact_id)
        raise
    return meta.artifact_id


def _remove_unrecorded(artifact_store: ArtifactStore, artifact_id: str) -> None:
    try:
        artifact_store.remove(artifact_id)
    except Exception as error:
        _logger.warning(
            f"Artifact {artifact_id!r} was stored but could not be recorded, and removing it "
            f"failed too ({error!r}); it is left in the store unlisted."
        )
