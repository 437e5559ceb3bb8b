"""JournalFileBackend and the journal file locks, on real files and real processes."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import pickle
import tempfile
import threading
import time
from pathlib import Path

import pytest

from hpo.storages.journal import (
    BaseJournalBackend,
    JournalFileBackend,
    JournalFileOpenLock,
    JournalFileStorage,
    JournalFileSymlinkLock,
)

LOCKS = [JournalFileSymlinkLock, JournalFileOpenLock]


def _backend(tmp_path: Path, name: str = "j.journal") -> JournalFileBackend:
    return JournalFileBackend(str(tmp_path / name))


# -- reading and appending --------------------------------------------------------------------


def test_append_then_read_from_any_log_number(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    assert isinstance(backend, BaseJournalBackend)
    assert backend.read_logs(0) == []
    backend.append_logs([{"i": 0}, {"i": 1}])
    backend.append_logs([{"i": 2, "text": 'ünï 🚀 \n quote"'}])
    assert backend.read_logs(0) == [{"i": 0}, {"i": 1}, {"i": 2, "text": 'ünï 🚀 \n quote"'}]
    assert backend.read_logs(3) == []
    assert backend.read_logs(2) == [{"i": 2, "text": 'ünï 🚀 \n quote"'}]
    assert backend.read_logs(1) == [{"i": 1}, {"i": 2, "text": 'ünï 🚀 \n quote"'}]
    assert backend.read_logs(7) == []
    # A second object on the same file reads the same logs, and skips ahead on request.
    assert _backend(tmp_path).read_logs(2) == [{"i": 2, "text": 'ünï 🚀 \n quote"'}]


def test_file_holds_one_strict_json_object_per_line(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.append_logs([{"a": [1, 2.5, None, True]}, {"b": "x"}])
    lines = (tmp_path / "j.journal").read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(line) for line in lines[:-1]] == [{"a": [1, 2.5, None, True]}, {"b": "x"}]


def test_reads_are_incremental(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0, "pad": "aaaa"}, {"i": 1}])
    assert len(backend.read_logs(0)) == 2
    # Garble the lines already read, keeping the file length: a reader that re-read the file
    # from the start would now see corrupt lines.
    data = path.read_bytes()
    path.write_bytes(data.replace(b"aaaa", b"\x00\x00\x00\x00"))
    backend.append_logs([{"i": 2}])
    assert backend.read_logs(2) == [{"i": 2}]
    assert backend.read_logs(3) == []


def test_incomplete_last_line_is_read_once_it_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0}])
    with open(path, "ab") as f:
        f.write(b'{"i": 1, "hal')
    assert backend.read_logs(0) == [{"i": 0}]
    assert backend.read_logs(1) == []
    with open(path, "ab") as f:
        f.write(b'f": true}\n')
    assert backend.read_logs(1) == [{"i": 1, "half": True}]


def test_line_left_incomplete_by_a_dead_writer_is_ended_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "j.journal"
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0}])
    with open(path, "ab") as f:
        f.write(b'{"i": "never fini')
    other = _backend(tmp_path)
    other.append_logs([{"i": 1}])
    with caplog.at_level(logging.WARNING):
        assert backend.read_logs(0) == [{"i": 0}, {"i": 1}]
    assert "corrupt line" in caplog.text
    assert _backend(tmp_path).read_logs(0) == [{"i": 0}, {"i": 1}]


@pytest.mark.parametrize("garbage", [b"not json", b"[1, 2]", b'{"a": ', b"\xff\xfe", b"42"])
def test_corrupt_line_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, garbage: bytes
) -> None:
    path = tmp_path / "j.journal"
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0}])
    with open(path, "ab") as f:
        f.write(garbage + b"\n\n   \n")
    backend.append_logs([{"i": 1}])
    with caplog.at_level(logging.WARNING):
        logs = _backend(tmp_path).read_logs(0)
    assert logs == [{"i": 0}, {"i": 1}]
    assert caplog.text.count("corrupt line") == 1
    assert str(path) in caplog.text


def test_empty_append_writes_nothing(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.append_logs([])
    assert (tmp_path / "j.journal").read_bytes() == b""


@pytest.mark.parametrize(
    ("log", "error", "match"),
    [
        ({"v": float("nan")}, ValueError, "NaN or infinity"),
        ({"v": float("inf")}, ValueError, "NaN or infinity"),
        ({"v": object()}, TypeError, "JSON"),
        (["not", "a", "dict"], TypeError, "must be a dict"),
    ],
)
def test_append_refuses_what_json_cannot_hold_and_writes_nothing(
    tmp_path: Path, log: object, error: type[Exception], match: str
) -> None:
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0}])
    before = (tmp_path / "j.journal").read_bytes()
    with pytest.raises(error, match=match):
        backend.append_logs([{"i": 1}, log])  # type: ignore[list-item]
    assert (tmp_path / "j.journal").read_bytes() == before


def test_read_logs_argument_errors(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    with pytest.raises(ValueError, match="log_number_from=-1"):
        backend.read_logs(-1)
    with pytest.raises(TypeError, match="log_number_from"):
        backend.read_logs("0")  # type: ignore[arg-type]


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.append_logs([{"i": 0}, {"i": 1}])
    backend.read_logs(0)
    (tmp_path / "j.journal").write_bytes(b"")
    with pytest.raises(ValueError, match="shrank"):
        backend.read_logs(2)


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        JournalFileBackend(str(missing / "j.journal"))
    assert not missing.exists()


def test_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match="is a directory"):
        JournalFileBackend(str(tmp_path))


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="file_path"):
        JournalFileBackend(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lock_obj"):
        JournalFileBackend(str(tmp_path / "j"), lock_obj="lock")  # type: ignore[arg-type]


def test_unreadable_file() -> None:
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "j.journal")
    try:
        os.chmod(directory, 0o755)
        Path(path).write_text("")
        os.chmod(path, 0o000)
        # root reads any file, so the check runs with an unprivileged effective user then.
        as_root = os.geteuid() == 0
        if as_root:
            os.setegid(65534)
            os.seteuid(65534)
        try:
            with pytest.raises(PermissionError, match="Cannot read and write") as excinfo:
                JournalFileBackend(path)
        finally:
            if as_root:
                os.seteuid(0)
                os.setegid(0)
    finally:
        os.remove(path)
        os.rmdir(directory)
    assert path in str(excinfo.value)


def test_backend_pickles_and_starts_reading_from_the_beginning(tmp_path: Path) -> None:
    backend = JournalFileBackend(str(tmp_path / "j.journal"), JournalFileOpenLock(str(tmp_path)))
    backend.append_logs([{"i": 0}])
    backend.read_logs(0)
    copy = pickle.loads(pickle.dumps(backend))
    assert copy.file_path == backend.file_path
    assert copy.read_logs(0) == [{"i": 0}]
    copy.append_logs([{"i": 1}])
    assert backend.read_logs(1) == [{"i": 1}]


def test_deprecated_name_warns_and_works(tmp_path: Path) -> None:
    with pytest.warns(FutureWarning, match="JournalFileBackend"):
        backend = JournalFileStorage(str(tmp_path / "j.journal"))
    assert isinstance(backend, JournalFileBackend)
    backend.append_logs([{"i": 0}])
    assert backend.read_logs(0) == [{"i": 0}]


def test_storages_package_exposes_journal_names() -> None:
    import hpo.storages
    from hpo.storages import journal

    assert hpo.storages.JournalStorage is journal.JournalStorage
    assert hpo.storages.JournalFileStorage is journal.JournalFileStorage


# -- locks ------------------------------------------------------------------------------------


def _count_under_lock(lock_class_name: str, journal: str, counter: str, n: int) -> int:
    """Increment a counter file ``n`` times under the lock; return how often we saw overlap."""
    from hpo.storages import journal as journal_module

    lock = getattr(journal_module, lock_class_name)(journal)
    marker = counter + ".inside"
    overlaps = 0
    for _ in range(n):
        with lock:
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.close(fd)
            except FileExistsError:
                overlaps += 1
            with open(counter) as f:
                value = int(f.read())
            time.sleep(0.0005)
            with open(counter, "w") as f:
                f.write(str(value + 1))
            os.remove(marker)
    return overlaps


@pytest.mark.slow
@pytest.mark.parametrize("lock_class", LOCKS)
def test_lock_excludes_other_processes(tmp_path: Path, lock_class: type) -> None:
    journal = str(tmp_path / "j.journal")
    counter = str(tmp_path / "counter")
    Path(counter).write_text("0")
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        overlaps = pool.starmap(
            _count_under_lock, [(lock_class.__name__, journal, counter, 40)] * 3
        )
    assert overlaps == [0, 0, 0]
    assert Path(counter).read_text() == "120"
    assert not os.path.lexists(journal + ".lock")


@pytest.mark.parametrize("lock_class", LOCKS)
def test_lock_excludes_threads_sharing_one_object(tmp_path: Path, lock_class: type) -> None:
    lock = lock_class(str(tmp_path / "j.journal"))
    inside: list[int] = []
    overlaps: list[int] = []

    def work() -> None:
        for _ in range(30):
            with lock:
                if inside:
                    overlaps.append(1)
                inside.append(1)
                time.sleep(0.0001)
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []


@pytest.mark.parametrize("lock_class", LOCKS)
def test_held_lock_is_not_taken_by_another_object(tmp_path: Path, lock_class: type) -> None:
    path = str(tmp_path / "j.journal")
    holder, other = lock_class(path), lock_class(path)
    assert holder.acquire() is True
    assert other._try_acquire() is False
    other._remove_if_stale()  # a fresh lock is not stale
    assert other._try_acquire() is False
    holder.release()
    assert other._try_acquire() is True
    other.release()


def _make_old_lock(lock_path: str, symlink: bool, age: float) -> None:
    if symlink:
        os.symlink("dead-owner", lock_path)
    else:
        Path(lock_path).write_text("dead-owner")
    past = time.time() - age
    os.utime(lock_path, (past, past), follow_symlinks=False)


@pytest.mark.parametrize("lock_class", LOCKS)
def test_stale_lock_is_removed_after_the_grace_period(
    tmp_path: Path, lock_class: type, caplog: pytest.LogCaptureFixture
) -> None:
    path = str(tmp_path / "j.journal")
    lock = lock_class(path, grace_period=5)
    symlink = lock_class is JournalFileSymlinkLock
    _make_old_lock(lock.lock_path, symlink, age=60)
    assert lock._try_acquire() is False
    with caplog.at_level(logging.WARNING):
        lock._remove_if_stale()
    assert "older than the grace period" in caplog.text
    assert lock._try_acquire() is True
    lock.release()
    # acquire() itself waits for, and then removes, a stale lock.
    _make_old_lock(lock.lock_path, symlink, age=60)
    assert lock.acquire() is True
    lock.release()
    assert not os.path.lexists(lock.lock_path)
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("lock_class", LOCKS)
def test_old_lock_is_kept_without_grace_period(tmp_path: Path, lock_class: type) -> None:
    lock = lock_class(str(tmp_path / "j.journal"), grace_period=None)
    _make_old_lock(lock.lock_path, lock_class is JournalFileSymlinkLock, age=10_000)
    lock._remove_if_stale()
    assert os.path.lexists(lock.lock_path)
    assert lock._try_acquire() is False


@pytest.mark.parametrize("lock_class", LOCKS)
def test_lock_failure_modes(tmp_path: Path, lock_class: type) -> None:
    with pytest.raises(RuntimeError, match="not held"):
        lock_class(str(tmp_path / "j.journal")).release()
    for bad in (0, -1, "30", True):
        with pytest.raises(ValueError, match="grace_period"):
            lock_class(str(tmp_path / "j.journal"), grace_period=bad)
    with pytest.raises(TypeError, match="filepath"):
        lock_class(None)
    lock = lock_class(str(tmp_path / "missing" / "j.journal"))
    with pytest.raises(FileNotFoundError, match="lock file"):
        lock.acquire()
    # The failed attempt did not keep the lock for this object's other threads.
    with pytest.raises(FileNotFoundError):
        lock.acquire()


@pytest.mark.parametrize("lock_class", LOCKS)
def test_release_leaves_a_lock_taken_over_by_another_owner(
    tmp_path: Path, lock_class: type, caplog: pytest.LogCaptureFixture
) -> None:
    lock = lock_class(str(tmp_path / "j.journal"))
    lock.acquire()
    # Another process judged our lock stale, removed it, and took the lock itself.
    os.remove(lock.lock_path)
    _make_old_lock(lock.lock_path, lock_class is JournalFileSymlinkLock, age=0)
    with caplog.at_level(logging.WARNING):
        lock.release()
    assert os.path.lexists(lock.lock_path)
    assert "removed as stale while held" in caplog.text


@pytest.mark.parametrize("lock_class", LOCKS)
def test_backend_with_each_lock_appends_from_threads(tmp_path: Path, lock_class: type) -> None:
    path = str(tmp_path / "j.journal")
    backends = [JournalFileBackend(path, lock_class(path)) for _ in range(3)]

    def append(backend: JournalFileBackend, start: int) -> None:
        for i in range(start, start + 50):
            backend.append_logs([{"i": i}])

    threads = [threading.Thread(target=append, args=(b, 100 * k)) for k, b in enumerate(backends)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    logs = _backend(tmp_path).read_logs(0)
    assert sorted(log["i"] for log in logs) == [100 * k + i for k in range(3) for i in range(50)]


def test_logs_do_not_depend_on_how_the_file_was_read(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    lines = [
        b'{"i": 0}',
        b'{"a": "}',
        b'{"}',
        b'{"x": 1}, {"y": 2}',
        b'\x0c{"i": "form feed"}',
        b' \t{"i": 1}\r',
        b'\xef\xbb\xbf{"i": "bom"}',
        b'{"i": "\xc3\xa9t\xc3\xa9"}',
        b'{"i": "\xff"}',
        b'{"i": 2}',
    ]
    path.write_bytes(b"")
    incremental = JournalFileBackend(str(path))
    seen = []
    for line in lines:
        with open(path, "ab") as f:
            f.write(line + b"\n")
        seen += incremental.read_logs(len(seen))
    at_once = JournalFileBackend(str(path)).read_logs(0)
    assert seen == at_once
    assert at_once == [{"i": 0}, {"i": 1}, {"i": "bom"}, {"i": "été"}, {"i": 2}]
