"""CmaEsSampler: the sampler in studies (search space, state sharing, arguments)."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.samplers._cmaes import CmaEsSampler
from hpo.samplers._cmaes._es import CmaEs
from hpo.trial import TrialState


def _state(study: hpo.Study) -> dict:
    (key,) = [k for k in study.system_attrs if k.startswith("cma:")]
    return json.loads(study.system_attrs[key])


def _sphere(trial: hpo.Trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(3))


def _mixed(trial: hpo.Trial) -> float:
    a = trial.suggest_float("a", -3, 3)
    b = trial.suggest_float("b", 1e-4, 1e2, log=True)
    c = trial.suggest_int("c", -5, 7, step=3)
    d = trial.suggest_int("d", 1, 1000, log=True)
    e = trial.suggest_float("e", 0.0, 1.0, step=0.25)
    f = trial.suggest_int("f", 2, 9)
    return a**2 + math.log(b) ** 2 + (c - 1) ** 2 + math.log(d) + e + abs(f - 5)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"with_margin": True}, {"use_separable_cma": True}, {"lr_adapt": True}],
)
def test_values_stay_inside_distributions(kwargs: dict) -> None:
    study = hpo.create_study(sampler=CmaEsSampler(seed=1, popsize=5, **kwargs))
    study.optimize(_mixed, n_trials=80)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 80
    for trial in trials:
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
            assert isinstance(value, int if isinstance(dist, IntDistribution) else float)
    # CMA-ES proposed the later trials, and advanced several generations.
    assert "cma:" in "".join(trials[-1].system_attrs)
    assert _state(study)["es"]["generation"] >= 10


def test_same_seed_same_sequence() -> None:
    def params(seed: int) -> list[dict]:
        study = hpo.create_study(sampler=CmaEsSampler(seed=seed))
        study.optimize(_mixed, n_trials=40)
        return [t.params for t in study.trials]

    assert params(3) == params(3)
    assert params(3) != params(4)


def test_optimizes_in_a_study_and_maximizes() -> None:
    study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(_sphere, n_trials=300)
    assert study.best_value < 1e-4
    study = hpo.create_study(direction="maximize", sampler=CmaEsSampler(seed=0))
    study.optimize(lambda t: -_sphere(t), n_trials=300)
    assert study.best_value > -1e-4


def test_x0_and_sigma0_set_the_initial_distribution() -> None:
    sampler = CmaEsSampler(x0={"x0": 4.0, "x1": -5.0}, sigma0=1.0, seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(_sphere, n_trials=2)
    es = _state(study)["es"]
    np.testing.assert_allclose(es["mean"], [0.9, 0.0, 0.5])
    assert es["sigma"] == pytest.approx(0.1)
    default = hpo.create_study(sampler=CmaEsSampler(seed=0))
    default.optimize(_sphere, n_trials=2)
    np.testing.assert_allclose(_state(default)["es"]["mean"], [0.5, 0.5, 0.5])
    assert _state(default)["es"]["sigma"] == pytest.approx(1 / 6)


def test_n_startup_trials_use_the_independent_sampler() -> None:
    study = hpo.create_study(sampler=CmaEsSampler(n_startup_trials=7, seed=0))
    study.optimize(_sphere, n_trials=12)
    marked = ["cma:" in "".join(t.system_attrs) for t in study.trials]
    assert marked == [False] * 7 + [True] * 5


def test_state_is_json_and_a_second_sampler_continues_the_generation() -> None:
    study = hpo.create_study(sampler=CmaEsSampler(seed=0, popsize=6))
    study.optimize(_sphere, n_trials=1 + 6 + 3)  # one startup trial, a generation, half one
    state = _state(study)
    assert isinstance(next(iter(study.system_attrs.values())), str)  # JSON text
    assert state["es"]["generation"] == 1

    other = hpo.load_study(study_name=study.study_name, storage=study._storage)
    other.sampler = CmaEsSampler(seed=99, popsize=6)
    other.optimize(_sphere, n_trials=3)
    tags = [
        v for t in other.trials for k, v in t.system_attrs.items() if k.endswith(":generation")
    ]
    # The new object's three trials complete generation 1, started by the first object ...
    assert tags[-6:] == [[0, 1]] * 6
    # ... and the next trial, of generation 2, comes from the shared, updated state.
    other.optimize(_sphere, n_trials=1)
    assert _state(other)["es"]["generation"] == 2
    assert other.trials[-1].system_attrs[next(iter(other.trials[-1].system_attrs))] == [0, 2]


def test_es_json_round_trip_keeps_the_search() -> None:
    es = CmaEs(np.full(3, 0.5), 0.2, lr_adapt=True)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = np.array([es.ask(rng) for _ in range(es.popsize)])
        es.tell(x, (x**2).sum(axis=1))
    copy = CmaEs.from_json(json.loads(json.dumps(es.to_json())))
    assert copy.to_json() == es.to_json()
    x = np.array([es.ask(np.random.default_rng(1)) for _ in range(es.popsize)])
    y = np.array([copy.ask(np.random.default_rng(1)) for _ in range(copy.popsize)])
    np.testing.assert_array_equal(x, y)
    es.tell(x, (x**2).sum(axis=1))
    copy.tell(y, (y**2).sum(axis=1))
    np.testing.assert_array_equal(es.mean, copy.mean)


def test_pruned_trials_count_only_when_asked() -> None:
    def pruned(trial: hpo.Trial) -> float:
        value = _sphere(trial)
        trial.report(value, 0)
        trial.report(value / 2, 1)
        raise hpo.TrialPruned()

    study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(pruned, n_trials=20)
    assert not [k for k in study.system_attrs if k.startswith("cma:")]  # never left startup

    study = hpo.create_study(sampler=CmaEsSampler(seed=0, consider_pruned_trials=True))
    study.optimize(pruned, n_trials=40)
    assert _state(study)["es"]["generation"] >= 4


def test_categorical_parameters_are_sampled_independently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def objective(trial: hpo.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        return _sphere(trial) + (kind == "b")

    study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    with caplog.at_level(logging.WARNING, logger="hpo"):
        hpo.logging.enable_propagation()
        try:
            study.optimize(objective, n_trials=10)
        finally:
            hpo.logging.disable_propagation()
    assert "'kind'" in caplog.text
    assert "x0" not in caplog.text
    assert all(t.params["kind"] in ("a", "b") for t in study.trials)
    assert len({t.params["kind"] for t in study.trials}) == 2

    caplog.clear()
    quiet = hpo.create_study(sampler=CmaEsSampler(seed=0, warn_independent_sampling=False))
    with caplog.at_level(logging.WARNING, logger="hpo"):
        hpo.logging.enable_propagation()
        try:
            quiet.optimize(objective, n_trials=5)
        finally:
            hpo.logging.disable_propagation()
    assert "'kind'" not in caplog.text


def test_one_parameter_and_single_values_are_left_to_the_independent_sampler() -> None:
    def objective(trial: hpo.Trial) -> float:
        trial.suggest_int("fixed", 3, 3)
        return trial.suggest_float("x", 0, 1)

    study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(objective, n_trials=5)
    assert not [k for k in study.system_attrs if k.startswith("cma:")]

    study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(_sphere, n_trials=3)
    assert len(_state(study)["es"]["mean"]) == 3


def test_multi_objective_study_is_refused() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"], sampler=CmaEsSampler())
    with pytest.raises(ValueError, match="multi-objective"):
        study.optimize(lambda t: (_sphere(t), 0.0), n_trials=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x0": [0.5]}, TypeError, "x0"),
        ({"sigma0": "big"}, TypeError, "sigma0"),
        ({"sigma0": 0.0}, ValueError, "sigma0"),
        ({"sigma0": math.inf}, ValueError, "sigma0"),
        ({"n_startup_trials": -1}, ValueError, "n_startup_trials"),
        ({"n_startup_trials": 1.5}, TypeError, "n_startup_trials"),
        ({"independent_sampler": "random"}, TypeError, "independent_sampler"),
        ({"warn_independent_sampling": 1}, TypeError, "warn_independent_sampling"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"consider_pruned_trials": None}, TypeError, "consider_pruned_trials"),
        ({"restart_strategy": "pop"}, ValueError, "restart_strategy"),
        ({"popsize": 1}, ValueError, "popsize"),
        ({"popsize": 4.0}, TypeError, "popsize"),
        ({"inc_popsize": 0}, ValueError, "inc_popsize"),
        ({"inc_popsize": 2.0}, TypeError, "inc_popsize"),
        ({"use_separable_cma": "yes"}, TypeError, "use_separable_cma"),
        ({"with_margin": None}, TypeError, "with_margin"),
        ({"lr_adapt": 0}, TypeError, "lr_adapt"),
        ({"source_trials": "trials"}, TypeError, "source_trials"),
        ({"source_trials": [], "x0": {"x": 0.0}}, ValueError, "source_trials"),
        ({"source_trials": [], "sigma0": 0.1}, ValueError, "source_trials"),
        ({"source_trials": [], "use_separable_cma": True}, ValueError, "source_trials"),
        ({"use_separable_cma": True, "with_margin": True}, ValueError, "with_margin"),
        ({"lr_adapt": True, "with_margin": True}, ValueError, "lr_adapt"),
        ({"lr_adapt": True, "use_separable_cma": True}, ValueError, "lr_adapt"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        CmaEsSampler(**kwargs)


def test_allowed_combinations() -> None:
    CmaEsSampler(source_trials=[], with_margin=True)
    CmaEsSampler(source_trials=[], lr_adapt=True)
    CmaEsSampler(restart_strategy="bipop", inc_popsize=3, popsize=8)


def test_reseed_rng_changes_the_candidates() -> None:
    sampler = CmaEsSampler(seed=0)
    study = hpo.create_study(sampler=sampler)
    study.optimize(_sphere, n_trials=3)
    first = np.random.default_rng(0)
    sampler.reseed_rng()
    assert sampler._rng.bit_generator.state != first.bit_generator.state


def test_unit_space_round_trip() -> None:
    from hpo.samplers._cmaes._space import UnitSpace

    space = UnitSpace(
        {
            "f": FloatDistribution(-2, 3),
            "g": FloatDistribution(1e-3, 1e3, log=True),
            "i": IntDistribution(1, 100, log=True),
            "s": FloatDistribution(0, 1, step=0.1),
        }
    )
    values = np.array([[0.5, 1.0, 10.0, 0.3], [-2.0, 1e-3, 1.0, 1.0], [3.0, 1e3, 100.0, 0.0]])
    decoded = space.decode(space.encode(values))
    np.testing.assert_allclose([list(d.values()) for d in decoded], values, rtol=1e-12)
    lower, upper = space.cells(space.encode(values))
    assert lower[0, 0] == upper[0, 0]  # continuous: the point itself
    assert lower[1, 2] == 0.0 and 0 < upper[1, 2] < 1  # the first cell of "i"
    assert CategoricalDistribution(["a"]).single()
