"""The page's content: summary table, figures per kind of study, one plotly.js, escaping."""

from __future__ import annotations

import html
import re

import hpo
from hpo.report import render_report
from hpo.report._page import value_text
from hpo.trial import create_trial
from tests.report.conftest import IMAGE, SCRIPT, figure_ids


def _headings(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]


def _summary_row(page: str, name: str) -> str:
    match = re.search(rf"<tr><th>{re.escape(name)}</th><td>(.*?)</td></tr>", page, re.S)
    assert match is not None, name
    return match.group(1)


def test_the_summary_shows_counts_best_trial_and_time_span(single: hpo.Study) -> None:
    page = render_report(single)
    best = single.best_trial
    assert _summary_row(page, "Directions") == "MINIMIZE"
    assert _summary_row(page, "Trials") == "22 (COMPLETE 20, PRUNED 1, FAIL 1)"
    assert _summary_row(page, "Best trial") == f"#{best.number}"
    assert _summary_row(page, "Best value") == value_text(best.value)
    params = _summary_row(page, "Best parameters")
    assert f"x = {value_text(best.params['x'])}" in params
    assert f"lr = {value_text(best.params['lr'])}" in params
    moment = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    assert re.fullmatch(
        rf"{moment} to {moment} \(\d+:\d\d:\d\d\)", _summary_row(page, "Time span")
    )
    assert "owner = alice" in _summary_row(page, "User attributes")
    assert 'id="no-completed-trials"' not in page


def test_a_single_objective_report_has_its_five_figures(single: hpo.Study) -> None:
    page = render_report(single)
    assert _headings(page) == [
        "Summary",
        "Optimization history",
        "Intermediate values",
        "Parameter importances",
        "Slice",
        "Parallel coordinate",
    ]
    assert figure_ids(page) == [f"hpo-figure-{i}" for i in range(5)]


def test_a_multi_objective_report_has_the_pareto_front_and_per_objective_plots(
    multi: hpo.Study,
) -> None:
    multi.set_metric_names(["cost", "gain"])
    page = render_report(multi)
    assert _summary_row(page, "Directions") == "cost: MINIMIZE, gain: MAXIMIZE"
    assert "Best trials (Pareto front: " in page
    assert _headings(page) == [
        "Summary",
        "Pareto front",
        "Parameter importances",
        "Optimization history: cost",
        "Optimization history: gain",
        "Slice: cost",
        "Slice: gain",
        "Parallel coordinate: cost",
        "Parallel coordinate: gain",
    ]
    assert len(figure_ids(page)) == 8


def test_four_objectives_get_no_pareto_plot_but_a_note() -> None:
    study = hpo.create_study(directions=["minimize"] * 4)
    distributions = {"x": hpo.distributions.FloatDistribution(0, 1)}
    for i in range(5):
        study.add_trial(
            create_trial(
                values=[i, 4 - i, i % 2, 1.0], params={"x": i / 5}, distributions=distributions
            )
        )
    page = render_report(study)
    assert "The Pareto front is drawn for 2 or 3 objectives; the study has 4." in page
    assert "Pareto front" in _headings(page)
    assert len(figure_ids(page)) == 1 + 3 * 4  # importances; history, slice, parallel each


def test_plotly_js_is_inlined_once_and_nothing_is_loaded(single: hpo.Study) -> None:
    page = render_report(single)
    assert page.count("* plotly.js v") == 1
    assert page.count("Plotly.newPlot(") == 5
    assert re.findall(r"<script[^>]*\bsrc=", page) == []
    assert re.findall(r"<link\b", page) == []
    assert "@import" not in page and "@font-face" not in page
    # Scripts are inline; the only URLs are inside plotly.js itself.
    outside_plotly = page.split("</script>", 1)[1]
    assert re.findall(r"https?://", outside_plotly) == []


def test_every_user_string_is_escaped(single: hpo.Study) -> None:
    page = render_report(single)
    # The raw markup appears nowhere: not in the summary, the headings or the figure data.
    assert SCRIPT not in page and IMAGE not in page
    assert "<img" not in page
    escaped_name = html.escape(f"single {SCRIPT}", quote=True)
    assert f"<title>hpo report: {escaped_name}</title>" in page
    assert _summary_row(page, "Study") == escaped_name
    attrs = _summary_row(page, "User attributes")
    assert f"{html.escape(IMAGE, quote=True)} = {html.escape(SCRIPT, quote=True)}" in attrs
    # The categorical choice reaches plotly's JSON with < > / escaped.
    assert "\\u003cscript\\u003edocument.body" in page
    assert page.count("<script") == 1 + page.count("Plotly.newPlot(")


def test_importances_of_a_large_study_come_from_a_sample_the_page_names() -> None:
    study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=30)
    page = render_report(study, max_importance_trials=10, seed=3)
    assert "Importances from a random sample of 10 of the 30 completed trials (seed 3)." in page
    assert "random sample" not in render_report(study, max_importance_trials=None)
    assert "random sample" not in render_report(study, max_importance_trials=30)


def test_sections_without_a_figure_say_why_and_figure_ids_stay_contiguous() -> None:
    one = hpo.create_study()
    one.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    page = render_report(one)
    assert figure_ids(page) == ["hpo-figure-0", "hpo-figure-1", "hpo-figure-2"]
    assert (
        "No importances: Cannot evaluate parameter importances with fewer than 2 COMPLETE trials"
        in page
    )
    no_params = hpo.create_study()
    no_params.optimize(lambda t: 1.0, n_trials=3)
    page = render_report(no_params)
    assert figure_ids(page) == ["hpo-figure-0"]  # the history
    assert page.count('<p class="note">Nothing to show.</p>') == 3


def test_three_objectives_get_a_three_dimensional_pareto_front() -> None:
    study = hpo.create_study(directions=["minimize", "minimize", "maximize"])
    study.optimize(
        lambda t: (t.suggest_float("x", 0, 1), 1 - t.params["x"], t.suggest_float("y", 0, 1)),
        n_trials=10,
    )
    page = render_report(study)
    assert len(figure_ids(page)) == 1 + 1 + 3 * 3  # front, importances, 3 plots x 3 objectives
    assert '"type":"scatter3d"' in page
