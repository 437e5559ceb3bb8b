"""plot_timeline: both renderers draw the bars of timeline_data."""

from __future__ import annotations

import datetime

import matplotlib.dates as mdates
import pytest
from matplotlib.colors import to_rgba

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_timeline as plotly_timeline
from hpo.visualization._data._timeline import timeline_data
from hpo.visualization.matplotlib import plot_timeline
from hpo.visualization.matplotlib._timeline import CATEGORY_COLORS
from tests.visualization.helpers import T0, timeline_study
from tests.visualization.matplotlib.helpers import is_empty, legend_texts

SECOND = 1 / 86400  # a second in matplotlib date units (days)


def _rectangles(ax):  # type: ignore[no-untyped-def]
    """category -> [(left, right, bottom, top)] of each drawn bar, in matplotlib date units."""
    result = {}
    for collection in ax.collections:
        result[collection.get_label()] = [
            (
                float(path.vertices[:, 0].min()),
                float(path.vertices[:, 0].max()),
                float(path.vertices[:, 1].min()),
                float(path.vertices[:, 1].max()),
            )
            for path in collection.get_paths()
        ]
    return result


def _bars(ax):  # type: ignore[no-untyped-def]
    """category -> [(trial number, start seconds, duration seconds)] from the drawn bars."""
    origin = mdates.date2num(T0)
    return {
        category: [
            (
                round((bottom + top) / 2),
                round((left - origin) / SECOND, 3),
                round((right - left) / SECOND, 3),
            )
            for left, right, bottom, top in rectangles
        ]
        for category, rectangles in _rectangles(ax).items()
    }


def test_one_bar_per_started_trial_coloured_by_state() -> None:
    study = timeline_study()
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
    for collection in ax.collections:
        expected = to_rgba(CATEGORY_COLORS[collection.get_label()])
        assert [tuple(color) for color in collection.get_facecolor()] == [expected]
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
    ((category, [(left, right, _, _)]),) = _rectangles(ax).items()
    assert category == "RUNNING"
    assert left <= before <= right <= after


def test_n_recent_trials_keeps_the_last_ones() -> None:
    bars = _bars(plot_timeline(timeline_study(), n_recent_trials=2))
    assert bars == {"FAIL": [(2, 3.0, 0.5)], "INFEASIBLE": [(3, 4.0, 1.0)]}


@pytest.mark.parametrize("n_recent_trials", [0, -1, 1.5, True])
def test_bad_n_recent_trials_is_a_value_error(n_recent_trials: object) -> None:
    with pytest.raises(ValueError, match="n_recent_trials"):
        plot_timeline(timeline_study(), n_recent_trials=n_recent_trials)  # type: ignore[arg-type]


def test_no_started_trial_warns_and_leaves_the_axes_empty() -> None:
    study = hpo.create_study()
    study.enqueue_trial({})
    with pytest.warns(HpoWarning, match="no started trial"):
        ax = plot_timeline(study)
    assert is_empty(ax)
