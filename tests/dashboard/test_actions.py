"""Write actions: token and origin checks, each action's effect, and bad input left unwritten."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

import hpo
from hpo.dashboard import create_app
from hpo.storages import InMemoryStorage
from hpo.trial import TrialState
from tests.dashboard.conftest import fill_study, make_client


def _post(client: Any, url: str, **fields: str) -> Any:
    data = {"csrf_token": client.dashboard.csrf_token, **fields}
    return client.post(url, data=data, follow_redirects=False)


def test_enqueue_adds_a_waiting_trial_with_the_params(client: Any, storage: Any) -> None:
    response = _post(client, "/studies/0/enqueue", params='{"x": 2.5, "kind": "b"}')
    assert response.status_code == 303
    assert response.headers["location"].startswith("/studies/0?message=")
    waiting = hpo.load_study(study_name="demo", storage=storage).get_trials(
        states=(TrialState.WAITING,)
    )
    assert [t.system_attrs["fixed_params"] for t in waiting][-1] == {"x": 2.5, "kind": "b"}


@pytest.mark.parametrize(
    "params, message",
    [
        ("x=1", "not valid JSON"),
        ("[1, 2]", "non-empty JSON object"),
        ("{}", "non-empty JSON object"),
        ('{"x": [1]}', "must be a number, string"),
        ('{"x": NaN}', "must be finite"),
    ],
)
def test_bad_params_are_refused_and_nothing_is_enqueued(
    client: Any, storage: Any, params: str, message: str
) -> None:
    before = len(storage.get_all_trials(0))
    response = _post(client, "/studies/0/enqueue", params=params)
    assert response.status_code == 400 and message in response.text
    assert "Traceback" not in response.text
    assert len(storage.get_all_trials(0)) == before


def test_tell_finishes_a_running_or_waiting_trial(client: Any, storage: Any) -> None:
    response = _post(client, "/studies/0/trials/12/tell", state="COMPLETE", values="0.25")
    assert response.status_code == 303
    assert storage.get_all_trials(0)[12].values == [0.25]
    response = _post(client, "/studies/0/trials/13/tell", state="FAIL")
    assert response.status_code == 303
    assert storage.get_all_trials(0)[13].state == TrialState.FAIL


@pytest.mark.parametrize(
    "number, fields, status, message",
    [
        (12, {"state": "COMPLETE", "values": "abc"}, 400, "not a number"),
        (12, {"state": "COMPLETE", "values": "inf"}, 400, "must be finite"),
        (12, {"state": "COMPLETE", "values": "1, 2"}, 400, "Give 1 value"),
        (12, {"state": "RUNNING"}, 400, "must be COMPLETE, PRUNED or FAIL"),
        (0, {"state": "COMPLETE", "values": "1"}, 409, "only a WAITING or RUNNING"),
        (99, {"state": "FAIL"}, 404, "no trial number 99"),
    ],
)
def test_bad_tells_are_refused_and_leave_the_trial(
    client: Any, storage: Any, number: int, fields: dict[str, str], status: int, message: str
) -> None:
    response = _post(client, f"/studies/0/trials/{number}/tell", **fields)
    assert response.status_code == status and message in response.text
    assert storage.get_all_trials(0)[12].state == TrialState.RUNNING


def test_note_is_kept_as_a_user_attribute_and_rendered_safely(client: Any, storage: Any) -> None:
    note = "# Plan\n- try **lr** <img src=x onerror=alert(1)>"
    assert _post(client, "/studies/0/note", note=note).status_code == 303
    assert storage.get_study_user_attrs(0)["dashboard:note"] == note
    page = client.get("/studies/0").text
    assert "<h3>Plan</h3>" in page and "<strong>lr</strong>" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    too_long = _post(client, "/studies/0/note", note="x" * 20_001)
    assert too_long.status_code == 400


def test_delete_needs_the_exact_name(client: Any, storage: Any) -> None:
    refused = _post(client, "/studies/0/delete", confirm_name="dem")
    assert refused.status_code == 400 and "nothing was deleted" in refused.text
    assert [s.study_name for s in storage.get_all_studies()] == ["demo"]
    deleted = _post(client, "/studies/0/delete", confirm_name="demo")
    assert deleted.status_code == 303 and deleted.headers["location"].startswith("/?message=")
    assert storage.get_all_studies() == []
    assert client.get("/studies/0").status_code == 404


def test_fail_stale_fails_only_trials_with_an_old_heartbeat(tmp_path: Any) -> None:
    import datetime

    from hpo.storages import RDBStorage

    url = f"sqlite:///{tmp_path / 'stale.db'}"
    storage = RDBStorage(url, heartbeat_interval=1)
    study = hpo.create_study(storage=storage, study_name="beats")
    old, fresh = study.ask(), study.ask()
    import sqlalchemy as sa

    from hpo.storages._rdb import _schema as s

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            s.trial_heartbeats.update()
            .where(s.trial_heartbeats.c.trial_id == old._trial_id)
            .values(
                heartbeat=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                - datetime.timedelta(seconds=600)
            )
        )
    engine.dispose()
    client = make_client(create_app(RDBStorage(url), stale_after=60))
    client.dashboard = client.app.state.dashboard
    rows = client.get("/api/studies/1/updates").json()["workers"]
    assert [(r["number"], r["stale"]) for r in rows] == [(0, True), (1, False)]
    response = _post(client, "/studies/1/fail-stale")
    assert response.status_code == 303
    assert "Failed 1 stale trial(s): [0]." in unquote(response.headers["location"])
    states = [t.state for t in storage.get_all_trials(study._study_id)]
    assert states == [TrialState.FAIL, TrialState.RUNNING]
    assert storage.get_trial(old._trial_id).system_attrs["fail_reason"].startswith("stale")
    del fresh


def test_posts_without_the_token_or_from_another_origin_are_refused(
    client: Any, storage: Any
) -> None:
    before = storage.get_all_trials(0)
    no_token = client.post("/studies/0/enqueue", data={"params": '{"x": 1}'})
    assert no_token.status_code == 403 and "token" in no_token.text
    wrong = client.post("/studies/0/enqueue", data={"params": '{"x": 1}', "csrf_token": "nope"})
    assert wrong.status_code == 403
    foreign = client.post(
        "/studies/0/delete",
        data={"confirm_name": "demo", "csrf_token": client.dashboard.csrf_token},
        headers={"Origin": "http://evil.example"},
    )
    assert foreign.status_code == 403 and "Cross-site" in foreign.text
    header_token = client.post(
        "/studies/0/enqueue",
        data={"params": '{"x": 1}'},
        headers={"X-CSRF-Token": client.dashboard.csrf_token, "Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert header_token.status_code == 303
    assert len(storage.get_all_trials(0)) == len(before) + 1
    assert client.get("/studies/0/enqueue").status_code == 405


def test_read_only_dashboard_has_no_actions() -> None:
    storage = InMemoryStorage()
    fill_study(storage)
    client = make_client(create_app(storage, read_only=True))
    page = client.get("/studies/0").text
    assert "enqueue-form" not in page and "csrf_token" not in page and "read-only" in page
    assert 'id="tell-form"' not in client.get("/studies/0/trials/12").text
    for url in ("/studies/0/enqueue", "/studies/0/delete", "/studies/0/note"):
        assert client.post(url, data={}).status_code in (404, 405)
    assert len(storage.get_all_studies()) == 1
