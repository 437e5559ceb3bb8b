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


@pytest.mark.parametrize(
    "old_revision",
    [
        "0001_initial_schema",
        "0002_trial_state_index",
        "0003_trial_foreign_writes",
        "0004_trial_client_token",
    ],
)
def test_data_survives_the_upgrade(tmp_path: Path, old_revision: str) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, old_revision)
    # Rows as an older hpo wrote them: a finished trial and one still running.
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO studies (study_id, study_name, next_trial_number) VALUES (1, 'kept', 2)",
            "INSERT INTO study_directions (study_id, objective, direction) VALUES (1, 0, 1)",
            "INSERT INTO trials (trial_id, study_id, number, state, datetime_start, "
            "datetime_complete) VALUES (1, 1, 0, 1, '2024-01-01 00:00:00.000000', "
            "'2024-01-01 00:00:01.000000')",
            "INSERT INTO trial_values (trial_id, objective, value, value_type) "
            "VALUES (1, 0, 3, 0)",
            "INSERT INTO trials (trial_id, study_id, number, state, datetime_start) "
            "VALUES (2, 1, 1, 0, '2024-01-01 00:00:02.000000')",
        ):
            conn.execute(sa.text(statement))
    engine.dispose()
    upgrade(url)
    storage = RDBStorage(url)
    study_id = storage.get_study_id_from_name("kept")
    storage.set_trial_user_attr(2, "resumed", True)
    assert storage.set_trial_state_values(2, TrialState.COMPLETE, [4.0])
    trials = RDBStorage(url).get_all_trials(study_id)
    assert [(t.number, t.state, t.values) for t in trials] == [
        (0, TrialState.COMPLETE, [3.0]),
        (1, TrialState.COMPLETE, [4.0]),
    ]
    assert trials[1].user_attrs == {"resumed": True}


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
