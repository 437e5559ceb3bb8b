"""ArtifactMeta, its JSON form in system attributes, and get_all_artifact_meta."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from hpo.artifacts._target import StudyOrTrial, resolve_target
from hpo.storages import BaseStorage

# The system attribute of an artifact is this prefix plus its id, as Optuna names it, so a
# study's artifacts are found by the same key in every storage and by every reader.
ARTIFACT_KEY_PREFIX = "artifacts:"


@dataclass
class ArtifactMeta:
    """What is recorded about an uploaded artifact.

    Parameters
    ----------
    artifact_id:
        The id of the content in the artifact store.
    filename:
        The name of the uploaded file, without its directory.
    mimetype:
        Its MIME type, such as ``"text/csv"``.
    encoding:
        Its content encoding, such as ``"gzip"``, or None.
    """

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


def encode_meta(meta: ArtifactMeta) -> str:
    """Return the JSON text stored as the artifact's system attribute."""
    return json.dumps(asdict(meta))


def decode_meta(key: str, value: Any) -> ArtifactMeta:
    """Read back the JSON text of an artifact's system attribute.

    Raises
    ------
    ValueError
        If ``value`` is not the JSON of an artifact's metadata.
    """
    try:
        fields = json.loads(value) if isinstance(value, str) else value
        meta = ArtifactMeta(
            artifact_id=fields["artifact_id"],
            filename=fields["filename"],
            mimetype=fields["mimetype"],
            encoding=fields.get("encoding"),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValueError(
            f"system attribute {key!r} is not artifact metadata: {value!r}"
        ) from error
    return meta


def get_all_artifact_meta(
    study_or_trial: StudyOrTrial, *, storage: BaseStorage | str | None = None
) -> list[ArtifactMeta]:
    """List the artifacts uploaded to a study or a trial, oldest first.

    Parameters
    ----------
    study_or_trial:
        A :class:`~hpo.study.Study`, a :class:`~hpo.trial.Trial`, or a record of one kept
        in ``storage``: a :class:`~hpo.trial.FrozenTrial` (``study.trials[i]``,
        ``study.best_trial``) or a :class:`~hpo.study.FrozenStudy`.
    storage:
        Where a record is kept: a storage object or a database URL. Required for records,
        ignored for a Study or Trial, which know their storage.

    Returns
    -------
    list[ArtifactMeta]
        One entry per artifact, ordered by artifact id: upload order for the ids hpo
        generates.

    Raises
    ------
    ValueError
        If a record is given without ``storage`` or is not in it.
    TypeError
        If ``study_or_trial`` is not a study or trial.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> get_all_artifact_meta(study)
    []
    """
    target = resolve_target(study_or_trial, storage, "get_all_artifact_meta")
    metas = [
        decode_meta(key, value)
        for key, value in target.system_attrs().items()
        if key.startswith(ARTIFACT_KEY_PREFIX)
    ]
    return sorted(metas, key=lambda meta: meta.artifact_id)
