"""Fixtures of the artifact tests: a storage of every backend, a local S3-compatible server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hpo.storages import BaseStorage
from tests.storages.conftest import BACKENDS, StorageFactory, make_storage_factory


@pytest.fixture(params=BACKENDS)
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    """Opens storages of one backend on the same data, as separate processes would."""
    return make_storage_factory(request.param, tmp_path, request)


@pytest.fixture
def storage(storage_factory: StorageFactory) -> BaseStorage:
    """One empty storage of each backend."""
    return storage_factory()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a real S3-compatible HTTP server (moto's) on a free local port."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        reason = f"moto[server] is not installed ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"The S3 server is required in CI but unavailable: {reason}")
        pytest.skip(f"SKIPPING S3 TESTS: {reason}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    """A real boto3 client talking HTTP to the local server."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


@pytest.fixture
def s3_bucket(s3_client: Any, request: pytest.FixtureRequest) -> str:
    """A new empty bucket on the local server."""
    name = f"artifacts-{abs(hash(request.node.nodeid)) % 10**12}"
    s3_client.create_bucket(Bucket=name)
    return name
