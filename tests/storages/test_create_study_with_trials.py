"""Contract of ``_create_study_with_trials`` (copies and imports), on every backend: one study
with all its trials, numbered in order, or nothing at all."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest

from hpo._study_direction import StudyDirection
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import DuplicatedStudyError
from hpo.storages import BaseStorage
from hpo.trial import FrozenTrial, TrialState

UTC = datetime.timezone.utc
START = datetime.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
END = START + datetime.timedelta(seconds=3)
SPACE = {
    "x": FloatDistribution(0.0, 1.0, step=0.25),
    "n": IntDistribution(1, 64, log=True),
    "c": CategoricalDistribution([None, "a", 2.5]),
}


def record(state: TrialState, values: list[float] | None, **fields: object) -> FrozenTrial:
    finished = state.is_finished()
    return FrozenTrial(
        -1,
        state,
        None,
        None if state == TrialState.WAITING else START,
        END if finished else None,
        fields.get("params", {}),  # type: ignore[arg-type]
        fields.get("distributions", {}),  # type: ignore[arg-type]
        {"u": [1, "two"]},
        {"constraints": [0.5]} if finished else {},
        fields.get("intermediate", {}),  # type: ignore[arg-type]
        -1,
        values=values,
    )


def trials() -> list[FrozenTrial]:
    params = {"x": 0.75, "n": 8, "c": None}
    running = record(TrialState.RUNNING, None, params={"x": 0.0}, distributions={"x": SPACE["x"]})
    running._intermediate_vectors = {2: (0.5, math.inf), 5: (-1.0, 3.0)}
    return [
        record(
            TrialState.COMPLETE,
            [1.5, -math.inf],
            params=params,
            distributions=SPACE,
            intermediate={0: math.inf, 3: math.nan, 7: -2.0},
        ),
        record(TrialState.PRUNED, None, params={"c": 2.5}, distributions={"c": SPACE["c"]}),
        record(TrialState.FAIL, None),
        running,
        record(TrialState.WAITING, None),
    ]


DIRECTIONS = [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]


def test_study_and_trials_arrive_numbered_in_order(storage: BaseStorage) -> None:
    given = trials()
    study_id = storage._create_study_with_trials(
        "copy", DIRECTIONS, {"team": "a"}, {"origin": [1]}, given
    )
    assert storage.get_study_id_from_name("copy") == study_id
    assert storage.get_study_directions(study_id) == DIRECTIONS
    assert storage.get_study_user_attrs(study_id) == {"team": "a"}
    assert storage.get_study_system_attrs(study_id) == {"origin": [1]}
    stored = storage.get_all_trials(study_id)
    assert [t.number for t in stored] == [0, 1, 2, 3, 4]
    for want, got in zip(given, stored):
        assert got.state == want.state
        assert got.params == want.params
        assert got.distributions == want.distributions
        assert got.user_attrs == want.user_attrs
        assert got.system_attrs == want.system_attrs
        assert got.datetime_start == want.datetime_start
        assert got.datetime_complete == want.datetime_complete
    assert stored[0].values == [1.5, -math.inf]
    steps = stored[0].intermediate_values
    assert steps[0] == math.inf and math.isnan(steps[3]) and steps[7] == -2.0
    assert type(stored[0].params["n"]) is int
    assert stored[3].intermediate_vectors == {2: (0.5, math.inf), 5: (-1.0, 3.0)}
    # Work continues after the copies: the WAITING copy is taken first, then numbering goes on.
    assert storage._pop_waiting_or_create_trial(study_id).number == 4
    assert storage._create_new_trial(study_id).number == 5


def test_later_trials_must_keep_the_copied_distributions(storage: BaseStorage) -> None:
    study_id = storage._create_study_with_trials("copy", DIRECTIONS, {}, {}, trials())
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(ValueError, match="Cannot use IntDistribution"):
        storage.set_trial_param(trial_id, "x", 1, IntDistribution(0, 3))


def test_an_existing_name_is_refused_and_nothing_changes(storage: BaseStorage) -> None:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "taken")
    with pytest.raises(DuplicatedStudyError, match="'taken' already exists"):
        storage._create_study_with_trials("taken", DIRECTIONS, {"a": 1}, {}, trials())
    assert [s.study_name for s in storage.get_all_studies()] == ["taken"]
    assert storage.get_all_trials(study_id) == []
    assert storage.get_study_user_attrs(study_id) == {}


def test_a_conflicting_trial_leaves_no_study(storage: BaseStorage) -> None:
    given = trials()
    given.append(
        record(
            TrialState.COMPLETE,
            [0.0, 0.0],
            params={"x": 1},
            distributions={"x": IntDistribution(0, 3)},
        )
    )
    with pytest.raises(ValueError, match="Cannot use IntDistribution"):
        storage._create_study_with_trials("copy", DIRECTIONS, {"a": 1}, {"b": 2}, given)
    assert storage.get_all_studies() == []


def test_copied_running_trials_get_a_first_heartbeat(tmp_path: Path) -> None:
    # With heartbeats on, a copied RUNNING trial can turn stale like any other.
    from hpo.storages import RDBStorage

    storage = RDBStorage(f"sqlite:///{tmp_path / 'beats.db'}", heartbeat_interval=60)
    study_id = storage._create_study_with_trials("copy", DIRECTIONS, {}, {}, trials())
    assert list(storage.get_heartbeat_times(study_id)) == [3]
