"""FileSystemArtifactStore: the store protocol on a directory, safe ids, atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from hpo.artifacts import ArtifactNotFound, ArtifactStore, FileSystemArtifactStore


class _FailingReader(io.RawIOBase):
    """A stream that yields some bytes, then fails, as a broken network download does."""

    def __init__(self, prefix: bytes) -> None:
        self._prefix = prefix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self._prefix:
            raise OSError("connection reset while reading")
        size = min(len(buffer), len(self._prefix))
        buffer[:size] = self._prefix[:size]
        self._prefix = self._prefix[size:]
        return size


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_write_read_remove_round_trip(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    assert isinstance(store, ArtifactStore)
    store.write("model", io.BytesIO(b"\x00weights\xff"))
    with store.open_reader("model") as reader:
        assert reader.read() == b"\x00weights\xff"
    assert (tmp_path / "model").read_bytes() == b"\x00weights\xff"
    store.remove("model")
    assert _files(tmp_path) == []


def test_write_replaces_an_artifact_of_the_same_id(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(str(tmp_path))
    store.write("a", io.BytesIO(b"old"))
    store.write("a", io.BytesIO(b"new"))
    with store.open_reader("a") as reader:
        assert reader.read() == b"new"
    assert _files(tmp_path) == ["a"]


def test_base_path_and_nested_ids_are_created_on_write(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path / "not" / "yet")
    store.write("run-1/model.bin", io.BytesIO(b"x"))
    assert (tmp_path / "not" / "yet" / "run-1" / "model.bin").read_bytes() == b"x"


def test_missing_artifact_raises_not_found_on_read_and_remove(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    with pytest.raises(ArtifactNotFound, match="'absent' not found"):
        store.open_reader("absent")
    with pytest.raises(ArtifactNotFound, match="'absent' not found"):
        store.remove("absent")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ArtifactNotFound):
        store.open_reader("folder")


@pytest.mark.parametrize(
    "artifact_id",
    ["../escape", "a/../../escape", "a/../b", "/etc/passwd", "./a", "a//b", "..", ".", "a/"],
)
def test_ids_leading_outside_or_not_plain_are_refused(tmp_path: Path, artifact_id: str) -> None:
    base = tmp_path / "store"
    store = FileSystemArtifactStore(base)
    with pytest.raises(ValueError, match="artifact_id"):
        store.write(artifact_id, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="artifact_id"):
        store.open_reader(artifact_id)
    with pytest.raises(ValueError, match="artifact_id"):
        store.remove(artifact_id)
    assert _files(tmp_path) == []


def test_backslash_traversal_is_refused(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path / "store")
    with pytest.raises(ValueError, match="relative path"):
        store.write("..\\escape", io.BytesIO(b"x"))


@pytest.mark.parametrize("artifact_id", ["", "a\0b"])
def test_empty_or_nul_ids_are_refused(tmp_path: Path, artifact_id: str) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        FileSystemArtifactStore(tmp_path).write(artifact_id, io.BytesIO(b"x"))


def test_non_string_id_and_base_path_are_type_errors(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="artifact_id must be a str, got int"):
        FileSystemArtifactStore(tmp_path).open_reader(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_path must be a path, got int"):
        FileSystemArtifactStore(5)  # type: ignore[arg-type]


def test_symbolic_links_pointing_out_of_the_base_are_refused(tmp_path: Path) -> None:
    base, outside = tmp_path / "store", tmp_path / "outside"
    base.mkdir()
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    (base / "linked_dir").symlink_to(outside, target_is_directory=True)
    (base / "linked_file").symlink_to(outside / "secret")
    store = FileSystemArtifactStore(base)
    for artifact_id in ("linked_dir/secret", "linked_file"):
        with pytest.raises(ValueError, match="outside the store's base path"):
            store.open_reader(artifact_id)
        with pytest.raises(ValueError, match="outside the store's base path"):
            store.remove(artifact_id)
    with pytest.raises(ValueError, match="outside the store's base path"):
        store.write("linked_dir/new", io.BytesIO(b"x"))
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]
    assert (outside / "secret").read_bytes() == b"secret"


def test_a_base_path_that_is_a_link_works(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    store = FileSystemArtifactStore(tmp_path / "alias")
    store.write("a", io.BytesIO(b"x"))
    assert (real / "a").read_bytes() == b"x"


def test_a_failing_write_leaves_no_file_and_keeps_the_previous_content(tmp_path: Path) -> None:
    store = FileSystemArtifactStore(tmp_path)
    with pytest.raises(OSError, match="connection reset"):
        store.write("new", _FailingReader(b"partial content"))  # type: ignore[arg-type]
    assert _files(tmp_path) == []
    store.write("kept", io.BytesIO(b"complete"))
    with pytest.raises(OSError, match="connection reset"):
        store.write("kept", _FailingReader(b"partial"))  # type: ignore[arg-type]
    assert _files(tmp_path) == ["kept"]
    assert (tmp_path / "kept").read_bytes() == b"complete"


def test_written_files_get_the_permissions_of_an_ordinary_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        FileSystemArtifactStore(tmp_path).write("a", io.BytesIO(b"x"))
    finally:
        os.umask(umask)
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o644
