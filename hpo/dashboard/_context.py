"""What every endpoint shares: the storage and its caches, the templates, request helpers."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo.dashboard._cache import StudyCaches, StudyTrials
from hpo.dashboard._security import new_token, script_json

if TYPE_CHECKING:
    from jinja2 import Environment
    from starlette.requests import Request
    from starlette.responses import Response

    from hpo.storages import BaseStorage

_logger = logging.get_logger(__name__)
_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_STALE_AFTER = 60.0


def import_web_libraries() -> None:
    """Check that the web libraries are installed, or say which extra installs them."""
    import importlib.util

    for module, package in (
        ("jinja2", "jinja2"),
        ("starlette", "starlette"),
        ("uvicorn", "uvicorn"),
        ("python_multipart", "python-multipart"),
    ):
        if importlib.util.find_spec(module) is None:
            raise ImportError(
                f'The hpo dashboard needs {package}: pip install "hpo[dashboard]"', name=module
            )


def plotly_js_path() -> Path:
    """The plotly.js bundle shipped inside the installed ``plotly`` package."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@dataclass
class Dashboard:
    """What every endpoint shares: the storage, its study caches and the server's settings."""

    storage: BaseStorage
    read_only: bool = False
    stale_after: float = DEFAULT_STALE_AFTER
    csrf_token: str = field(default_factory=new_token)
    caches: StudyCaches = field(init=False)
    templates: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.caches = StudyCaches(self.storage)
        self.templates = _environment()

    def render(
        self, request: Request, name: str, status_code: int = 200, **context: Any
    ) -> Response:
        """Render a template into an HTML response."""
        from starlette.responses import HTMLResponse

        template = self.templates.get_template(name)
        context.setdefault("message", None)
        text = template.render(
            request=request,
            read_only=self.read_only,
            csrf_token=self.csrf_token,
            **context,
        )
        return HTMLResponse(text, status_code=status_code)


def _format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_format_value(v) for v in value)
    return str(value)


def _format_time(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _environment() -> Environment:
    import jinja2
    import markupsafe

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_PACKAGE_DIR / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["value"] = _format_value
    environment.filters["time"] = _format_time
    environment.filters["seconds"] = _format_seconds
    # Safe inside <script>: script_json escapes every character that could end the element.
    environment.filters["script_json"] = lambda value: markupsafe.Markup(script_json(value))
    return environment


def dashboard_of(request: Request) -> Dashboard:
    """The dashboard an endpoint serves."""
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


def study_cache(request: Request, *, start: bool = True, wait: bool = True) -> StudyTrials:
    """The cache of the study in the path (``study_id``); a 404 when there is no such study.

    With ``start`` the study's loading is started and, with ``wait``, its first chunk
    waited for.
    """
    from starlette.exceptions import HTTPException

    study_id = path_number(request, "study_id")
    try:
        cache = dashboard_of(request).caches.get(study_id, start=start)
    except KeyError:
        raise HTTPException(404, f"No study with id {study_id}.") from None
    if start and wait:
        cache.wait_first_chunk()
    return cache


MAX_ID = 2**31 - 1


def path_number(request: Request, name: str) -> int:
    """A study id or trial number from the path; a 404 beyond what a database can hold."""
    from starlette.exceptions import HTTPException

    value = int(request.path_params[name])
    if not 0 <= value <= MAX_ID:
        raise HTTPException(404, f"No {name.replace('_', ' ')} {value}.")
    return value


def int_param(request: Request, name: str, default: int) -> int:
    """An integer query parameter; a 400 naming it when it is not one."""
    from starlette.exceptions import HTTPException

    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise HTTPException(400, f"{name}={text!r} must be an integer.") from None
