"""ParetoMedianPruner against hand-computed non-dominated ranks."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.pruners import ParetoMedianPruner
from tests.pruners.mo_helpers import decisions, first_pruned_step, make_mo_study
from tests.storages.conftest import BACKENDS, make_storage_factory

NAN = math.nan
# Two finished trials that report the same values at steps 0-3: the corners (1, 4) and (4, 1).
HISTORY = [{s: (1.0, 4.0) for s in range(4)}, {s: (4.0, 1.0) for s in range(4)}]


def pruner(**kwargs: Any) -> ParetoMedianPruner:
    kwargs.setdefault("n_startup_trials", 2)
    return ParetoMedianPruner(**kwargs)


def test_prunes_a_dominated_trial_and_keeps_one_on_the_front() -> None:
    study = make_mo_study(pruner(), HISTORY)
    # (2, 2) is on the pool's front; (5, 5) is dominated by both: rank 1 > median 0.
    assert decisions(study, [(0, (2.0, 2.0))]) == [False]
    assert decisions(study, [(0, (5.0, 5.0))]) == [True]
    # (1, 4.5) is dominated by (1, 4) only: still rank 1.
    assert decisions(study, [(0, (1.0, 4.5))]) == [True]
    # Equal to a peer: no dominance either way.
    assert decisions(study, [(0, (4.0, 1.0))]) == [False]


def test_median_of_a_layered_pool() -> None:
    # Peers at step 0 on fronts 0, 1, 1, 2 (median rank 1).
    history = [{0: v} for v in [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (4.0, 4.0)]]
    study = make_mo_study(pruner(), history)
    assert decisions(study, [(0, (2.5, 2.5))]) == [False]  # rank 1, not above the median
    assert decisions(study, [(0, (3.5, 3.5))]) == [True]  # rank 2


def test_judges_the_best_value_of_each_objective_so_far() -> None:
    study = make_mo_study(pruner(), HISTORY)
    # At step 1, (5, 5) is reported but the best so far is (2, 2) from step 0: kept.
    assert decisions(study, [(0, (2.0, 2.0)), (1, (5.0, 5.0))]) == [False, False]
    # Best so far per objective: (2, 4.5) from (2, 9) and (9, 4.5) -> dominated by (1, 4).
    assert decisions(study, [(0, (2.0, 9.0)), (1, (9.0, 4.5))]) == [True, True]


def test_directions_are_respected() -> None:
    history = [{0: (1.0, 1.0)}, {0: (4.0, 4.0)}]  # minimize, maximize: corners again
    study = make_mo_study(pruner(), history, directions=("minimize", "maximize"))
    assert decisions(study, [(0, (5.0, 0.5))]) == [True]  # worse in both
    assert decisions(study, [(0, (0.5, 5.0))]) == [False]  # better in both


def test_startup_warmup_interval_and_min_trials() -> None:
    bad = [(s, (5.0, 5.0)) for s in range(4)]
    assert decisions(make_mo_study(pruner(n_startup_trials=3), HISTORY), bad) == [False] * 4
    assert decisions(make_mo_study(pruner(n_warmup_steps=2), HISTORY), bad) == [
        False,
        False,
        True,
        True,
    ]
    assert decisions(make_mo_study(pruner(interval_steps=2), HISTORY), bad) == [
        True,
        False,
        True,
        False,
    ]
    assert decisions(make_mo_study(pruner(n_min_trials=3), HISTORY), bad) == [False] * 4


def test_nan_stops_the_trial_and_nan_peers_are_left_out() -> None:
    study = make_mo_study(pruner(), HISTORY)
    assert decisions(study, [(0, (1.0, NAN))]) == [True]
    # A peer with a NaN at step 0 does not count: (5, 5) faces (1, 4) alone and loses; with
    # n_min_trials=2 there are too few peers left.
    history = [{0: (1.0, 4.0)}, {0: (NAN, 0.0), 1: (0.0, 0.0)}]
    assert decisions(make_mo_study(pruner(), history), [(0, (5.0, 5.0))]) == [True]
    lenient = make_mo_study(pruner(n_min_trials=2), history)
    assert decisions(lenient, [(0, (5.0, 5.0))]) == [False]


def test_steps_no_peer_reported_are_not_judged() -> None:
    study = make_mo_study(pruner(), HISTORY)
    assert decisions(study, [(7, (50.0, 50.0))]) == [False]


def test_pruned_and_running_trials_are_not_peers() -> None:
    study = make_mo_study(pruner(n_startup_trials=1), HISTORY[:1])
    assert first_pruned_step(study, [(0, (5.0, 5.0))]) == 0  # PRUNED now
    # Only (1, 4) is a peer, not the PRUNED (5, 5): (6, 3) is on the front.
    assert decisions(study, [(0, (6.0, 3.0))]) == [False]


def test_single_objective_study_is_refused() -> None:
    study = hpo.create_study(pruner=ParetoMedianPruner())
    trial = study.ask()
    trial.report(1.0, 0)
    with pytest.raises(ValueError, match="one, use MedianPruner"):
        trial.should_prune()


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_startup_trials": -1}, ValueError, "n_startup_trials"),
        ({"n_warmup_steps": -1}, ValueError, "n_warmup_steps"),
        ({"interval_steps": 0}, ValueError, "interval_steps"),
        ({"n_min_trials": 0}, ValueError, "n_min_trials"),
        ({"interval_steps": 1.5}, TypeError, "interval_steps"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        ParetoMedianPruner(**kwargs)


def test_repr() -> None:
    assert repr(ParetoMedianPruner(3, 1, 2, n_min_trials=4)) == (
        "ParetoMedianPruner(n_startup_trials=3, n_warmup_steps=1, interval_steps=2, "
        "n_min_trials=4)"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_decisions_on_every_backend(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage = make_storage_factory(backend, tmp_path, request)()
    study = make_mo_study(pruner(), HISTORY, storage=storage)
    assert decisions(study, [(0, (2.0, 2.0)), (1, (2.0, 2.0))]) == [False, False]
    assert decisions(study, [(0, (5.0, 5.0))]) == [True]
    # The stored vectors are what another process reads back.
    reopened = hpo.load_study(study_name=study.study_name, storage=storage)
    assert reopened.trials[2].intermediate_vectors == {0: (2.0, 2.0), 1: (2.0, 2.0)}
