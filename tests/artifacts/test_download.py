"""download_artifact: the file appears complete or not at all, and never replaces one."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO

import pytest

import hpo
from hpo.artifacts import (
    ArtifactNotFound,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)
from hpo.storages import BaseStorage


def test_an_uploaded_file_downloads_byte_for_byte(storage: BaseStorage, tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path / "artifacts")
    source = tmp_path / "model.bin"
    source.write_bytes(os.urandom(70_000))
    study = hpo.create_study(storage=storage)
    trial = study.ask()
    upload_artifact(artifact_store=store, file_path=str(source), study_or_trial=trial)
    study.tell(trial, 0.0)
    (meta,) = get_all_artifact_meta(study.best_trial, storage=storage)
    target = tmp_path / "downloaded" / meta.filename
    target.parent.mkdir()
    download_artifact(artifact_store=store, file_path=str(target), artifact_id=meta.artifact_id)
    assert target.read_bytes() == source.read_bytes()
    assert os.listdir(target.parent) == ["model.bin"]


@pytest.fixture
def store(tmp_path: Path) -> FileSystemArtifactStore:
    store = FileSystemArtifactStore(tmp_path / "artifacts")
    store.write("known", io.BytesIO(b"content"))
    return store


def test_an_existing_file_is_not_overwritten(
    store: FileSystemArtifactStore, tmp_path: Path
) -> None:
    target = tmp_path / "mine.txt"
    target.write_bytes(b"mine")
    with pytest.raises(FileExistsError, match="File already exists"):
        download_artifact(artifact_store=store, file_path=str(target), artifact_id="known")
    assert target.read_bytes() == b"mine"


def test_a_missing_artifact_raises_not_found_and_creates_no_file(
    store: FileSystemArtifactStore, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "x.txt"
    target.parent.mkdir()
    with pytest.raises(ArtifactNotFound, match="'unknown' not found"):
        download_artifact(artifact_store=store, file_path=target, artifact_id="unknown")
    assert os.listdir(target.parent) == []


def test_a_missing_directory_is_a_clear_error(
    store: FileSystemArtifactStore, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match="directory to download into does not exist"):
        download_artifact(
            artifact_store=store, file_path=str(tmp_path / "no" / "x"), artifact_id="known"
        )


def test_bad_ids_and_paths_are_refused(store: FileSystemArtifactStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a relative path"):
        download_artifact(
            artifact_store=store, file_path=str(tmp_path / "x"), artifact_id="../artifacts/known"
        )
    with pytest.raises(TypeError, match="file_path must be a path"):
        download_artifact(artifact_store=store, file_path=None, artifact_id="known")  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


class _BrokenReader(io.BytesIO):
    closed_by_caller = False

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() > 0:
            raise ConnectionError("connection reset")
        return super().read(4)

    def close(self) -> None:
        _BrokenReader.closed_by_caller = True
        super().close()


class _BrokenStore(FileSystemArtifactStore):
    def open_reader(self, artifact_id: str) -> BinaryIO:
        return _BrokenReader(b"partial content")


def test_an_interrupted_download_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(ConnectionError):
        download_artifact(
            artifact_store=_BrokenStore(tmp_path / "a"), file_path=str(target), artifact_id="x"
        )
    assert os.listdir(tmp_path) == []
    assert _BrokenReader.closed_by_caller
