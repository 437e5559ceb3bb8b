"""Tests of NSGAIIISampler and its reference-point niching."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hpo
from hpo.samplers._nsgaiii import (
    NSGAIIIElitePopulationSelection,
    NSGAIIISampler,
    associate,
    das_dennis_points,
    niching_select,
    normalize,
)
from hpo.samplers.nsgaii import SBXCrossover, UNDXCrossover
from hpo.samplers.nsgaii._selection import select_elites
from hpo.trial import FrozenTrial, Trial


@pytest.mark.parametrize(("n_objectives", "divisions"), [(2, 1), (2, 4), (3, 3), (4, 2), (5, 3)])
def test_das_dennis_point_count_and_placement(n_objectives: int, divisions: int) -> None:
    points = das_dennis_points(n_objectives, divisions)
    assert points.shape == (math.comb(n_objectives + divisions - 1, divisions), n_objectives)
    np.testing.assert_allclose(points.sum(axis=1), 1.0)
    np.testing.assert_allclose(points * divisions, np.round(points * divisions), atol=1e-12)
    assert len(np.unique(points, axis=0)) == len(points)
    assert points.min() >= 0.0


def test_normalize_uses_the_extreme_hyperplane() -> None:
    # Extremes [4, 0] and [0, 2] (ideal [0, 0]): intercepts 4 and 2.
    losses = np.array([[4.0, 0.0], [0.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    np.testing.assert_allclose(
        normalize(losses), [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.75, 1.5]]
    )
    # Degenerate extremes (one point is extreme on both axes) fall back to the ranges.
    np.testing.assert_allclose(normalize(np.array([[0.0, 0.0], [2.0, 4.0]])), [[0, 0], [1, 1]])


def test_association_to_the_nearest_reference_line() -> None:
    references = das_dennis_points(2, 2)  # [0, 1], [0.5, 0.5], [1, 0]
    index, distance = associate(np.array([[0.1, 1.0], [0.6, 0.5], [2.0, 0.0]]), references)
    assert index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(distance, [0.1, 0.1 / math.sqrt(2), 0.0], atol=1e-12)


def test_niching_prefers_empty_niches_then_the_closest_member() -> None:
    rng = np.random.RandomState(0)
    # Kept members fill niches 0 and 2; the last front has two members in niche 1 and one in 0.
    niche_of = np.array([0, 2, 1, 1, 0])
    distance = np.array([0.0, 0.0, 0.3, 0.1, 0.0])
    in_last = np.array([False, False, True, True, True])
    for _ in range(10):
        assert niching_select(1, niche_of, distance, in_last, 3, rng).tolist() == [3]
    two = niching_select(2, niche_of, distance, in_last, 3, rng).tolist()
    assert two[0] == 3 and two[1] in (2, 4)


def test_elite_selection_keeps_the_member_of_an_empty_niche() -> None:
    # Front 0: A and B, at both ends. Front 1: D near A, E near B, F on the diagonal.
    losses = np.array([[0.0, 4.0], [4.0, 0.0], [0.2, 4.2], [4.2, 0.2], [4.1, 4.1]])
    strategy = NSGAIIIElitePopulationSelection(3, None, 2, np.random.RandomState(0))
    assert sorted(strategy.select(losses, None).tolist()) == [0, 1, 4]
    # Crowding distance would have kept an extreme point of front 1 instead.
    assert 4 not in select_elites(losses, None, 3).tolist()
    # Infeasible rows come last whatever their niche.
    violations = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    assert 4 not in strategy.select(losses, violations).tolist()


def test_user_reference_points_steer_the_selection() -> None:
    losses = np.array([[0.0, 4.0], [4.0, 0.0], [0.2, 4.2], [4.2, 0.2], [4.1, 4.1]])
    # A reference point next to the second axis draws D, which lies on its line.
    references = np.array([[0.0, 1.0], [1.0, 0.0], [0.05, 0.95]])
    strategy = NSGAIIIElitePopulationSelection(3, references, 3, np.random.RandomState(0))
    assert sorted(strategy.select(losses, None).tolist()) == [0, 1, 2]


def dtlz_like(trial: Trial) -> tuple[float, float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    n = trial.suggest_int("n", 1, 64, log=True)
    s = trial.suggest_float("s", 0.0, 1.0, step=0.1)
    c = trial.suggest_categorical("c", ["p", "q"])
    g = 1 + (s - 0.5) ** 2 + math.log(n) / 10 + (0.1 if c == "q" else 0.0)
    return (
        g * math.cos(x * math.pi / 2) * math.cos(y * math.pi / 2),
        g * math.cos(x * math.pi / 2) * math.sin(y * math.pi / 2),
        g * math.sin(x * math.pi / 2),
    )


def test_sampler_values_stay_inside_and_generations_advance() -> None:
    sampler = NSGAIIISampler(population_size=8, crossover=SBXCrossover(), seed=0)
    study = hpo.create_study(directions=["minimize"] * 3, sampler=sampler)
    study.optimize(dtlz_like, n_trials=40)
    for t in study.trials:
        assert 0 <= t.params["x"] <= 1 and 0 <= t.params["y"] <= 1
        assert isinstance(t.params["n"], int) and 1 <= t.params["n"] <= 64
        assert round(t.params["s"] * 10) == pytest.approx(t.params["s"] * 10)
        assert t.params["c"] in ("p", "q")
    assert [t.system_attrs["nsga3:generation"] for t in study.trials[::8]] == [0, 1, 2, 3, 4]
    assert len(study.system_attrs["nsga3:parents:4"]) == 8


def test_seeded_runs_are_reproducible() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        sampler = NSGAIIISampler(population_size=6, seed=seed)
        study = hpo.create_study(directions=["minimize"] * 3, sampler=sampler)
        study.optimize(dtlz_like, n_trials=24)
        return [t.params for t in study.trials]

    assert run(2) == run(2)
    assert run(2) != run(3)


def test_single_objective_and_constraints() -> None:
    def constraints(trial: FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.8]

    sampler = NSGAIIISampler(population_size=5, constraints_func=constraints, seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(lambda t: -t.suggest_float("x", 0, 1) - t.suggest_float("y", 0, 1), 30)
    assert all(t.system_attrs["constraints"] == [t.params["x"] - 0.8] for t in study.trials)
    assert study.best_trial.params["x"] <= 0.8


def test_reference_points_with_the_wrong_dimension_are_reported() -> None:
    sampler = NSGAIIISampler(population_size=3, reference_points=np.eye(2), seed=0)
    study = hpo.create_study(directions=["minimize"] * 3, sampler=sampler)
    with pytest.raises(ValueError, match="reference_points"):
        study.optimize(dtlz_like, n_trials=8)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"dividing_parameter": 0}, ValueError, "dividing_parameter"),
        ({"dividing_parameter": 2.0}, TypeError, "dividing_parameter"),
        ({"reference_points": np.ones(3)}, ValueError, "reference_points"),
        ({"reference_points": [["a"]]}, TypeError, "reference_points"),
        ({"reference_points": np.array([[np.nan, 1.0]])}, ValueError, "reference_points"),
        ({"population_size": 1}, ValueError, "population_size"),
        ({"population_size": 2, "crossover": UNDXCrossover()}, ValueError, "parents"),
        ({"crossover_prob": 2.0}, ValueError, "crossover_prob"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        NSGAIIISampler(**kwargs)
