"""Tests of creating, loading, deleting, copying and listing studies."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.exceptions import DuplicatedStudyError
from hpo.samplers import RandomSampler
from hpo.storages import InMemoryStorage
from hpo.study import Study, StudyDirection, StudySummary
from hpo.trial import Trial, TrialState, create_trial

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


# -- create_study -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [MIN]),
        ({"direction": "minimize"}, [MIN]),
        ({"direction": "maximize"}, [MAX]),
        ({"direction": MAX}, [MAX]),
        ({"directions": ["minimize"]}, [MIN]),
        ({"directions": ["maximize", "minimize"]}, [MAX, MIN]),
        ({"directions": (MIN, "maximize", MAX)}, [MIN, MAX, MAX]),
    ],
)
def test_directions_parsing(kwargs: dict[str, Any], expected: list[StudyDirection]) -> None:
    study = hpo.create_study(**kwargs)
    assert study.directions == expected
    if len(expected) == 1:
        assert study.direction == expected[0]


def test_direction_of_multi_objective_raises() -> None:
    study = hpo.create_study(directions=["minimize", "maximize"])
    with pytest.raises(RuntimeError):
        _ = study.direction


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": "up"},
        {"direction": StudyDirection.NOT_SET},
        {"direction": 1},
        {"directions": ["minimize", "down"]},
        {"directions": "minimize"},
    ],
)
def test_bad_direction(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        hpo.create_study(**kwargs)


def test_bad_direction_is_named() -> None:
    with pytest.raises(ValueError, match="'up'"):
        hpo.create_study(direction="up")


def test_both_direction_and_directions() -> None:
    with pytest.raises(ValueError):
        hpo.create_study(direction="minimize", directions=["minimize"])


def test_empty_directions() -> None:
    with pytest.raises(ValueError):
        hpo.create_study(directions=[])


def test_bad_direction_does_not_create_a_study() -> None:
    storage = InMemoryStorage()
    with pytest.raises(ValueError):
        hpo.create_study(storage=storage, study_name="s", direction="sideways")
    assert hpo.get_all_study_names(storage) == []


def test_generated_names_are_unique() -> None:
    storage = InMemoryStorage()
    a = hpo.create_study(storage=storage)
    b = hpo.create_study(storage=storage)
    assert a.study_name != b.study_name
    assert sorted(hpo.get_all_study_names(storage)) == sorted([a.study_name, b.study_name])


def test_sampler_and_pruner_are_kept() -> None:
    sampler = RandomSampler(seed=1)
    pruner = hpo.pruners.NopPruner()
    study = hpo.create_study(sampler=sampler, pruner=pruner)
    assert study.sampler is sampler
    assert study.pruner is pruner


def test_duplicated_name_raises() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="s")
    with pytest.raises(DuplicatedStudyError):
        hpo.create_study(storage=storage, study_name="s")


def test_load_if_exists_opens_the_same_study() -> None:
    storage = InMemoryStorage()
    first = hpo.create_study(storage=storage, study_name="s", direction="maximize")
    first.optimize(lambda t: 1.0, n_trials=2)
    again = hpo.create_study(
        storage=storage, study_name="s", direction="maximize", load_if_exists=True
    )
    assert again.study_name == "s"
    assert again._study_id == first._study_id
    assert len(again.trials) == 2
    assert hpo.get_all_study_names(storage) == ["s"]


def test_load_if_exists_without_direction_keeps_stored_one() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="s", direction="maximize")
    again = hpo.create_study(storage=storage, study_name="s", load_if_exists=True)
    assert again.direction == MAX


def test_load_if_exists_creates_when_missing() -> None:
    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage, study_name="new", load_if_exists=True)
    assert study.study_name == "new"


@pytest.mark.parametrize(
    "kwargs",
    [{"direction": "maximize"}, {"directions": ["minimize", "minimize"]}],
)
def test_load_if_exists_with_other_directions_raises(kwargs: dict[str, Any]) -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="s", direction="minimize")
    with pytest.raises(ValueError, match="'s'"):
        hpo.create_study(storage=storage, study_name="s", load_if_exists=True, **kwargs)


def test_invalid_storage_type() -> None:
    with pytest.raises(TypeError):
        hpo.create_study(storage=42)  # type: ignore[arg-type]


# -- load_study -------------------------------------------------------------------------------


def test_load_study_sees_trials_and_attrs() -> None:
    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage, study_name="s", direction="maximize")
    study.set_user_attr("owner", "me")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    loaded = hpo.load_study(study_name="s", storage=storage)
    assert isinstance(loaded, Study)
    assert loaded.direction == MAX
    assert loaded.user_attrs == {"owner": "me"}
    assert [t.params for t in loaded.trials] == [t.params for t in study.trials]
    assert loaded.best_value == study.best_value


def test_load_study_with_sampler_and_pruner() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="s")
    sampler = RandomSampler(seed=3)
    loaded = hpo.load_study(study_name="s", storage=storage, sampler=sampler)
    assert loaded.sampler is sampler


def test_load_unknown_name_raises_key_error() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="s")
    with pytest.raises(KeyError, match="nope"):
        hpo.load_study(study_name="nope", storage=storage)


def test_load_none_name_with_one_study() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="only")
    assert hpo.load_study(study_name=None, storage=storage).study_name == "only"


@pytest.mark.parametrize("names", [[], ["a", "b"]])
def test_load_none_name_without_exactly_one_study(names: list[str]) -> None:
    storage = InMemoryStorage()
    for name in names:
        hpo.create_study(storage=storage, study_name=name)
    with pytest.raises(ValueError):
        hpo.load_study(study_name=None, storage=storage)


def test_study_constructor_with_unknown_name() -> None:
    with pytest.raises(KeyError):
        Study("missing", InMemoryStorage())


def test_two_study_objects_share_one_study() -> None:
    storage = InMemoryStorage()
    a = hpo.create_study(storage=storage, study_name="s")
    b = hpo.load_study(study_name="s", storage=storage)
    a.optimize(lambda t: 1.0, n_trials=1)
    b.optimize(lambda t: 2.0, n_trials=1)
    assert [t.number for t in a.trials] == [0, 1]
    assert [t.value for t in b.trials] == [1.0, 2.0]


# -- delete_study -----------------------------------------------------------------------------


def test_delete_study() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage, study_name="gone").optimize(lambda t: 1.0, n_trials=2)
    hpo.create_study(storage=storage, study_name="kept")
    hpo.delete_study(study_name="gone", storage=storage)
    assert hpo.get_all_study_names(storage) == ["kept"]
    with pytest.raises(KeyError):
        hpo.load_study(study_name="gone", storage=storage)
    # The name can be used again, for an empty study.
    assert hpo.create_study(storage=storage, study_name="gone").trials == []


def test_delete_unknown_study_raises_key_error() -> None:
    with pytest.raises(KeyError):
        hpo.delete_study(study_name="nope", storage=InMemoryStorage())


# -- copy_study -------------------------------------------------------------------------------


def _populated_study(storage: InMemoryStorage, name: str = "src") -> Study:
    study = hpo.create_study(
        storage=storage,
        study_name=name,
        directions=["minimize", "maximize"],
        sampler=RandomSampler(seed=0),
    )
    study.set_user_attr("owner", "me")
    study.set_system_attr("sys", [1, 2])

    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("double", 2 * x)
        if trial.number == 1:
            raise hpo.TrialPruned()
        return x, 1 - x

    study.optimize(objective, n_trials=3)
    study.tell(study.ask(), state=TrialState.FAIL)
    study.enqueue_trial({"x": 0.5})
    return study


def test_copy_study_to_another_storage() -> None:
    source_storage, target_storage = InMemoryStorage(), InMemoryStorage()
    source = _populated_study(source_storage)
    hpo.copy_study(from_study_name="src", from_storage=source_storage, to_storage=target_storage)
    copied = hpo.load_study(study_name="src", storage=target_storage)
    assert copied.directions == [MIN, MAX]
    assert copied.user_attrs == {"owner": "me"}
    assert copied.system_attrs["sys"] == [1, 2]
    original_trials, copied_trials = source.trials, copied.trials
    assert len(copied_trials) == len(original_trials) == 5
    for a, b in zip(original_trials, copied_trials):
        assert b.number == a.number
        assert b.state == a.state
        assert b.values == a.values
        assert b.params == a.params
        assert b.distributions == a.distributions
        assert b.user_attrs == a.user_attrs
        assert b.system_attrs == a.system_attrs
        assert b.intermediate_values == a.intermediate_values
        assert b.datetime_start == a.datetime_start
        assert b.datetime_complete == a.datetime_complete
    # The source is untouched.
    assert len(hpo.load_study(study_name="src", storage=source_storage).trials) == 5


def test_copy_study_keeps_running_trials_in_their_place() -> None:
    # add_trial refuses RUNNING trials, but a copy is a snapshot of a live study.
    source_storage, target_storage = InMemoryStorage(), InMemoryStorage()
    source = hpo.create_study(storage=source_storage, study_name="live")
    source.optimize(lambda t: 1.0, n_trials=1)
    running = source.ask()
    running.suggest_float("x", 0, 1)
    source.optimize(lambda t: 2.0, n_trials=1)
    hpo.copy_study(from_study_name="live", from_storage=source_storage, to_storage=target_storage)
    copied = hpo.load_study(study_name="live", storage=target_storage).trials
    assert [(t.number, t.state) for t in copied] == [
        (0, TrialState.COMPLETE),
        (1, TrialState.RUNNING),
        (2, TrialState.COMPLETE),
    ]
    assert copied[1].params == running.params


def test_copy_study_with_new_name_in_same_storage() -> None:
    storage = InMemoryStorage()
    source = _populated_study(storage)
    hpo.copy_study(
        from_study_name="src", from_storage=storage, to_storage=storage, to_study_name="dst"
    )
    assert sorted(hpo.get_all_study_names(storage)) == ["dst", "src"]
    copied = hpo.load_study(study_name="dst", storage=storage)
    assert len(copied.trials) == 5
    assert [t.number for t in copied.best_trials] == [t.number for t in source.best_trials]


def test_copy_study_to_existing_name_raises() -> None:
    source_storage, target_storage = InMemoryStorage(), InMemoryStorage()
    _populated_study(source_storage)
    hpo.create_study(storage=target_storage, study_name="src")
    with pytest.raises(DuplicatedStudyError):
        hpo.copy_study(
            from_study_name="src", from_storage=source_storage, to_storage=target_storage
        )
    # The existing study was not filled with the source's trials.
    assert hpo.load_study(study_name="src", storage=target_storage).trials == []


def test_copy_unknown_study_raises_key_error() -> None:
    with pytest.raises(KeyError):
        hpo.copy_study(
            from_study_name="nope", from_storage=InMemoryStorage(), to_storage=InMemoryStorage()
        )


# -- listing ----------------------------------------------------------------------------------


def test_get_all_study_names() -> None:
    storage = InMemoryStorage()
    assert hpo.get_all_study_names(storage) == []
    for name in ("a", "b", "c"):
        hpo.create_study(storage=storage, study_name=name)
    assert sorted(hpo.get_all_study_names(storage)) == ["a", "b", "c"]


def test_get_all_study_summaries() -> None:
    storage = InMemoryStorage()
    before = datetime.datetime.now(datetime.timezone.utc)
    single = hpo.create_study(
        storage=storage, study_name="single", direction="maximize", sampler=RandomSampler(0)
    )
    single.set_user_attr("k", "v")
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    hpo.create_study(storage=storage, study_name="empty")
    multi = hpo.create_study(storage=storage, study_name="multi", directions=["minimize"] * 2)
    multi.optimize(lambda t: (1.0, 2.0), n_trials=2)

    summaries = {s.study_name: s for s in hpo.get_all_study_summaries(storage)}
    assert set(summaries) == {"single", "empty", "multi"}
    assert all(isinstance(s, StudySummary) for s in summaries.values())

    s = summaries["single"]
    assert s.n_trials == 4
    assert s.direction == MAX
    assert s.user_attrs == {"k": "v"}
    assert s.best_trial is not None
    assert s.best_trial.number == single.best_trial.number
    assert s.best_trial.value == max(t.value for t in single.trials)
    first_start = single.trials[0].datetime_start
    assert s.datetime_start == first_start
    assert s.datetime_start is not None and s.datetime_start >= before

    e = summaries["empty"]
    assert (e.n_trials, e.best_trial, e.datetime_start) == (0, None, None)

    m = summaries["multi"]
    assert m.n_trials == 2
    assert m.directions == [MIN, MIN]
    assert m.best_trial is None
    with pytest.raises(RuntimeError):
        _ = m.direction


def test_get_all_study_summaries_without_best_trial() -> None:
    storage = InMemoryStorage()
    hpo.create_study(storage=storage).optimize(lambda t: 1.0, n_trials=1)
    (summary,) = hpo.get_all_study_summaries(storage, include_best_trial=False)
    assert summary.best_trial is None
    assert summary.n_trials == 1


def test_summary_best_trial_ignores_unfinished_trials() -> None:
    storage = InMemoryStorage()
    study = hpo.create_study(storage=storage)
    study.ask()
    study.add_trial(
        create_trial(value=3.0, params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)})
    )
    (summary,) = hpo.get_all_study_summaries(storage)
    assert summary.n_trials == 2
    assert summary.best_trial is not None and summary.best_trial.value == 3.0
