"""The report in a real headless Chromium, offline: no script error, every figure drawn."""

from __future__ import annotations

import re
from pathlib import Path

import hpo
from hpo.report import write_report
from tests.browser import javascript_errors, render_offline_with_console
from tests.report.conftest import IMAGE, figure_ids


def _drawn_figures(dom: str) -> list[str]:
    """The ids of the figure divs that plotly filled with an SVG plot."""
    parts = re.split(r'<div id="(hpo-figure-\d+)"', dom)
    return [
        figure_id
        for figure_id, content in zip(parts[1::2], parts[2::2])
        if 'class="main-svg"' in content.split("</section>", 1)[0]
    ]


def test_the_console_capture_sees_script_errors(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><p>x</p><script>"
        "console.log('fine'); Promise.reject(new Error('async boom')); missingFunction();"
        "</script></body></html>"
    )
    dom, messages = render_offline_with_console(page.as_uri(), budget_ms=500)
    assert "<p>x</p>" in dom
    assert "fine" in messages
    assert javascript_errors(messages) == [
        "Uncaught ReferenceError: missingFunction is not defined",
        "Uncaught (in promise) Error: async boom",
    ]


def test_a_single_objective_report_draws_every_figure_without_errors(
    single: hpo.Study, tmp_path: Path
) -> None:
    path = write_report(single, tmp_path / "single.html")
    expected = figure_ids(path.read_text(encoding="utf-8"))
    assert len(expected) == 5
    dom, messages = render_offline_with_console(path.as_uri())
    assert javascript_errors(messages) == []
    assert _drawn_figures(dom) == expected
    # The study name, user attribute and categorical choice carry scripts: none ran.
    assert "pwned" not in dom
    assert "<script>document.body" not in dom


def test_a_multi_objective_report_draws_every_figure_without_errors(
    multi: hpo.Study, tmp_path: Path
) -> None:
    multi.set_metric_names(["cost", IMAGE])
    path = write_report(multi, tmp_path / "multi.html")
    expected = figure_ids(path.read_text(encoding="utf-8"))
    assert len(expected) == 8
    dom, messages = render_offline_with_console(path.as_uri())
    assert javascript_errors(messages) == []
    assert _drawn_figures(dom) == expected
    assert "pwned" not in dom


def test_the_checks_fail_for_a_report_whose_plotly_js_is_missing(
    single: hpo.Study, tmp_path: Path
) -> None:
    path = write_report(single, tmp_path / "single.html")
    page = path.read_text(encoding="utf-8")
    start = page.index('<script type="text/javascript">')
    end = page.index("</script>", start) + len("</script>")
    broken = tmp_path / "broken.html"
    broken.write_text(page[:start] + page[end:], encoding="utf-8")
    dom, messages = render_offline_with_console(broken.as_uri(), budget_ms=1000)
    assert len(figure_ids(dom)) == 5
    assert _drawn_figures(dom) == []
    assert javascript_errors(messages) == ["Uncaught ReferenceError: Plotly is not defined"] * 5
