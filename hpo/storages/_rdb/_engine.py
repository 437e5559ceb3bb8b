"""Database URLs, engines and transactions.

One engine (one connection pool) per process per URL and engine options, shared by every
``RDBStorage`` object and study of the process, and rebuilt after ``fork``. Connections run
in driver-level autocommit mode: a single statement is its own transaction and costs one
round trip, and multi-statement transactions emit their own ``BEGIN`` (``BEGIN IMMEDIATE`` on
SQLite, so that writers queue on the busy timeout instead of failing with "database is
locked").

The hot path (``Database.fast``) keeps a few connections checked out of the pool between
calls and reuses them with one cursor each: checking a connection out and in (and the
rollback the pool does on check-in) cost more than a short statement.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import random
import threading
import time
import weakref
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
# Connections the hot path keeps between calls; more concurrent callers check out and return.
IDLE_LEASES = 2

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
        self._write_begin = write_begin
        self._dbapi: Any = self.engine.dialect.loaded_dbapi
        self._dbapi_error: type[Exception] = self._dbapi.Error
        self._prepared: dict[int, Prepared] = {}
        # The hot path binds parameters by position: cheaper for the driver than by name.
        dialect: Any = self.engine.dialect
        self._positional_dialect = (
            dialect if dialect.positional else type(dialect)(paramstyle="format")
        )
        self.integrity_error: type[Exception] = self._dbapi.IntegrityError
        # Kept-out connections of the hot path; list.append/pop are atomic, so no lock.
        self._idle: list[_Lease] = []
        self._forked = False
        _live_databases.add(self)
        weakref.finalize(self, _close_leases, self._idle)

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

    def fast(self, fn: Callable[[Raw], T], write: bool = False) -> T:
        """Run ``fn`` with prepared statements on a pooled driver connection.

        The hot paths of a trial's life go through here: statements compiled once by
        SQLAlchemy, executed by the driver without per-call compilation or result wrapping.
        With ``write`` the statements share one transaction (``BEGIN IMMEDIATE`` on SQLite).
        """
        attempt = 0
        while True:
            attempt += 1
            state = _Attempt()
            try:
                if self._serial is None:
                    return self._fast_once(fn, write, state)
                with self._serial:
                    return self._fast_once(fn, write, state)
            except self._dbapi_error as e:
                orig: Exception = e
                self._retry_or_raise(orig, attempt, state.committing, state.disconnected)

    def _fast_once(self, fn: Callable[[Raw], T], write: bool, state: _Attempt) -> T:
        if self._forked:
            self._forget_parent_connections()
        try:
            lease = self._idle.pop()
        except IndexError:
            lease = _Lease(self.engine.raw_connection())
        driver: Any = lease.driver
        try:
            if write:
                driver.execute(self._write_begin)
            result = fn(Raw(lease, self))
            if write:
                state.committing = True
                driver.commit()
        except BaseException as e:
            if isinstance(e, self._dbapi_error) and self.engine.dialect.is_disconnect(
                e,  # type: ignore[arg-type]
                driver,
                None,
            ):
                state.disconnected = True
                _discard(lease, e)
            elif not self._rollback(lease) or not isinstance(e, Exception):
                # Interrupted mid-statement or not reset: never hand this connection out again.
                _discard(lease, None)
            else:
                self._release(lease)
            raise
        self._release(lease)
        return result

    def _rollback(self, lease: _Lease) -> bool:
        """Roll back what a failed call left open; return whether the connection is idle."""
        driver: Any = lease.driver
        try:
            driver.rollback()
            if self.is_sqlite:
                return not driver.in_transaction
            return bool(driver.info.transaction_status == self._dbapi.pq.TransactionStatus.IDLE)
        except Exception:
            return False

    def _release(self, lease: _Lease) -> None:
        if len(self._idle) < IDLE_LEASES and not self._forked:
            self._idle.append(lease)
        else:
            lease.fairy.close()

    def _forget_parent_connections(self) -> None:
        """After ``fork``: leave the parent's connections untouched and open new ones."""
        self._forked = False
        # Closing or even garbage-collecting them could end the parent's sessions.
        _inherited.extend(self._idle)
        self._idle.clear()
        self.engine.dispose(close=False)

    def close_idle(self) -> None:
        """Return the connections the hot path keeps to the pool."""
        _close_leases(self._idle)

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
                orig: BaseException = e.orig if e.orig is not None else e
                self._retry_or_raise(orig, attempt, committing, e.connection_invalidated, e)

    def _retry_or_raise(
        self,
        error: BaseException,
        attempt: int,
        committing: bool,
        disconnected: bool,
        wrapper: BaseException | None = None,
    ) -> None:
        if attempt < MAX_ATTEMPTS and self._retryable(error, committing, disconnected):
            delay = min(2.0, 0.005 * 2**attempt) * (0.5 + random.random())
            _logger.debug("Retrying a transaction in %.3f s after: %s", delay, error)
            time.sleep(delay)
            return
        raise StorageInternalError(
            f"A database operation on {self.display_url!r} failed: {error!r}"
        ) from (wrapper or error)

    def _retryable(self, error: BaseException, committing: bool, disconnected: bool) -> bool:
        if disconnected:
            # A dropped connection before COMMIT means nothing was written.
            return not committing
        if self.is_postgresql:
            return getattr(error, "sqlstate", None) in _RETRYABLE_SQLSTATES
        if self.is_sqlite and isinstance(error, self._dbapi.OperationalError):
            message = str(error).lower()
            return "locked" in message or "busy" in message
        return False

    def prepare(self, statement: Any) -> Prepared:
        """Compile a Core statement once for this database's dialect."""
        prepared = self._prepared.get(id(statement))
        if prepared is None:
            prepared = Prepared(statement, self._positional_dialect, self.is_sqlite)
            self._prepared[id(statement)] = prepared
        return prepared

    @contextlib.contextmanager
    def _serialized(self) -> Iterator[None]:
        if self._serial is None:
            yield
        else:
            with self._serial:
                yield


class _Lease:
    """A pooled connection kept checked out by the hot path, with its reusable cursor."""

    __slots__ = ("cursor", "driver", "fairy", "pid")

    def __init__(self, fairy: Any) -> None:
        self.fairy = fairy
        self.driver: Any = fairy.driver_connection
        self.cursor: Any = self.driver.cursor()
        self.pid = os.getpid()


def _discard(lease: _Lease, error: BaseException | None) -> None:
    with contextlib.suppress(Exception):
        lease.fairy.invalidate(error)
    with contextlib.suppress(Exception):
        lease.fairy.close()


def _close_leases(leases: list[_Lease]) -> None:
    while leases:
        lease = leases.pop()
        if lease.pid == os.getpid():  # a forked child must not end its parent's sessions
            with contextlib.suppress(Exception):
                lease.fairy.close()


_live_databases: weakref.WeakSet[Database] = weakref.WeakSet()
_inherited: list[_Lease] = []


def _mark_forked() -> None:
    # Runs in the child right after fork: only flags, since locks may be held by lost threads.
    for database in list(_live_databases):
        database._forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_mark_forked)


class _Attempt:
    __slots__ = ("committing", "disconnected")

    def __init__(self) -> None:
        self.committing = False
        self.disconnected = False


class Prepared:
    """A Core statement compiled once: its SQL text and how to bind its parameters."""

    __slots__ = ("defaults", "names", "sql", "sqlite")

    def __init__(self, statement: Any, dialect: Any, sqlite: bool) -> None:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        self.sql: str = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        # Values fixed in the statement itself (e.g. the states of an IN list).
        self.defaults: dict[str, Any] = {
            key: value for key, value in compiled.params.items() if value is not None
        }
        self.sqlite = sqlite

    def bind(self, params: dict[str, Any]) -> tuple[Any, ...]:
        """Return the positional parameters of one execution."""
        if self.defaults:
            params = {**self.defaults, **params}
        if self.sqlite:
            return tuple([_sqlite_value(params[name]) for name in self.names])
        return tuple([params[name] for name in self.names])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        # The text format SQLAlchemy uses for SQLite DateTime columns.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


class Raw:
    """A driver connection that runs :class:`Prepared` statements on one reused cursor.

    Each call's result must be read before the next statement runs.
    """

    __slots__ = ("_cursor", "_database")

    def __init__(self, lease: _Lease, database: Database) -> None:
        self._cursor = lease.cursor
        self._database = database

    def execute(self, statement: Any, params: dict[str, Any], sql: str | None = None) -> Any:
        """Execute a Core ``statement`` (prepared on first use) and return the cursor.

        ``sql`` replaces the prepared text (same parameters), e.g. with an inlined id list.
        """
        prepared = self._database.prepare(statement)
        return self._cursor.execute(prepared.sql if sql is None else sql, prepared.bind(params))

    def prepared_sql(self, statement: Any) -> str:
        """Return the SQL text of a Core statement as prepared for this database."""
        return self._database.prepare(statement).sql

    def executemany(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        """Execute a Core ``statement`` once per row of parameters."""
        prepared = self._database.prepare(statement)
        self._cursor.executemany(prepared.sql, [prepared.bind(row) for row in rows])


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
        found = _databases.get(key)
        if found is None:
            found = Database(url, kwargs)
            _databases[key] = found
        return found


def dispose_all() -> None:
    """Close every pooled connection of this process (e.g. before a database is dropped)."""
    with _databases_lock:
        for database in _databases.values():
            database.close_idle()
            database.engine.dispose()
