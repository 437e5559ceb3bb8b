"""Tests of FrozenTrial: values, derived fields, ordering, copies, validation, suggest."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.trial import FrozenTrial, TrialState

START = datetime.datetime(2024, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
END = START + datetime.timedelta(seconds=90)


def _frozen(**overrides: Any) -> FrozenTrial:
    fields: dict[str, Any] = {
        "number": 0,
        "state": TrialState.COMPLETE,
        "value": 1.0,
        "datetime_start": START,
        "datetime_complete": END,
        "params": {"x": 0.5, "n": 3, "c": "b"},
        "distributions": {
            "x": FloatDistribution(0.0, 1.0),
            "n": IntDistribution(0, 10),
            "c": CategoricalDistribution(["a", "b"]),
        },
        "user_attrs": {"tags": ["a"]},
        "system_attrs": {"nested": {"k": [1, 2]}},
        "intermediate_values": {0: 3.0, 4: 2.0},
        "trial_id": 7,
    }
    values = overrides.pop("values", None)
    fields.update(overrides)
    if values is not None:
        fields["value"] = None
    return FrozenTrial(**fields, values=values)


class TestValues:
    def test_single_value(self) -> None:
        t = _frozen(value=2.5)
        assert t.value == 2.5
        assert t.values == [2.5]

    def test_no_value(self) -> None:
        t = _frozen(state=TrialState.RUNNING, value=None, datetime_complete=None)
        assert t.value is None
        assert t.values is None

    def test_multi_objective_value_raises(self) -> None:
        t = _frozen(values=[1.0, 2.0])
        assert t.values == [1.0, 2.0]
        with pytest.raises(RuntimeError):
            _ = t.value

    def test_one_element_values(self) -> None:
        t = _frozen(values=[4.0])
        assert t.value == 4.0

    def test_value_and_values_together(self) -> None:
        with pytest.raises(ValueError):
            FrozenTrial(
                0, TrialState.COMPLETE, 1.0, START, END, {}, {}, {}, {}, {}, 0, values=[1.0]
            )

    def test_set_value(self) -> None:
        t = _frozen()
        t.value = 3.0
        assert t.values == [3.0]
        t.value = None
        assert t.values is None

    def test_set_values(self) -> None:
        t = _frozen()
        t.values = (1.0, 2.0)
        assert t.values == [1.0, 2.0]
        with pytest.raises(RuntimeError):
            _ = t.value

    def test_setting_value_on_multi_objective_raises(self) -> None:
        t = _frozen(values=[1.0, 2.0])
        with pytest.raises(RuntimeError):
            t.value = 1.0
        assert t.values == [1.0, 2.0]

    def test_values_given_as_tuple_become_list(self) -> None:
        t = _frozen(values=(1.0, 2.0))
        assert t.values == [1.0, 2.0]


class TestDerived:
    def test_duration(self) -> None:
        assert _frozen().duration == datetime.timedelta(seconds=90)

    def test_duration_none_while_running(self) -> None:
        t = _frozen(state=TrialState.RUNNING, value=None, datetime_complete=None)
        assert t.duration is None

    def test_duration_none_without_start(self) -> None:
        t = _frozen(state=TrialState.WAITING, value=None, datetime_start=None)
        assert t.duration is None

    def test_last_step(self) -> None:
        assert _frozen(intermediate_values={0: 1.0, 10: 2.0, 3: 5.0}).last_step == 10

    def test_last_step_none(self) -> None:
        assert _frozen(intermediate_values={}).last_step is None

    def test_fields(self) -> None:
        t = _frozen()
        assert t.number == 0
        assert t.state == TrialState.COMPLETE
        assert t.datetime_start == START and t.datetime_complete == END
        assert t.params == {"x": 0.5, "n": 3, "c": "b"}
        assert t.user_attrs == {"tags": ["a"]}
        assert t.system_attrs == {"nested": {"k": [1, 2]}}
        assert t.intermediate_values == {0: 3.0, 4: 2.0}
        assert t._trial_id == 7


class TestEqualityAndOrdering:
    def test_equal_records(self) -> None:
        assert _frozen() == _frozen()

    @pytest.mark.parametrize(
        "change",
        [
            {"number": 1},
            {"state": TrialState.PRUNED},
            {"value": 2.0},
            {"datetime_complete": END + datetime.timedelta(seconds=1)},
            {"params": {"x": 0.6, "n": 3, "c": "b"}},
            {"user_attrs": {}},
            {"system_attrs": {}},
            {"intermediate_values": {}},
            {"trial_id": 8},
        ],
    )
    def test_any_field_difference(self, change: dict[str, Any]) -> None:
        assert _frozen() != _frozen(**change)

    def test_not_equal_to_other_types(self) -> None:
        assert _frozen() != "trial"

    def test_ordering_by_number(self) -> None:
        trials = [_frozen(number=n) for n in (3, 0, 2, 1)]
        assert [t.number for t in sorted(trials)] == [0, 1, 2, 3]
        assert _frozen(number=0) < _frozen(number=1)
        assert _frozen(number=1) <= _frozen(number=1)
        assert not _frozen(number=2) < _frozen(number=1)

    def test_unhashable(self) -> None:
        with pytest.raises(TypeError):
            hash(_frozen())

    def test_repr_mentions_number_and_state(self) -> None:
        text = repr(_frozen(number=5))
        assert "number=5" in text and "COMPLETE" in text


class TestCopies:
    def test_deepcopy_equal_and_independent(self) -> None:
        original = _frozen()
        clone = copy.deepcopy(original)
        assert clone == original and clone is not original
        clone.params["x"] = 0.9
        clone.user_attrs["tags"].append("b")
        clone.system_attrs["nested"]["k"].append(3)
        clone.intermediate_values[9] = 0.0
        clone.values = [5.0]
        clone.distributions.clear()
        assert original == _frozen()

    def test_copy_equal_and_values_independent(self) -> None:
        original = _frozen()
        clone = copy.copy(original)
        assert clone == original and clone is not original
        clone.values = [9.0]
        clone.state = TrialState.FAIL
        assert original.values == [1.0]
        assert original.state == TrialState.COMPLETE

    def test_private_copy(self) -> None:
        original = _frozen()
        deep = original._copy(deep=True)
        deep.system_attrs["nested"]["k"].clear()
        assert original.system_attrs == {"nested": {"k": [1, 2]}}
        shallow = original._copy(deep=False)
        assert shallow == original
        shallow.params["x"] = 0.1
        shallow.intermediate_values[0] = -1.0
        assert original.params["x"] == 0.5
        assert original.intermediate_values[0] == 3.0


class TestValidate:
    def test_valid_complete(self) -> None:
        _frozen()._validate()

    def test_valid_running_and_waiting(self) -> None:
        _frozen(state=TrialState.RUNNING, value=None, datetime_complete=None)._validate()
        _frozen(
            state=TrialState.WAITING, value=None, datetime_start=None, datetime_complete=None
        )._validate()

    def test_valid_pruned_with_and_without_value(self) -> None:
        _frozen(state=TrialState.PRUNED, value=None)._validate()
        _frozen(state=TrialState.PRUNED, value=3.0)._validate()

    def test_missing_start(self) -> None:
        with pytest.raises(ValueError, match="datetime_start"):
            _frozen(datetime_start=None)._validate()

    @pytest.mark.parametrize("state", [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL])
    def test_finished_without_complete_time(self, state: TrialState) -> None:
        with pytest.raises(ValueError, match="datetime_complete"):
            _frozen(state=state, datetime_complete=None)._validate()

    def test_unfinished_with_complete_time(self) -> None:
        with pytest.raises(ValueError, match="datetime_complete"):
            _frozen(state=TrialState.RUNNING, value=None)._validate()

    def test_complete_without_value(self) -> None:
        with pytest.raises(ValueError, match="COMPLETE"):
            _frozen(value=None)._validate()

    def test_complete_with_nan(self) -> None:
        with pytest.raises(ValueError, match="NaN"):
            _frozen(values=[1.0, float("nan")])._validate()

    def test_inf_is_valid(self) -> None:
        _frozen(value=float("inf"))._validate()

    def test_params_distributions_mismatch(self) -> None:
        with pytest.raises(ValueError, match="'y'"):
            _frozen(params={"x": 0.5, "n": 3, "c": "b", "y": 1.0})._validate()

    @pytest.mark.parametrize(
        "params",
        [
            {"x": 1.5, "n": 3, "c": "b"},
            {"x": 0.5, "n": 11, "c": "b"},
            {"x": 0.5, "n": 3, "c": "z"},
        ],
    )
    def test_param_outside_distribution(self, params: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            _frozen(params=params)._validate()


class TestSuggest:
    def test_returns_recorded_params(self) -> None:
        t = _frozen()
        assert t.suggest_float("x", 0.0, 1.0) == 0.5
        assert t.suggest_int("n", 0, 10) == 3
        assert t.suggest_categorical("c", ["a", "b"]) == "b"

    def test_missing_name_raises(self) -> None:
        with pytest.raises(ValueError, match="'missing'"):
            _frozen().suggest_float("missing", 0.0, 1.0)

    def test_incompatible_distribution_raises(self) -> None:
        with pytest.raises(ValueError):
            _frozen().suggest_int("x", 0, 1)

    def test_objective_reevaluation(self) -> None:
        def objective(trial: Any) -> float:
            return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_int("n", 0, 10)

        assert objective(_frozen()) == 3.5

    def test_report_and_should_prune(self) -> None:
        t = _frozen()
        t.report(9.0, 99)
        assert t.should_prune() is False
        with pytest.raises(ValueError):
            t.report(1.0, -1)

    def test_set_attrs(self) -> None:
        t = _frozen()
        t.set_user_attr("u", 1)
        t.set_system_attr("s", 2)
        assert t.user_attrs["u"] == 1 and t.system_attrs["s"] == 2
