"""The examples run as a user runs them: as scripts, in a fresh process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import javascript_errors, render_offline, render_offline_with_console
from tests.examples_support import run_example


@pytest.mark.slow
def test_quickstart_runs_on_sqlite_and_writes_plots_and_report(tmp_path: Path) -> None:
    out = run_example("quickstart.py", "--trials", "12", cwd=tmp_path)
    assert "Best trial: #" in out
    assert (tmp_path / "quickstart.db").exists()
    plots = tmp_path / "hpo_plots"
    # The pages load plotly.js from one local copy beside them, so they render offline.
    plotly_js = plots / "plotly.min.js"
    assert plotly_js.stat().st_size > 1_000_000
    assert "plotly.js v" in plotly_js.read_text(encoding="utf-8")[:2000]
    for name in ("optimization_history.html", "intermediate_values.html", "slice.html"):
        page = (plots / name).read_text(encoding="utf-8")
        assert re.findall(r'<script[^>]*\bsrc="([^"]*)"', page) == ["plotly.min.js"]
        assert "Plotly.newPlot" in page
    # Opened in a real browser with no network, every page draws its plot.
    for name in ("optimization_history.html", "intermediate_values.html", "slice.html"):
        dom = render_offline((plots / name).as_uri())
        assert 'class="main-svg"' in dom, f"{name} rendered no plot offline"
    # The report: one page with plotly.js inside, the summary and five figures drawn offline.
    report = plots / "report.html"
    assert f"Report written to {report.resolve()}\n" in out
    page = report.read_text(encoding="utf-8")
    assert page.count("* plotly.js v") == 1
    assert re.findall(r"<script[^>]*\bsrc=", page) == []
    assert "<title>hpo report: quickstart</title>" in page
    figure_ids = re.findall(r'<div id="(hpo-figure-\d+)"', page)
    assert len(figure_ids) == 5  # history, intermediate values, importances, slice, parallel
    dom, messages = render_offline_with_console(report.as_uri())
    assert javascript_errors(messages) == []
    sections = re.split(r'<div id="hpo-figure-\d+"', dom)[1:]
    assert len(sections) == 5
    assert all('class="main-svg"' in section.split("</section>")[0] for section in sections)
    # A second run continues the same study.
    out = run_example("quickstart.py", "--trials", "3", cwd=tmp_path)
    assert "15 trials" in out


def test_artifacts_uploads_a_file_per_trial_and_downloads_the_best(tmp_path: Path) -> None:
    out = run_example("artifacts.py", "--trials", "8", cwd=tmp_path)
    assert "8 trials, best trial #" in out
    assert len(list((tmp_path / "artifacts").iterdir())) == 8  # one file per trial
    match = re.search(r"validation error (\d+\.\d+) \(search: (\d+\.\d+)\)", out)
    assert match is not None, out
    assert match.group(1) == match.group(2)  # the downloaded model is the best trial's
    assert "coefficients" in (tmp_path / "best_model.json").read_text()
    # A second run continues the study and replaces the downloaded copy.
    out = run_example("artifacts.py", "--trials", "2", cwd=tmp_path)
    assert "10 trials, best trial #" in out
    assert len(list((tmp_path / "artifacts").iterdir())) == 10


def test_parallel_workers_share_one_study_with_unique_numbers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    out = run_example(
        "parallel_workers.py", "--workers", "2", "--trials", "20", "--storage", url, cwd=tmp_path
    )
    assert "40 trials by 2 workers" in out, out  # --trials is per worker
    import hpo

    study = hpo.load_study(study_name="distributed-example", storage=url)
    assert [t.number for t in study.trials] == list(range(40))
    assert all(t.state == hpo.trial.TrialState.COMPLETE for t in study.trials)
    assert re.search(r"best trial #\d+: value \d", out)
