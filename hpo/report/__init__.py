"""A self-contained HTML report of a study: a summary and its plots, in one offline page.

:func:`write_report` writes the page to a file and :func:`render_report` returns it as a
string; ``hpo report --storage URL --study-name NAME -o report.html`` does the same from the
shell. The page inlines plotly.js once and loads nothing from the network.

Examples
--------
>>> import hpo
>>> from hpo.report import write_report
>>> study = hpo.create_study(study_name="demo")
>>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10)
>>> write_report(study, "report.html").name
'report.html'
"""

from hpo.report._api import render_report, write_report

__all__ = ["render_report", "write_report"]
