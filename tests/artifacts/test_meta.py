"""ArtifactMeta's JSON form in system attributes, and get_all_artifact_meta's listing."""

from __future__ import annotations

import json

import pytest

import hpo
from hpo.artifacts import ArtifactMeta, get_all_artifact_meta
from hpo.artifacts._meta import ARTIFACT_KEY_PREFIX, decode_meta, encode_meta


def test_metadata_round_trips_through_its_json_text() -> None:
    meta = ArtifactMeta("id-1", "a.txt.gz", "text/plain", "gzip")
    text = encode_meta(meta)
    assert json.loads(text) == {
        "artifact_id": "id-1",
        "filename": "a.txt.gz",
        "mimetype": "text/plain",
        "encoding": "gzip",
    }
    assert decode_meta("artifacts:id-1", text) == meta
    # A value some writer stored as a JSON object rather than text reads the same.
    assert decode_meta("artifacts:id-1", json.loads(text)) == meta


@pytest.mark.parametrize("value", ["not json", '{"artifact_id": "x"}', "[1, 2]", 5, None])
def test_malformed_metadata_is_a_clear_error(value: object) -> None:
    with pytest.raises(ValueError, match="'artifacts:x' is not artifact metadata"):
        decode_meta("artifacts:x", value)


def test_listing_reads_only_artifact_attributes_ordered_by_id() -> None:
    study = hpo.create_study()
    study.set_system_attr("other:key", "ignored")
    for artifact_id in ("c", "a", "b"):
        meta = ArtifactMeta(artifact_id, f"{artifact_id}.txt", "text/plain", None)
        study.set_system_attr(ARTIFACT_KEY_PREFIX + artifact_id, encode_meta(meta))
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == ["a", "b", "c"]
    assert [m.filename for m in get_all_artifact_meta(study)] == ["a.txt", "b.txt", "c.txt"]


def test_a_corrupt_record_is_reported_not_skipped() -> None:
    study = hpo.create_study()
    study.set_system_attr("artifacts:broken", "{")
    with pytest.raises(ValueError, match="'artifacts:broken' is not artifact metadata"):
        get_all_artifact_meta(study)
