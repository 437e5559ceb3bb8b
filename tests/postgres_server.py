"""A throwaway PostgreSQL server for tests and benchmarks.

As a pytest plugin it provides ``postgres_server`` (one server per test session, or per xdist
worker) and ``postgres_database_url`` (a fresh empty database per test). Benchmarks call
:func:`start_postgres_server` directly.

The server is started from the ``initdb``/``pg_ctl`` binaries found on ``PATH`` or under
``/usr/lib/postgresql/*/bin``, in a temporary directory, on a free port of 127.0.0.1. PostgreSQL
refuses to run as root, so as root the binaries run as the ``postgres`` system user (created by
Debian's package). Without the binaries the fixtures skip, except under ``CI``, where
PostgreSQL is required and they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

_SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """Raised when no PostgreSQL server can be started on this machine."""


def find_postgres_bin_dir() -> str | None:
    """Return the directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or ``None``."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return os.path.dirname(on_path)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.split("/")[3].split(".")],
    )
    for candidate in reversed(candidates):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server; :meth:`stop` shuts it down and removes its files."""

    bin_dir: str
    base_dir: str
    port: int
    run_as: str | None
    _stopped: bool = field(default=False, repr=False)

    @property
    def data_dir(self) -> str:
        return os.path.join(self.base_dir, "data")

    def url(self, database: str = "postgres") -> str:
        """Return a SQLAlchemy URL (psycopg driver) of ``database`` on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = name or f"test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self._dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing the connections still open to it."""
        import psycopg

        with psycopg.connect(self._dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def restart(self, mode: str = "fast") -> None:
        """Restart the server with ``pg_ctl restart -m mode``; return once it accepts work.

        ``fast`` ends every session and shuts down cleanly; ``immediate`` kills the server
        processes, and the start that follows runs crash recovery.

        Raises
        ------
        ValueError
            If ``mode`` is not ``smart``, ``fast`` or ``immediate``.
        """
        if mode not in ("smart", "fast", "immediate"):
            raise ValueError(f"mode={mode!r} must be 'smart', 'fast' or 'immediate'.")
        _run(
            self.run_as,
            [
                os.path.join(self.bin_dir, "pg_ctl"),
                "-D",
                self.data_dir,
                "-l",
                os.path.join(self.base_dir, "server.log"),
                "-m",
                mode,
                "-w",
                "-t",
                "60",
                "restart",
            ],
        )

    def stop(self) -> None:
        """Stop the server and delete its directory."""
        if self._stopped:
            return
        self._stopped = True
        _run(
            self.run_as,
            [os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, "-m", "immediate", "stop"],
            check=False,
        )
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _run(run_as: str | None, args: list[str], check: bool = True) -> None:
    if run_as is not None:
        args = ["runuser", "-u", run_as, "--", *args]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise PostgresUnavailable(
            f"{' '.join(args)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )


def start_postgres_server(
    durable: bool = False, synchronous_commit: bool | None = None
) -> PostgresServer:
    """Start a throwaway PostgreSQL server and return it; call ``stop()`` when done.

    Parameters
    ----------
    durable:
        Keep PostgreSQL's default ``fsync``; tests turn it off to run faster.
    synchronous_commit:
        Whether a commit waits for its write-ahead log record to be written; by default as
        ``durable``. Without it, a commit acknowledged just before the server is killed
        (``pg_ctl restart -m immediate``) can be lost; ``fsync`` matters only when the
        machine itself stops.

    Raises
    ------
    PostgresUnavailable
        If the binaries are missing, the ``postgres`` user is missing when running as root,
        or the server does not start.
    """
    bin_dir = find_postgres_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL binaries (initdb, pg_ctl) were not found on PATH or under "
            "/usr/lib/postgresql/*/bin; install PostgreSQL (e.g. apt-get install postgresql)."
        )
    run_as: str | None = None
    base_dir = tempfile.mkdtemp(prefix="hpo-pg-")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(_SERVER_USER)
        except KeyError:
            shutil.rmtree(base_dir, ignore_errors=True)
            raise PostgresUnavailable(
                "Running as root, but there is no 'postgres' system user to run PostgreSQL as."
            ) from None
        run_as = _SERVER_USER
        os.chown(base_dir, user.pw_uid, user.pw_gid)
        os.chmod(base_dir, 0o700)
    data_dir = os.path.join(base_dir, "data")
    try:
        _run(
            run_as,
            [
                os.path.join(bin_dir, "initdb"),
                "-D",
                data_dir,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={base_dir}",
            "-c max_connections=200",
        ]
        if not durable:
            options += ["-c fsync=off", "-c full_page_writes=off"]
        if not (durable if synchronous_commit is None else synchronous_commit):
            options += ["-c synchronous_commit=off"]
        last_error: Exception | None = None
        for _ in range(5):  # another process may take the free port before the server binds
            port = _free_port()
            server = PostgresServer(bin_dir, base_dir, port, run_as)
            try:
                _run(
                    run_as,
                    [
                        os.path.join(bin_dir, "pg_ctl"),
                        "-D",
                        data_dir,
                        "-l",
                        os.path.join(base_dir, "server.log"),
                        "-o",
                        " ".join([f"-p {port}", *options]),
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ],
                )
            except PostgresUnavailable as e:
                last_error = e
                time.sleep(0.2)
                continue
            return server
        raise PostgresUnavailable(f"PostgreSQL did not start: {last_error}")
    except BaseException:
        shutil.rmtree(base_dir, ignore_errors=True)
        raise


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"SKIPPING POSTGRESQL TESTS: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (one per xdist worker)."""
    try:
        server = start_postgres_server()
    except PostgresUnavailable as e:
        _unavailable(str(e))
        raise  # unreachable: skip or fail raised
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database on the session's server, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)
