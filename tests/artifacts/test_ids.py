"""Artifact ids: valid version 7 UUIDs, unique, in the order they were made."""

from __future__ import annotations

import multiprocessing
import time
import uuid

import pytest

from hpo.artifacts import _ids
from hpo.artifacts._ids import new_artifact_id


def test_ids_are_version_7_uuids_carrying_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    artifact_id = new_artifact_id()
    after = time.time_ns() // 1_000_000
    parsed = uuid.UUID(artifact_id)
    assert str(parsed) == artifact_id
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= after


def test_ids_made_in_a_row_sort_in_the_order_they_were_made() -> None:
    ids = [new_artifact_id() for _ in range(5000)]  # many within one millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_stay_ordered_when_the_clock_steps_back(monkeypatch: pytest.MonkeyPatch) -> None:
    first = new_artifact_id()
    an_hour_earlier = time.time_ns() - 3_600 * 10**9
    monkeypatch.setattr(_ids.time, "time_ns", lambda: an_hour_earlier)
    second = new_artifact_id()
    assert first < second
    assert uuid.UUID(second).version == 7


def _ids_of_a_process(count: int) -> list[str]:
    return [new_artifact_id() for _ in range(count)]


def test_processes_never_make_the_same_id() -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        batches = pool.map(_ids_of_a_process, [2000, 2000])
    everything = [i for batch in batches for i in batch]
    assert len(set(everything)) == len(everything)
