"""The summary facts: counts per state, best trial(s), time span, user attributes."""

from __future__ import annotations

import datetime

import hpo
from hpo.report._summary import MAX_BEST_TRIALS_SHOWN, summarize
from hpo.trial import TrialState, create_trial
from tests.report.conftest import IMAGE, SCRIPT


def test_counts_best_trial_and_attributes_of_a_single_objective_study(single: hpo.Study) -> None:
    summary = summarize(single)
    assert summary.study_name == f"single {SCRIPT}"
    assert summary.directions == ("MINIMIZE",) and summary.metric_names is None
    assert summary.n_trials == 22
    assert summary.state_counts == {
        "RUNNING": 0, "COMPLETE": 20, "PRUNED": 1, "FAIL": 1, "WAITING": 0,
    }  # fmt: skip
    best = single.best_trial
    assert [(b.number, b.values, b.params) for b in summary.best_trials] == [
        (best.number, (best.value,), best.params)
    ]
    assert summary.n_best_trials == 1
    assert summary.user_attrs == {IMAGE: SCRIPT, "owner": "alice"}
    trials = single.trials
    assert summary.first_start == min(t.datetime_start for t in trials if t.datetime_start)
    assert summary.last_complete == max(t.datetime_complete for t in trials if t.datetime_complete)


def test_the_best_trial_respects_the_direction_and_skips_unfinished_trials() -> None:
    study = hpo.create_study(direction="maximize")
    for value in (1.0, 3.0, 2.0):
        study.add_trial(create_trial(value=value))
    study.add_trial(create_trial(state=TrialState.PRUNED, value=9.0))
    summary = summarize(study)
    assert [b.number for b in summary.best_trials] == [1]
    assert summary.best_trials[0].values == (3.0,)


def test_a_multi_objective_study_lists_its_pareto_front() -> None:
    study = hpo.create_study(directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "accuracy"])
    for values in ([1.0, 0.5], [2.0, 0.9], [3.0, 0.4], [0.5, 0.1]):
        study.add_trial(create_trial(values=values))
    summary = summarize(study)
    assert summary.metric_names == ("loss", "accuracy")
    assert [b.number for b in summary.best_trials] == [0, 1, 3]
    assert summary.n_best_trials == 3


def test_a_long_pareto_front_is_cut_but_counted() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    n_front = MAX_BEST_TRIALS_SHOWN + 5
    for i in range(n_front):
        study.add_trial(create_trial(values=[float(i), float(n_front - i)]))
    summary = summarize(study)
    assert len(summary.best_trials) == MAX_BEST_TRIALS_SHOWN
    assert summary.n_best_trials == n_front


def test_an_empty_study_has_no_best_trial_and_no_time_span() -> None:
    summary = summarize(hpo.create_study())
    assert summary.n_trials == 0 and summary.n_complete == 0
    assert summary.best_trials == () and summary.n_best_trials == 0
    assert summary.first_start is None and summary.last_complete is None
    running = hpo.create_study()
    running.ask()
    summary = summarize(running)
    assert summary.state_counts[TrialState.RUNNING.name] == 1
    assert isinstance(summary.first_start, datetime.datetime) and summary.last_complete is None
