"""TPESampler's constant liar shared between workers through the stored proposal."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hpo
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.samplers import TPESampler
from hpo.samplers._tpe import _liars, _sampler
from hpo.samplers._tpe._liars import PROPOSAL_KEY, find_liars, proposal_text, stored_proposal
from hpo.samplers._tpe._parzen_estimator import ParzenEstimator
from hpo.storages import RDBStorage
from hpo.trial import TrialState, create_trial

X = FloatDistribution(0.0, 1.0)
Y = FloatDistribution(0.0, 1.0)
SPACE: dict[str, BaseDistribution] = {"x": X, "y": Y}


@pytest.fixture(autouse=True)
def _quiet() -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)


def _add_history(study: hpo.Study, n: int = 12) -> None:
    rng = np.random.default_rng(0)
    for _ in range(n):
        x, y = (float(v) for v in rng.random(2))
        study.add_trial(create_trial(params={"x": x, "y": y}, distributions=SPACE, value=x + y))


class _Recorder:
    """Records the observations of every Parzen estimator the sampler builds."""

    def __init__(self) -> None:
        self.observations: list[dict[str, np.ndarray]] = []

    def estimator(self, observations: Any, *args: Any, **kwargs: Any) -> ParzenEstimator:
        self.observations.append({k: np.array(v) for k, v in observations.items()})
        return ParzenEstimator(observations, *args, **kwargs)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recorder]:
    rec = _Recorder()
    monkeypatch.setattr(_sampler, "ParzenEstimator", rec.estimator)
    yield rec


def _bad_observations(
    recorder: _Recorder, sampler: TPESampler, study: hpo.Study
) -> dict[str, np.ndarray]:
    """The observations of ``g`` (the bad group) for a new trial's relative proposal."""
    trial = study.ask()
    recorder.observations.clear()
    sampler.sample_relative(study, trial._cached_frozen_trial, dict(SPACE))
    # Failed, the probing trial is no liar for the next call.
    study.tell(trial, state=TrialState.FAIL)
    _below, above = recorder.observations
    return above


def _pairs(observations: dict[str, np.ndarray]) -> set[tuple[float, float]]:
    return set(zip(observations["x"].tolist(), observations["y"].tolist()))


def _running_with(study: hpo.Study, attr: Any, params: dict[str, float] | None = None) -> None:
    """A RUNNING trial holding ``attr`` as its stored proposal (and ``params``, if any)."""
    trial_id = study._storage.create_new_trial(study._study_id)
    study._storage.set_trial_system_attr(trial_id, PROPOSAL_KEY, attr)
    for name, value in (params or {}).items():
        study._storage.set_trial_param(trial_id, name, value, SPACE[name])


# -- writing the proposal ----------------------------------------------------------------------
def test_proposal_is_written_once_with_the_first_suggestion_as_json_of_internal_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    space: dict[str, BaseDistribution] = {
        "lr": FloatDistribution(1e-4, 1.0, log=True),
        "n": IntDistribution(1, 9, step=2),
        "q": FloatDistribution(0.0, 1.0, step=0.25),
        "c": CategoricalDistribution(["a", "b", None]),
    }
    study = hpo.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    writes: list[tuple[int, str, Any]] = []
    original = study._storage.set_trial_system_attr

    def counting(trial_id: int, key: str, value: Any) -> None:
        writes.append((trial_id, key, value))
        original(trial_id, key, value)

    monkeypatch.setattr(study._storage, "set_trial_system_attr", counting)

    def objective(trial: hpo.Trial) -> float:
        values = [trial._suggest(name, dist) for name, dist in space.items()]
        # Every parameter after the first is suggested with the proposal already stored.
        assert (PROPOSAL_KEY in trial.system_attrs) == (trial.number >= 3)
        return float(values[0])

    study.optimize(objective, n_trials=8)
    trials = study.trials
    assert all(PROPOSAL_KEY not in t.system_attrs for t in trials[:3])  # random startup
    assert [w[0] for w in writes] == [t._trial_id for t in trials[3:]]
    assert all(key == PROPOSAL_KEY for _, key, _ in writes)
    for trial in trials[3:]:
        proposal = json.loads(trial.system_attrs[PROPOSAL_KEY])
        expected = {
            name: dist.to_internal_repr(trial.params[name]) for name, dist in space.items()
        }
        assert proposal == expected
        assert all(type(value) is float for value in proposal.values())


def test_fixed_parameters_of_an_enqueued_trial_are_not_stored() -> None:
    sampler = TPESampler(seed=0)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    study.enqueue_trial({"x": 0.5})
    trial = study.ask()
    assert trial.suggest_float("x", 0.0, 1.0) == 0.5
    trial.suggest_float("y", 0.0, 1.0)
    assert json.loads(trial.system_attrs[PROPOSAL_KEY]) == {"y": trial.params["y"]}


def test_without_constant_liar_nothing_is_stored_or_read(recorder: _Recorder) -> None:
    sampler = TPESampler(seed=0, constant_liar=False)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    before = _bad_observations(recorder, sampler, study)
    _running_with(study, json.dumps({"x": 0.25, "y": 0.75}))
    after = _bad_observations(recorder, sampler, study)
    assert _pairs(after) == _pairs(before)
    assert all(PROPOSAL_KEY not in t.system_attrs for t in study.trials if t.params)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=3)
    assert all(PROPOSAL_KEY not in t.system_attrs for t in study.trials if t.params)


# -- reading it ----------------------------------------------------------------------------------
@pytest.mark.parametrize("multivariate", [True, False])
def test_a_running_trial_with_only_a_proposal_is_a_liar(
    recorder: _Recorder, multivariate: bool
) -> None:
    sampler = TPESampler(seed=0, multivariate=multivariate)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    before = _pairs(_bad_observations(recorder, sampler, study))
    _running_with(study, json.dumps({"x": 0.25, "y": 0.75}))
    after = _pairs(_bad_observations(recorder, sampler, study))
    assert after - before == {(0.25, 0.75)}


def test_recorded_parameters_take_precedence_over_the_proposal(recorder: _Recorder) -> None:
    sampler = TPESampler(seed=0)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    before = _pairs(_bad_observations(recorder, sampler, study))
    _running_with(study, json.dumps({"x": 0.25, "y": 0.75}), params={"x": 0.9})
    after = _pairs(_bad_observations(recorder, sampler, study))
    assert after - before == {(0.9, 0.75)}


@pytest.mark.parametrize(
    "attr",
    [
        "{not json",
        "[0.25, 0.75]",
        '"x"',
        "null",
        json.dumps({"x": "0.25", "y": 0.75}),
        json.dumps({"x": True, "y": 0.75}),
        json.dumps({"x": [0.25], "y": 0.75}),
        '{"x": NaN, "y": 0.75}',
        '{"x": Infinity, "y": 0.75}',
        json.dumps({"x": 1.5, "y": 0.75}),  # outside the current distribution
        json.dumps({"y": 0.75}),  # x missing
        json.dumps({"a": 0.25, "b": 0.75}),  # another study's parameters
        12,
    ],
)
def test_malformed_or_foreign_proposals_are_ignored(recorder: _Recorder, attr: Any) -> None:
    sampler = TPESampler(seed=0)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    before = _pairs(_bad_observations(recorder, sampler, study))
    _running_with(study, attr)
    assert _pairs(_bad_observations(recorder, sampler, study)) == before
    # Sampling still works end to end.
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=2)


def test_categorical_index_must_be_a_choice_of_the_current_distribution() -> None:
    space: dict[str, BaseDistribution] = {"c": CategoricalDistribution(["a", "b", "c"])}
    this = create_trial(state=TrialState.RUNNING)
    others = []
    for number, proposal in enumerate(['{"c": 2.0}', '{"c": 3.0}', '{"c": 1.5}', '{"c": -1}']):
        other = create_trial(state=TrialState.RUNNING)
        other.number = number + 1
        other.system_attrs[PROPOSAL_KEY] = proposal
        others.append(other)
    liars = find_liars(others, this, space)
    assert liars.numbers == (1,)
    assert liars.values["c"].tolist() == [2.0]


def test_stored_proposal_accepts_only_finite_numbers() -> None:
    trial = create_trial(state=TrialState.RUNNING)
    trial.system_attrs[PROPOSAL_KEY] = '{"a": 1, "b": 0.5, "c": false, "d": null, "e": {}}'
    assert stored_proposal(trial) == {"a": 1.0, "b": 0.5}
    trial.system_attrs[PROPOSAL_KEY] = {"a": 0.5}  # an object stored as such
    assert stored_proposal(trial) == {"a": 0.5}


def test_proposal_text_needs_a_running_trial() -> None:
    finished = create_trial(value=1.0)
    assert proposal_text(finished, {"x": 0.5}, SPACE) is None
    running = create_trial(state=TrialState.RUNNING)
    assert json.loads(proposal_text(running, {"x": 0.5}, SPACE) or "") == {"x": 0.5}


def test_the_switch_turns_sharing_off(
    recorder: _Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_liars, "_SHARE_PROPOSALS", False)
    sampler = TPESampler(seed=0)
    study = hpo.create_study(sampler=sampler)
    _add_history(study)
    before = _pairs(_bad_observations(recorder, sampler, study))
    _running_with(study, json.dumps({"x": 0.25, "y": 0.75}))
    assert _pairs(_bad_observations(recorder, sampler, study)) == before
    assert all(PROPOSAL_KEY not in t.system_attrs for t in study.trials if t.params)


def test_proposals_of_running_trials_push_the_next_proposal_away() -> None:
    def distances(with_running: bool) -> list[float]:
        result = []
        for seed in range(8):
            sampler = TPESampler(seed=seed)
            study = hpo.create_study(sampler=sampler)
            for i in range(20):
                x = (i + 0.5) / 20
                study.add_trial(
                    create_trial(params={"x": x}, distributions={"x": X}, value=(x - 0.3) ** 2)
                )
            if with_running:
                # Three workers have just started on the best region; none recorded x yet.
                for x in (0.28, 0.3, 0.32):
                    _running_with(study, json.dumps({"x": x}))
            trial = study.ask()
            x = sampler.sample_relative(study, trial._cached_frozen_trial, {"x": X})["x"]
            result.append(abs(x - 0.3))
        return result

    assert np.mean(distances(True)) > np.mean(distances(False))


def test_a_proposal_counts_as_an_evaluated_configuration_of_a_discrete_space() -> None:
    space = {"a": IntDistribution(0, 4), "b": IntDistribution(0, 4)}
    finished = [(0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (2, 2), (3, 3), (4, 4), (4, 0), (0, 4)]
    proposals = []
    for seed in range(10):
        study = hpo.create_study(sampler=TPESampler(seed=seed, n_startup_trials=5))
        for a, b in finished:
            study.add_trial(
                create_trial(params={"a": a, "b": b}, distributions=space, value=a + b)
            )
        # A worker has started on (0, 0), the best region, and recorded nothing yet.
        trial_id = study._storage.create_new_trial(study._study_id)
        study._storage.set_trial_system_attr(trial_id, PROPOSAL_KEY, '{"a": 0.0, "b": 0.0}')
        trial = study.ask(space)
        proposals.append((trial.params["a"], trial.params["b"]))
    assert all(p != (0, 0) and p not in finished for p in proposals)


# -- several workers on one database --------------------------------------------------------
def test_two_storage_objects_on_one_sqlite_file(tmp_path: Path, recorder: _Recorder) -> None:
    url = f"sqlite:///{tmp_path / 'liar.db'}"
    sampler = TPESampler(seed=0)
    study_a = hpo.create_study(study_name="s", storage=RDBStorage(url), sampler=sampler)
    _add_history(study_a)
    before = _pairs(_bad_observations(recorder, sampler, study_a))

    study_b = hpo.load_study(study_name="s", storage=RDBStorage(url), sampler=TPESampler(seed=1))
    assert study_b._storage is not study_a._storage
    running = study_b.ask()
    relative = running.relative_params  # the proposal, stored; no parameter recorded yet
    assert set(relative) == {"x", "y"} and running.params == {}

    after = _pairs(_bad_observations(recorder, sampler, study_a))
    assert after - before == {(relative["x"], relative["y"])}
    # Once the trial records its parameters and finishes, it is an ordinary observation.
    running.suggest_float("x", 0.0, 1.0)
    running.suggest_float("y", 0.0, 1.0)
    study_b.tell(running, 5.0)
    stored = study_a.trials[running.number]
    assert stored.state == TrialState.COMPLETE
    assert json.loads(stored.system_attrs[PROPOSAL_KEY]) == relative


def _start_a_trial(url: str, queue: Any) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.load_study(study_name="s", storage=url, sampler=TPESampler(seed=5))
    trial = study.ask()
    queue.put(trial.relative_params)  # then exit, leaving the trial RUNNING without params


def test_a_trial_started_in_another_process_is_a_liar(tmp_path: Path, recorder: _Recorder) -> None:
    url = f"sqlite:///{tmp_path / 'liar.db'}"
    sampler = TPESampler(seed=0)
    study = hpo.create_study(study_name="s", storage=url, sampler=sampler)
    _add_history(study)
    before = _pairs(_bad_observations(recorder, sampler, study))

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_start_a_trial, args=(url, queue))
    process.start()
    relative = queue.get(timeout=120)
    process.join(timeout=120)
    assert process.exitcode == 0

    after = _pairs(_bad_observations(recorder, sampler, study))
    assert after - before == {(relative["x"], relative["y"])}
    (other,) = study.get_trials(states=[TrialState.RUNNING])
    assert other.params == {}
    assert json.loads(other.system_attrs[PROPOSAL_KEY]) == relative
