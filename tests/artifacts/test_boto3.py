"""Boto3ArtifactStore against a real S3-compatible HTTP server (moto's), with real boto3."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.artifacts import (
    ArtifactNotFound,
    ArtifactStore,
    Backoff,
    Boto3ArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)
from hpo.storages import BaseStorage


def test_write_read_remove_round_trip(s3_client: Any, s3_bucket: str) -> None:
    store = Boto3ArtifactStore(s3_bucket, client=s3_client)
    assert isinstance(store, ArtifactStore)
    store.write("model", io.BytesIO(b"\x00weights\xff"))
    reader = store.open_reader("model")
    try:
        assert reader.read() == b"\x00weights\xff"
    finally:
        reader.close()
    listed = s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [obj["Key"] for obj in listed] == ["model"]
    store.remove("model")
    assert s3_client.list_objects_v2(Bucket=s3_bucket)["KeyCount"] == 0


def test_a_missing_key_raises_not_found(s3_client: Any, s3_bucket: str) -> None:
    store = Boto3ArtifactStore(s3_bucket, client=s3_client)
    with pytest.raises(ArtifactNotFound, match=f"'absent' not found in bucket '{s3_bucket}'"):
        store.open_reader("absent")
    with pytest.raises(ArtifactNotFound, match="'absent' not found"):
        store.remove("absent")


def test_other_s3_errors_are_not_mistaken_for_a_missing_artifact(s3_client: Any) -> None:
    from botocore.exceptions import ClientError

    store = Boto3ArtifactStore("no-such-bucket", client=s3_client)
    with pytest.raises(ClientError, match="NoSuchBucket") as raised:
        store.open_reader("a")
    assert not isinstance(raised.value, ArtifactNotFound)


def test_the_callers_stream_stays_open_unless_the_copy_is_avoided(
    s3_client: Any, s3_bucket: str
) -> None:
    body = io.BytesIO(b"copied")
    Boto3ArtifactStore(s3_bucket, client=s3_client).write("copied", body)
    assert not body.closed
    direct = io.BytesIO(b"direct")
    Boto3ArtifactStore(s3_bucket, client=s3_client, avoid_buf_copy=True).write("direct", direct)
    for key, content in (("copied", b"copied"), ("direct", b"direct")):
        assert s3_client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == content


def test_upload_list_and_download_through_s3(
    storage: BaseStorage, s3_client: Any, s3_bucket: str, tmp_path: Path
) -> None:
    store = Backoff(Boto3ArtifactStore(s3_bucket, client=s3_client), min_delay=0)
    source = tmp_path / "history.csv"
    source.write_text("step,loss\n0,1.5\n")
    study = hpo.create_study(storage=storage)
    trial = study.ask()
    artifact_id = upload_artifact(
        artifact_store=store, file_path=str(source), study_or_trial=trial
    )
    study.tell(trial, 1.5)
    (meta,) = get_all_artifact_meta(study.best_trial, storage=storage)
    assert (meta.artifact_id, meta.filename, meta.mimetype) == (
        artifact_id,
        "history.csv",
        "text/csv",
    )
    target = tmp_path / "copy.csv"
    download_artifact(artifact_store=store, file_path=str(target), artifact_id=artifact_id)
    assert target.read_text() == "step,loss\n0,1.5\n"
    with pytest.raises(ArtifactNotFound):
        download_artifact(
            artifact_store=store, file_path=str(tmp_path / "none"), artifact_id="missing"
        )
    assert not (tmp_path / "none").exists()


def test_bad_arguments_are_refused(s3_client: Any) -> None:
    with pytest.raises(TypeError, match="bucket_name must be a non-empty str"):
        Boto3ArtifactStore("", client=s3_client)
    store = Boto3ArtifactStore("bucket", client=s3_client)
    with pytest.raises(ValueError, match="non-empty"):
        store.write("", io.BytesIO(b"x"))


def test_without_boto3_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(ImportError, match=r'pip install "hpo\[s3\]"'):
        Boto3ArtifactStore("bucket")


def test_the_default_client_comes_from_the_environment(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    store = Boto3ArtifactStore("from-environment")
    store.client.create_bucket(Bucket="from-environment")
    store.write("a", io.BytesIO(b"x"))
    assert store.client.get_object(Bucket="from-environment", Key="a")["Body"].read() == b"x"
