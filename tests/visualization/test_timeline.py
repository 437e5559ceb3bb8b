from __future__ import annotations

import datetime

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization._data._timeline import timeline_data
from hpo.visualization._timeline import CATEGORY_COLORS, plot_timeline
from tests.visualization.helpers import T0, timeline_study


def test_bars_start_end_and_colors_per_state() -> None:
    figure = plot_timeline(timeline_study())
    traces = {trace.name: trace for trace in figure.data}
    assert set(traces) == {"COMPLETE", "PRUNED", "FAIL", "INFEASIBLE"}
    expected = {  # category: (trial numbers, start seconds, duration seconds)
        "COMPLETE": ([0], [0], [2]),
        "PRUNED": ([1], [1], [3]),
        "FAIL": ([2], [3], [0.5]),
        "INFEASIBLE": ([3], [4], [1]),
    }
    for name, (numbers, starts, durations) in expected.items():
        trace = traces[name]
        assert trace.orientation == "h"
        assert trace.marker.color == CATEGORY_COLORS[name]
        assert list(trace.y) == numbers
        assert list(trace.x) == [d * 1000 for d in durations]
        assert [datetime.datetime.fromisoformat(b) for b in trace.base] == [
            T0 + datetime.timedelta(seconds=s) for s in starts
        ]
    assert figure.layout.xaxis.type == "date"


def test_running_trial_ends_now() -> None:
    study = hpo.create_study()
    trial = study.ask()
    before = datetime.datetime.now(datetime.timezone.utc)
    data = timeline_data(study)
    assert data.numbers == (trial.number,)
    assert data.categories == ("RUNNING",)
    assert data.starts[0] <= before <= data.ends[0]
    assert plot_timeline(study).data[0].marker.color == CATEGORY_COLORS["RUNNING"]


def test_n_recent_trials_keeps_the_last_ones() -> None:
    data = timeline_data(timeline_study(), n_recent_trials=2)
    assert data.numbers == (2, 3)
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="n_recent_trials"):
            plot_timeline(timeline_study(), n_recent_trials=bad)  # type: ignore[arg-type]


def test_empty_study_warns() -> None:
    study = hpo.create_study()
    study.enqueue_trial({})
    with pytest.warns(HpoWarning, match="no started trial"):
        figure = plot_timeline(study)
    assert len(figure.data) == 0
