"""Schema versions of RDBStorage: new databases at head, older and newer ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hpo._study_direction import StudyDirection
from hpo.cli import main
from hpo.exceptions import StorageVersionError
from hpo.storages import RDBStorage
from hpo.storages._rdb import _schema
from hpo.storages._rdb._migrations import head_revision, upgrade
from hpo.trial import TrialState

MIN = [StudyDirection.MINIMIZE]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'versions.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


def _revision_and_version(url: str) -> tuple[str | None, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
            version = conn.execute(sa.select(_schema.version_info.c.schema_version)).scalar_one()
    finally:
        engine.dispose()
    return revision, int(version)


def _set_schema_version(url: str, version: int) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(_schema.version_info.update().values(schema_version=version))
    finally:
        engine.dispose()


def test_constants_name_the_newest_migration() -> None:
    assert head_revision() == _schema.HEAD_REVISION


def test_new_database_is_created_at_head(url: str) -> None:
    RDBStorage(url)
    assert _revision_and_version(url) == (_schema.HEAD_REVISION, _schema.SCHEMA_VERSION)


def test_migrations_build_the_declared_schema(url: str) -> None:
    upgrade(url)
    assert _revision_and_version(url) == (_schema.HEAD_REVISION, _schema.SCHEMA_VERSION)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), _schema.metadata)
    finally:
        engine.dispose()
    assert differences == []
    # And the storage accepts the migrated database as it is.
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "migrated")
    assert storage.get_study_id_from_name("migrated") == study_id


def test_older_database_is_refused_until_upgraded(url: str) -> None:
    upgrade(url, "0001_initial_schema")
    assert _revision_and_version(url) == ("0001_initial_schema", 1)
    with pytest.raises(StorageVersionError) as info:
        RDBStorage(url)
    message = str(info.value)
    assert "older" in message
    assert "hpo storage upgrade --storage" in message
    # Nothing was altered by the refused open.
    assert _revision_and_version(url) == ("0001_initial_schema", 1)

    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert _revision_and_version(url) == (_schema.HEAD_REVISION, _schema.SCHEMA_VERSION)
    storage = RDBStorage(url)
    storage.create_new_study(MIN, "after-upgrade")
    assert [s.study_name for s in storage.get_all_studies()] == ["after-upgrade"]


def test_data_survives_the_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001_initial_schema")
    storage = RDBStorage(url, skip_compatibility_check=True)
    study_id = storage.create_new_study(MIN, "kept")
    storage.set_trial_state_values(storage.create_new_trial(study_id), TrialState.COMPLETE, [3.0])
    upgrade(url)
    trials = RDBStorage(url).get_all_trials(study_id)
    assert [t.values for t in trials] == [[3.0]]


def test_newer_database_is_refused(url: str) -> None:
    RDBStorage(url)
    _set_schema_version(url, _schema.SCHEMA_VERSION + 1)
    with pytest.raises(StorageVersionError, match=r"newer hpo.*upgrade hpo"):
        RDBStorage(url)


def test_skip_compatibility_check_opens_any_version(url: str) -> None:
    RDBStorage(url)
    _set_schema_version(url, _schema.SCHEMA_VERSION + 1)
    storage = RDBStorage(url, skip_compatibility_check=True)
    assert storage.get_all_studies() == []


def test_upgrade_refuses_an_unknown_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    RDBStorage(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    with pytest.raises(StorageVersionError, match="newer hpo"):
        upgrade(url)
