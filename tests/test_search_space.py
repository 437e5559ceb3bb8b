import pytest

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.samplers import RandomSampler
from hpo.search_space import (
    IntersectionSearchSpace,
    _GroupDecomposedSearchSpace,
    _SearchSpaceGroup,
    intersection_search_space,
)
from hpo.trial import TrialState, create_trial

X = FloatDistribution(0.0, 1.0)
Y = IntDistribution(0, 10)
C = CategoricalDistribution(["a", "b"])


def _study() -> hpo.Study:
    return hpo.create_study(sampler=RandomSampler(seed=0))


def _add(study: hpo.Study, state: TrialState = TrialState.COMPLETE, **params: object) -> None:
    distributions = {"x": X, "y": Y, "c": C, "x_other": FloatDistribution(0.0, 2.0)}
    study.add_trial(
        create_trial(
            state=state,
            value=0.0 if state == TrialState.COMPLETE else None,
            params=params,
            distributions={name: distributions[name] for name in params},
        )
    )


def test_intersection_keeps_parameters_every_complete_trial_has() -> None:
    study = _study()
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {}
    _add(study, x=0.5, y=3, c="a")
    assert space.calculate(study) == {"c": C, "x": X, "y": Y}
    _add(study, x=0.1, c="b")
    assert space.calculate(study) == {"c": C, "x": X}
    assert list(space.calculate(study)) == ["c", "x"]  # sorted by name


def test_intersection_drops_a_parameter_whose_distribution_changed() -> None:
    study = _study()
    space = IntersectionSearchSpace()
    _add(study, x=0.5, y=1)
    study.add_trial(
        create_trial(
            params={"x": 0.5, "y": 1},
            distributions={"x": FloatDistribution(0.0, 2.0), "y": Y},
            value=1.0,
        )
    )
    assert space.calculate(study) == {"y": Y}


def test_pruned_trials_count_only_when_asked() -> None:
    study = _study()
    _add(study, x=0.5, y=1)
    _add(study, TrialState.PRUNED, x=0.5)
    _add(study, TrialState.FAIL)
    assert IntersectionSearchSpace().calculate(study) == {"x": X, "y": Y}
    assert IntersectionSearchSpace(include_pruned=True).calculate(study) == {"x": X}


def test_trials_finishing_out_of_order_are_each_counted_once() -> None:
    study = _study()
    space = IntersectionSearchSpace()
    first = study.ask()
    first.suggest_float("x", 0.0, 1.0)
    second = study.ask()
    second.suggest_float("x", 0.0, 1.0)
    second.suggest_int("y", 0, 10)
    study.tell(second, 1.0)
    # The first trial is still running, so the cursor cannot pass it yet.
    assert space.calculate(study) == {"x": X, "y": Y}
    assert space.calculate(study) == {"x": X, "y": Y}
    study.tell(first, 2.0)
    assert space.calculate(study) == {"x": X}
    _add(study, x=0.3, y=2)
    assert space.calculate(study) == {"x": X}


def test_a_new_study_starts_over() -> None:
    space = IntersectionSearchSpace()
    study_a, study_b = _study(), _study()
    _add(study_a, x=0.5)
    _add(study_b, y=2)
    assert space.calculate(study_a) == {"x": X}
    assert space.calculate(study_b) == {"y": Y}


def test_intersection_search_space_function() -> None:
    trials = [
        create_trial(params={"x": 0.5, "y": 1}, distributions={"x": X, "y": Y}, value=0.0),
        create_trial(params={"y": 2}, distributions={"y": Y}, value=0.0),
        create_trial(state=TrialState.RUNNING),
    ]
    assert intersection_search_space(trials) == {"y": Y}
    assert intersection_search_space([]) == {}
    pruned = create_trial(state=TrialState.PRUNED, params={"x": 0.5}, distributions={"x": X})
    assert intersection_search_space([trials[0], pruned]) == {"x": X, "y": Y}
    assert intersection_search_space([trials[0], pruned], include_pruned=True) == {"x": X}


def test_search_space_group_refines_into_parameters_that_appear_together() -> None:
    group = _SearchSpaceGroup()
    group.add_distributions({"c": C, "x": X, "y": Y})
    assert [sorted(s) for s in group.search_spaces] == [["c", "x", "y"]]
    group.add_distributions({"c": C, "x": X})
    assert [sorted(s) for s in group.search_spaces] == [["c", "x"], ["y"]]
    group.add_distributions({"c": C, "x_other": X})
    assert [sorted(s) for s in group.search_spaces] == [["c"], ["x"], ["x_other"], ["y"]]
    group.add_distributions({})
    assert len(group.search_spaces) == 4


def test_group_decomposition_of_a_conditional_objective() -> None:
    def objective(trial: hpo.Trial) -> float:
        branch = trial.suggest_categorical("c", ["a", "b"])
        if branch == "a":
            return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_int("y", 0, 10)
        return trial.suggest_float("x_other", 0.0, 2.0)

    study = _study()
    study.enqueue_trial({"c": "a"})
    study.enqueue_trial({"c": "b"})
    study.optimize(objective, n_trials=10)
    groups = _GroupDecomposedSearchSpace().calculate(study).search_spaces
    assert groups == [{"c": C}, {"x": X, "y": Y}, {"x_other": FloatDistribution(0.0, 2.0)}]


def test_group_decomposition_is_incremental_and_skips_unfinished_trials() -> None:
    study = _study()
    space = _GroupDecomposedSearchSpace()
    _add(study, x=0.5, y=1)
    running = study.ask()
    running.suggest_float("x_other", 0.0, 2.0)
    assert [sorted(s) for s in space.calculate(study).search_spaces] == [["x", "y"]]
    _add(study, x=0.5)
    assert [sorted(s) for s in space.calculate(study).search_spaces] == [["x"], ["y"]]
    _add(study, TrialState.PRUNED, y=1)
    assert [sorted(s) for s in space.calculate(study).search_spaces] == [["x"], ["y"]]
    with_pruned = _GroupDecomposedSearchSpace(include_pruned=True).calculate(study)
    assert [sorted(s) for s in with_pruned.search_spaces] == [["x"], ["y"]]


@pytest.mark.parametrize("include_pruned", [False, True])
def test_empty_study(include_pruned: bool) -> None:
    study = _study()
    assert IntersectionSearchSpace(include_pruned).calculate(study) == {}
    groups = _GroupDecomposedSearchSpace(include_pruned).calculate(study)
    assert groups.search_spaces == []
