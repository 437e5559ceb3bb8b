"""Serving the dashboard with uvicorn: in the foreground, or in a thread for notebooks."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

from hpo import logging
from hpo.dashboard._app import create_app
from hpo.dashboard._context import DEFAULT_STALE_AFTER
from hpo.dashboard._security import warn_if_exposed

if TYPE_CHECKING:
    from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)


def _open_storage(storage: BaseStorage | str) -> BaseStorage:
    from hpo.storages import BaseStorage, get_storage

    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        if "://" not in storage:
            from hpo.storages.journal import JournalFileBackend, JournalStorage

            return JournalStorage(JournalFileBackend(storage))
        return get_storage(storage)
    raise TypeError(
        f"storage={storage!r} must be a storage object, a database URL or a journal file path."
    )


def warm_up() -> None:
    """Import plotly and build one figure before listening: the first figure plotly makes
    takes a second (imports, validators), which would otherwise delay the first plot."""
    import plotly.graph_objects as go

    import hpo.visualization  # noqa: F401
    from hpo.dashboard._plots import figure_json

    figure_json(go.Figure(go.Scatter(x=[0], y=[0])))


def _check_address(host: object, port: object) -> None:
    if not isinstance(host, str) or not host:
        raise ValueError(f"host={host!r} must be a host name or IP address.")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port={port!r} must be an integer from 0 to 65535 (0: any free port).")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise OSError(f"Cannot listen on {host}:{port}: {error.strerror}.") from error
    sock.listen(128)
    return sock


def _server(
    storage: BaseStorage | str, host: str, port: int, read_only: bool, stale_after: float
) -> tuple[object, socket.socket, str]:
    import uvicorn

    _check_address(host, port)
    app = create_app(_open_storage(storage), read_only=read_only, stale_after=stale_after)
    warm_up()
    warn_if_exposed(host, read_only)
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config), sock, f"http://{shown_host}:{bound_port}/"


def run_server(
    storage: BaseStorage | str,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    read_only: bool = False,
    stale_after: float = DEFAULT_STALE_AFTER,
) -> None:
    """Serve the dashboard of ``storage`` until interrupted (Ctrl-C).

    Parameters
    ----------
    storage:
        A storage object, a database URL (``sqlite:///study.db``, ``postgresql://...``) or
        the path of a journal file.
    host:
        The address to listen on. Anything but a loopback address logs a warning: the
        dashboard has no authentication.
    port:
        The port; ``0`` picks a free one.
    read_only:
        Serve without the write actions.
    stale_after:
        Seconds without a heartbeat after which a RUNNING trial is shown as stale.

    Raises
    ------
    ImportError
        If the ``dashboard`` extra is not installed.
    ValueError
        For a bad host, port or ``stale_after``.
    OSError
        If the address cannot be listened on (e.g. the port is taken).

    Examples
    --------
    >>> import hpo
    >>> hpo.dashboard.run_server("sqlite:///study.db", port=8080)  # doctest: +SKIP
    """
    server, sock, url = _server(storage, host, port, read_only, stale_after)
    print(f"hpo dashboard: {url}  (Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])  # type: ignore[attr-defined]
    finally:
        sock.close()


class DashboardHandle:
    """A dashboard served in a background thread: its ``url``, and ``stop()`` to end it."""

    def __init__(self, server: object, sock: socket.socket, url: str) -> None:
        self.url = url
        self._server = server
        self._socket = sock
        self._thread = threading.Thread(target=self._serve, name="hpo-dashboard", daemon=True)

    def _serve(self) -> None:
        self._server.run(sockets=[self._socket])  # type: ignore[attr-defined]

    def _start(self, timeout: float) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not getattr(self._server, "started", False):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The dashboard did not start within {timeout} s.")
            time.sleep(0.02)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.should_exit = True  # type: ignore[attr-defined]
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> DashboardHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"DashboardHandle(url={self.url!r})"


def start_in_background(
    storage: BaseStorage | str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    read_only: bool = False,
    stale_after: float = DEFAULT_STALE_AFTER,
) -> DashboardHandle:
    """Serve the dashboard in a background thread (e.g. from a notebook) and return at once.

    Takes the arguments of :func:`run_server`; ``port=0`` (the default here) picks a free
    port. The returned handle has the ``url`` to open and ``stop()``; it is also a context
    manager that stops the server on exit.

    Raises
    ------
    ImportError
        If the ``dashboard`` extra is not installed.
    ValueError
        For a bad host, port or ``stale_after``.
    OSError
        If the address cannot be listened on.
    RuntimeError
        If the server does not start within 10 seconds.

    Examples
    --------
    >>> import hpo
    >>> handle = hpo.dashboard.start_in_background(hpo.storages.InMemoryStorage())
    >>> handle.url.startswith("http://127.0.0.1:")
    True
    >>> handle.stop()
    """
    server, sock, url = _server(storage, host, port, read_only, stale_after)
    handle = DashboardHandle(server, sock, url)
    handle._start(10.0)
    return handle
