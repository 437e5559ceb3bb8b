"""Alembic environment of hpo's RDBStorage: runs migrations on a connection hpo provides.

``hpo storage upgrade`` passes an open connection in ``config.attributes["connection"]``; a
developer running the ``alembic`` command gives the URL as ``sqlalchemy.url`` instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from hpo.storages._rdb._schema import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on one to ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("Give the database URL as sqlalchemy.url.")
    engine = sa.create_engine(url)
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("hpo's migrations run online only; give a database URL.")
run_migrations_online()
