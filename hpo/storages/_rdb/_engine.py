"""Database URLs, engines and transactions.

One engine (one connection pool) per process per URL and engine options, shared by every
``RDBStorage`` object and study of the process, and rebuilt after ``fork``. Connections run
in driver-level autocommit mode: a single statement is its own transaction and costs one
round trip, and multi-statement transactions emit their own ``BEGIN`` (``BEGIN IMMEDIATE`` on
SQLite, so that writers queue on the busy timeout instead of failing with "database is
locked").
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from hpo import logging
from hpo.exceptions import StorageInternalError

_logger = logging.get_logger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_SECONDS = 60.0
MAX_ATTEMPTS = 8

_BEGIN_OPTION = "hpo_begin"
# PostgreSQL serialization failure and deadlock: the transaction was rolled back, retry it.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}
_SUPPORTED = "sqlite:///path.db or postgresql+psycopg://user@host/dbname"


def parse_url(url: str) -> sa.URL:
    """Validate a database URL and return it with the driver hpo uses.

    ``postgresql://`` and ``postgres://`` mean psycopg 3, ``mysql://`` means PyMySQL.

    Raises
    ------
    TypeError
        If ``url`` is not a string.
    ValueError
        If it is malformed, names an unknown database or driver, or the SQLite file's
        directory does not exist.
    """
    if not isinstance(url, (str, sa.URL)):
        raise TypeError(f"The storage URL must be a string, got {url!r}.")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as e:
        raise ValueError(
            f"Malformed database URL {url!r}; expected e.g. {_SUPPORTED}. ({e})"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=f"postgresql+{driver or 'psycopg'}")
    elif backend == "mysql":
        raise ValueError(
            f"MySQL ({_masked(parsed)!r}) is not supported yet; use SQLite or PostgreSQL."
        )
    elif backend != "sqlite":
        raise ValueError(
            f"Unknown database {parsed.drivername!r} in {_masked(parsed)!r}; "
            f"supported: {_SUPPORTED}."
        )
    try:
        parsed.get_dialect()
    except sa.exc.NoSuchModuleError:
        raise ValueError(
            f"Unknown database driver {parsed.drivername!r} in {_masked(parsed)!r}; "
            f"supported: {_SUPPORTED}."
        ) from None
    if backend == "sqlite" and not is_memory_sqlite(parsed):
        path = Path(parsed.database or "")
        if not path.parent.is_dir():
            raise ValueError(
                f"The directory {str(path.parent)!r} of the SQLite database "
                f"{parsed.database!r} does not exist; create it first."
            )
    return parsed


def is_memory_sqlite(url: sa.URL) -> bool:
    """Return whether ``url`` is a SQLite database that lives in memory."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _masked(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


class Database:
    """An engine plus the transaction helpers every storage method goes through."""

    def __init__(self, url: sa.URL, engine_kwargs: dict[str, Any]) -> None:
        self.url = url
        self.display_url = _masked(url)
        self.dialect = url.get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        self.is_postgresql = self.dialect == "postgresql"
        # A memory database is one connection shared by all threads: use it one at a time.
        self._serial: threading.RLock | None = None
        self.engine = self._create_engine(engine_kwargs)
        write_begin = "BEGIN IMMEDIATE" if self.is_sqlite else "BEGIN"
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: write_begin})
        # SQLite: a deferred BEGIN gives several SELECTs one snapshot. PostgreSQL reads need no
        # snapshot: finished trials never change and unfinished ones are read again later.
        read_begin = "BEGIN" if self.is_sqlite else None
        self._snapshot_engine = self.engine.execution_options(**{_BEGIN_OPTION: read_begin})

    def _create_engine(self, engine_kwargs: dict[str, Any]) -> Engine:
        kwargs = dict(engine_kwargs)
        kwargs.setdefault("isolation_level", "AUTOCOMMIT")
        connect_args = dict(kwargs.pop("connect_args", {}))
        if self.is_sqlite:
            connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
            if is_memory_sqlite(self.url):
                connect_args.setdefault("check_same_thread", False)
                kwargs.setdefault("poolclass", StaticPool)
                self._serial = threading.RLock()
        elif self.is_postgresql:
            kwargs.setdefault("pool_size", 4)
            kwargs.setdefault("max_overflow", 16)
        try:
            engine = sa.create_engine(self.url, connect_args=connect_args, **kwargs)
        except ImportError as e:
            raise ImportError(
                f"The driver for {self.display_url!r} is not installed ({e}); for PostgreSQL "
                "install psycopg 3: pip install 'hpo[postgres]'."
            ) from e
        except TypeError as e:
            raise TypeError(f"Invalid engine_kwargs {engine_kwargs!r}: {e}") from e
        if self.is_sqlite:
            event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _emit_begin)
        return engine

    # -- transactions ----------------------------------------------------------------------
    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in a write transaction (retried on deadlocks and busy errors)."""
        return self._run(self._write_engine, fn)

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` on a connection in autocommit mode: one statement, one transaction."""
        return self._run(self.engine, fn)

    def snapshot(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn``, whose SELECTs see one snapshot on SQLite, without locking writers."""
        return self._run(self._snapshot_engine, fn)

    def _run(self, engine: Engine, fn: Callable[[Connection], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            committing = False
            try:
                with self._serialized(), engine.connect() as conn:
                    result = fn(conn)
                    committing = True
                    conn.commit()
                    return result
            except sa.exc.DBAPIError as e:
                if attempt < MAX_ATTEMPTS and self._retryable(e, committing):
                    delay = min(2.0, 0.005 * 2**attempt) * (0.5 + random.random())
                    _logger.debug("Retrying a transaction in %.3f s after: %s", delay, e)
                    time.sleep(delay)
                    continue
                raise StorageInternalError(
                    f"A database operation on {self.display_url!r} failed: {e.orig!r}"
                ) from e

    def _retryable(self, error: sa.exc.DBAPIError, committing: bool) -> bool:
        if error.connection_invalidated:
            # A dropped connection before COMMIT means nothing was written.
            return not committing
        if self.is_postgresql:
            return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
        if self.is_sqlite and isinstance(error, sa.exc.OperationalError):
            message = str(error.orig).lower()
            return "locked" in message or "busy" in message
        return False

    @contextlib.contextmanager
    def _serialized(self) -> Iterator[None]:
        if self._serial is None:
            yield
        else:
            with self._serial:
                yield


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL is safe against application crashes and skips an fsync per commit.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _emit_begin(conn: Connection) -> None:
    statement = conn.get_execution_options().get(_BEGIN_OPTION)
    if statement:
        conn.exec_driver_sql(statement)


# -- one engine per process per URL -------------------------------------------------------
_databases: dict[tuple[str, str], Database] = {}
_databases_pid = os.getpid()
_databases_lock = threading.Lock()


def get_database(url: sa.URL, engine_kwargs: dict[str, Any] | None) -> Database:
    """Return this process's :class:`Database` for ``url`` and ``engine_kwargs``.

    Memory SQLite databases are never shared: each call makes a new one.
    """
    global _databases_pid
    kwargs = dict(engine_kwargs or {})
    if is_memory_sqlite(url):
        return Database(url, kwargs)
    key = (
        url.render_as_string(hide_password=False),
        json.dumps(kwargs, sort_keys=True, default=repr),
    )
    with _databases_lock:
        if _databases_pid != os.getpid():
            # Connections inherited through fork belong to the parent: drop them unclosed.
            for database in _databases.values():
                database.engine.dispose(close=False)
            _databases.clear()
            _databases_pid = os.getpid()
        database = _databases.get(key)
        if database is None:
            database = Database(url, kwargs)
            _databases[key] = database
        return database


def dispose_all() -> None:
    """Close every pooled connection of this process (e.g. before a database is dropped)."""
    with _databases_lock:
        for database in _databases.values():
            database.engine.dispose()
