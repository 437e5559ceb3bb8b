"""Tests of QMCSampler."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import qmc

import hpo
from hpo.exceptions import HpoWarning
from hpo.samplers import BaseSampler, QMCSampler, RandomSampler
from hpo.trial import Trial


def mixed_objective(trial: Trial) -> float:
    x = trial.suggest_float("x", -3.0, 2.0)
    lg = trial.suggest_float("lg", 1e-4, 1e2, log=True)
    st = trial.suggest_float("st", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", -5, 7, step=3)
    nl = trial.suggest_int("nl", 1, 1000, log=True)
    c = trial.suggest_categorical("c", ["a", "b", None, 3])
    return x + lg + st + n + nl + (1.0 if c == "a" else 0.0)


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
@pytest.mark.parametrize("scramble", [False, True])
def test_values_inside_mixed_space(qmc_type: str, scramble: bool) -> None:
    sampler = QMCSampler(qmc_type=qmc_type, scramble=scramble, seed=3)
    study = hpo.create_study(sampler=sampler)
    study.optimize(mixed_objective, n_trials=64)
    trials = study.trials
    for t in trials:
        p = t.params
        assert -3.0 <= p["x"] <= 2.0
        assert 1e-4 <= p["lg"] <= 1e2
        assert p["st"] in {0.0, 0.25, 0.5, 0.75, 1.0}
        assert p["n"] in {-5, -2, 1, 4, 7}
        assert isinstance(p["nl"], int) and 1 <= p["nl"] <= 1000
        assert p["c"] in ["a", "b", None, 3]
    # The QMC points spread over the grid: every step value and category is reached.
    assert {t.params["st"] for t in trials[1:]} == {0.0, 0.25, 0.5, 0.75, 1.0}
    assert {t.params["n"] for t in trials[1:]} == {-5, -2, 1, 4, 7}
    assert {str(t.params["c"]) for t in trials[1:]} == {"a", "b", "None", "3"}
    assert sampler.infer_relative_search_space(study, trials[-1]).keys() == {
        "x",
        "lg",
        "st",
        "n",
        "nl",
        "c",
    }


def test_unscrambled_sobol_matches_scipy() -> None:
    study = hpo.create_study(sampler=QMCSampler(qmc_type="sobol"))
    study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), 9)
    # The first trial is sampled independently; the others take points 0..7 in order.
    got = np.array([[t.params["a"], t.params["b"]] for t in study.trials[1:]])
    expected = qmc.Sobol(2, scramble=False).random(8)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert study.system_attrs["qmc:sample_id:sobol"] == 7


def test_unscrambled_halton_matches_scipy_on_a_shifted_range() -> None:
    study = hpo.create_study(sampler=QMCSampler(qmc_type="halton"))
    study.optimize(lambda t: t.suggest_float("a", -1, 3) + t.suggest_float("b", 10, 20), 6)
    got = np.array([[t.params["a"], t.params["b"]] for t in study.trials[1:]])
    unit = qmc.Halton(2, scramble=False).random(5)
    np.testing.assert_allclose(got, unit * [4, 10] + [-1, 10], atol=1e-12)


def test_workers_on_one_sqlite_file_continue_one_sequence(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qmc.db'}"
    first = hpo.create_study(storage=url, study_name="s", sampler=QMCSampler(seed=0))
    second = hpo.load_study(storage=url, study_name="s", sampler=QMCSampler(seed=0))

    def objective(trial: Trial) -> float:
        return trial.suggest_float("a", 0, 1) + trial.suggest_float("b", 0, 1)

    first.optimize(objective, n_trials=1)  # fixes the search space
    ids = []
    for i in range(10):
        (first if i % 2 == 0 else second).optimize(objective, n_trials=1)
        ids.append(first.system_attrs["qmc:sample_id:sobol"])
    assert ids == list(range(10))
    points = [(t.params["a"], t.params["b"]) for t in second.trials[1:]]
    assert len(set(points)) == 10
    np.testing.assert_allclose(points, qmc.Sobol(2, scramble=False).random(16)[:10], atol=1e-12)


def test_seeded_scrambled_sampler_is_reproducible() -> None:
    def run(seed: int) -> list[dict[str, object]]:
        study = hpo.create_study(sampler=QMCSampler(qmc_type="halton", scramble=True, seed=seed))
        study.optimize(mixed_objective, n_trials=12)
        return [t.params for t in study.trials]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_scrambled_sequence_matches_scipy_with_the_same_seed() -> None:
    study = hpo.create_study(sampler=QMCSampler(scramble=True, seed=11))
    study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), 5)
    got = np.array([[t.params["a"], t.params["b"]] for t in study.trials[1:]])
    expected = qmc.Sobol(2, scramble=True, rng=11).random(4)
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_unseeded_scramble_warns_about_asynchronous_seeding() -> None:
    with pytest.warns(HpoWarning, match="seed"):
        QMCSampler(scramble=True)
    # Explicitly silenced, or deterministic (no scrambling): no warning (errors here).
    QMCSampler(scramble=True, warn_asynchronous_seeding=False)
    QMCSampler(scramble=False)


def test_parameter_outside_the_first_trial_space_warns_and_uses_independent_sampler() -> None:
    calls: list[str] = []

    class Recording(RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            calls.append(param_name)
            return super().sample_independent(study, trial, param_name, param_distribution)

    study = hpo.create_study(sampler=QMCSampler(independent_sampler=Recording(seed=0)))

    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number > 0:
            return x + trial.suggest_int("extra", 0, 10)
        return x

    study.optimize(objective, n_trials=1)
    assert calls == ["x"]  # before any trial completed, everything is independent
    with pytest.warns(HpoWarning, match="'extra'"):
        study.optimize(objective, n_trials=1)
    assert calls == ["x", "extra"]
    assert 0 <= study.trials[1].params["extra"] <= 10

    quiet = hpo.create_study(sampler=QMCSampler(warn_independent_sampling=False))
    quiet.optimize(objective, n_trials=3)  # a warning would raise here


def test_unit_points_map_to_the_edges_of_each_distribution() -> None:
    from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
    from hpo.samplers._qmc import unit_to_values

    space = {
        "f": FloatDistribution(1.0, 2.0, step=0.5),
        "lg": FloatDistribution(1e-3, 1e3, log=True),
        "i": IntDistribution(0, 10, step=5),
        "il": IntDistribution(1, 100, log=True),
        "c": CategoricalDistribution(["p", "q", "r"]),
    }
    low, mid, high = unit_to_values(np.array([[0.0] * 5, [0.5] * 5, [1.0] * 5]), space)
    assert low == {"f": 1.0, "lg": pytest.approx(1e-3), "i": 0, "il": 1, "c": "p"}
    assert high == {"f": 2.0, "lg": pytest.approx(1e3), "i": 10, "il": 100, "c": "r"}
    assert mid["f"] == 1.5 and mid["i"] == 5 and mid["c"] == "q"
    assert mid["lg"] == pytest.approx(1.0)
    assert mid["il"] == round(math.sqrt(0.5 * 100.5))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"qmc_type": "lhs"}, ValueError, "qmc_type.*'lhs'"),
        ({"qmc_type": "Sobol"}, ValueError, "qmc_type"),
        ({"scramble": 1}, TypeError, "scramble"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"independent_sampler": "random"}, TypeError, "independent_sampler"),
        ({"warn_independent_sampling": None}, TypeError, "warn_independent_sampling"),
        ({"warn_asynchronous_seeding": "no"}, TypeError, "warn_asynchronous_seeding"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        QMCSampler(**kwargs)  # type: ignore[arg-type]


def test_arguments_are_keyword_only_and_it_is_a_sampler() -> None:
    with pytest.raises(TypeError):
        QMCSampler("sobol")  # type: ignore[misc]
    assert isinstance(QMCSampler(), BaseSampler)


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
def test_cached_engines_give_the_points_of_a_fresh_engine(qmc_type: str) -> None:
    from hpo.samplers._qmc import qmc_points

    engines: dict[object, object] = {}
    # Forwards, with a gap (another worker took ids 3-5), then backwards.
    order = [0, 1, 2, 6, 7, 1, 0, 9]
    cached = [qmc_points(qmc_type, 3, i, 1, True, 7, engines)[0] for i in order]
    fresh = [qmc_points(qmc_type, 3, i, 1, True, 7)[0] for i in order]
    np.testing.assert_array_equal(cached, fresh)
    assert len({tuple(p) for p in fresh}) == len(set(order))
