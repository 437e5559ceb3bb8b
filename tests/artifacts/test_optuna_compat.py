"""Code written for Optuna's artifact API runs unchanged with ``import hpo as optuna``.

The same flow (the one Optuna's documentation teaches: upload a file per trial, download the
best trial's) runs once with Optuna and once with hpo, and both record the same things.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import hpo


def _artifact_flow(optuna: ModuleType, workdir: Path) -> dict[str, Any]:
    """Optuna-style user code; ``optuna`` is whichever library runs it."""
    base_path = str(workdir / "artifacts")
    os.makedirs(base_path, exist_ok=True)
    artifact_store = optuna.artifacts.Backoff(
        optuna.artifacts.FileSystemArtifactStore(base_path=base_path), min_delay=0.01
    )

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10, 10)
        file_path = str(workdir / f"params-{trial.number}.json")
        with open(file_path, "w") as f:
            json.dump({"x": x}, f)
        artifact_id = optuna.artifacts.upload_artifact(
            artifact_store=artifact_store, file_path=file_path, study_or_trial=trial
        )
        trial.set_user_attr("artifact_id", artifact_id)
        return (x - 2) ** 2

    study = optuna.create_study(
        study_name="artifacts",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    study.optimize(objective, n_trials=4)
    with open(workdir / "notes.txt.gz", "wb") as f:
        f.write(b"compressed notes")
    optuna.artifacts.upload_artifact(
        artifact_store=artifact_store,
        file_path=str(workdir / "notes.txt.gz"),
        study_or_trial=study,
        mimetype="application/x-notes",
    )

    best = study.best_trial
    download_path = str(workdir / "best.json")
    optuna.artifacts.download_artifact(
        artifact_store=artifact_store,
        file_path=download_path,
        artifact_id=best.user_attrs["artifact_id"],
    )
    with open(download_path) as f:
        downloaded = json.load(f)
    try:
        optuna.artifacts.download_artifact(
            artifact_store=artifact_store,
            file_path=str(workdir / "missing.json"),
            artifact_id="no-such-id",
        )
        missing_raised = False
    except optuna.artifacts.exceptions.ArtifactNotFound:
        missing_raised = True
    try:
        optuna.artifacts.get_all_artifact_meta(best)
        frozen_without_storage = "no error"
    except ValueError:
        frozen_without_storage = "ValueError"

    trial_metas = optuna.artifacts.get_all_artifact_meta(best, storage=study._storage)
    study_metas = optuna.artifacts.get_all_artifact_meta(study)
    (key,) = [k for k in best.system_attrs if k.startswith("artifacts:")]
    return {
        "downloaded_is_best": downloaded == best.params,
        "missing_raised": missing_raised,
        "frozen_without_storage": frozen_without_storage,
        "trial_metas": [(m.mimetype, m.encoding) for m in trial_metas],
        "best_trial_file": trial_metas[0].filename == f"params-{best.number}.json",
        "trial_meta_id_matches": trial_metas[0].artifact_id == best.user_attrs["artifact_id"],
        "study_metas": [(m.filename, m.mimetype, m.encoding) for m in study_metas],
        "system_attr": (key.split(":")[0], sorted(json.loads(best.system_attrs[key]))),
        "stored_files": len(os.listdir(base_path)),
    }


def test_optuna_artifact_code_runs_on_hpo_and_records_what_optuna_records(
    tmp_path: Path,
) -> None:
    import optuna  # installed with the test extra

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    (tmp_path / "optuna").mkdir()
    (tmp_path / "hpo").mkdir()
    with_optuna = _artifact_flow(optuna, tmp_path / "optuna")
    with_hpo = _artifact_flow(hpo, tmp_path / "hpo")
    assert with_hpo == with_optuna
    assert with_hpo["downloaded_is_best"] and with_hpo["best_trial_file"]
    assert with_hpo["missing_raised"]
    assert with_hpo["trial_metas"] == [("application/json", None)]
    assert with_hpo["study_metas"] == [("notes.txt.gz", "application/x-notes", "gzip")]
    assert with_hpo["system_attr"] == (
        "artifacts",
        ["artifact_id", "encoding", "filename", "mimetype"],
    )
    assert with_hpo["stored_files"] == 5


def test_optuna_can_list_artifacts_hpo_recorded(tmp_path: Path) -> None:
    import optuna

    study = hpo.create_study()
    trial = study.ask()
    (tmp_path / "a.csv").write_text("x\n")
    store = hpo.artifacts.FileSystemArtifactStore(tmp_path / "store")
    artifact_id = hpo.artifacts.upload_artifact(
        artifact_store=store, file_path=str(tmp_path / "a.csv"), study_or_trial=trial
    )
    # The attribute hpo wrote, copied into an Optuna study as any migration would copy it.
    optuna_study = optuna.create_study()
    optuna_trial = optuna_study.ask()
    for key, value in trial.system_attrs.items():
        optuna_study._storage.set_trial_system_attr(optuna_trial._trial_id, key, value)
    (meta,) = optuna.artifacts.get_all_artifact_meta(optuna_trial)
    assert (meta.artifact_id, meta.filename, meta.mimetype) == (artifact_id, "a.csv", "text/csv")
