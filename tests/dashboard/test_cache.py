"""The dashboard's per-study cache: chunked loading with progress, and O(changed) updates."""

from __future__ import annotations

from typing import Any

import hpo
from hpo.dashboard import _cache
from hpo.dashboard._cache import StudyCaches, StudySnapshot
from hpo.storages import InMemoryStorage, RDBStorage
from hpo.trial import TrialState


def _study(storage: Any, n: int) -> hpo.Study:
    study = hpo.create_study(storage=storage, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)
    return study


def test_large_study_loads_in_chunks_and_reports_progress(tmp_path: Any, monkeypatch: Any) -> None:
    url = f"sqlite:///{tmp_path / 'chunks.db'}"
    _study(url, 25)
    monkeypatch.setattr(_cache, "FIRST_CHUNK_SIZE", 4)
    monkeypatch.setattr(_cache, "CHUNK_SIZE", 7)
    storage = RDBStorage(url)
    reads: list[tuple[int, int]] = []
    original = storage.get_trials_by_number_range

    def counting(study_id: int, start: int, stop: int) -> Any:
        reads.append((start, stop))
        return original(study_id, start, stop)

    monkeypatch.setattr(storage, "get_trials_by_number_range", counting)
    cache = StudyCaches(storage).get(1)
    assert cache.total == 25  # known before any trial is read
    cache.wait_first_chunk()
    assert len(cache.trials) >= 4
    assert cache.wait_loaded(30)
    assert reads == [(0, 4), (4, 11), (11, 18), (18, 25)]
    assert [t.number for t in cache.trials] == list(range(25))
    assert cache.state_counts() == {TrialState.COMPLETE: 25}


def test_sync_reports_only_new_and_changed_trials() -> None:
    storage = InMemoryStorage()
    study = _study(storage, 3)
    running = study.ask()
    cache = StudyCaches(storage).get(0)
    assert cache.wait_loaded(10)
    version = cache.version
    cache.sync(force=True)
    assert cache.changed_since(version) == []  # nothing moved: nothing to send
    running.report(0.5, 1)
    cache.sync(force=True)
    assert [t.number for t in cache.changed_since(version)] == [3]
    version = cache.version
    study.tell(running, 0.1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    cache.sync(force=True)
    changed = cache.changed_since(version)
    assert [(t.number, t.state) for t in changed] == [
        (3, TrialState.COMPLETE),
        (4, TrialState.COMPLETE),
        (5, TrialState.COMPLETE),
    ]
    assert cache.best is not None and cache.best.value <= 0.1
    assert cache.changed_since(cache.version) == []


def test_sync_reads_the_storage_at_most_once_per_interval() -> None:
    storage = InMemoryStorage()
    _study(storage, 2)
    cache = StudyCaches(storage).get(0)
    cache.wait_loaded(10)
    cache.sync(force=True)
    hpo.load_study(study_name="s", storage=storage).optimize(
        lambda t: t.suggest_float("x", 0, 1), n_trials=1
    )
    cache.sync()  # within MIN_SYNC_INTERVAL of the forced one: not read
    assert len(cache.trials) == 2
    cache.sync(force=True)
    assert len(cache.trials) == 3


def test_unknown_study_is_a_key_error() -> None:
    import pytest

    with pytest.raises(KeyError):
        StudyCaches(InMemoryStorage()).get(5)


def test_snapshot_is_what_the_plot_functions_read() -> None:
    storage = InMemoryStorage()
    study = _study(storage, 4)
    study.ask()
    snapshot = StudySnapshot("s", study.directions, None, study.trials)
    assert len(snapshot.get_trials()) == 5
    assert len(snapshot.get_trials(states=(TrialState.COMPLETE,))) == 4
    assert snapshot.direction == study.direction and len(snapshot.trials) == 5
    figure = hpo.visualization.plot_optimization_history(snapshot)  # type: ignore[arg-type]
    assert len(figure.data[0].x) == 4


def test_sync_reads_only_unfinished_and_new_trials_by_number(
    monkeypatch: Any, tmp_path: Any
) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path / 'sync.db'}")
    study = _study(storage, 5)
    running = study.ask()
    cache = StudyCaches(storage).get(1)
    cache.wait_loaded(10)
    ranges: list[tuple[int, int]] = []
    original = storage.get_trials_by_number_range

    def recording(study_id: int, start: int, stop: int) -> Any:
        ranges.append((start, stop))
        return original(study_id, start, stop)

    def whole_study(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a sync must not read the whole study")

    monkeypatch.setattr(storage, "get_trials_by_number_range", recording)
    study.tell(running, 0.5)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    monkeypatch.setattr(storage, "get_all_trials", whole_study)
    cache.sync(force=True)
    assert ranges == [(5, 6), (6, _cache._LAST_NUMBER)]
    assert [t.state for t in cache.trials[5:]] == [TrialState.COMPLETE] * 2
