"""The HTML pages, the CSV export and plotly.js, through Starlette's test client."""

from __future__ import annotations

import csv
import io
from typing import Any

import hpo
from hpo.storages import InMemoryStorage
from tests.dashboard.conftest import EVIL, fill_study, make_client


def test_studies_page_lists_each_study_with_counts(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert 'href="/studies/0"' in page.text and ">demo<" in page.text
    assert 'class="c-COMPLETE">10<' in page.text
    assert 'class="c-WAITING">1<' in page.text


def test_study_page_is_a_shell_with_every_plot_and_the_config(client: Any) -> None:
    page = client.get("/studies/0")
    assert page.status_code == 200
    for kind in ("history", "intermediate", "parallel", "slice", "contour", "importance"):
        assert f'id="plot-{kind}"' in page.text
    assert '<script src="/plotly.min.js" async id="plotly-script"></script>' in page.text
    assert "cdn" not in page.text.lower()
    assert 'id="enqueue-form"' in page.text and 'name="csrf_token"' in page.text


def test_multi_objective_study_page_has_pareto_and_hypervolume() -> None:
    from hpo.dashboard import create_app

    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage, directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=8)
    client = make_client(create_app(storage))
    page = client.get("/studies/0")
    assert 'id="plot-pareto"' in page.text and 'id="plot-hypervolume"' in page.text
    for kind in ("pareto", "hypervolume", "history", "slice"):
        body = client.get(f"/api/studies/0/plots/{kind}?objective=1").json()
        assert body["figure"]["data"], (kind, body["notes"])


def test_trials_table_pages_sorts_and_filters(client: Any) -> None:
    page = client.get("/studies/0/trials?per_page=5&page=2")
    assert page.status_code == 200
    assert "page 2 of 3" in page.text  # 14 trials
    assert 'href="/studies/0/trials/5"' in page.text
    assert 'href="/studies/0/trials/4"' not in page.text
    filtered = client.get("/studies/0/trials", params={"filter": "state = fail"})
    assert "1 matching trial(s)" in filtered.text
    by_fold = client.get(
        "/studies/0/trials", params={"filter": "user_attrs.fold = 2 and value >= 0"}
    )
    assert "4 matching trial(s)" in by_fold.text  # trials 2, 5, 8 and 11
    descending = client.get("/studies/0/trials", params={"sort": "value", "order": "desc"})
    assert descending.status_code == 200


def test_trials_table_rejects_bad_queries_with_400(client: Any) -> None:
    for params in (
        {"filter": "value <"},
        {"filter": "colour = red"},
        {"sort": "nonsense"},
        {"order": "sideways"},
        {"page": "two"},
        {"per_page": "100000"},
        {"page": "0"},
        {"jump": "x"},
    ):
        page = client.get("/studies/0/trials", params=params)
        assert page.status_code == 400, params
        assert "Traceback" not in page.text
        assert 'id="error-message"' in page.text


def test_jump_to_trial_redirects_to_its_page(client: Any) -> None:
    page = client.get("/studies/0/trials?jump=7", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/studies/0/trials/7"


def test_trial_page_shows_params_values_curve_and_attrs(client: Any) -> None:
    page = client.get("/studies/0/trials/2")
    assert page.status_code == 200
    assert "COMPLETE" in page.text and 'id="params"' in page.text
    assert 'id="curve-data"' in page.text  # the learning curve's figure
    assert "fold" in page.text
    failed = client.get("/studies/0/trials/4")
    assert "FAIL" in failed.text
    running = client.get("/studies/0/trials/12")
    assert 'id="tell-form"' in running.text
    assert 'id="tell-form"' not in page.text  # finished trials cannot be told


def test_unknown_study_and_trial_are_404_pages(client: Any) -> None:
    assert client.get("/studies/99").status_code == 404
    missing = client.get("/studies/0/trials/999")
    assert missing.status_code == 404 and "no trial number 999" in missing.text
    assert client.get("/studies/abc").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_csv_is_the_trials_dataframe(client: Any, storage: Any) -> None:
    response = client.get("/studies/0/trials.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="demo.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    frame = hpo.load_study(study_name="demo", storage=storage).trials_dataframe()
    assert len(rows) == len(frame) == 14
    assert list(rows[0]) == list(frame.columns)


def test_plotly_js_is_served_from_the_plotly_package(client: Any) -> None:
    response = client.get("/plotly.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert len(response.content) > 1_000_000
    assert client.get("/static/dashboard.js").status_code == 200


def test_compare_page_overlays_several_studies(client: Any, storage: Any) -> None:
    fill_study(storage, "other", n_trials=5)
    page = client.get("/compare?study=0&study=1")
    assert page.status_code == 200 and 'id="compare-plot"' in page.text
    figure = client.get("/api/compare/history?study=0&study=1").json()["figure"]
    names = [trace["name"] for trace in figure["data"]]
    assert any("of demo" in n for n in names) and any("of other" in n for n in names)
    assert client.get("/api/compare/history").status_code == 400
    assert client.get("/api/compare/history?study=x").status_code == 400
    assert client.get("/api/compare/history?study=42").status_code == 404


def test_every_user_string_is_escaped_in_html_and_inline_json() -> None:
    from hpo.dashboard import create_app

    storage = InMemoryStorage()
    study = hpo.create_study(study_name=EVIL, storage=storage)
    study.set_user_attr(EVIL, EVIL)
    study.set_user_attr("dashboard:note", f"# {EVIL}\n- **{EVIL}**")
    trial = study.ask()
    trial.suggest_categorical(EVIL, [EVIL, "</script>"])
    trial.set_user_attr(EVIL, EVIL)
    trial.report(1.0, 0)
    study.tell(trial, 1.0)
    client = make_client(create_app(storage))
    for url in ("/", "/studies/0", "/studies/0/trials", "/studies/0/trials/0", "/compare?study=0"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert EVIL not in page.text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text or "\\u003cscript" in page.text
    # JSON inside a <script> element (the page's settings, the learning curve's figure) has
    # no "<" that could end the element early.
    for url, marker in (
        ("/studies/0", 'id="hpo-config">'),
        ("/studies/0/trials/0", 'id="curve-data">'),
    ):
        page = client.get(url).text
        start = page.index(marker) + len(marker)
        inline = page[start : page.index("</script>", start)]
        assert "<" not in inline and inline.startswith("{")
    config = client.get("/studies/0").text
    assert '"studyName": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"' in config


def test_trial_page_lists_the_trials_artifacts(tmp_path: Any) -> None:
    from hpo.artifacts import FileSystemArtifactStore, upload_artifact
    from hpo.dashboard import create_app

    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage)
    trial = study.ask()
    name = "<img src=x onerror=alert(1)>"  # a file name cannot hold the "/" of EVIL
    path = tmp_path / f"{name}.csv"
    path.write_text("a,b\n1,2\n")
    store = FileSystemArtifactStore(str(tmp_path / "store"))
    artifact_id = upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
    study.tell(trial, 1.0)
    page = make_client(create_app(storage)).get("/studies/0/trials/0").text
    assert 'id="artifacts"' in page and artifact_id in page and "text/csv" in page
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page and name not in page


def test_numbers_beyond_a_database_integer_are_404_not_500(tmp_path: Any) -> None:
    from hpo.dashboard import create_app

    url = f"sqlite:///{tmp_path / 'big.db'}"
    fill_study(url)
    client = make_client(create_app(hpo.storages.get_storage(url)))
    big = "9" * 30
    for path in (f"/studies/{big}", f"/studies/1/trials/{big}", f"/compare?study={big}"):
        response = client.get(path)
        assert response.status_code == 404, path
    token = client.app.state.dashboard.csrf_token
    for path in (f"/studies/1/trials/{big}/tell", f"/studies/{big}/note"):
        response = client.post(path, data={"csrf_token": token, "state": "FAIL", "note": "x"})
        assert response.status_code == 404, path
