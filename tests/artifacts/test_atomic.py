"""write_atomically: a file appears complete or not at all, never part-written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from hpo.artifacts import _atomic
from hpo.artifacts._atomic import write_atomically


def test_writes_the_whole_stream_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    content = os.urandom(3 * 2**20 + 17)  # larger than one copy buffer
    write_atomically(str(tmp_path / "out"), io.BytesIO(content), overwrite=False)
    assert (tmp_path / "out").read_bytes() == content
    assert os.listdir(tmp_path) == ["out"]


def test_without_overwrite_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_bytes(b"mine")
    with pytest.raises(FileExistsError, match="File already exists"):
        write_atomically(str(target), io.BytesIO(b"theirs"), overwrite=False)
    assert target.read_bytes() == b"mine"
    assert os.listdir(tmp_path) == ["out"]


def test_a_file_created_while_writing_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out"

    class AnotherWriterWins(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if not target.exists():
                target.write_bytes(b"other process")
            return super().read(size)

    with pytest.raises(FileExistsError, match="File already exists"):
        write_atomically(str(target), AnotherWriterWins(b"mine"), overwrite=False)
    assert target.read_bytes() == b"other process"
    assert os.listdir(tmp_path) == ["out"]


def test_filesystems_without_hard_links_fall_back_to_a_checked_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: str, target: str) -> None:
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(_atomic.os, "link", no_links)
    write_atomically(str(tmp_path / "out"), io.BytesIO(b"data"), overwrite=False)
    assert (tmp_path / "out").read_bytes() == b"data"
    assert os.listdir(tmp_path) == ["out"]
    with pytest.raises(FileExistsError):
        write_atomically(str(tmp_path / "out"), io.BytesIO(b"again"), overwrite=False)
    assert (tmp_path / "out").read_bytes() == b"data"


def test_an_interrupted_copy_removes_the_temporary_file(tmp_path: Path) -> None:
    class Interrupted(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(str(tmp_path / "out"), Interrupted(), overwrite=True)
    assert os.listdir(tmp_path) == []


def test_a_long_file_name_still_gets_a_valid_temporary_name(tmp_path: Path) -> None:
    name = "n" * 250
    write_atomically(str(tmp_path / name), io.BytesIO(b"x"), overwrite=True)
    assert os.listdir(tmp_path) == [name]
