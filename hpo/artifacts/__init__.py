"""Artifacts: files (models, plots, logs) stored with a study or a trial.

The content goes to an artifact store (a directory, an S3 bucket); what it is (file name,
MIME type) is recorded as JSON in the system attributes of the study or trial, so every
storage keeps the list and every process (and the dashboard) sees it. The names and
arguments are Optuna's, so code written for ``optuna.artifacts`` runs with
``import hpo as optuna``.

Examples
--------
>>> import hpo, tempfile
>>> from hpo.artifacts import FileSystemArtifactStore, upload_artifact, download_artifact
>>> store = FileSystemArtifactStore(tempfile.mkdtemp())
>>> def objective(trial):
...     x = trial.suggest_float("x", -10, 10)
...     with open("x.txt", "w") as f:
...         _ = f.write(str(x))
...     trial.set_user_attr(
...         "artifact_id",
...         upload_artifact(artifact_store=store, file_path="x.txt", study_or_trial=trial),
...     )
...     return x**2
>>> study = hpo.create_study()
>>> study.optimize(objective, n_trials=3)
>>> download_artifact(
...     artifact_store=store,
...     file_path="best_x.txt",
...     artifact_id=study.best_trial.user_attrs["artifact_id"],
... )
>>> from pathlib import Path
>>> float(Path("best_x.txt").read_text()) == study.best_params["x"]
True
"""

from __future__ import annotations

from hpo.artifacts import exceptions
from hpo.artifacts._backoff import Backoff
from hpo.artifacts._boto3 import Boto3ArtifactStore
from hpo.artifacts._download import download_artifact
from hpo.artifacts._filesystem import FileSystemArtifactStore
from hpo.artifacts._meta import ArtifactMeta, get_all_artifact_meta
from hpo.artifacts._protocol import ArtifactStore
from hpo.artifacts._upload import upload_artifact
from hpo.artifacts.exceptions import ArtifactNotFound

__all__ = [
    "ArtifactMeta",
    "ArtifactNotFound",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "download_artifact",
    "exceptions",
    "get_all_artifact_meta",
    "upload_artifact",
]
