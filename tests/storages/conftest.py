"""The storage backends every contract test runs against."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hpo.storages import BaseStorage, InMemoryStorage

StorageFactory = Callable[[], BaseStorage]

BACKENDS = ["inmemory", "sqlite", "journal", "postgres"]


def make_storage_factory(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> StorageFactory:
    """Return a function that opens (or re-opens) one fresh storage of ``backend``.

    Calling the factory twice returns two storage objects on the same data, the way two
    processes see one database.
    """
    if backend == "inmemory":
        storage = InMemoryStorage()
        return lambda: storage
    if backend == "sqlite":
        from hpo.storages import RDBStorage

        url = f"sqlite:///{tmp_path / 'contract.db'}"
        return lambda: RDBStorage(url)
    if backend == "journal":
        from hpo.storages.journal import JournalFileBackend, JournalStorage

        path = str(tmp_path / "contract.journal")
        return lambda: JournalStorage(JournalFileBackend(path))
    if backend == "postgres":
        from hpo.storages import RDBStorage

        url = request.getfixturevalue("postgres_database_url")
        return lambda: RDBStorage(url)
    raise ValueError(f"unknown backend {backend!r}")


@pytest.fixture(params=BACKENDS)
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    """A factory of storages of each backend; each test gets empty data."""
    return make_storage_factory(request.param, tmp_path, request)


@pytest.fixture
def storage(storage_factory: StorageFactory) -> BaseStorage:
    """One empty storage of each backend."""
    return storage_factory()
