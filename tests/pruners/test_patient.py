"""PatientPruner: stagnation over a patience window, then the wrapped pruner decides."""

from __future__ import annotations

import pytest

import hpo
from hpo.pruners import BasePruner, HyperbandPruner, MedianPruner, PatientPruner
from hpo.trial import FrozenTrial
from tests.pruners.helpers import NAN, complete, make_study, pruned_steps


class Recording(BasePruner):
    """A wrapped pruner that answers ``answer`` and records at which steps it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[int] = []

    def prune(self, study: hpo.Study, trial: FrozenTrial) -> bool:
        self.asked.append(max(trial.intermediate_values))
        return self.answer


def reports(values: list[float]) -> list[tuple[int, float]]:
    return list(enumerate(values))


def test_patience_zero_prunes_at_the_first_report_without_improvement() -> None:
    study = make_study(PatientPruner(None, patience=0))
    assert pruned_steps(study, reports([3.0, 2.0, 2.0, 1.0, 1.5])) == [2, 4]


def test_patience_two_waits_for_three_reports_without_improvement() -> None:
    study = make_study(PatientPruner(None, patience=2))
    # Best 1.0 at step 1; steps 2, 3, 4 do not beat it: the window [2, 3, 4] has stagnated.
    assert pruned_steps(study, reports([2.0, 1.0, 1.5, 1.2, 1.0, 0.5])) == [4]


def test_min_delta_requires_a_large_enough_improvement() -> None:
    values = [1.0, 0.95, 0.9, 0.85]
    assert pruned_steps(make_study(PatientPruner(None, 1, min_delta=0.1)), reports(values)) == [
        2,
        3,
    ]
    assert pruned_steps(make_study(PatientPruner(None, 1, min_delta=0.04)), reports(values)) == []


def test_maximize() -> None:
    study = make_study(PatientPruner(None, patience=1), direction="maximize")
    assert pruned_steps(study, reports([1.0, 0.5, 0.6, 2.0])) == [2]


def test_nan_never_counts_as_improvement() -> None:
    study = make_study(PatientPruner(None, patience=1))
    assert pruned_steps(study, reports([1.0, NAN, NAN])) == [2]
    study = make_study(PatientPruner(None, patience=1))
    assert pruned_steps(study, reports([NAN, 1.0, 2.0])) == []


def test_reports_are_taken_in_step_order() -> None:
    study = make_study(PatientPruner(None, patience=0))
    # Step 5 is reported before step 3; in step order the values are 2 (s0), 1 (s3), 3 (s5).
    assert pruned_steps(study, [(0, 2.0), (5, 3.0), (3, 1.0)]) == [5, 3]


def test_wrapped_pruner_is_asked_only_after_stagnation_and_decides() -> None:
    saying_yes = Recording(True)
    study = make_study(PatientPruner(saying_yes, patience=1))
    assert pruned_steps(study, reports([3.0, 2.0, 1.0, 1.5, 1.2])) == [4]
    assert saying_yes.asked == [4]
    saying_no = Recording(False)
    study = make_study(PatientPruner(saying_no, patience=1))
    assert pruned_steps(study, reports([3.0, 2.0, 1.0, 1.5, 1.2])) == []
    assert saying_no.asked == [4]


def test_with_median_pruner() -> None:
    history = [complete({s: 1.0 for s in range(6)})] * 5
    pruner = PatientPruner(MedianPruner(n_startup_trials=0), patience=1)
    # Worse than the median at every step but still improving: the median alone would prune.
    values = [3.0, 2.5, 2.0, 1.5]
    assert pruned_steps(make_study(MedianPruner(n_startup_trials=0), history), reports(values))
    assert pruned_steps(make_study(pruner, history), reports(values)) == []
    # Stagnating from step 3 on (best 1.9 at step 1) and worse than the median.
    values = [2.0, 1.9, 1.95, 1.95]
    assert pruned_steps(make_study(pruner, history), reports(values)) == [3]
    # Stagnating but better than the median: the median pruner keeps it.
    values = [0.5, 0.4, 0.45, 0.45]
    assert pruned_steps(make_study(pruner, history), reports(values)) == []


def test_bracket_id_comes_from_the_wrapped_pruner() -> None:
    wrapped = HyperbandPruner(max_resource=27)
    study = make_study(PatientPruner(wrapped, patience=1))
    trial = study.ask()._cached_frozen_trial
    assert study.pruner.bracket_id(study, trial) == wrapped.bracket_id(study, trial)
    assert PatientPruner(None, 1).bracket_id(study, trial) is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"wrapped_pruner": None, "patience": -1}, ValueError, "patience=-1"),
        ({"wrapped_pruner": None, "patience": 1, "min_delta": -0.1}, ValueError, "min_delta"),
        ({"wrapped_pruner": None, "patience": 1.5}, TypeError, "patience"),
        ({"wrapped_pruner": "median", "patience": 1}, TypeError, "wrapped_pruner"),
    ],
)
def test_invalid_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        PatientPruner(**kwargs)
