"""JSON endpoints the pages poll: study summaries, per-study updates, plots.

``GET /api/studies/{id}/updates?since=V`` answers with the trials that changed after version
``V`` only (new trials, and unfinished ones whose state, values or reports moved), the counts,
the loading progress and the running trials; a client passes back the ``version`` it got.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import TYPE_CHECKING, Any

from hpo.dashboard._cache import StudyTrials
from hpo.dashboard._context import MAX_ID, Dashboard, dashboard_of, int_param, study_cache
from hpo.dashboard._plots import PlotError, draw
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

_UTC = datetime.timezone.utc
MAX_COMPARED_STUDIES = 10
FIRST_CHUNK_WAIT = 1.0


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(_UTC).isoformat()


def _finite(value: float) -> float | str:
    """JSON has no inf or NaN: they travel as text."""
    return value if value == value and abs(value) != float("inf") else str(value)


def trial_row(trial: FrozenTrial) -> dict[str, Any]:
    """What a page shows of a trial in a list."""
    values = trial.values
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": None if values is None else [_finite(v) for v in values],
        "start": _iso(trial.datetime_start),
        "complete": _iso(trial.datetime_complete),
    }


def _counts(cache: StudyTrials) -> dict[str, int]:
    counts = cache.state_counts()
    return {state.name: counts.get(state, 0) for state in TrialState}


def study_summary(dashboard: Dashboard, study_id: int) -> dict[str, Any]:
    """One row of the studies page."""
    cache = dashboard.caches.get(study_id)
    cache.wait_first_chunk(FIRST_CHUNK_WAIT)  # a small study is read whole by then
    cache.sync()
    best = cache.best
    # Counted by the storage: exact at once, even while a large study is still loading.
    stored = dashboard.storage.get_trial_state_counts(study_id)
    return {
        "study_id": study_id,
        "name": cache.study_name,
        "directions": [d.name for d in cache.directions],
        "counts": {state.name: stored.get(state, 0) for state in TrialState},
        "n_trials": sum(stored.values()),
        "n_loaded": len(cache.trials),
        "best_value": None if best is None or best.values is None else _finite(best.values[0]),
        "best_number": None if best is None else best.number,
        "last_activity": _iso(cache.last_activity),
    }


def workers(dashboard: Dashboard, cache: StudyTrials) -> list[dict[str, Any]]:
    """The RUNNING trials: age, heartbeat age, latest report, and whether they look stale."""
    from hpo.storages._heartbeat import BaseHeartbeat

    storage = dashboard.storage
    beats = (
        storage.get_heartbeat_times(cache.study_id) if isinstance(storage, BaseHeartbeat) else {}
    )
    now = datetime.datetime.now(_UTC)
    rows = []
    with cache.lock:
        running = [cache.trials[n] for n in sorted(cache.signatures)]
    for trial in running:
        if trial.state != TrialState.RUNNING:
            continue
        beat = beats.get(trial.number)
        beat_age = None if beat is None else (now - beat).total_seconds()
        last = (
            next(reversed(trial.intermediate_values.items()))
            if trial.intermediate_values
            else None
        )
        start = trial.datetime_start
        rows.append(
            {
                "number": trial.number,
                "start": _iso(start),
                "running_for": None if start is None else (now - start).total_seconds(),
                "heartbeat_age": beat_age,
                "last_step": None if last is None else last[0],
                "last_value": None if last is None else _finite(last[1]),
                "stale": beat_age is not None and beat_age > dashboard.stale_after,
            }
        )
    return rows


def _json(payload: Any, status_code: int = 200) -> Response:
    from starlette.responses import Response

    text = json.dumps(payload, allow_nan=False)
    return Response(text, status_code=status_code, media_type="application/json")


def _studies(request: Request) -> Response:
    dashboard = dashboard_of(request)
    studies = dashboard.storage.get_all_studies()
    rows = []
    for study in studies:
        try:
            rows.append(study_summary(dashboard, study._study_id))
        except KeyError:
            continue  # deleted between the two reads
    return _json({"studies": rows})


def _updates(request: Request) -> Response:
    started, started_cpu = time.perf_counter(), time.thread_time()
    dashboard = dashboard_of(request)
    cache = study_cache(request)
    since = int_param(request, "since", 0)
    cache.sync()
    changed = cache.changed_since(since) if since > 0 else []
    with cache.lock:
        recent = cache.trials[-20:]
        version = cache.version
    best = cache.best
    payload = {
        "version": version,
        "total": cache.total,
        "loaded": len(cache.trials),
        "loaded_all": cache.loaded_all,
        "error": cache.error,
        "counts": _counts(cache),
        "best_value": None if best is None or best.values is None else _finite(best.values[0]),
        "best_number": None if best is None else best.number,
        "trials": [trial_row(t) for t in changed],
        "recent": [trial_row(t) for t in reversed(recent)],
        "workers": workers(dashboard, cache),
    }
    response = _json(payload)
    # What this update cost the server (wall and CPU milliseconds), for the browser's network
    # panel and the benchmark.
    wall = (time.perf_counter() - started) * 1000
    cpu = (time.thread_time() - started_cpu) * 1000
    response.headers["Server-Timing"] = f"app;dur={wall:.1f}, cpu;dur={cpu:.1f}"
    return response


def _plot(request: Request) -> Response:
    from starlette.exceptions import HTTPException
    from starlette.responses import Response

    cache = study_cache(request)
    kind = request.path_params["kind"]
    objective = int_param(request, "objective", 0)
    with cache.lock:
        version = cache.version
        loaded, total = len(cache.trials), cache.total
    snapshot = cache.snapshot(_metric_names(dashboard_of(request), cache.study_id))
    try:
        result = draw(snapshot, kind, objective)
    except PlotError as error:
        raise HTTPException(400, str(error)) from None
    if loaded < total:
        result.notes.insert(0, f"Drawn from the first {loaded:,} of {total:,} trials (loading).")
    head = json.dumps(
        {
            "kind": result.kind,
            "title": result.title,
            "notes": result.notes,
            "version": version,
            "loaded": loaded,
        }
    )
    figure = "null" if result.figure_json is None else result.figure_json
    return Response(head[:-1] + ', "figure": ' + figure + "}", media_type="application/json")


def _metric_names(dashboard: Dashboard, study_id: int) -> list[str] | None:
    from hpo._keys import METRIC_NAMES_KEY

    names = dashboard.storage.get_study_system_attrs(study_id).get(METRIC_NAMES_KEY)
    return [str(n) for n in names] if isinstance(names, list) else None


def compared_studies(request: Request) -> list[StudyTrials]:
    """The studies named by ``study`` query parameters (ids), each loaded.

    Raises
    ------
    HTTPException
        400 for no study, too many, or an id that is not a number; 404 for an unknown id.
    """
    from starlette.exceptions import HTTPException

    texts = request.query_params.getlist("study")
    if not texts:
        raise HTTPException(400, "Choose at least one study to compare (study=ID).")
    if len(texts) > MAX_COMPARED_STUDIES:
        raise HTTPException(400, f"Compare at most {MAX_COMPARED_STUDIES} studies at once.")
    caches = []
    dashboard = dashboard_of(request)
    for text in texts:
        try:
            study_id = int(text)
        except ValueError:
            raise HTTPException(400, f"study={text!r} must be a study id (a number).") from None
        if not 0 <= study_id <= MAX_ID:
            raise HTTPException(404, f"No study with id {study_id}.")
        try:
            caches.append(dashboard.caches.get(study_id))
        except KeyError:
            raise HTTPException(404, f"No study with id {study_id}.") from None
    return caches


def _compare_plot(request: Request) -> Response:
    from starlette.exceptions import HTTPException
    from starlette.responses import Response

    from hpo import visualization
    from hpo.dashboard._plots import figure_json
    from hpo.visualization._data._trials import objective_target

    caches = compared_studies(request)
    objective = int_param(request, "objective", 0)
    snapshots = []
    for cache in caches:
        cache.sync()
        if not 0 <= objective < len(cache.directions):
            raise HTTPException(
                400,
                f"objective={objective}: study {cache.study_name!r} has "
                f"{len(cache.directions)} objective(s).",
            )
        snapshots.append(cache.snapshot(None))
    multi = any(len(c.directions) > 1 for c in caches)
    kwargs: dict[str, Any] = {"target": objective_target(objective)} if multi else {}
    if not multi and len({c.directions[0] for c in caches}) > 1:
        kwargs = {"target": objective_target(0)}  # mixed directions: no common best line
    import warnings

    from hpo.dashboard._plots import _draw_lock

    with _draw_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure = visualization.plot_optimization_history(snapshots, **kwargs)  # type: ignore[arg-type]
        text = figure_json(figure)
    return Response('{"figure": ' + text + "}", media_type="application/json")


def routes() -> list[Route]:
    """The JSON routes."""
    from starlette.routing import Route

    return [
        Route("/api/studies", _studies),
        Route("/api/studies/{study_id:int}/updates", _updates),
        Route("/api/studies/{study_id:int}/plots/{kind}", _plot),
        Route("/api/compare/history", _compare_plot),
    ]
