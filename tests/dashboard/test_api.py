"""The JSON endpoints: summaries, incremental updates, plots and their errors."""

from __future__ import annotations

from typing import Any

import hpo
from hpo.dashboard import create_app
from hpo.storages import InMemoryStorage
from tests.dashboard.conftest import make_client


def test_studies_endpoint_summarizes_each_study(client: Any) -> None:
    (study,) = client.get("/api/studies").json()["studies"]
    assert study["name"] == "demo" and study["directions"] == ["MINIMIZE"]
    assert study["counts"] == {"RUNNING": 1, "COMPLETE": 10, "PRUNED": 1, "FAIL": 1, "WAITING": 1}
    assert study["n_trials"] == 14
    assert study["last_activity"] is not None


def test_updates_send_only_trials_changed_since_the_version(client: Any, storage: Any) -> None:
    first = client.get("/api/studies/0/updates").json()
    assert first["trials"] == []  # no version given: counts and summaries only
    assert first["loaded"] == first["total"] == 14 and first["loaded_all"]
    assert first["counts"]["COMPLETE"] == 10
    assert [w["number"] for w in first["workers"]] == [12]
    assert [r["number"] for r in first["recent"]][:2] == [13, 12]
    version = first["version"]
    assert client.get(f"/api/studies/0/updates?since={version}").json()["trials"] == []
    study = hpo.load_study(study_name="demo", storage=storage)
    study.tell(12, 0.5)  # a running trial finishes
    study.add_trial(hpo.create_trial(value=-1.0, params={}, distributions={}))  # a new one
    client.dashboard.caches.get(0).last_sync = 0.0  # skip the sync interval
    update = client.get(f"/api/studies/0/updates?since={version}").json()
    assert [(t["number"], t["state"]) for t in update["trials"]] == [
        (12, "COMPLETE"),
        (14, "COMPLETE"),
    ]
    assert update["version"] > version and update["best_value"] == -1.0


def test_updates_of_unknown_study_or_bad_version_are_4xx(client: Any) -> None:
    missing = client.get("/api/studies/7/updates")
    assert missing.status_code == 404 and missing.json() == {"error": "No study with id 7."}
    bad = client.get("/api/studies/0/updates?since=soon")
    assert bad.status_code == 400 and "since='soon' must be an integer" in bad.json()["error"]


def test_each_plot_is_drawn_from_the_visualization_layer(client: Any) -> None:
    for kind in (
        "history",
        "intermediate",
        "parallel",
        "slice",
        "contour",
        "rank",
        "edf",
        "timeline",
    ):
        body = client.get(f"/api/studies/0/plots/{kind}").json()
        assert body["figure"]["data"], (kind, body["notes"])
        assert body["version"] >= 1
    history = client.get("/api/studies/0/plots/history").json()["figure"]
    assert [trace["name"] for trace in history["data"]] == ["Objective Value", "Best Value"]


def test_plot_errors_are_400_and_empty_plots_say_why(client: Any) -> None:
    unknown = client.get("/api/studies/0/plots/pie")
    assert unknown.status_code == 400 and "unknown plot 'pie'" in unknown.json()["error"]
    pareto = client.get("/api/studies/0/plots/pareto")  # single objective: no Pareto front
    assert pareto.status_code == 400
    objective = client.get("/api/studies/0/plots/history?objective=3")
    assert objective.status_code == 400 and "out of range" in objective.json()["error"]
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="empty")
    empty = make_client(create_app(storage)).get("/api/studies/0/plots/history").json()
    assert empty["figure"] is None and empty["notes"]


def test_large_plots_use_a_sample_and_webgl() -> None:
    from hpo.dashboard import _plots

    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=60)
    client = make_client(create_app(storage))
    original = (_plots.MAX_SAMPLED_TRIALS, _plots.WEBGL_ABOVE)
    _plots.MAX_SAMPLED_TRIALS, _plots.WEBGL_ABOVE = 20, 30
    try:
        body = client.get("/api/studies/0/plots/slice").json()
        assert "random sample of 20 of the 60 completed trials" in body["notes"][0]
        assert _plots._length(body["figure"]["data"][0]["x"]) == 20
        history = client.get("/api/studies/0/plots/history").json()["figure"]
        assert {trace["type"] for trace in history["data"]} == {"scattergl"}
    finally:
        _plots.MAX_SAMPLED_TRIALS, _plots.WEBGL_ABOVE = original
