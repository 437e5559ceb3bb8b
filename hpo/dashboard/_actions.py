"""Write actions (left out with ``--read-only``): enqueue, tell, fail stale trials, delete
a study, edit its note.

Each is a POST that must carry the server's token and, when the browser names an
``Origin``, come from this server. Every input is checked before the first write, so a
rejected request changes nothing; success redirects back to the page with a message.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hpo._keys import FAIL_REASON_KEY
from hpo.dashboard._context import dashboard_of, path_number, study_cache
from hpo.dashboard._pages import NOTE_KEY
from hpo.dashboard._security import CSRF_FIELD, CSRF_HEADER, origin_allowed, tokens_match
from hpo.exceptions import UpdateFinishedTrialError
from hpo.trial import TrialState

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

MAX_NOTE_LENGTH = 20_000
MAX_FORM_BYTES = 100_000
_UTC = datetime.timezone.utc


def _bad(message: str, status_code: int = 400) -> Exception:
    from starlette.exceptions import HTTPException

    return HTTPException(status_code, message)


async def _checked_form(request: Request) -> FormData:
    """The request's form, after the cross-site checks; 403 when they fail."""
    dashboard = dashboard_of(request)
    if not origin_allowed(request.headers.get("origin"), request.headers.get("host")):
        raise _bad("Cross-site request refused: the Origin is not this dashboard.", 403)
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise _bad(f"The form is larger than {MAX_FORM_BYTES:,} bytes.", 413)
    try:
        form = await request.form()
    except Exception:  # a body that is not a form
        raise _bad("The request body is not a form.") from None
    token = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not tokens_match(token if isinstance(token, str) else None, dashboard.csrf_token):
        raise _bad("Missing or wrong form token: reload the page and try again.", 403)
    return form


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise _bad(f"{name} must be text, not a file.")
    return value


def _back(path: str, message: str) -> Response:
    from starlette.responses import RedirectResponse

    return RedirectResponse(f"{path}?message={quote(message)}", status_code=303)


def parse_params(text: str) -> dict[str, Any]:
    """Parse the parameters of a trial to enqueue: a JSON object of names to values.

    Raises
    ------
    HTTPException
        400 for text that is not a JSON object of numbers, strings, booleans or nulls.
    """
    try:
        params = json.loads(text)
    except json.JSONDecodeError as error:
        raise _bad(f'params is not valid JSON ({error.msg}): write e.g. {{"x": 0.5}}.') from None
    if not isinstance(params, dict) or not params:
        raise _bad('params must be a non-empty JSON object, e.g. {"x": 0.5}.')
    for name, value in params.items():
        if value is not None and not isinstance(value, (int, float, str, bool)):
            raise _bad(f"params[{name!r}]={value!r} must be a number, string, boolean or null.")
        if isinstance(value, float) and not math.isfinite(value):
            raise _bad(f"params[{name!r}]={value!r} must be finite.")
    return params


def parse_values(text: str, n_objectives: int) -> list[float]:
    """Parse objective values ``"0.5"`` or ``"0.5, 1.2"``: finite, one per objective.

    Raises
    ------
    HTTPException
        400 for a value that is not a finite number or the wrong count.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise _bad(f"value {part!r} is not a number.") from None
        if not math.isfinite(value):
            raise _bad(f"value {part!r} must be finite (a failed trial is told with state FAIL).")
        values.append(value)
    if len(values) != n_objectives:
        raise _bad(
            f"Give {n_objectives} value(s), one per objective, separated by commas; got "
            f"{len(values)}."
        )
    return values


def _enqueue(request: Request, form: FormData) -> Response:
    from hpo.study import load_study

    cache = study_cache(request, start=False)
    params = parse_params(_text(form, "params"))
    study = load_study(study_name=cache.study_name, storage=dashboard_of(request).storage)
    study.enqueue_trial(params, skip_if_exists=False)
    return _back(f"/studies/{cache.study_id}", "Trial enqueued.")


def _tell(request: Request, form: FormData) -> Response:
    dashboard = dashboard_of(request)
    cache = study_cache(request, start=False)
    storage = dashboard.storage
    number = path_number(request, "number")
    state_text = _text(form, "state").upper() or "COMPLETE"
    if state_text not in ("COMPLETE", "PRUNED", "FAIL"):
        raise _bad(f"state={state_text!r} must be COMPLETE, PRUNED or FAIL.")
    state = TrialState[state_text]
    values = None
    if state == TrialState.COMPLETE:
        values = parse_values(_text(form, "values"), len(cache.directions))
    try:
        trial_id = storage.get_trial_id_from_study_id_trial_number(cache.study_id, number)
        trial = storage.get_trial(trial_id)
    except KeyError:
        raise _bad(f"Study {cache.study_name!r} has no trial number {number}.", 404) from None
    if trial.state not in (TrialState.WAITING, TrialState.RUNNING):
        raise _bad(
            f"Trial {number} is {trial.state.name}: only a WAITING or RUNNING trial can be told.",
            409,
        )
    try:
        if trial.state == TrialState.WAITING and not storage.set_trial_state_values(
            trial_id, TrialState.RUNNING
        ):
            raise _bad(f"Trial {number} was just taken by a worker; reload and try again.", 409)
        storage.set_trial_state_values(trial_id, state, values)
    except UpdateFinishedTrialError:
        raise _bad(f"Trial {number} finished meanwhile; it was not changed.", 409) from None
    return _back(
        f"/studies/{cache.study_id}/trials/{number}", f"Trial {number} told {state.name}."
    )


def _fail_stale(request: Request, form: FormData) -> Response:
    from hpo.dashboard._api import workers

    dashboard = dashboard_of(request)
    cache = study_cache(request)
    cache.sync(force=True)
    storage = dashboard.storage
    failed = []
    for row in workers(dashboard, cache):
        if not row["stale"]:
            continue
        trial_id = storage.get_trial_id_from_study_id_trial_number(cache.study_id, row["number"])
        try:
            storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, "stale heartbeat (dashboard)")
            if storage.set_trial_state_values(trial_id, TrialState.FAIL):
                failed.append(row["number"])
        except UpdateFinishedTrialError:
            continue  # finished by its worker or another cleaner meanwhile
    message = f"Failed {len(failed)} stale trial(s)" + (f": {failed}." if failed else ".")
    return _back(f"/studies/{cache.study_id}", message)


def _delete(request: Request, form: FormData) -> Response:
    dashboard = dashboard_of(request)
    cache = study_cache(request, start=False)
    confirm = _text(form, "confirm_name")
    if confirm != cache.study_name:
        raise _bad("Type the study's exact name to confirm the deletion; nothing was deleted.")
    try:
        dashboard.storage.delete_study(cache.study_id)
    except KeyError:
        raise _bad(f"Study {cache.study_name!r} no longer exists.", 404) from None
    dashboard.caches.forget(cache.study_id)
    return _back("/", f"Deleted study {cache.study_name}.")


def _note(request: Request, form: FormData) -> Response:
    dashboard = dashboard_of(request)
    cache = study_cache(request, start=False)
    note = _text(form, "note")
    if len(note) > MAX_NOTE_LENGTH:
        raise _bad(f"The note has {len(note):,} characters; at most {MAX_NOTE_LENGTH:,} fit.")
    dashboard.storage.set_study_user_attr(cache.study_id, NOTE_KEY, note)
    return _back(f"/studies/{cache.study_id}", "Note saved.")


def _endpoint(
    action: Callable[[Request, FormData], Response],
) -> Callable[[Request], Awaitable[Response]]:
    """The form is read and checked on the event loop; the storage work runs in a thread."""

    async def endpoint(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        form = await _checked_form(request)
        return await run_in_threadpool(action, request, form)

    return endpoint


def routes() -> list[Route]:
    """The write routes (POST only)."""
    from starlette.routing import Route

    post = ["POST"]
    return [
        Route("/studies/{study_id:int}/enqueue", _endpoint(_enqueue), methods=post),
        Route("/studies/{study_id:int}/trials/{number:int}/tell", _endpoint(_tell), methods=post),
        Route("/studies/{study_id:int}/fail-stale", _endpoint(_fail_stale), methods=post),
        Route("/studies/{study_id:int}/delete", _endpoint(_delete), methods=post),
        Route("/studies/{study_id:int}/note", _endpoint(_note), methods=post),
    ]
