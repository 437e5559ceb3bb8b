"""write_report and render_report: arguments, the file written, and their failure modes."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import hpo
from hpo.report import render_report, write_report
from tests.report.conftest import figure_ids


def test_write_report_writes_the_page_and_returns_its_absolute_path(
    single: hpo.Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.html").write_text("old content")
    path = write_report(single, "report.html")
    assert path == tmp_path / "report.html" and path.is_absolute()
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "old content" not in page
    assert len(figure_ids(page)) == 5
    other = write_report(single, tmp_path / "other.html")
    assert other.read_text(encoding="utf-8").count("<h2>") == page.count("<h2>")


def test_a_study_is_required(tmp_path: Path) -> None:
    for not_a_study in (None, "study-name", hpo.create_study().trials):
        with pytest.raises(TypeError, match=r"study must be an hpo\.study\.Study"):
            render_report(not_a_study)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"study must be an hpo\.study\.Study"):
            write_report(not_a_study, tmp_path / "r.html")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_bad_paths_are_refused_before_anything_is_written(
    single: hpo.Study, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-dir" / "report.html"
    with pytest.raises(ValueError, match=r"the directory .*no-such-dir' does not exist"):
        write_report(single, missing)
    with pytest.raises(ValueError, match="is a directory"):
        write_report(single, tmp_path)
    with pytest.raises(ValueError, match="must name a file"):
        write_report(single, "")
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike, got int"):
        write_report(single, 3)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_importance_trials": 1}, ValueError, "max_importance_trials must be >= 2, got 1"),
        ({"max_importance_trials": 2.5}, TypeError, "max_importance_trials must be an int or"),
        ({"max_importance_trials": True}, TypeError, "max_importance_trials must be an int"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1"),
        ({"seed": None}, TypeError, "seed must be an int, got NoneType"),
    ],
)
def test_bad_options_name_the_argument(
    single: hpo.Study, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        render_report(single, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("states", ["none", "failed", "pruned"])
def test_studies_without_completed_trials_give_a_report_and_no_warning(states: str) -> None:
    study = hpo.create_study(study_name="early")
    if states == "failed":
        for _ in range(3):
            study.add_trial(hpo.trial.create_trial(state=hpo.trial.TrialState.FAIL))
    if states == "pruned":
        study.add_trial(
            hpo.trial.create_trial(
                state=hpo.trial.TrialState.PRUNED, intermediate_values={0: 1.0, 1: 0.5}
            )
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = render_report(study)
    assert caught == []
    assert 'id="no-completed-trials"' in page
    assert "No completed trials" in page
    # Only the learning curve of the pruned trial can be drawn.
    assert len(figure_ids(page)) == (1 if states == "pruned" else 0)


def test_plot_warnings_become_notes_in_the_page() -> None:
    # COMPLETE trials with an infinite value: the plots have nothing finite to draw and warn.
    study = hpo.create_study(study_name="inf")
    distributions = {"x": hpo.distributions.FloatDistribution(0, 1)}
    for x in (0.1, 0.2, 0.3):
        study.add_trial(
            hpo.trial.create_trial(
                value=float("inf"), params={"x": x}, distributions=distributions
            )
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = render_report(study)
    assert caught == []
    # Each plot's own warning (its text is the plot's business) is printed under its heading.
    notes = re.findall(r'<h2>(.*?)</h2>\n<p class="note">(.*?)</p>', page)
    assert [(heading, note.split(":")[0]) for heading, note in notes] == [
        ("Optimization history", "plot_optimization_history"),
        ("Parameter importances", "No importances"),
        ("Slice", "plot_slice"),
        ("Parallel coordinate", "plot_parallel_coordinate"),
    ]
    assert figure_ids(page) == []
