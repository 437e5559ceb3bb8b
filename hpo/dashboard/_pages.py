"""The HTML pages: studies, study, trials table, trial, compare; the CSV export; plotly.js.

Pages are served at once from what the server has cached; the study page then draws its
plots and follows the study through the JSON endpoints of ``_api``.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from hpo._keys import FAIL_REASON_KEY
from hpo.dashboard._api import compared_studies, study_summary, trial_row, workers
from hpo.dashboard._context import (
    dashboard_of,
    int_param,
    path_number,
    plotly_js_path,
    study_cache,
)
from hpo.dashboard._plots import plot_kinds
from hpo.dashboard._security import render_markdown
from hpo.dashboard._table import TableQueryError, query_table
from hpo.trial import TrialState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

NOTE_KEY = "dashboard:note"
_UTC = datetime.timezone.utc


def _home(request: Request) -> Response:
    dashboard = dashboard_of(request)
    rows = []
    for study in dashboard.storage.get_all_studies():
        try:
            rows.append(study_summary(dashboard, study._study_id))
        except KeyError:
            continue
    message = request.query_params.get("message")
    return dashboard.render(request, "studies.html", studies=rows, message=message)


def note_html(text: Any) -> str:
    """The study note as safe HTML (empty when there is none)."""
    return render_markdown(text) if isinstance(text, str) else ""


def _study(request: Request) -> Response:
    dashboard = dashboard_of(request)
    cache = study_cache(request, wait=False)  # the page shell at once; plots follow
    cache.sync()
    user_attrs = dashboard.storage.get_study_user_attrs(cache.study_id)
    note = user_attrs.get(NOTE_KEY, "")
    config = {
        "studyId": cache.study_id,
        "studyName": cache.study_name,
        "nObjectives": len(cache.directions),
        "directions": [d.name for d in cache.directions],
        "plots": [kind for kind, _ in plot_kinds(len(cache.directions))],
        "readOnly": dashboard.read_only,
    }
    return dashboard.render(
        request,
        "study.html",
        study=cache,
        plots=plot_kinds(len(cache.directions)),
        config=config,
        note=note if isinstance(note, str) else "",
        note_html=note_html(note),
        user_attrs={k: v for k, v in user_attrs.items() if k != NOTE_KEY},
        enqueue_template=json.dumps({name: None for name in sorted(cache.param_names)}),
        workers=workers(dashboard, cache),
        stale_after=dashboard.stale_after,
        message=request.query_params.get("message"),
    )


def _trials(request: Request) -> Response:
    from starlette.exceptions import HTTPException

    dashboard = dashboard_of(request)
    cache = study_cache(request)
    cache.sync()
    query = request.query_params
    jump = query.get("jump")
    if jump:
        try:
            number = int(jump)
        except ValueError:
            raise HTTPException(400, f"jump={jump!r} must be a trial number.") from None
        from starlette.responses import RedirectResponse

        return RedirectResponse(f"/studies/{cache.study_id}/trials/{number}", status_code=303)
    filter_text = query.get("filter", "")
    sort = query.get("sort", "number") or "number"
    order = query.get("order", "asc")
    if order not in ("asc", "desc"):
        raise HTTPException(400, f"order={order!r} must be asc or desc.")
    page_number = int_param(request, "page", 1)
    per_page = int_param(request, "per_page", 50)
    with cache.lock:
        trials = list(cache.trials)
        loaded, total = len(cache.trials), cache.total
    try:
        page = query_table(
            trials,
            filter_text=filter_text,
            sort=sort,
            descending=order == "desc",
            page=page_number,
            per_page=per_page,
        )
    except TableQueryError as error:
        raise HTTPException(400, str(error)) from None
    params = sorted(cache.param_names)
    attrs = sorted(cache.user_attr_names)
    return dashboard.render(
        request,
        "trials.html",
        study=cache,
        page=page,
        param_names=params,
        user_attr_names=attrs,
        filter_text=filter_text,
        sort=sort,
        order=order,
        loaded=loaded,
        total=total,
        n_objectives=len(cache.directions),
    )


def _trial(request: Request) -> Response:
    from starlette.exceptions import HTTPException

    from hpo.dashboard._plots import figure_json
    from hpo.dashboard._security import escape_json_text

    dashboard = dashboard_of(request)
    cache = study_cache(request, start=False)
    number = path_number(request, "number")
    try:
        trial_id = dashboard.storage.get_trial_id_from_study_id_trial_number(
            cache.study_id, number
        )
        trial = dashboard.storage.get_trial(trial_id)
    except KeyError:
        raise HTTPException(
            404, f"Study {cache.study_name!r} has no trial number {number}."
        ) from None
    curve_json = None
    if trial.intermediate_values:
        import warnings

        from hpo import visualization
        from hpo.dashboard._cache import StudySnapshot
        from hpo.dashboard._plots import _draw_lock

        one = StudySnapshot(cache.study_name, cache.directions, None, [trial])
        with _draw_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            figure = visualization.plot_intermediate_values(one)  # type: ignore[arg-type]
            curve_json = escape_json_text(figure_json(figure))
    duration = None
    if trial.datetime_start is not None and trial.datetime_complete is not None:
        duration = (trial.datetime_complete - trial.datetime_start).total_seconds()
    beat_age = None
    from hpo.storages._heartbeat import BaseHeartbeat

    if trial.state == TrialState.RUNNING and isinstance(dashboard.storage, BaseHeartbeat):
        beat = dashboard.storage.get_heartbeat_times(cache.study_id).get(number)
        if beat is not None:
            beat_age = (datetime.datetime.now(_UTC) - beat).total_seconds()
    return dashboard.render(
        request,
        "trial.html",
        study=cache,
        trial=trial,
        row=trial_row(trial),
        duration=duration,
        heartbeat_age=beat_age,
        fail_reason=trial.system_attrs.get(FAIL_REASON_KEY),
        curve_json=curve_json,
        artifacts=_artifacts(dashboard, trial),
        can_tell=trial.state in (TrialState.RUNNING, TrialState.WAITING),
        message=request.query_params.get("message"),
    )


def _artifacts(dashboard: Any, trial: Any) -> list[dict[str, Any]] | None:
    """The trial's artifacts (from their metadata), or ``None`` without ``hpo.artifacts``."""
    try:
        from hpo.artifacts import get_all_artifact_meta
    except ImportError:
        return None
    return [
        {
            "id": meta.artifact_id,
            "filename": meta.filename,
            "mimetype": meta.mimetype,
            "encoding": meta.encoding,
        }
        for meta in get_all_artifact_meta(trial, storage=dashboard.storage)
    ]


def _compare(request: Request) -> Response:
    dashboard = dashboard_of(request)
    all_studies = [(s._study_id, s.study_name) for s in dashboard.storage.get_all_studies()]
    chosen: list[Any] = []
    if request.query_params.getlist("study"):
        chosen = compared_studies(request)
    return dashboard.render(
        request,
        "compare.html",
        all_studies=all_studies,
        chosen=chosen,
        chosen_ids=[c.study_id for c in chosen],
        config={"studies": [c.study_id for c in chosen]},
    )


def _csv(request: Request) -> Response:
    from starlette.responses import Response

    from hpo.study import load_study

    dashboard = dashboard_of(request)
    cache = study_cache(request, start=False)
    study = load_study(study_name=cache.study_name, storage=dashboard.storage)
    frame = study.trials_dataframe()
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in cache.study_name)
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{safe_name or "study"}.csv"'},
    )


def _plotly_js(request: Request) -> Response:
    from starlette.responses import FileResponse

    return FileResponse(
        plotly_js_path(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def routes() -> list[Route]:
    """The page routes."""
    from starlette.routing import Route

    return [
        Route("/", _home),
        Route("/compare", _compare),
        Route("/plotly.min.js", _plotly_js),
        Route("/studies/{study_id:int}", _study),
        Route("/studies/{study_id:int}/trials", _trials),
        Route("/studies/{study_id:int}/trials.csv", _csv),
        Route("/studies/{study_id:int}/trials/{number:int}", _trial),
    ]
