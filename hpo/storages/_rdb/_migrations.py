"""Schema versions: create a new database at the head revision, check an existing one, upgrade.

A new database is created from the declared tables (``_schema.metadata``) and stamped with the
head Alembic revision; the migrations in ``alembic/versions`` build the same schema (a test
checks it). Opening a database written by an older hpo is refused with the command that
upgrades it; one written by a newer hpo is refused too. Nothing is altered silently.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo.exceptions import StorageVersionError
from hpo.storages._rdb import _schema
from hpo.storages._rdb._engine import Database, parse_url
from hpo.version import __version__

ALEMBIC_DIR = Path(__file__).parent / "alembic"

_alembic_metadata = sa.MetaData()
alembic_version = sa.Table(
    "alembic_version",
    _alembic_metadata,
    sa.Column("version_num", sa.String(32), primary_key=True),
)

# Serializes concurrent creation of the schema on PostgreSQL (an arbitrary constant key).
_CREATE_LOCK_KEY = 0x68706F


def _read_version(conn: Connection) -> tuple[int, str] | None:
    try:
        row = conn.execute(
            sa.select(_schema.version_info.c.schema_version, _schema.version_info.c.database_uuid)
        ).first()
    except sa.exc.DBAPIError as e:
        if _is_missing_table(e):
            return None
        if _is_missing_column(e):
            # A version_info table without hpo's columns: Optuna names its table alike. (The
            # failed statement ended the transaction on PostgreSQL: nothing more is read.)
            raise StorageVersionError(_foreign_database_message(["version_info"])) from None
        raise  # e.g. a lost connection: retried by the caller
    if row is None:
        return None
    return int(row[0]), str(row[1])


def _is_missing_column(error: sa.exc.DBAPIError) -> bool:
    if error.connection_invalidated:
        return False
    if getattr(error.orig, "sqlstate", None) == "42703":  # PostgreSQL: undefined column
        return True
    return "no such column" in str(error.orig)


def _foreign_database_message(tables: list[str]) -> str:
    """Explain that a database holding ``tables`` is not hpo's."""
    tables = sorted(tables)
    hint = (
        " It looks like an Optuna database: hpo keeps its own schema, so give hpo a new "
        "database and copy the studies into it with `hpo storage import-optuna --from URL "
        "--to NEW_URL`."
        if "alembic_version" in tables or "version_info" in tables
        else ""
    )
    return (
        f"The database holds tables {tables} but no hpo version information, so it was not "
        f"written by hpo.{hint}"
    )


def _is_missing_table(error: sa.exc.DBAPIError) -> bool:
    if error.connection_invalidated:
        return False
    if getattr(error.orig, "sqlstate", None) == "42P01":  # PostgreSQL: undefined table
        return True
    return "no such table" in str(error.orig)


def open_database(database: Database, skip_compatibility_check: bool) -> str:
    """Create the schema in an empty database or check an existing one's version.

    Returns
    -------
    str
        The database's UUID, which keys this process's caches.

    Raises
    ------
    StorageVersionError
        If the database holds tables of another program, or was written by an older or a
        newer version of hpo (unless ``skip_compatibility_check``).
    """
    found = database.read(_read_version)
    if found is None:
        found = database.write(_create_schema)
    schema_version, database_uuid = found
    if not skip_compatibility_check:
        check_schema_version(schema_version, database.display_url)
    return database_uuid


def check_schema_version(schema_version: int, display_url: str) -> None:
    """Raise :class:`StorageVersionError` unless ``schema_version`` is the current one."""
    if schema_version < _schema.SCHEMA_VERSION:
        raise StorageVersionError(
            f"The database {display_url!r} has schema version {schema_version}, older than "
            f"version {_schema.SCHEMA_VERSION} used by hpo {__version__}. Back it up, then "
            f"run `hpo storage upgrade --storage {display_url}` to upgrade it."
        )
    if schema_version > _schema.SCHEMA_VERSION:
        raise StorageVersionError(
            f"The database {display_url!r} has schema version {schema_version}, written by a "
            f"newer hpo than this one ({__version__}, schema version "
            f"{_schema.SCHEMA_VERSION}); upgrade hpo to open it."
        )


def _create_schema(conn: Connection) -> tuple[int, str]:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_CREATE_LOCK_KEY)))
    tables = sa.inspect(conn).get_table_names()
    if _schema.version_info.name in tables:
        found = _read_version(conn)
        if found is not None:
            return found  # another process created it first
    if tables:
        raise StorageVersionError(_foreign_database_message(tables))
    _schema.metadata.create_all(conn)
    _alembic_metadata.create_all(conn)
    database_uuid = str(uuid.uuid4())
    conn.execute(
        _schema.version_info.insert().values(
            version_info_id=1,
            schema_version=_schema.SCHEMA_VERSION,
            library_version=__version__,
            database_uuid=database_uuid,
        )
    )
    conn.execute(alembic_version.insert().values(version_num=_schema.HEAD_REVISION))
    return _schema.SCHEMA_VERSION, database_uuid


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Any:
    """Return an Alembic ``Config`` for hpo's migrations; no ``alembic.ini`` is needed."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest revision among the shipped migrations."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database at ``url`` to ``revision`` (the newest by default).

    An empty database is created from scratch by the migrations.

    Returns
    -------
    tuple
        The revision before and after the upgrade (``None`` for an empty database).

    Raises
    ------
    ValueError
        For a malformed URL, an unknown driver or a missing SQLite directory.
    StorageVersionError
        If the database is not an hpo database or its revision is unknown to this hpo.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    parsed = parse_url(url)
    display = parsed.render_as_string(hide_password=True)
    engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            before = MigrationContext.configure(conn).get_current_revision()
            tables = sa.inspect(conn).get_table_names()
        if before is None and tables:
            raise StorageVersionError(
                f"The database {display!r} holds tables {sorted(tables)} but no migration "
                "history, so it was not written by hpo; it cannot be upgraded."
            )
        script = ScriptDirectory.from_config(alembic_config())
        if before is not None:
            try:
                script.get_revision(before)
            except Exception:
                raise StorageVersionError(
                    f"The database {display!r} is at revision {before!r}, which this hpo "
                    f"({__version__}) does not know: it was written by a newer hpo or by "
                    "another program. Upgrade hpo to open it."
                ) from None
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), revision)
        with engine.begin() as conn:
            after = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    assert after is not None
    return before, after
