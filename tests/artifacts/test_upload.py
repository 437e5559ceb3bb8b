"""upload_artifact on every storage backend: what is stored, what is recorded, what fails."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import BinaryIO

import pytest

import hpo
from hpo.artifacts import (
    ArtifactMeta,
    FileSystemArtifactStore,
    get_all_artifact_meta,
    upload_artifact,
)
from hpo.exceptions import UpdateFinishedTrialError
from hpo.storages import BaseStorage
from hpo.trial import create_trial
from tests.storages.conftest import StorageFactory


@pytest.fixture
def store(tmp_path: Path) -> FileSystemArtifactStore:
    return FileSystemArtifactStore(tmp_path / "artifacts")


@pytest.fixture
def file_path(tmp_path: Path) -> str:
    path = tmp_path / "model.txt"
    path.write_text("weights")
    return str(path)


def _stored(tmp_path: Path) -> list[str]:
    base = tmp_path / "artifacts"
    return sorted(os.listdir(base)) if base.exists() else []


def test_upload_to_a_trial_stores_content_and_records_json_metadata(
    storage: BaseStorage, store: FileSystemArtifactStore, file_path: str, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=storage)
    trial = study.ask()
    artifact_id = upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=trial)
    with store.open_reader(artifact_id) as reader:
        assert reader.read() == b"weights"
    assert _stored(tmp_path) == [artifact_id]
    recorded = storage.get_trial_system_attrs(trial._trial_id)[f"artifacts:{artifact_id}"]
    assert json.loads(recorded) == {
        "artifact_id": artifact_id,
        "filename": "model.txt",
        "mimetype": "text/plain",
        "encoding": None,
    }
    # The live trial sees its attribute without reading the storage.
    assert f"artifacts:{artifact_id}" in trial.system_attrs
    assert get_all_artifact_meta(trial) == [
        ArtifactMeta(artifact_id, "model.txt", "text/plain", None)
    ]
    assert get_all_artifact_meta(study) == []


def test_upload_to_a_study_and_to_its_record(
    storage: BaseStorage, store: FileSystemArtifactStore, file_path: str
) -> None:
    study = hpo.create_study(storage=storage, study_name="with-artifacts")
    first = upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=study)
    summaries = hpo.get_all_study_summaries(storage)
    record = next(s for s in summaries if s.study_name == study.study_name)
    second = upload_artifact(
        artifact_store=store, file_path=file_path, study_or_trial=record, storage=storage
    )
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == [first, second]
    assert get_all_artifact_meta(record, storage=storage) == get_all_artifact_meta(study)


def test_every_process_sees_the_artifacts(
    storage_factory: StorageFactory, store: FileSystemArtifactStore, file_path: str
) -> None:
    study = hpo.create_study(storage=storage_factory(), study_name="shared")
    trial = study.ask()
    ids = [
        upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=trial)
        for _ in range(3)
    ]
    other = hpo.load_study(study_name="shared", storage=storage_factory())
    study.tell(trial, 1.0)
    frozen = other.trials[0]
    # Listed oldest first on every backend.
    for record in (frozen, other.best_trial):
        metas = get_all_artifact_meta(record, storage=other._storage)
        assert [m.artifact_id for m in metas] == ids


def test_upload_to_a_running_frozen_trial_with_its_storage(
    storage: BaseStorage, store: FileSystemArtifactStore, file_path: str
) -> None:
    study = hpo.create_study(storage=storage)
    study.ask()
    frozen = study.trials[0]
    artifact_id = upload_artifact(
        artifact_store=store, file_path=file_path, study_or_trial=frozen, storage=storage
    )
    assert [m.artifact_id for m in get_all_artifact_meta(frozen, storage=storage)] == [artifact_id]


@pytest.mark.parametrize(
    ("name", "mimetype", "encoding", "expected"),
    [
        ("table.csv", None, None, ("text/csv", None)),
        ("plot.png", None, None, ("image/png", None)),
        ("log.txt.gz", None, None, ("text/plain", "gzip")),
        ("no_extension", None, None, ("application/octet-stream", None)),
        ("weights.unknownext", None, None, ("application/octet-stream", None)),
        ("log.txt.gz", "application/x-custom", None, ("application/x-custom", "gzip")),
        ("data.csv", "text/plain", "br", ("text/plain", "br")),
    ],
)
def test_mimetype_and_encoding_are_guessed_from_the_name_unless_given(
    tmp_path: Path,
    store: FileSystemArtifactStore,
    name: str,
    mimetype: str | None,
    encoding: str | None,
    expected: tuple[str, str | None],
) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    study = hpo.create_study()
    upload_artifact(
        artifact_store=store,
        file_path=path,
        study_or_trial=study,
        mimetype=mimetype,
        encoding=encoding,
    )
    (meta,) = get_all_artifact_meta(study)
    assert (meta.filename, meta.mimetype, meta.encoding) == (name, *expected)


def test_a_frozen_trial_without_storage_is_refused_before_anything_is_stored(
    store: FileSystemArtifactStore, file_path: str, tmp_path: Path
) -> None:
    study = hpo.create_study()
    study.optimize(lambda trial: 1.0, n_trials=1)
    with pytest.raises(ValueError, match=r"upload_artifact\(\) needs storage= for a FrozenTrial"):
        upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=study.trials[0])
    with pytest.raises(ValueError, match=r"get_all_artifact_meta\(\) needs storage="):
        get_all_artifact_meta(study.best_trial)
    summary = hpo.get_all_study_summaries(study._storage)[0]
    with pytest.raises(ValueError, match="needs storage= for a StudySummary"):
        get_all_artifact_meta(summary)
    assert _stored(tmp_path) == []


def test_a_finished_trial_gets_no_artifact(
    storage: BaseStorage, store: FileSystemArtifactStore, file_path: str, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=storage)
    trial = study.ask()
    study.tell(trial, 1.0)
    for target, kwargs in ((trial, {}), (study.trials[0], {"storage": storage})):
        with pytest.raises(UpdateFinishedTrialError, match=r"trial 0 .*is COMPLETE"):
            upload_artifact(
                artifact_store=store, file_path=file_path, study_or_trial=target, **kwargs
            )
    assert _stored(tmp_path) == []
    assert study.trials[0].system_attrs == {}


def test_a_trial_never_stored_or_not_in_the_storage_is_a_clear_error(
    store: FileSystemArtifactStore, file_path: str
) -> None:
    with pytest.raises(ValueError, match="never stored"):
        get_all_artifact_meta(create_trial(value=1.0), storage=hpo.storages.InMemoryStorage())
    study = hpo.create_study()
    study.ask()
    elsewhere = hpo.storages.InMemoryStorage()
    with pytest.raises(ValueError, match=r"trial 0 \(trial id 0\) is not in the storage"):
        get_all_artifact_meta(study.trials[0], storage=elsewhere)
    with pytest.raises(ValueError, match="is not in the storage"):
        upload_artifact(
            artifact_store=store,
            file_path=file_path,
            study_or_trial=study.trials[0],
            storage=elsewhere,
        )


def test_a_missing_file_or_a_directory_is_refused_before_anything_is_stored(
    store: FileSystemArtifactStore, tmp_path: Path
) -> None:
    study = hpo.create_study()
    with pytest.raises(FileNotFoundError, match=r"missing\.txt"):
        upload_artifact(
            artifact_store=store, file_path=str(tmp_path / "missing.txt"), study_or_trial=study
        )
    with pytest.raises(IsADirectoryError, match="cannot upload a directory"):
        upload_artifact(artifact_store=store, file_path=str(tmp_path), study_or_trial=study)
    assert get_all_artifact_meta(study) == []
    assert _stored(tmp_path) == []


def test_wrong_argument_types_are_refused(store: FileSystemArtifactStore, file_path: str) -> None:
    study = hpo.create_study()
    with pytest.raises(TypeError, match="study_or_trial must be a Study, Trial"):
        upload_artifact(artifact_store=store, file_path=file_path, study_or_trial="study")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="FixedTrial"):
        get_all_artifact_meta(hpo.trial.FixedTrial({"x": 1}))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="file_path must be a path, got int"):
        upload_artifact(artifact_store=store, file_path=3, study_or_trial=study)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mimetype must be a str or None"):
        upload_artifact(
            artifact_store=store,
            file_path=file_path,
            study_or_trial=study,
            mimetype=1,  # type: ignore[arg-type]
        )
    with pytest.raises(TypeError, match="storage must be"):
        get_all_artifact_meta(study.ask().study.trials[0], storage=42)  # type: ignore[arg-type]


def test_a_storage_url_can_name_where_a_record_is_kept(
    tmp_path: Path, store: FileSystemArtifactStore, file_path: str
) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hpo.create_study(storage=url)
    trial = study.ask()
    artifact_id = upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=trial)
    study.tell(trial, 0.5)
    (meta,) = get_all_artifact_meta(study.best_trial, storage=url)
    assert meta.artifact_id == artifact_id


class _BrokenStorage(hpo.storages.InMemoryStorage):
    def set_trial_system_attr(self, trial_id: int, key: str, value: object) -> None:
        raise RuntimeError("database went away")


def test_content_whose_metadata_cannot_be_recorded_is_removed_again(
    store: FileSystemArtifactStore, file_path: str, tmp_path: Path
) -> None:
    study = hpo.create_study(storage=_BrokenStorage())
    trial = study.ask()
    with pytest.raises(RuntimeError, match="database went away"):
        upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=trial)
    assert _stored(tmp_path) == []


class _StoreThatCannotRemove(FileSystemArtifactStore):
    def remove(self, artifact_id: str) -> None:
        raise OSError("read-only file system")


def test_a_failed_clean_up_is_logged_and_the_recording_error_raised(
    file_path: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = _StoreThatCannotRemove(tmp_path / "artifacts")
    study = hpo.create_study(storage=_BrokenStorage())
    with pytest.raises(RuntimeError, match="database went away"):
        upload_artifact(artifact_store=store, file_path=file_path, study_or_trial=study.ask())
    assert "could not be recorded" in caplog.text
    assert "read-only file system" in caplog.text


class _FailingStore(FileSystemArtifactStore):
    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        content_body.read(3)
        raise OSError("disk full")


def test_a_failed_write_records_nothing(file_path: str, tmp_path: Path) -> None:
    study = hpo.create_study()
    trial = study.ask()
    with pytest.raises(OSError, match="disk full"):
        upload_artifact(
            artifact_store=_FailingStore(tmp_path / "artifacts"),
            file_path=file_path,
            study_or_trial=trial,
        )
    assert get_all_artifact_meta(trial) == []


def _worker(url: str, store_path: str, workdir: str) -> None:
    store = FileSystemArtifactStore(store_path)
    study = hpo.load_study(study_name="shared", storage=url)

    def objective(trial: hpo.Trial) -> float:
        path = os.path.join(workdir, f"{os.getpid()}-{trial.number}.txt")
        with open(path, "w") as f:
            f.write(str(trial.number))
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return float(trial.number)

    study.optimize(objective, n_trials=3)


@pytest.mark.slow
def test_worker_processes_upload_to_one_study(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    hpo.create_study(study_name="shared", storage=url)
    store_path = str(tmp_path / "artifacts")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(url, store_path, str(tmp_path))) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    study = hpo.load_study(study_name="shared", storage=url)
    store = FileSystemArtifactStore(store_path)
    assert len(study.trials) == 6
    for trial in study.trials:
        (meta,) = get_all_artifact_meta(trial, storage=url)
        with store.open_reader(meta.artifact_id) as reader:
            assert reader.read() == str(trial.number).encode()
    assert len(os.listdir(store_path)) == 6
