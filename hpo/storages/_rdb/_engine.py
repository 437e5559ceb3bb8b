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

Every call is retried when the database cannot be reached (the server restarts, refuses
connections, ends sessions): with capped exponential backoff and jitter, for up to
``connection_retry_timeout`` seconds. A lost connection may have taken a commit with it, so
a retried call runs again in full: the storage's writes are written to be safe to repeat.
"""

from __future__ import annotations

import contextlib
import json
import math
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
from hpo.storages._rdb._prepared import PreparedStatements, Raw

_logger = logging.get_logger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_SECONDS = 60.0
# Deadlocks and busy errors: attempts in all.
MAX_ATTEMPTS = 8
DEFAULT_CONNECTION_RETRY_TIMEOUT = 120.0
# Backoff between attempts to reach the database: doubling from the first, up to the cap.
FIRST_RECONNECT_DELAY = 0.05
MAX_RECONNECT_DELAY = 2.0
# A new PostgreSQL connection gives up after this many seconds (and is retried).
POSTGRES_CONNECT_TIMEOUT = 10
# Connections the hot path keeps between calls; more concurrent callers check out and return.
IDLE_LEASES = 2

_BEGIN_OPTION = "hpo_begin"
# PostgreSQL serialization failure and deadlock: the transaction was rolled back, retry it.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}
# The server ends sessions (admin or crash shutdown) or does not accept them yet.
_CONNECTION_SQLSTATES = {"57P01", "57P02", "57P03"}
_SUPPORTED = "sqlite:///path.db or postgresql+psycopg://user@host/dbname"


def parse_url(url: str) -> sa.URL:
    """Validate a database URL and return it with the driver hpo uses.

    ``postgresql://`` and ``postgres://`` mean psycopg 3. MySQL is refused.

    Raises
    ------
    TypeError
        If ``url`` is not a string.
    ValueError
        If it is malformed, names MySQL or an unknown database or driver, or the SQLite
        file's directory does not exist.
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
    if parsed.query:
        try:  # the driver reads the URL's query; say which URL parameter it could not read
            parsed.get_dialect()().create_connect_args(parsed)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"Invalid query parameter in {_masked(parsed)!r} {dict(parsed.query)}: {e}"
            ) from None
    return parsed


def is_memory_sqlite(url: sa.URL) -> bool:
    """Return whether ``url`` is a SQLite database that lives in memory."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _masked(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def check_connection_retry_timeout(value: float) -> float:
    """Validate ``connection_retry_timeout`` and return it as a float.

    Raises
    ------
    TypeError
        If ``value`` is not a number.
    ValueError
        If it is negative, infinite or NaN.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"connection_retry_timeout must be a number of seconds, got {value!r} "
            f"({type(value).__name__})."
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"connection_retry_timeout={value!r} must be a finite number of seconds >= 0."
        )
    return float(value)


class Database:
    """An engine plus the transaction helpers every storage method goes through."""

    def __init__(
        self,
        url: sa.URL,
        engine_kwargs: dict[str, Any],
        connection_retry_timeout: float = DEFAULT_CONNECTION_RETRY_TIMEOUT,
    ) -> None:
        self.url = url
        self.display_url = _masked(url)
        self.dialect = url.get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        self.is_postgresql = self.dialect == "postgresql"
        self.connection_retry_timeout = connection_retry_timeout
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
        self.prepared = PreparedStatements(self.engine.dialect)
        self.integrity_error: type[Exception] = self._dbapi.IntegrityError
        # Kept-out connections of the hot path; list.append/pop are atomic, so no lock.
        self._idle: list[_Lease] = []
        self._forked = False
        # When the current loss of the database began (monotonic), None while it is reachable.
        self._outage_since: float | None = None
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
            if "connect_timeout" not in self.url.query:
                connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT)
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
        ``fn`` runs again in full when the call is retried.
        """
        return self._retrying(self._fast_once, fn, write)

    def _fast_once(self, fn: Callable[[Raw], T], write: bool) -> T:
        if self._serial is None:
            return self._fast_attempt(fn, write)
        with self._serial:
            return self._fast_attempt(fn, write)

    def _fast_attempt(self, fn: Callable[[Raw], T], write: bool) -> T:
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
            result = fn(Raw(lease.cursor, self.prepared))
            if write:
                driver.commit()
        except BaseException as e:
            if isinstance(e, self._dbapi_error) and self._lost_connection(e, driver):
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
        # The parent returned its kept connections to the pool before forking (see
        # ``_before_fork``); one released by another thread since then is kept, never
        # closed: closing it, even by garbage collection, would end the parent's session.
        _stragglers[:] = [*_stragglers, *self._idle][-_MAX_STRAGGLERS:]
        self._idle.clear()
        # The pool's connections are dropped unclosed; psycopg does not end a session when
        # a connection opened by another process is garbage-collected.
        self.engine.dispose(close=False)

    def close_idle(self) -> None:
        """Return the connections the hot path keeps to the pool."""
        _close_leases(self._idle)

    def _drop_connections(self) -> None:
        """Replace every connection of this process: after one is lost, all are suspect.

        A restarted server has ended every session at once; trying each dead connection in
        turn would spend one failed attempt per connection.
        """
        while self._idle:
            try:
                lease = self._idle.pop()
            except IndexError:
                break
            _discard(lease, None)
        if not self._forked:
            # What SQLAlchemy does on a disconnect it sees itself: every connection opened
            # before now is closed and replaced when it is next checked out.
            self.engine.pool._invalidate(None)  # type: ignore[arg-type]

    def _run(self, engine: Engine, fn: Callable[[Connection], T]) -> T:
        return self._retrying(self._run_once, engine, fn)

    def _run_once(self, engine: Engine, fn: Callable[[Connection], T]) -> T:
        if self._forked:
            self._forget_parent_connections()
        with self._serialized(), engine.connect() as conn:
            result = fn(conn)
            conn.commit()
        return result

    # -- retries ---------------------------------------------------------------------------
    def _retrying(self, once: Callable[..., T], *args: Any) -> T:
        """Call ``once(*args)`` until it succeeds or :meth:`_retry_or_raise` gives up."""
        retry: _Retry | None = None
        while True:
            try:
                result = once(*args)
            except Exception as e:
                retry = self._retry_or_raise(e, retry)
                continue
            if self._outage_since is not None:
                self._reconnected()
            return result

    def _retry_or_raise(self, error: Exception, retry: _Retry | None) -> _Retry:
        """Wait before the next attempt of a failed call, or raise the error it deserves.

        Errors that do not come from the database (``KeyError``, ``UpdateFinishedTrialError``,
        ...) are raised as they are; database errors that are not retried become
        :class:`StorageInternalError`.
        """
        orig: BaseException = error
        if isinstance(error, sa.exc.DBAPIError) and error.orig is not None:
            orig = error.orig
        if not isinstance(orig, self._dbapi_error):
            raise error
        if retry is None:
            retry = _Retry()
        if self._is_connection_error(error, orig):
            self._wait_for_connection(error, orig, retry)
        elif retry.attempts + 1 < MAX_ATTEMPTS and self._is_transient(orig):
            retry.attempts += 1
            delay = min(2.0, 0.005 * 2**retry.attempts) * (0.5 + random.random())
            _logger.debug("Retrying a transaction in %.3f s after: %s", delay, orig)
            time.sleep(delay)
        else:
            raise StorageInternalError(
                f"A database operation on {self.display_url!r} failed: {orig!r}"
            ) from error
        return retry

    def _wait_for_connection(self, error: Exception, orig: BaseException, retry: _Retry) -> None:
        now = time.monotonic()
        if retry.lost_at is None:
            retry.lost_at = now
            self._drop_connections()
        if self._outage_since is None:
            self._outage_since = now
            _logger.warning(
                "Lost the connection to the database %s (%s); retrying for up to %g s.",
                self.display_url,
                _first_line(orig),
                self.connection_retry_timeout,
            )
        else:
            _logger.debug("The database %s is still unreachable: %s", self.display_url, orig)
        deadline = retry.lost_at + self.connection_retry_timeout
        delay = min(MAX_RECONNECT_DELAY, FIRST_RECONNECT_DELAY * 2**retry.reconnects)
        delay *= 0.5 + 0.5 * random.random()
        if now + delay > deadline:
            self._outage_since = None  # the next loss is a new outage, with its own warning
            raise StorageInternalError(
                f"The database {self.display_url!r} could not be reached for "
                f"{now - retry.lost_at:.1f} s (connection_retry_timeout="
                f"{self.connection_retry_timeout:g} s); last error: {_first_line(orig)}"
            ) from error
        retry.reconnects += 1
        time.sleep(delay)

    def _reconnected(self) -> None:
        since = self._outage_since
        self._outage_since = None
        if since is not None:
            _logger.warning(
                "Reconnected to the database %s after %.1f s.",
                self.display_url,
                time.monotonic() - since,
            )

    def _is_connection_error(self, error: Exception, orig: BaseException) -> bool:
        """Whether ``error`` means the database could not be reached (PostgreSQL only)."""
        if not self.is_postgresql:
            return False
        if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
            return True
        return self._lost_connection(orig, None)

    def _lost_connection(self, error: BaseException, driver: Any) -> bool:
        if not self.is_postgresql:
            return False
        if driver is not None and (driver.closed or driver.broken):
            return True
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate is None:
            # Refused, reset, closed, timed out: psycopg gives no SQLSTATE for these.
            return isinstance(error, self._dbapi.OperationalError)
        return sqlstate.startswith("08") or sqlstate in _CONNECTION_SQLSTATES

    def _is_transient(self, error: BaseException) -> bool:
        if self.is_postgresql:
            return getattr(error, "sqlstate", None) in _RETRYABLE_SQLSTATES
        if self.is_sqlite and isinstance(error, self._dbapi.OperationalError):
            message = str(error).lower()
            return "locked" in message or "busy" in message
        return False

    @contextlib.contextmanager
    def _serialized(self) -> Iterator[None]:
        if self._serial is None:
            yield
        else:
            with self._serial:
                yield


class _Retry:
    """What one call has been through: transient failures, and since when it lacks a server."""

    __slots__ = ("attempts", "lost_at", "reconnects")

    def __init__(self) -> None:
        self.attempts = 0
        self.reconnects = 0
        self.lost_at: float | None = None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
# Kept connections a forked child found in its parent's hands: rare (a thread released one
# while the parent forked), never closed, and at most this many are kept.
_MAX_STRAGGLERS = 64
_stragglers: list[_Lease] = []


def _before_fork() -> None:
    # The kept connections go back to the pool, so that the child holds none checked out:
    # garbage-collecting a checked-out connection closes it, which would end the session.
    for database in list(_live_databases):
        database.close_idle()


def _mark_forked() -> None:
    # Runs in the child right after fork: only flags, since locks may be held by lost threads.
    for database in list(_live_databases):
        database._forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_mark_forked)


def _may_switch_to_wal(cursor: Any) -> bool:
    """Whether the file is empty or hpo's: WAL mode is a setting stored in the file, so a
    database of another program (refused when its schema is checked) is left as it is."""
    tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master")}
    if not tables:
        return True
    if "version_info" not in tables:
        return False
    columns = {row[1] for row in cursor.execute("PRAGMA table_info(version_info)")}
    return "database_uuid" in columns


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal" and _may_switch_to_wal(cursor):
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
_databases: dict[tuple[str, str, float], Database] = {}
_databases_pid = os.getpid()
_databases_lock = threading.Lock()


def get_database(
    url: sa.URL,
    engine_kwargs: dict[str, Any] | None,
    connection_retry_timeout: float = DEFAULT_CONNECTION_RETRY_TIMEOUT,
) -> Database:
    """Return this process's :class:`Database` for ``url``, ``engine_kwargs`` and timeout.

    Memory SQLite databases are never shared: each call makes a new one.
    """
    global _databases_pid
    kwargs = dict(engine_kwargs or {})
    if is_memory_sqlite(url):
        return Database(url, kwargs, connection_retry_timeout)
    key = (
        url.render_as_string(hide_password=False),
        json.dumps(kwargs, sort_keys=True, default=repr),
        connection_retry_timeout,
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
            found = Database(url, kwargs, connection_retry_timeout)
            _databases[key] = found
        return found


def dispose_all() -> None:
    """Close every pooled connection of this process (e.g. before a database is dropped)."""
    with _databases_lock:
        for database in _databases.values():
            database.close_idle()
            database.engine.dispose()
