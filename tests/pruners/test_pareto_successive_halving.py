"""ParetoSuccessiveHalvingPruner against hand-computed rung promotions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.pruners import ParetoSuccessiveHalvingPruner
from hpo.pruners._pareto_successive_halving import MIN_RESOURCE_KEY
from hpo.storages import BaseStorage
from tests.pruners.mo_helpers import Vector, first_pruned_step, make_mo_study
from tests.storages.conftest import BACKENDS, make_storage_factory

INF = math.inf


def constant(values: Vector, steps: int) -> list[tuple[int, Vector]]:
    return [(s, values) for s in range(steps)]


def run_sequence(
    pruner: ParetoSuccessiveHalvingPruner,
    vectors: list[Vector],
    steps: int,
    directions: tuple[str, str] = ("minimize", "minimize"),
    storage: BaseStorage | None = None,
) -> tuple[hpo.Study, list[int | None]]:
    """Run one trial per vector, one after the other; return the first pruned step of each."""
    study = make_mo_study(pruner, directions=directions, storage=storage)
    return study, [first_pruned_step(study, constant(v, steps)) for v in vectors]


def rung_attrs(trial: hpo.trial.FrozenTrial) -> dict[str, Any]:
    return {k: v for k, v in trial.system_attrs.items() if k.startswith("pareto_completed_rung_")}


# Rungs at steps 1, 2 and 4 with min_resource=1, reduction_factor=2: the top max(1, n // 2).
SEQUENCE = [(1.0, 4.0), (4.0, 1.0), (5.0, 5.0), (2.0, 2.0), (0.5, 0.5)]


def test_reduction_factor_2() -> None:
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study, pruned_at = run_sequence(pruner, SEQUENCE, steps=6)
    # Rung 0: (1, 4) alone; (4, 1) ties with it (both ends of the front, infinite crowding);
    # (5, 5) is dominated (rank 1) with one place for three; (2, 2) is on the front but
    # between the two ends, with two places for four; (0.5, 0.5) dominates every vector.
    assert pruned_at == [None, None, 1, 1, None]
    trials = study.trials
    assert rung_attrs(trials[2]) == {"pareto_completed_rung_0": [5.0, 5.0]}
    assert rung_attrs(trials[3]) == {"pareto_completed_rung_0": [2.0, 2.0]}
    assert rung_attrs(trials[4]) == {f"pareto_completed_rung_{k}": [0.5, 0.5] for k in range(3)}


def test_reduction_factor_3_keeps_an_interior_point_when_there_is_room() -> None:
    # Rungs at steps 1 and 3. Rung 0 holds 6 vectors when (2, 2) arrives: 2 places, and
    # (2, 2) is interior -> stopped; with (3, 3) dominated first it still is; (2.5, 0.5)
    # extends the front to a new end.
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    vectors = [(1.0, 4.0), (4.0, 1.0), (6.0, 6.0), (7.0, 7.0), (8.0, 8.0), (2.0, 2.0)]
    _, pruned_at = run_sequence(pruner, vectors, steps=4)
    assert pruned_at == [None, None, 1, 1, 1, 1]


def test_maximized_objectives_are_turned_into_losses() -> None:
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    flipped = [(a, -b) for a, b in SEQUENCE]
    _, pruned_at = run_sequence(pruner, flipped, steps=6, directions=("minimize", "maximize"))
    assert pruned_at == [None, None, 1, 1, None]


def test_min_early_stopping_rate_moves_the_rungs() -> None:
    # Rungs at steps 2, 4, 8.
    pruner = ParetoSuccessiveHalvingPruner(
        min_resource=1, reduction_factor=2, min_early_stopping_rate=1
    )
    _, pruned_at = run_sequence(pruner, SEQUENCE, steps=6)
    assert pruned_at == [None, None, 2, 2, None]


def test_bootstrap_count_stops_early_arrivals() -> None:
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=1)
    _, pruned_at = run_sequence(pruner, [(1.0, 1.0), (2.0, 2.0), (0.5, 0.5)], steps=3)
    # The first trial has no peer at rung 0: stopped there. The second has one, (1, 1),
    # which dominates it. The third, best of all, passes rung 0 but finds no peer at rung 1
    # (step 2), where neither of the others arrived.
    assert pruned_at == [1, 1, 2]


def test_nan_at_a_rung_stops_the_trial_and_infinities_are_recorded() -> None:
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study = make_mo_study(pruner)
    assert first_pruned_step(study, [(0, (1.0, 1.0)), (1, (math.nan, 1.0))]) == 1
    assert first_pruned_step(study, constant((-INF, 1.0), 3)) is None
    assert rung_attrs(study.trials[1])["pareto_completed_rung_0"] == ["-inf", 1.0]
    # The recorded infinity is read back as a number: (0, 0) is not better in objective 0.
    assert first_pruned_step(study, constant((0.0, 2.0), 3)) == 1


def test_auto_min_resource_waits_for_a_complete_trial_then_is_shared() -> None:
    pruner = ParetoSuccessiveHalvingPruner(reduction_factor=2)
    study = make_mo_study(pruner)
    assert first_pruned_step(study, constant((1.0, 1.0), 250)) is None
    assert MIN_RESOURCE_KEY not in study.system_attrs
    # Now 249 // 100 = 2: rungs at 2, 4, 8, ... The first trial recorded no rung; the next
    # is alone at each rung, and (3, 3) after it is dominated at its first rung.
    assert first_pruned_step(study, constant((2.0, 2.0), 10)) is None
    assert first_pruned_step(study, constant((3.0, 3.0), 10)) == 2
    assert study.system_attrs[MIN_RESOURCE_KEY] == 2.0


def test_single_objective_study_is_refused() -> None:
    study = hpo.create_study(pruner=ParetoSuccessiveHalvingPruner(min_resource=1))
    trial = study.ask()
    trial.report(1.0, 1)
    with pytest.raises(ValueError, match="one, use SuccessiveHalvingPruner"):
        trial.should_prune()


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"min_resource": 0.5}, ValueError, "min_resource"),
        ({"min_resource": "big"}, ValueError, "min_resource"),
        ({"reduction_factor": 1}, ValueError, "reduction_factor"),
        ({"min_early_stopping_rate": -1}, ValueError, "min_early_stopping_rate"),
        ({"bootstrap_count": -1}, ValueError, "bootstrap_count"),
        ({"reduction_factor": 2.5}, TypeError, "reduction_factor"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        ParetoSuccessiveHalvingPruner(**kwargs)


def test_repr() -> None:
    assert repr(ParetoSuccessiveHalvingPruner()) == (
        "ParetoSuccessiveHalvingPruner(min_resource='auto', reduction_factor=4, "
        "min_early_stopping_rate=0, bootstrap_count=0)"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_decisions_on_every_backend(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    storage = make_storage_factory(backend, tmp_path, request)()
    pruner = ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study, pruned_at = run_sequence(pruner, SEQUENCE, steps=6, storage=storage)
    assert pruned_at == [None, None, 1, 1, None]
    reopened = hpo.load_study(study_name=study.study_name, storage=storage)
    assert rung_attrs(reopened.trials[3]) == {"pareto_completed_rung_0": [2.0, 2.0]}
    assert reopened.trials[3].intermediate_vectors == {0: (2.0, 2.0), 1: (2.0, 2.0)}
