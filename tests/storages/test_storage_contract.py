"""The storage contract (hpo/storages/_base.py), run against every backend.

Each test receives ``storage`` (an empty storage) or ``storage_factory`` (opens more storage
objects on the same data, as separate processes would) from tests/storages/conftest.py.
"""

from __future__ import annotations

import datetime
import math
import threading

import pytest

import hpo
from hpo._study_direction import StudyDirection
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpo.storages import BaseStorage
from hpo.trial import FrozenTrial, TrialState, create_trial
from tests.storages.conftest import StorageFactory

MIN = [StudyDirection.MINIMIZE]
FLOAT = FloatDistribution(0.0, 10.0)
INT = IntDistribution(1, 9, step=2)
CAT = CategoricalDistribution([None, True, 1, 2.5, "a"])


def _new_running(storage: BaseStorage, study_id: int) -> int:
    return storage.create_new_trial(study_id)


# -- studies --------------------------------------------------------------------------------


def test_create_study_and_lookups(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "first")
    assert storage.get_study_id_from_name("first") == study_id
    assert storage.get_study_name_from_id(study_id) == "first"
    assert storage.get_study_directions(study_id) == MIN


def test_generated_study_names_are_unique(storage: BaseStorage) -> None:
    ids = [storage.create_new_study(MIN) for _ in range(3)]
    names = {storage.get_study_name_from_id(i) for i in ids}
    assert len(names) == 3


def test_duplicate_study_name_is_refused_and_leaves_one_study(storage: BaseStorage) -> None:
    storage.create_new_study(MIN, "dup")
    with pytest.raises(DuplicatedStudyError, match="dup"):
        storage.create_new_study([StudyDirection.MAXIMIZE], "dup")
    studies = storage.get_all_studies()
    assert [s.study_name for s in studies] == ["dup"]
    assert studies[0].directions == MIN


@pytest.mark.parametrize("name", ["it's", 'say "hi"', "ünïcødé-研究-🚀", "a;DROP TABLE x", " "])
def test_study_names_with_quotes_and_unicode(storage: BaseStorage, name: str) -> None:
    study_id = storage.create_new_study(MIN, name)
    assert storage.get_study_id_from_name(name) == study_id
    assert storage.get_study_name_from_id(study_id) == name


def test_unknown_study_raises_key_error(storage: BaseStorage) -> None:
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("missing")
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(12345)
    with pytest.raises(KeyError):
        storage.get_study_directions(12345)
    with pytest.raises(KeyError):
        storage.create_new_trial(12345)
    with pytest.raises(KeyError):
        storage.delete_study(12345)


def test_multi_objective_directions_round_trip(storage: BaseStorage) -> None:
    directions = [StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]
    study_id = storage.create_new_study(directions, "mo")
    assert storage.get_study_directions(study_id) == directions
    assert storage.get_all_studies()[0].directions == directions


def test_study_attributes(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "attrs")
    value = {"nested": [1, 2.5, "x", None, True], "n": 3}
    storage.set_study_user_attr(study_id, "u", value)
    storage.set_study_user_attr(study_id, "u2", "text")
    storage.set_study_system_attr(study_id, "s", [1, 2])
    storage.set_study_user_attr(study_id, "u2", "overwritten")
    assert storage.get_study_user_attrs(study_id) == {"u": value, "u2": "overwritten"}
    assert storage.get_study_system_attrs(study_id) == {"s": [1, 2]}
    frozen = storage.get_all_studies()[0]
    assert frozen.user_attrs == {"u": value, "u2": "overwritten"}
    assert frozen.system_attrs == {"s": [1, 2]}
    # What a reader gets is a copy, down to nested lists and dicts: changing it changes
    # nothing stored.
    read = storage.get_study_user_attrs(study_id)
    read["u"]["nested"].append("changed")
    read["u"]["n"] = 4
    storage.get_study_system_attrs(study_id)["s"].append(3)
    frozen.user_attrs["u"]["nested"].clear()
    assert storage.get_study_user_attrs(study_id)["u"] == {
        "nested": [1, 2.5, "x", None, True],
        "n": 3,
    }
    assert storage.get_study_system_attrs(study_id) == {"s": [1, 2]}


def test_delete_study_removes_it_and_its_trials(storage: BaseStorage) -> None:
    keep = storage.create_new_study(MIN, "keep")
    gone = storage.create_new_study(MIN, "gone")
    storage.create_new_trial(keep)
    doomed_trial = storage.create_new_trial(gone)
    storage.delete_study(gone)
    assert [s.study_name for s in storage.get_all_studies()] == ["keep"]
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("gone")
    with pytest.raises(KeyError):
        storage.get_trial(doomed_trial)
    assert len(storage.get_all_trials(keep)) == 1
    # The name is free again.
    storage.create_new_study(MIN, "gone")


# -- trials ---------------------------------------------------------------------------------


def test_new_trials_are_numbered_and_running(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "numbers")
    other = storage.create_new_study(MIN, "other")
    ids = [storage.create_new_trial(study_id) for _ in range(5)]
    storage.create_new_trial(other)
    trials = storage.get_all_trials(study_id)
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert [t._trial_id for t in trials] == ids
    assert storage.get_all_trials(other)[0].number == 0
    for trial_id, number in zip(ids, range(5)):
        assert storage.get_trial_number_from_id(trial_id) == number
        assert storage.get_trial_id_from_study_id_trial_number(study_id, number) == trial_id
    first = trials[0]
    assert first.state == TrialState.RUNNING
    assert first.datetime_start is not None
    assert first.datetime_start.tzinfo is not None
    assert first.datetime_complete is None
    assert first.values is None


def test_unknown_trial_raises_key_error(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "s")
    with pytest.raises(KeyError):
        storage.get_trial(999999)
    with pytest.raises(KeyError):
        storage.get_trial_id_from_study_id_trial_number(study_id, 0)


def test_params_round_trip_in_external_representation(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "params")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_param(trial_id, "f", 2.5, FLOAT)
    storage.set_trial_param(trial_id, "i", 5.0, INT)
    for index in range(len(CAT.choices)):
        storage.set_trial_param(trial_id, f"c{index}", float(index), CAT)
    trial = storage.get_trial(trial_id)
    assert trial.params["f"] == 2.5
    assert trial.params["i"] == 5 and isinstance(trial.params["i"], int)
    for index, choice in enumerate(CAT.choices):
        assert trial.params[f"c{index}"] == choice
        assert type(trial.params[f"c{index}"]) is type(choice)
    assert trial.distributions == {"f": FLOAT, "i": INT, **{f"c{i}": CAT for i in range(5)}}
    assert storage.get_trial_param(trial_id, "i") == 5.0
    assert storage.get_trial_params(trial_id)["f"] == 2.5


def test_incompatible_distribution_across_trials_is_refused(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "compat")
    first = _new_running(storage, study_id)
    storage.set_trial_param(first, "x", 1.0, FLOAT)
    second = _new_running(storage, study_id)
    # Another range on the same scale is fine.
    storage.set_trial_param(second, "x", 1.0, FloatDistribution(0.0, 2.0))
    third = _new_running(storage, study_id)
    with pytest.raises(ValueError):
        storage.set_trial_param(third, "x", 0.0, CategoricalDistribution(["a"]))
    with pytest.raises(ValueError):
        storage.set_trial_param(third, "x", 1.0, FloatDistribution(0.5, 10.0, log=True))
    assert "x" not in storage.get_trial(third).params


def test_finish_trial_records_values_and_time(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "finish")
    trial_id = _new_running(storage, study_id)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5])
    trial = storage.get_trial(trial_id)
    assert trial.state == TrialState.COMPLETE
    assert trial.values == [1.5]
    assert trial.datetime_complete is not None
    assert trial.datetime_complete.tzinfo is not None
    assert trial.datetime_start is not None
    assert trial.datetime_complete >= trial.datetime_start
    assert trial.datetime_complete <= datetime.datetime.now(datetime.timezone.utc)


@pytest.mark.parametrize("value", [math.inf, -math.inf, 0.0, -0.0, 1e-300, 1.7976931348623157e308])
def test_objective_values_are_kept_exactly(storage: BaseStorage, value: float) -> None:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE] * 2, "exact")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value, 0.1])
    assert storage.get_trial(trial_id).values == [value, 0.1]


def test_intermediate_values_keep_inf_and_nan(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "intermediate")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_intermediate_value(trial_id, 0, 1.0)
    storage.set_trial_intermediate_value(trial_id, 3, math.inf)
    storage.set_trial_intermediate_value(trial_id, 5, -math.inf)
    storage.set_trial_intermediate_value(trial_id, 7, math.nan)
    storage.set_trial_intermediate_value(trial_id, 0, 2.0)  # overwrite
    values = storage.get_trial(trial_id).intermediate_values
    assert sorted(values) == [0, 3, 5, 7]
    assert values[0] == 2.0
    assert values[3] == math.inf
    assert values[5] == -math.inf
    assert math.isnan(values[7])


MIN_MAX = [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]


def test_intermediate_vectors_round_trip(storage_factory: StorageFactory) -> None:
    storage = storage_factory()
    study_id = storage.create_new_study(MIN_MAX, "vectors")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_intermediate_vector(trial_id, 4, [math.nan, -math.inf])
    storage.set_trial_intermediate_vector(trial_id, 0, [0.1, 7.0])
    storage.set_trial_intermediate_vector(trial_id, 2, [math.inf, 1e-300])
    storage.set_trial_intermediate_vector(trial_id, 0, [0.25, 8.0])  # overwrite
    running = storage.get_trial(trial_id)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.5, 9.0])
    for trial in (running, storage.get_trial(trial_id), storage_factory().get_trial(trial_id)):
        vectors = trial.intermediate_vectors
        assert list(vectors) == [0, 2, 4]  # in step order, whatever the order of reports
        assert vectors[0] == (0.25, 8.0)
        assert vectors[2] == (math.inf, 1e-300)
        assert math.isnan(vectors[4][0]) and vectors[4][1] == -math.inf
        assert trial.intermediate_values == {}
        assert trial.last_step == 4


def test_intermediate_vectors_refuse_a_wrong_length_and_finished_trials(
    storage: BaseStorage,
) -> None:
    study_id = storage.create_new_study(MIN_MAX, "vector-refusals")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_intermediate_vector(trial_id, 0, [1.0, 2.0])
    with pytest.raises(ValueError, match="2 objectives"):
        storage.set_trial_intermediate_vector(trial_id, 1, [1.0, 2.0, 3.0])
    storage.set_trial_state_values(trial_id, TrialState.PRUNED)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_intermediate_vector(trial_id, 2, [1.0, 2.0])
    assert storage.get_trial(trial_id).intermediate_vectors == {0: (1.0, 2.0)}


def test_template_intermediate_vectors_are_copied(storage_factory: StorageFactory) -> None:
    storage = storage_factory()
    study_id = storage.create_new_study(MIN_MAX, "vector-template")
    template = create_trial(
        values=[1.0, 2.0], intermediate_vectors={3: [math.inf, 0.5], 1: (0.0, math.nan)}
    )
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    vectors = storage_factory().get_trial(trial_id).intermediate_vectors
    assert list(vectors) == [1, 3]
    assert vectors[3] == (math.inf, 0.5)
    assert vectors[1][0] == 0.0 and math.isnan(vectors[1][1])


def test_trial_attributes(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "trial-attrs")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_user_attr(trial_id, "u", {"a": [1, 2]})
    storage.set_trial_system_attr(trial_id, "s", "x")
    storage.set_trial_user_attr(trial_id, "u", {"a": [3]})
    assert storage.get_trial_user_attrs(trial_id) == {"u": {"a": [3]}}
    assert storage.get_trial_system_attrs(trial_id) == {"s": "x"}


def test_finished_trials_cannot_change(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "immutable")
    trial_id = _new_running(storage, study_id)
    storage.set_trial_param(trial_id, "x", 1.0, FLOAT)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    before = storage.get_trial(trial_id)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_param(trial_id, "y", 1.0, FLOAT)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_intermediate_value(trial_id, 0, 1.0)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_user_attr(trial_id, "k", 1)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_system_attr(trial_id, "k", 1)
    assert storage.get_trial(trial_id) == before


def test_running_to_running_returns_false(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "running")
    trial_id = _new_running(storage, study_id)
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is False
    assert storage.get_trial(trial_id).state == TrialState.RUNNING


def test_template_trial_is_copied(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "template")
    template = create_trial(
        value=math.inf,
        params={"f": 2.5, "i": 3, "c": "a"},
        distributions={"f": FLOAT, "i": INT, "c": CAT},
        user_attrs={"u": [1]},
        system_attrs={"s": {"k": "v"}},
        intermediate_values={0: 1.0, 1: -math.inf},
    )
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    trial = storage.get_trial(trial_id)
    assert trial.number == 0
    assert trial.state == TrialState.COMPLETE
    assert trial.values == [math.inf]
    assert trial.params == {"f": 2.5, "i": 3, "c": "a"}
    assert trial.distributions == {"f": FLOAT, "i": INT, "c": CAT}
    assert trial.user_attrs == {"u": [1]}
    assert trial.system_attrs == {"s": {"k": "v"}}
    assert trial.intermediate_values == {0: 1.0, 1: -math.inf}
    assert trial.datetime_start is not None and trial.datetime_complete is not None


def test_waiting_trials_are_popped_once_in_number_order(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "queue")
    waiting = create_trial(state=TrialState.WAITING, system_attrs={"fixed_params": {"x": 1}})
    first = storage.create_new_trial(study_id, template_trial=waiting)
    storage.create_new_trial(study_id)  # a running trial in between
    third = storage.create_new_trial(study_id, template_trial=waiting)
    assert storage.get_trial(first).datetime_start is None
    popped = storage._pop_waiting_trial(study_id)
    assert popped is not None and popped._trial_id == first
    assert popped.state == TrialState.RUNNING
    assert popped.datetime_start is not None
    assert popped.system_attrs == {"fixed_params": {"x": 1}}
    popped_again = storage._pop_waiting_trial(study_id)
    assert popped_again is not None and popped_again._trial_id == third
    assert storage._pop_waiting_trial(study_id) is None
    assert storage.get_n_trials(study_id, TrialState.WAITING) == 0


def test_waiting_to_running_succeeds_once(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "once")
    trial_id = storage.create_new_trial(
        study_id, template_trial=create_trial(state=TrialState.WAITING)
    )
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is True
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is False


def test_get_all_trials_filters_and_copies(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "filter")
    states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING]
    for state in states:
        trial_id = storage.create_new_trial(study_id)
        if state == TrialState.COMPLETE:
            storage.set_trial_state_values(trial_id, state, [1.0])
        elif state != TrialState.RUNNING:
            storage.set_trial_state_values(trial_id, state)
    assert [t.state for t in storage.get_all_trials(study_id)] == states
    finished = storage.get_all_trials(study_id, states=(TrialState.COMPLETE, TrialState.FAIL))
    assert [t.number for t in finished] == [0, 2]
    assert storage.get_n_trials(study_id) == 4
    assert storage.get_n_trials(study_id, TrialState.PRUNED) == 1
    assert storage.get_n_trials(study_id, (TrialState.RUNNING, TrialState.FAIL)) == 2
    copy = storage.get_all_trials(study_id, deepcopy=True)[0]
    copy.user_attrs["mutated"] = True
    copy.params["p"] = 1
    fresh = storage.get_all_trials(study_id)[0]
    assert fresh.user_attrs == {} and fresh.params == {}


def test_trial_state_counts(storage_factory: StorageFactory) -> None:
    storage = storage_factory()
    study_id = storage.create_new_study(MIN, "counts")
    assert storage.get_trial_state_counts(study_id) == {}
    for state in [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL, TrialState.RUNNING]:
        trial_id = storage.create_new_trial(study_id)
        if state != TrialState.RUNNING:
            values = [1.0] if state == TrialState.COMPLETE else None
            storage.set_trial_state_values(trial_id, state, values)
    expected = {TrialState.COMPLETE: 2, TrialState.FAIL: 1, TrialState.RUNNING: 1}
    assert storage.get_trial_state_counts(study_id) == expected
    # Another storage object (another process) sees the counts change.
    other = storage_factory()
    running = other.get_all_trials(study_id, states=(TrialState.RUNNING,))[0]
    other.set_trial_state_values(running._trial_id, TrialState.PRUNED)
    assert storage.get_trial_state_counts(study_id) == {
        TrialState.COMPLETE: 2,
        TrialState.FAIL: 1,
        TrialState.PRUNED: 1,
    }
    with pytest.raises(KeyError):
        storage.get_trial_state_counts(study_id + 1000)


def test_trials_by_number_range(storage_factory: StorageFactory) -> None:
    storage = storage_factory()
    study_id = storage.create_new_study(MIN, "range")
    ids = [storage.create_new_trial(study_id) for _ in range(6)]
    for trial_id in ids[:4]:
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(trial_id)])
    assert [t.number for t in storage.get_trials_by_number_range(study_id, 0, 2)] == [0, 1]
    assert [t.number for t in storage.get_trials_by_number_range(study_id, 3, 100)] == [3, 4, 5]
    assert storage.get_trials_by_number_range(study_id, 10, 20) == []
    assert storage.get_trials_by_number_range(study_id, 4, 2) == []
    # A trial finished by another process after it was read comes back finished.
    storage_factory().set_trial_state_values(ids[4], TrialState.COMPLETE, [7.0])
    fresh = storage.get_trials_by_number_range(study_id, 4, 6)
    assert [(t.state, t.values) for t in fresh] == [
        (TrialState.COMPLETE, [7.0]),
        (TrialState.RUNNING, None),
    ]
    # Reading in pieces and then the whole study gives the same trials.
    assert [t.number for t in storage.get_all_trials(study_id)] == list(range(6))
    for start, stop in [(-1, 2), (0, 1.5), (True, 2)]:
        with pytest.raises(ValueError, match="non-negative integer"):
            storage.get_trials_by_number_range(study_id, start, stop)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        storage.get_trials_by_number_range(study_id + 1000, 0, 5)


@pytest.mark.parametrize("direction", [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE])
def test_best_trial(storage: BaseStorage, direction: StudyDirection) -> None:
    study_id = storage.create_new_study([direction], "best")
    with pytest.raises(ValueError):
        storage.get_best_trial(study_id)
    for value in [3.0, -1.0, 7.0, 2.0]:
        storage.set_trial_state_values(
            storage.create_new_trial(study_id), TrialState.COMPLETE, [value]
        )
    failed = storage.create_new_trial(study_id)
    storage.set_trial_state_values(failed, TrialState.FAIL)
    best = storage.get_best_trial(study_id)
    assert best.value == (-1.0 if direction == StudyDirection.MINIMIZE else 7.0)


def _best_numbers_after_each_tell(
    storage: BaseStorage, direction: str, steps: list[tuple[int, float | None, str]]
) -> list[int | None]:
    """Ask six trials, then finish them as ``steps`` say (trial number, value, how); return
    the best trial's number after each step (``None`` while there is none)."""
    study = hpo.create_study(storage=storage, direction=direction, study_name="ties")
    trials = [study.ask() for _ in range(6)]
    seen: list[int | None] = []
    for number, value, how in steps:
        trial = trials[number]
        if how == "infeasible":
            trial.set_system_attr("constraints", [0.5, -1.0])
        elif how == "feasible":
            trial.set_system_attr("constraints", [0.0, -1.0])
        if how == "pruned":
            assert value is not None
            trial.report(value, 0)  # a PRUNED trial keeps its last value: never the best
            study.tell(trial, state=TrialState.PRUNED)
        elif how == "fail":
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, value)
        try:
            best = storage.get_best_trial(study._study_id)
        except ValueError:
            seen.append(None)
            continue
        assert study.best_trial.number == best.number
        seen.append(best.number)
    return seen


@pytest.mark.parametrize(
    ("direction", "steps", "expected"),
    [
        (
            "minimize",
            # trials finish out of number order; ties go to the lower number
            [
                (1, 1.0, ""),
                (0, 1.0, ""),
                (5, -7.0, "pruned"),
                (3, -math.inf, ""),
                (2, -math.inf, ""),
                (4, math.inf, ""),
            ],
            [1, 0, 0, 3, 2, 2],
        ),
        (
            "maximize",
            [
                (2, math.inf, ""),
                (1, 5.0, ""),
                (3, 9.0, "fail"),
                (0, math.inf, ""),
                (4, -math.inf, ""),
                (5, math.inf, ""),
            ],
            [2, 2, 2, 0, 0, 0],
        ),
        (
            "minimize",
            # an infeasible trial is never the best, however good its value
            [
                (4, -10.0, "infeasible"),
                (3, 3.0, "feasible"),
                (2, 3.0, ""),
                (1, -math.inf, "infeasible"),
                (0, 3.0, "feasible"),
            ],
            [None, 3, 2, 2, 0],
        ),
    ],
)
def test_best_trial_rule_is_the_same_on_every_backend(
    storage_factory: StorageFactory,
    direction: str,
    steps: list[tuple[int, float | None, str]],
    expected: list[int | None],
) -> None:
    storage = storage_factory()
    assert _best_numbers_after_each_tell(storage, direction, steps) == expected
    # A storage object that read nothing yet agrees.
    study_id = storage.get_study_id_from_name("ties")
    assert storage_factory().get_best_trial(study_id).number == expected[-1]


def test_best_trial_refused_for_multi_objective(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN * 2, "mo-best")
    storage.set_trial_state_values(storage.create_new_trial(study_id), TrialState.COMPLETE, [1, 2])
    with pytest.raises(ValueError):
        storage.get_best_trial(study_id)


def test_second_storage_object_sees_every_change(storage_factory: StorageFactory) -> None:
    writer = storage_factory()
    study_id = writer.create_new_study(MIN, "shared")
    first = writer.create_new_trial(study_id)
    reader = storage_factory()
    reader_study_id = reader.get_study_id_from_name("shared")
    # The reader first sees (and may cache) the trial while it is running...
    assert reader.get_all_trials(reader_study_id)[0].state == TrialState.RUNNING
    writer.set_trial_param(first, "x", 3.0, FLOAT)
    writer.set_trial_intermediate_value(first, 1, 0.5)
    writer.set_trial_user_attr(first, "u", "v")
    writer.set_trial_state_values(first, TrialState.COMPLETE, [9.0])
    second = writer.create_new_trial(study_id)
    # ...and then sees its final state and the new trial.
    trials = reader.get_all_trials(reader_study_id)
    assert [t.number for t in trials] == [0, 1]
    assert trials[0].state == TrialState.COMPLETE
    assert trials[0].values == [9.0]
    assert trials[0].params == {"x": 3.0}
    assert trials[0].intermediate_values == {1: 0.5}
    assert trials[0].user_attrs == {"u": "v"}
    assert trials[1]._trial_id == second
    assert reader.get_best_trial(reader_study_id).number == 0
    # The reader writes too, and the writer sees it.
    reader.set_trial_state_values(second, TrialState.PRUNED)
    assert writer.get_trial(second).state == TrialState.PRUNED
    writer.delete_study(study_id)
    with pytest.raises(KeyError):
        reader.get_study_id_from_name("shared")


def test_trial_numbers_unique_under_threads(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "threads")
    created: list[int] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        for _ in range(n):
            trial_id = storage.create_new_trial(study_id)
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
            with lock:
                created.append(trial_id)

    threads = [threading.Thread(target=create, args=(25,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    trials = storage.get_all_trials(study_id)
    assert sorted(t.number for t in trials) == list(range(100))
    assert sorted(t._trial_id for t in trials) == sorted(created)


def test_returned_records_are_frozen_trials(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "types")
    trial_id = storage.create_new_trial(study_id)
    record = storage._create_new_trial(study_id)
    assert isinstance(storage.get_trial(trial_id), FrozenTrial)
    assert isinstance(record, FrozenTrial)
    assert record.number == 1
    assert record.state == TrialState.RUNNING
