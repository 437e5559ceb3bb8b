"""plot_timeline: both renderers draw the bars of timeline_data."""

from __future__ import annotations

import datetime

import matplotlib.dates as mdates
import pytest
from matplotlib.colors import to_rgba

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState
from hpo.visualization import plot_timeline as plotly_timeline
from hpo.visualization._data._timeline import timeline_data
from hpo.visualization.matplotlib import plot_timeline
from hpo.visualization.matplotlib._timeline import CATEGORY_COLORS
from tests.visualization.matplotlib.helpers import is_empty, legend_texts

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
SECOND = 1 / 86400  # a second in matplotlib date units (days)


def _add(
    study: hpo.Study,
    state: TrialState,
    start_s: float | None,
    end_s: float | None,
    constraints: list[float] | None = None,
) -> None:
    trial = hpo.create_trial(
        state=state,
        value=1.0 if state == TrialState.COMPLETE else None,
        system_attrs={} if constraints is None else {CONSTRAINTS_KEY: constraints},
    )
    trial.datetime_start = None if start_s is None else T0 + datetime.timedelta(seconds=start_s)
    trial.datetime_complete = None if end_s is None else T0 + datetime.timedelta(seconds=end_s)
    study.add_trial(trial)


def _study() -> hpo.Study:
    study = hpo.create_study()
    _add(study, TrialState.COMPLETE, 0, 2)
    _add(study, TrialState.PRUNED, 1, 4)
    _add(study, TrialState.FAIL, 3, 3.5)
    _add(study, TrialState.COMPLETE, 4, 5, constraints=[0.5])
    _add(study, TrialState.WAITING, None, None)
    return study


def _bars(ax):  # type: ignore[no-untyped-def]
    """category -> [(trial number, start seconds, duration seconds)] from the drawn bars."""
    result = {}
    for container in ax.containers:
        result[container.get_label()] = [
            (
                round(patch.get_y() + patch.get_height() / 2),
                round((patch.get_x() - mdates.date2num(T0)) / SECOND, 3),
                round(patch.get_width() / SECOND, 3),
            )
            for patch in container
        ]
    return result


def test_one_bar_per_started_trial_coloured_by_state() -> None:
    study = _study()
    data = timeline_data(study)
    figure = plotly_timeline(study)
    ax = plot_timeline(study)
    bars = _bars(ax)
    assert set(bars) == {trace.name for trace in figure.data} == set(data.categories)
    assert bars == {
        "COMPLETE": [(0, 0.0, 2.0)],
        "PRUNED": [(1, 1.0, 3.0)],
        "FAIL": [(2, 3.0, 0.5)],
        "INFEASIBLE": [(3, 4.0, 1.0)],
    }  # the WAITING trial 4 has no bar
    for trace in figure.data:
        assert [number for number, _, _ in bars[trace.name]] == list(trace.y)
        assert [d * 1000 for _, _, d in bars[trace.name]] == pytest.approx(list(trace.x))
    for container in ax.containers:
        expected = to_rgba(CATEGORY_COLORS[container.get_label()])
        assert all(patch.get_facecolor() == expected for patch in container)
    assert legend_texts(ax) == ["COMPLETE", "FAIL", "PRUNED", "INFEASIBLE"]
    assert ax.get_title() == "Timeline Plot"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Datetime", "Trial")
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


def test_running_trial_bar_ends_now() -> None:
    study = hpo.create_study()
    study.ask()
    before = mdates.date2num(datetime.datetime.now(datetime.timezone.utc))
    ax = plot_timeline(study)
    after = mdates.date2num(datetime.datetime.now(datetime.timezone.utc))
    (container,) = ax.containers
    assert container.get_label() == "RUNNING"
    (bar,) = container
    assert bar.get_x() <= before and before <= bar.get_x() + bar.get_width() <= after


def test_n_recent_trials_keeps_the_last_ones() -> None:
    bars = _bars(plot_timeline(_study(), n_recent_trials=2))
    assert bars == {"FAIL": [(2, 3.0, 0.5)], "INFEASIBLE": [(3, 4.0, 1.0)]}


@pytest.mark.parametrize("n_recent_trials", [0, -1, 1.5, True])
def test_bad_n_recent_trials_is_a_value_error(n_recent_trials: object) -> None:
    with pytest.raises(ValueError, match="n_recent_trials"):
        plot_timeline(_study(), n_recent_trials=n_recent_trials)  # type: ignore[arg-type]


def test_no_started_trial_warns_and_leaves_the_axes_empty() -> None:
    study = hpo.create_study()
    study.enqueue_trial({})
    with pytest.warns(HpoWarning, match="no started trial"):
        ax = plot_timeline(study)
    assert is_empty(ax)
