"""Backoff: failed store operations are retried with growing pauses, within limits."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import pytest

from hpo.artifacts import (
    ArtifactNotFound,
    ArtifactStore,
    Backoff,
    FileSystemArtifactStore,
    _backoff,
)


class _FlakyStore:
    """Fails the first ``failures`` calls of each operation, then works like a dict."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[str] = []
        self.contents: dict[str, bytes] = {}

    def _maybe_fail(self, operation: str) -> None:
        self.calls.append(operation)
        if self.calls.count(operation) <= self.failures:
            raise ConnectionError(f"{operation} failed")

    def open_reader(self, artifact_id: str) -> BinaryIO:
        self._maybe_fail("open")
        if artifact_id not in self.contents:
            raise ArtifactNotFound(artifact_id)
        return io.BytesIO(self.contents[artifact_id])

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        partial = content_body.read(2)  # reads part of the stream before failing
        self._maybe_fail("write")
        self.contents[artifact_id] = partial + content_body.read()

    def remove(self, artifact_id: str) -> None:
        self._maybe_fail("remove")
        del self.contents[artifact_id]


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(_backoff.time, "sleep", slept.append)
    return slept


def test_operations_succeed_after_transient_failures(pauses: list[float]) -> None:
    backend = _FlakyStore(failures=2)
    store = Backoff(backend, max_retries=3, multiplier=3, min_delay=0.5, max_delay=10)
    assert isinstance(store, ArtifactStore)
    store.write("a", io.BytesIO(b"complete content"))
    with store.open_reader("a") as reader:
        assert reader.read() == b"complete content"  # each retry rewound the stream
    store.remove("a")
    assert backend.calls == ["write"] * 3 + ["open"] * 3 + ["remove"] * 3
    assert pauses == [0.5, 1.5] * 3


def test_the_pause_grows_up_to_max_delay_and_the_last_error_is_raised(
    pauses: list[float],
) -> None:
    backend = _FlakyStore(failures=100)
    store = Backoff(backend, max_retries=6, multiplier=2, min_delay=1, max_delay=5)
    with pytest.raises(ConnectionError, match="open failed"):
        store.open_reader("a")
    assert len(backend.calls) == 6
    assert pauses == [1, 2, 4, 5, 5]


def test_a_missing_artifact_or_a_bad_id_is_not_retried(
    pauses: list[float], tmp_path: Path
) -> None:
    store = Backoff(_FlakyStore(failures=0))
    with pytest.raises(ArtifactNotFound):
        store.open_reader("absent")
    on_disk = Backoff(FileSystemArtifactStore(tmp_path))
    with pytest.raises(ValueError, match="relative path"):
        on_disk.remove("../x")
    assert pauses == []


def test_a_stream_that_cannot_rewind_is_buffered_so_a_retry_is_complete(
    pauses: list[float],
) -> None:
    class OneWayStream(io.RawIOBase):
        def __init__(self, content: bytes) -> None:
            self._content = io.BytesIO(content)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            return self._content.readinto(buffer)

    backend = _FlakyStore(failures=1)
    Backoff(backend, min_delay=0).write("a", OneWayStream(b"streamed"))  # type: ignore[arg-type]
    assert backend.contents == {"a": b"streamed"}


def test_a_write_from_the_middle_of_a_stream_retries_from_that_point(
    pauses: list[float],
) -> None:
    backend = _FlakyStore(failures=1)
    body = io.BytesIO(b"header|payload")
    body.seek(7)
    Backoff(backend).write("a", body)
    assert backend.contents == {"a": b"payload"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_retries": 0}, "max_retries=0 must be an integer >= 1"),
        ({"max_retries": 2.5}, "max_retries=2.5"),
        ({"max_retries": True}, "max_retries=True"),
        ({"multiplier": 0}, "multiplier=0 must be > 0"),
        ({"min_delay": -1}, "min_delay=-1 must be >= 0"),
        ({"min_delay": float("nan")}, "min_delay=nan"),
        ({"min_delay": 2, "max_delay": 1}, "max_delay=1 must be >= min_delay=2"),
    ],
)
def test_out_of_range_arguments_are_refused(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        Backoff(_FlakyStore(failures=0), **arguments)  # type: ignore[arg-type]


def test_each_failed_attempt_is_logged(
    pauses: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    Backoff(_FlakyStore(failures=1), min_delay=0.25).write("a", io.BytesIO(b"x"))
    assert "Failed to write artifact 'a' (attempt 1 of 10)" in caplog.text
    assert "retrying in 0.25 s" in caplog.text
