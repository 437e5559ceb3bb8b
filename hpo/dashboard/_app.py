"""The dashboard's Starlette application: routes, static files and error pages.

Every endpoint is a plain function that Starlette runs in its thread pool (the storages are
blocking). Errors a user can cause become a 4xx page or JSON body with the message; anything
else is logged and answered with a 500 that holds no traceback.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hpo import logging
from hpo.dashboard import _actions, _api, _pages
from hpo.dashboard._context import (
    _PACKAGE_DIR,
    DEFAULT_STALE_AFTER,
    Dashboard,
    import_web_libraries,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(request: Request, status_code: int, message: str) -> Response:
    """An error as JSON (API) or as a page saying what went wrong."""
    from starlette.responses import JSONResponse

    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code)
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard.render(
        request, "error.html", status_code, status=status_code, message=message
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    from starlette.exceptions import HTTPException

    assert isinstance(exc, HTTPException)
    detail = (
        exc.detail
        if exc.status_code != 404 or exc.detail != "Not Found"
        else (f"No page at {request.url.path}.")
    )
    return error_response(request, exc.status_code, str(detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    _logger.error("The dashboard failed on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, 500, "The dashboard hit an internal error; the server log has the details."
    )


def create_app(
    storage: BaseStorage, *, read_only: bool = False, stale_after: float = DEFAULT_STALE_AFTER
) -> Starlette:
    """Build the dashboard's ASGI application over ``storage``.

    Parameters
    ----------
    storage:
        The storage whose studies are shown.
    read_only:
        Leave out every write action (enqueue, tell, fail stale trials, delete, notes).
    stale_after:
        Seconds since its last heartbeat after which a RUNNING trial is flagged stale.

    Returns
    -------
    starlette.applications.Starlette
        The application; serve it with any ASGI server (``run_server`` uses uvicorn).

    Raises
    ------
    ImportError
        If the ``dashboard`` extra is not installed.
    ValueError
        If ``stale_after`` is not a positive number.
    """
    import_web_libraries()
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    if isinstance(stale_after, bool) or not isinstance(stale_after, (int, float)):
        raise ValueError(f"stale_after={stale_after!r} must be a positive number of seconds.")
    if not stale_after > 0 or math.isinf(stale_after):
        raise ValueError(f"stale_after={stale_after!r} must be a positive number of seconds.")
    routes = [
        *_pages.routes(),
        *_api.routes(),
        *([] if read_only else _actions.routes()),
        Mount("/static", app=StaticFiles(directory=str(_PACKAGE_DIR / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )
    app.state.dashboard = Dashboard(storage, read_only=read_only, stale_after=float(stale_after))
    return app
