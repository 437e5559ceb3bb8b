"""Tests of NSGAIISampler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hpo
from hpo._keys import CONSTRAINTS_KEY
from hpo._pareto import nondominated_ranks
from hpo.samplers import RandomSampler
from hpo.samplers.nsgaii import (
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from hpo.samplers.nsgaii._sampler import NSGAIISampler
from hpo.trial import FrozenTrial, Trial, TrialState

GENERATION_KEY = "nsga2:generation"


def mixed_objective(trial: Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", -3.0, 2.0)
    lg = trial.suggest_float("lg", 1e-4, 1e2, log=True)
    st = trial.suggest_float("st", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", -5, 7, step=3)
    nl = trial.suggest_int("nl", 1, 1000, log=True)
    c = trial.suggest_categorical("c", ["a", "b", None, 3])
    extra = 0.0
    if c == "a":
        extra = trial.suggest_float("only_a", 0.0, 1.0)
    return x + st + n + extra, float(np.log(lg) + np.log(nl)) - x + (1.0 if c == "b" else 0.0)


def check_mixed_values(study: hpo.Study) -> None:
    for t in study.trials:
        p = t.params
        assert -3.0 <= p["x"] <= 2.0
        assert 1e-4 <= p["lg"] <= 1e2
        assert p["st"] in {0.0, 0.25, 0.5, 0.75, 1.0}
        assert p["n"] in {-5, -2, 1, 4, 7}
        assert isinstance(p["nl"], int) and 1 <= p["nl"] <= 1000
        assert p["c"] in ["a", "b", None, 3]
        assert ("only_a" in p) == (p["c"] == "a")


@pytest.mark.parametrize(
    "crossover",
    [
        None,
        UniformCrossover(0.3),
        BLXAlphaCrossover(),
        SBXCrossover(),
        VSBXCrossover(),
        UNDXCrossover(),
        SPXCrossover(),
    ],
    ids=str,
)
def test_values_stay_inside_mixed_and_conditional_spaces(crossover: Any) -> None:
    sampler = NSGAIISampler(
        population_size=6, crossover=crossover, mutation=PolynomialMutation(), seed=1
    )
    study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(mixed_objective, n_trials=30)
    check_mixed_values(study)
    assert max(t.system_attrs[GENERATION_KEY] for t in study.trials) >= 3


def test_generations_and_first_generation_is_random() -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_int("y", 0, 10)
        return x + y, 1 - x

    study = hpo.create_study(
        directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=5, seed=3)
    )
    study.optimize(objective, n_trials=17)
    assert [t.system_attrs[GENERATION_KEY] for t in study.trials] == [0] * 5 + [1] * 5 + [
        2
    ] * 5 + [3] * 2
    reference = hpo.create_study(
        directions=["minimize", "minimize"], sampler=RandomSampler(seed=3)
    )
    reference.optimize(objective, n_trials=5)
    assert [t.params for t in study.trials[:5]] == [t.params for t in reference.trials]
    # The parents of generation 1 are the elite of generation 0, stored as trial numbers.
    parents = study.system_attrs["nsga2:parents:1"]
    assert len(parents) == 5 and set(parents) <= set(range(5))
    later = study.system_attrs["nsga2:parents:3"]
    assert set(later) <= set(study.system_attrs["nsga2:parents:2"]) | set(range(10, 15))


def test_children_copy_parents_without_crossover_and_mutation() -> None:
    sampler = NSGAIISampler(population_size=4, crossover_prob=0.0, mutation_prob=0.0, seed=0)
    study = hpo.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 16)
    for trial in study.trials[4:]:
        generation = trial.system_attrs[GENERATION_KEY]
        parents = study.system_attrs[f"nsga2:parents:{generation}"]
        assert trial.params in [study.trials[n].params for n in parents]


def test_full_mutation_resamples_every_parameter() -> None:
    sampler = NSGAIISampler(population_size=4, crossover_prob=0.0, mutation_prob=1.0, seed=0)
    study = hpo.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 12)
    earlier = [t.params["x"] for t in study.trials[:4]]
    assert all(t.params["x"] not in earlier for t in study.trials[4:])


def test_elite_parents_dominate_the_rest() -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        return x, (1 + 9 * y) * (1 - np.sqrt(x / (1 + 9 * y)))

    study = hpo.create_study(
        directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=8, seed=0)
    )
    study.optimize(objective, n_trials=21)
    first = study.trials[:16]
    parents = study.system_attrs["nsga2:parents:2"]
    candidates = sorted(set(study.system_attrs["nsga2:parents:1"]) | set(range(8, 16)))
    losses = np.array([first[n].values for n in candidates])
    ranks = dict(zip(candidates, nondominated_ranks(losses).tolist()))
    # Every parent is in a front at least as good as every trial left out.
    left_out = [n for n in candidates if n not in parents]
    assert max(ranks[n] for n in parents) <= min(ranks[n] for n in left_out)
    assert len(parents) == 8


def test_single_objective_converges() -> None:
    def objective(trial: Trial) -> float:
        return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))

    study = hpo.create_study(
        sampler=NSGAIISampler(population_size=10, crossover=SBXCrossover(), seed=0)
    )
    study.optimize(objective, n_trials=200)
    random_study = hpo.create_study(sampler=RandomSampler(seed=0))
    random_study.optimize(objective, n_trials=200)
    assert study.best_value < random_study.best_value
    assert study.best_value < 0.5


def test_seeded_runs_are_reproducible() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        sampler = NSGAIISampler(population_size=5, crossover=SBXCrossover(), seed=seed)
        study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(mixed_objective, n_trials=20)
        return [t.params for t in study.trials]

    assert run(4) == run(4)
    assert run(4) != run(5)


def test_parent_population_is_shared_between_samplers_through_the_storage(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'nsga.db'}"
    directions = ["minimize", "minimize"]

    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        return x, 1 - x

    first = hpo.create_study(
        storage=url,
        study_name="s",
        directions=directions,
        sampler=NSGAIISampler(population_size=4, seed=0),
    )
    first.optimize(objective, n_trials=9)

    def refuse(study: Any, population: list[FrozenTrial]) -> list[FrozenTrial]:
        raise AssertionError("the parents must come from the study's system attributes")

    second_sampler = NSGAIISampler(
        population_size=4, seed=1, elite_population_selection_strategy=refuse
    )
    second = hpo.load_study(storage=url, study_name="s", sampler=second_sampler)
    second.optimize(objective, n_trials=3)
    assert [t.system_attrs[GENERATION_KEY] for t in second.trials[8:]] == [2, 2, 2, 2]
    expected = first.system_attrs["nsga2:parents:2"]
    got = second_sampler.get_parent_population(second, 2)
    assert [t.number for t in got] == expected


def test_constraints_are_stored_and_feasible_trials_are_preferred() -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        z = trial.suggest_float("z", 0.0, 1.0)
        return x + y * z, 1 - x + z

    def constraints(trial: FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.5]

    sampler = NSGAIISampler(population_size=10, constraints_func=constraints, seed=0)
    study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=40)
    for trial in study.trials:
        assert trial.system_attrs[CONSTRAINTS_KEY] == [trial.params["x"] - 0.5]
    feasible = {t.number for t in study.trials[:10] if t.params["x"] <= 0.5}
    parents = study.system_attrs["nsga2:parents:1"]
    # Feasible trials fill the parents first, infeasible ones follow by violation.
    assert set(parents[: len(feasible)]) == feasible
    violations = [study.trials[n].params["x"] - 0.5 for n in parents[len(feasible) :]]
    assert violations == sorted(violations)
    late = study.trials[30:]
    assert np.mean([t.params["x"] <= 0.5 for t in late]) > 0.7


def test_custom_strategies_are_called() -> None:
    calls: list[str] = []

    def child(study: Any, space: dict[str, Any], parents: list[FrozenTrial]) -> dict[str, Any]:
        calls.append("child")
        return {"x": 0.25}

    def after(study: Any, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        calls.append("after")

    sampler = NSGAIISampler(
        population_size=2, child_generation_strategy=child, after_trial_strategy=after, seed=0
    )
    study = hpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    assert calls.count("after") == 4 and calls.count("child") == 2
    assert [t.params["x"] for t in study.trials[2:]] == [0.25, 0.25]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"population_size": 1}, ValueError, "population_size"),
        ({"population_size": 2.5}, TypeError, "population_size"),
        ({"population_size": True}, TypeError, "population_size"),
        ({"crossover_prob": 1.5}, ValueError, "crossover_prob"),
        ({"crossover_prob": -0.1}, ValueError, "crossover_prob"),
        ({"swapping_prob": 2}, ValueError, "swapping_prob"),
        ({"mutation_prob": 1.1}, ValueError, "mutation_prob"),
        ({"crossover": "sbx"}, TypeError, "crossover"),
        ({"mutation": "poly"}, TypeError, "mutation"),
        ({"population_size": 2, "crossover": UNDXCrossover()}, ValueError, "n_parents|parents"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": -1}, ValueError, "seed"),
        ({"constraints_func": 3}, TypeError, "constraints_func"),
        ({"child_generation_strategy": "x"}, TypeError, "child_generation_strategy"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        NSGAIISampler(**kwargs)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        NSGAIISampler(10)  # type: ignore[misc]


def test_population_accessors() -> None:
    sampler = NSGAIISampler(population_size=4, seed=0)
    study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 10)
    assert [t.number for t in sampler.get_population(study, 1)] == [4, 5, 6, 7]
    assert [sampler.get_trial_generation(study, t) for t in study.trials] == [0] * 4 + [1] * 4 + [
        2
    ] * 2
    assert sampler.get_parent_population(study, 0) == []
    stored = study.system_attrs["nsga2:parents:2"]
    assert [t.number for t in sampler.select_parent(study, 2)] == stored
    assert sampler.population_size == 4
    study.ask()
    assert sampler.get_trial_generation(study, study.trials[-1]) == 2


def test_default_mutation_probability_is_one_over_the_parents_parameters() -> None:
    # One parameter: it is always mutated, so no child copies its parent.
    sampler = NSGAIISampler(population_size=4, crossover_prob=0.0, seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), 12)
    earlier = {t.params["x"] for t in study.trials[:8]}
    assert all(t.params["x"] not in earlier for t in study.trials[8:])
    # Four parameters: about one in four is resampled, the others are copied.
    sampler = NSGAIISampler(population_size=4, crossover_prob=0.0, seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(lambda t: sum(t.suggest_float(f"x{i}", 0, 1) for i in range(4)), 44)
    copied = [
        t.params[name] in {p.params[name] for p in study.trials[: t.number]}
        for t in study.trials[4:]
        for name in t.params
    ]
    assert 0.6 < np.mean(copied) < 0.9
