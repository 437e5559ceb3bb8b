"""The report as one HTML page: summary table, figure sections, plotly.js inlined once.

Every string that comes from the study (its name, attributes, parameter names and values,
metric names, notes that quote them) is HTML-escaped here; figure data is embedded as JSON by
plotly, which escapes ``<``, ``>`` and ``/``. The page loads nothing: no script source, no
stylesheet, no web font, so it opens offline and can be sent as one file.
"""

from __future__ import annotations

import datetime
import html
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpo.version import __version__

if TYPE_CHECKING:
    from hpo.report._figures import ReportSection
    from hpo.report._summary import BestTrial, StudySummaryData

FIGURE_HEIGHT = "480px"
NO_COMPLETED_TRIALS = "No completed trials: there is no best trial and nothing to plot yet."

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; word-break: break-word; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left;
         vertical-align: top; word-break: break-word; }
th { background: #f4f4f4; }
.note { color: #555; font-style: italic; }
.message { padding: 0.8em; background: #fff6e0; border: 1px solid #f0d58c; }
.figure { width: 100%; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
"""


def escape(value: Any) -> str:
    """Return ``value`` as text safe inside HTML elements and quoted attributes.

    Examples
    --------
    >>> escape("<script>alert('x')</script>")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(value_text(value), quote=True)


def value_text(value: Any) -> str:
    """Return how a value reads in the report: floats to 6 significant digits, containers as
    JSON, anything else as ``str``.

    Examples
    --------
    >>> [value_text(v) for v in (0.123456789, 3, "adam", float("inf"), {"k": [1, 2]})]
    ['0.123457', '3', 'adam', 'inf', '{"k": [1, 2]}']
    """
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _time_span(summary: StudySummaryData) -> str:
    start, end = summary.first_start, summary.last_complete
    if start is None:
        return "no trial started"
    if end is None or end < start:
        return f"from {_utc(start)}"
    elapsed = datetime.timedelta(seconds=round((end - start).total_seconds()))
    return f"{_utc(start)} to {_utc(end)} ({elapsed})"


def _params_text(params: dict[str, Any]) -> str:
    if not params:
        return "(none)"
    return "<br>".join(f"{escape(name)} = {escape(value)}" for name, value in params.items())


def _best_rows(summary: StudySummaryData) -> list[tuple[str, str]]:
    if not summary.best_trials:
        reason = "no completed trial" if summary.n_complete == 0 else "no feasible trial"
        return [("Best trial", f"none ({reason})")]
    if not summary.is_multi_objective:
        best: BestTrial = summary.best_trials[0]
        return [
            ("Best trial", f"#{best.number}"),
            ("Best value", escape(best.values[0])),
            ("Best parameters", _params_text(best.params)),
        ]
    shown = len(summary.best_trials)
    label = f"Best trials (Pareto front: {summary.n_best_trials:,})"
    lines = [
        f"#{best.number}: values [{', '.join(escape(v) for v in best.values)}]"
        f"<br>{_params_text(best.params)}"
        for best in summary.best_trials
    ]
    if summary.n_best_trials > shown:
        lines.append(f"... and {summary.n_best_trials - shown:,} more")
    return [(label, "<hr>".join(lines))]


def summary_table(summary: StudySummaryData) -> str:
    """Return the summary as an HTML table (every study-provided string escaped)."""
    directions = ", ".join(summary.directions)
    if summary.metric_names is not None:
        named = zip(summary.metric_names, summary.directions, strict=True)
        directions = ", ".join(f"{escape(name)}: {direction}" for name, direction in named)
    counts = ", ".join(
        f"{state} {count:,}" for state, count in summary.state_counts.items() if count
    )
    rows = [
        ("Study", escape(summary.study_name)),
        ("Directions", directions),
        ("Trials", f"{summary.n_trials:,}" + (f" ({counts})" if counts else "")),
        *_best_rows(summary),
        ("Time span", _time_span(summary)),
    ]
    attrs = summary.user_attrs
    rows.append(
        (
            "User attributes",
            "<br>".join(f"{escape(key)} = {escape(value)}" for key, value in attrs.items())
            or "(none)",
        )
    )
    body = "\n".join(f"<tr><th>{name}</th><td>{cell}</td></tr>" for name, cell in rows)
    return f'<table id="summary">\n{body}\n</table>'


def _figure_html(figure: Any, index: int) -> str:
    import plotly.io as pio

    text: str = pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"hpo-figure-{index}",
        default_width="100%",
        default_height=FIGURE_HEIGHT,
        config={"displaylogo": False, "responsive": True},
        validate=False,
    )
    return text


def _section_html(section: ReportSection, index: int) -> str:
    parts = [f"<section><h2>{escape(section.title)}</h2>"]
    parts.extend(f'<p class="note">{escape(note)}</p>' for note in section.notes)
    if section.figure is not None:
        parts.append(f'<div class="figure">{_figure_html(section.figure, index)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def render_page(summary: StudySummaryData, sections: Sequence[ReportSection]) -> str:
    """Return the whole page: head with plotly.js, the summary, then one section per figure."""
    from plotly.offline import get_plotlyjs

    title = f"hpo report: {escape(summary.study_name)}"
    body = [f"<h1>{title}</h1>", "<h2>Summary</h2>", summary_table(summary)]
    if summary.n_complete == 0:
        body.append(f'<p class="message" id="no-completed-trials">{NO_COMPLETED_TRIALS}</p>')
    n_figures = 0
    for section in sections:
        body.append(_section_html(section, n_figures))
        if section.figure is not None:
            n_figures += 1
    body.append(f"<footer>Written by hpo {escape(__version__)}.</footer>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{_STYLE}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script>',
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
