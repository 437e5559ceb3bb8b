"""Tests of the live Trial: suggestions, reports, pruning and attributes inside a study."""

from __future__ import annotations

import datetime
import math
import warnings
from typing import Any

import pytest

import hpo
from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.exceptions import HpoWarning
from hpo.pruners import BasePruner, NopPruner
from hpo.samplers import BaseSampler, RandomSampler
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState


def _study(**kwargs: Any) -> Study:
    kwargs.setdefault("sampler", RandomSampler(seed=0))
    return hpo.create_study(**kwargs)


# -- suggest_float / suggest_int / suggest_categorical ---------------------------------------


class TestSuggestFloat:
    def test_values_in_range_and_float(self) -> None:
        study = _study()
        for _ in range(30):
            trial = study.ask()
            x = trial.suggest_float("x", -3.0, 2.5)
            assert isinstance(x, float)
            assert -3.0 <= x <= 2.5
            study.tell(trial, x)

    def test_step_grid(self) -> None:
        study = _study()
        seen = set()
        for _ in range(60):
            trial = study.ask()
            x = trial.suggest_float("x", 0.0, 1.0, step=0.25)
            k = x / 0.25
            assert abs(k - round(k)) < 1e-9
            assert 0.0 <= x <= 1.0
            seen.add(round(k))
            study.tell(trial, x)
        assert seen == {0, 1, 2, 3, 4}

    def test_log_range(self) -> None:
        study = _study()
        values = []
        for _ in range(50):
            trial = study.ask()
            values.append(trial.suggest_float("lr", 1e-5, 1e-1, log=True))
            study.tell(trial, 0.0)
        assert all(1e-5 <= v <= 1e-1 for v in values)
        # Log-uniform: about half the draws fall below the geometric midpoint 1e-3.
        below = sum(v < 1e-3 for v in values)
        assert 10 <= below <= 40

    def test_int_bounds_accepted(self) -> None:
        trial = _study().ask()
        x = trial.suggest_float("x", 0, 1)
        assert isinstance(x, float)

    def test_single_point(self) -> None:
        trial = _study().ask()
        assert trial.suggest_float("x", 2.0, 2.0) == 2.0


class TestSuggestInt:
    def test_values_in_range_and_int(self) -> None:
        study = _study()
        seen = set()
        for _ in range(60):
            trial = study.ask()
            n = trial.suggest_int("n", -2, 3)
            assert type(n) is int
            assert -2 <= n <= 3
            seen.add(n)
            study.tell(trial, n)
        assert seen == set(range(-2, 4))

    def test_step_grid(self) -> None:
        study = _study()
        for _ in range(30):
            trial = study.ask()
            n = trial.suggest_int("n", 1, 11, step=5)
            assert n in (1, 6, 11)
            study.tell(trial, n)

    def test_log_range(self) -> None:
        study = _study()
        for _ in range(30):
            trial = study.ask()
            n = trial.suggest_int("n", 1, 1000, log=True)
            assert type(n) is int and 1 <= n <= 1000
            study.tell(trial, n)

    def test_stored_as_int(self) -> None:
        study = _study()
        trial = study.ask()
        n = trial.suggest_int("n", 0, 10)
        study.tell(trial, 1.0)
        stored = study.trials[0].params["n"]
        assert stored == n and type(stored) is int


class TestSuggestCategorical:
    def test_value_among_choices(self) -> None:
        study = _study()
        choices = ["adam", None, 3, 0.5, True]
        seen = []
        for _ in range(60):
            trial = study.ask()
            c = trial.suggest_categorical("c", choices)
            assert any(c == x and type(c) is type(x) for x in choices)
            seen.append(repr(c))
            study.tell(trial, 0.0)
        assert set(seen) == {repr(x) for x in choices}

    def test_tuple_choices(self) -> None:
        trial = _study().ask()
        assert trial.suggest_categorical("c", ("a",)) == "a"

    def test_empty_choices_names_parameter(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match="'opt'"):
            trial.suggest_categorical("opt", [])

    def test_stored_value(self) -> None:
        study = _study()
        trial = study.ask()
        c = trial.suggest_categorical("c", ["a", "b"])
        study.tell(trial, 0.0)
        assert study.trials[0].params == {"c": c}
        assert study.trials[0].distributions == {"c": CategoricalDistribution(["a", "b"])}


# -- repeated names and compatibility ------------------------------------------------------


class TestSameName:
    def test_same_value_twice(self) -> None:
        trial = _study().ask()
        assert trial.suggest_float("x", 0, 1) == trial.suggest_float("x", 0, 1)
        assert trial.suggest_int("n", 0, 100) == trial.suggest_int("n", 0, 100)
        assert trial.suggest_categorical("c", list("abcdef")) == trial.suggest_categorical(
            "c", list("abcdef")
        )

    @pytest.mark.parametrize(
        "second",
        [
            lambda t: t.suggest_float("x", 5.0, 6.0),
            lambda t: t.suggest_float("x", 0.0, 1.0, step=0.5),
            lambda t: t.suggest_float("x", 0.0, 2.0),
        ],
    )
    def test_other_range_of_the_same_kind_raises(self, second: Any) -> None:
        study = _study()
        trial = study.ask()
        first = trial.suggest_float("x", 0.0, 1.0)
        with pytest.raises(ValueError, match=r"'x'.*low=0\.0, high=1\.0.*cannot be suggested"):
            second(trial)
        assert trial.params == {"x": first}
        assert study.trials[0].distributions == {"x": FloatDistribution(0.0, 1.0)}

    def test_other_int_range_names_both_ranges(self) -> None:
        trial = _study().ask()
        trial.suggest_int("n", 0, 10)
        with pytest.raises(ValueError, match=r"'n'.*high=10.*high=20"):
            trial.suggest_int("n", 0, 20)

    @pytest.mark.parametrize(
        "second",
        [
            lambda t: t.suggest_int("x", 0, 1),
            lambda t: t.suggest_float("x", 0.1, 1, log=True),
            lambda t: t.suggest_categorical("x", [0.5]),
        ],
    )
    def test_incompatible_within_a_trial(self, second: Any) -> None:
        trial = _study().ask()
        trial.suggest_float("x", 0.1, 1.0)
        with pytest.raises(ValueError):
            second(trial)

    def test_incompatible_choices_within_a_trial(self) -> None:
        trial = _study().ask()
        trial.suggest_categorical("c", ["a", "b"])
        with pytest.raises(ValueError, match="'c'"):
            trial.suggest_categorical("c", ["a", "b", "z"])

    def test_incompatible_across_trials(self) -> None:
        study = _study()
        first = study.ask()
        first.suggest_float("x", 0, 1)
        study.tell(first, 0.0)
        second = study.ask()
        with pytest.raises(ValueError):
            second.suggest_int("x", 0, 1)
        third = study.ask()
        with pytest.raises(ValueError):
            third.suggest_categorical("x", [0.0, 1.0])
        # The rejected distributions were not recorded.
        assert "x" not in study.trials[1].params
        assert "x" not in study.trials[2].params

    def test_compatible_range_change_across_trials(self) -> None:
        study = _study()
        first = study.ask()
        first.suggest_float("x", 0, 1)
        study.tell(first, 0.0)
        second = study.ask()
        assert 10.0 <= second.suggest_float("x", 10, 20) <= 20.0


# -- invalid ranges -------------------------------------------------------------------------


class TestArgumentTypes:
    def test_bool_bound_is_rejected_even_after_the_int_was_cached(self) -> None:
        # True == 1 and hash(True) == hash(1): the distribution cache must not let it in.
        trial = _study().ask()
        trial.suggest_float("a", 1, 2)
        with pytest.raises(TypeError, match=r"low=True \(bool\).*'b'"):
            trial.suggest_float("b", True, 2)
        trial.suggest_float("c", 0.1, 1.0, log=True)
        with pytest.raises(TypeError, match=r"log=1 \(int\).*'d'"):
            trial.suggest_float("d", 0.1, 1.0, log=1)  # type: ignore[arg-type]

    def test_numpy_bounds_and_integral_floats_are_accepted(self) -> None:
        import numpy as np

        trial = _study().ask()
        x = trial.suggest_float("x", np.float32(0.0), np.int64(1), log=np.bool_(False))
        n = trial.suggest_int("n", 1.0, np.int64(3), step=np.int32(1))  # type: ignore[arg-type]
        assert 0.0 <= x <= 1.0 and n in (1, 2, 3)
        assert trial.distributions["n"] == IntDistribution(1, 3)

    @pytest.mark.parametrize("name", [1, None, ("a",), b"x", 1.5])
    def test_non_str_name_records_nothing(self, name: Any) -> None:
        study = _study()
        trial = study.ask()
        with pytest.raises(TypeError, match="parameter name must be a str"):
            trial.suggest_float(name, 0.0, 1.0)
        with pytest.raises(TypeError, match="parameter name must be a str"):
            trial.suggest_categorical(name, ["a"])
        assert study.trials[0].params == {}

    def test_str_subclass_name_is_accepted(self) -> None:
        class Name(str):
            pass

        trial = _study().ask()
        assert 0.0 <= trial.suggest_float(Name("x"), 0.0, 1.0) <= 1.0
        assert "x" in trial.params

    def test_error_type_is_kept_when_the_parameter_is_added(self) -> None:
        trial = _study().ask()
        with pytest.raises(TypeError, match=r"'x'"):
            trial.suggest_float("x", "0", 1)
        with pytest.raises(ValueError, match=r"'x'"):
            trial.suggest_float("x", 0, math.inf)


class TestInvalidRanges:
    def test_float_low_above_high(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"low=1\.0 > high=0\.0 for parameter 'lr'"):
            trial.suggest_float("lr", 1.0, 0.0)

    def test_int_low_above_high(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"low=5 > high=1.*'units'"):
            trial.suggest_int("units", 5, 1)

    def test_float_log_non_positive(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"low=0.*'lr'"):
            trial.suggest_float("lr", 0.0, 1.0, log=True)

    def test_int_log_below_one(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"low=0.*'n'"):
            trial.suggest_int("n", 0, 10, log=True)

    def test_float_log_and_step(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"step=0\.1.*'x'"):
            trial.suggest_float("x", 0.1, 1.0, step=0.1, log=True)

    def test_int_log_and_step(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"step=2.*'n'"):
            trial.suggest_int("n", 1, 10, step=2, log=True)

    @pytest.mark.parametrize("step", [0.0, -0.1])
    def test_float_bad_step(self, step: float) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=rf"step={step}.*'x'"):
            trial.suggest_float("x", 0.0, 1.0, step=step)

    def test_int_bad_step(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match=r"step=0.*'n'"):
            trial.suggest_int("n", 0, 10, step=0)

    def test_error_repeats_on_second_call(self) -> None:
        # Invalid ranges are never cached as valid.
        trial = _study().ask()
        for _ in range(2):
            with pytest.raises(ValueError, match="'lr'"):
                trial.suggest_float("lr", 1.0, 0.0)

    def test_nothing_recorded(self) -> None:
        study = _study()
        trial = study.ask()
        with pytest.raises(ValueError):
            trial.suggest_float("lr", 1.0, 0.0)
        assert trial.params == {}
        assert study.trials[0].params == {}

    def test_off_grid_high_warns_at_the_caller(self) -> None:
        trial = _study().ask()
        with pytest.warns(HpoWarning) as record:
            x = trial.suggest_float("x_off_grid", 0.0, 1.0, step=0.3)
        assert x <= 0.9 + 1e-12
        assert record[0].filename == __file__

    def test_int_off_grid_high_lowered(self) -> None:
        study = _study()
        for _ in range(20):
            trial = study.ask()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HpoWarning)
                n = trial.suggest_int("n_off_grid", 0, 10, step=3)
            assert n in (0, 3, 6, 9)
            study.tell(trial, 0.0)


class TestDeprecatedSuggest:
    def test_suggest_uniform(self) -> None:
        trial = _study().ask()
        with pytest.warns(FutureWarning, match="suggest_float"):
            x = trial.suggest_uniform("x", 0.0, 1.0)
        assert 0.0 <= x <= 1.0
        assert trial.distributions["x"] == FloatDistribution(0.0, 1.0)

    def test_suggest_loguniform(self) -> None:
        trial = _study().ask()
        with pytest.warns(FutureWarning):
            x = trial.suggest_loguniform("x", 0.1, 1.0)
        assert 0.1 <= x <= 1.0
        assert trial.distributions["x"] == FloatDistribution(0.1, 1.0, log=True)

    def test_suggest_discrete_uniform(self) -> None:
        trial = _study().ask()
        with pytest.warns(FutureWarning):
            x = trial.suggest_discrete_uniform("x", 0.0, 1.0, 0.5)
        assert x in (0.0, 0.5, 1.0)
        assert trial.distributions["x"] == FloatDistribution(0.0, 1.0, step=0.5)


# -- samplers as seen from the trial ---------------------------------------------------------


class _FixedValueSampler(BaseSampler):
    """Independent values from a table; optional joint proposal for a search space."""

    def __init__(
        self,
        independent: dict[str, Any],
        relative_space: dict[str, BaseDistribution] | None = None,
        relative: dict[str, Any] | None = None,
    ) -> None:
        self.independent = independent
        self.relative_space = relative_space or {}
        self.relative = relative or {}
        self.independent_calls: list[tuple[str, dict[str, Any]]] = []
        self.relative_calls = 0

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return dict(self.relative_space)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        self.relative_calls += 1
        return dict(self.relative)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, name: str, distribution: BaseDistribution
    ) -> Any:
        self.independent_calls.append((name, dict(trial.params)))
        return self.independent[name]


class TestSamplerInteraction:
    def test_independent_value_is_returned_and_stored(self) -> None:
        sampler = _FixedValueSampler({"x": 0.25, "n": 7, "c": "b"})
        study = hpo.create_study(sampler=sampler)
        trial = study.ask()
        assert trial.suggest_float("x", 0, 1) == 0.25
        assert trial.suggest_int("n", 0, 10) == 7
        assert trial.suggest_categorical("c", ["a", "b"]) == "b"
        study.tell(trial, 0.0)
        assert study.trials[0].params == {"x": 0.25, "n": 7, "c": "b"}

    def test_sampler_sees_params_suggested_so_far(self) -> None:
        sampler = _FixedValueSampler({"x": 0.25, "y": 0.5})
        trial = hpo.create_study(sampler=sampler).ask()
        trial.suggest_float("x", 0, 1)
        trial.suggest_float("y", 0, 1)
        assert sampler.independent_calls == [("x", {}), ("y", {"x": 0.25})]

    def test_single_point_distribution_skips_sampler(self) -> None:
        sampler = _FixedValueSampler({})
        trial = hpo.create_study(sampler=sampler).ask()
        assert trial.suggest_float("x", 3.0, 3.0) == 3.0
        assert trial.suggest_int("n", 4, 4) == 4
        assert trial.suggest_categorical("c", ["only"]) == "only"
        assert sampler.independent_calls == []

    def test_repeat_does_not_sample_again(self) -> None:
        sampler = _FixedValueSampler({"x": 0.25})
        trial = hpo.create_study(sampler=sampler).ask()
        trial.suggest_float("x", 0, 1)
        trial.suggest_float("x", 0, 1)
        assert len(sampler.independent_calls) == 1

    def test_relative_proposal_used_for_matching_distribution(self) -> None:
        space = {"x": FloatDistribution(0, 1), "n": IntDistribution(0, 10)}
        sampler = _FixedValueSampler({"x": 0.9, "n": 9}, space, {"x": 0.1, "n": 2})
        trial = hpo.create_study(sampler=sampler).ask()
        assert trial.suggest_float("x", 0, 1) == 0.1
        assert trial.suggest_int("n", 0, 10) == 2
        assert sampler.independent_calls == []
        assert sampler.relative_calls == 1

    def test_relative_proposal_ignored_for_other_distribution(self) -> None:
        space = {"x": FloatDistribution(0, 1)}
        sampler = _FixedValueSampler({"x": 4.5}, space, {"x": 0.1})
        trial = hpo.create_study(sampler=sampler).ask()
        assert trial.suggest_float("x", 4, 5) == 4.5
        assert [name for name, _ in sampler.independent_calls] == ["x"]


# -- report -----------------------------------------------------------------------------------


class TestReport:
    def test_values_recorded(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(0.5, 0)
        trial.report(0.25, 3)
        trial.report(1, 7)
        stored = study.trials[0].intermediate_values
        assert stored == {0: 0.5, 3: 0.25, 7: 1.0}
        assert isinstance(stored[7], float)

    def test_numpy_scalars_accepted(self) -> None:
        import numpy as np

        study = _study()
        trial = study.ask()
        trial.report(np.float32(0.5), np.int64(2))  # type: ignore[arg-type]
        assert study.trials[0].intermediate_values == {2: 0.5}

    @pytest.mark.parametrize("value", ["abc", None, object()])
    def test_value_type_error(self, value: Any) -> None:
        trial = _study().ask()
        with pytest.raises(TypeError):
            trial.report(value, 0)

    def test_sequence_in_single_objective_study(self) -> None:
        study = _study()
        trial = study.ask()
        with pytest.raises(ValueError, match="single-objective study"):
            trial.report([1.0], 0)
        assert study.trials[0].intermediate_values == {}

    @pytest.mark.parametrize("step", [1.5, "one", None])
    def test_step_type_error(self, step: Any) -> None:
        trial = _study().ask()
        with pytest.raises(TypeError):
            trial.report(1.0, step)

    def test_negative_step(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match="-1"):
            trial.report(1.0, -1)

    @pytest.mark.parametrize("step", [math.inf, math.nan, True])
    def test_non_integer_steps_name_the_step(self, step: Any) -> None:
        trial = _study().ask()
        with pytest.raises(TypeError, match=rf"step={step!r}"):
            trial.report(1.0, step)

    def test_step_beyond_64_bits(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(1.0, 2**63 - 1)
        with pytest.raises(ValueError, match=r"2\*\*63 - 1, got step=9223372036854775808"):
            trial.report(1.0, 2**63)
        assert study.trials[0].intermediate_values == {2**63 - 1: 1.0}

    def test_integral_float_step_is_stored_as_int(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(1.0, 3.0)  # type: ignore[arg-type]
        assert list(study.trials[0].intermediate_values) == [3]
        assert type(next(iter(study.trials[0].intermediate_values))) is int

    def test_nan_and_inf_values_are_kept(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(math.nan, 0)
        trial.report(-math.inf, 1)
        stored = study.trials[0].intermediate_values
        assert math.isnan(stored[0]) and stored[1] == -math.inf

    def test_value_beyond_the_float_range(self) -> None:
        trial = _study().ask()
        with pytest.raises(ValueError, match="too large"):
            trial.report(10**400, 0)

    def test_duplicate_step_warns_and_keeps_first(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(1.0, 2)
        with pytest.warns(HpoWarning, match="step 2"):
            trial.report(5.0, 2)
        assert study.trials[0].intermediate_values == {2: 1.0}

    def test_nan_and_inf_are_recorded(self) -> None:
        study = _study()
        trial = study.ask()
        trial.report(float("nan"), 0)
        trial.report(float("inf"), 1)
        stored = study.trials[0].intermediate_values
        assert math.isnan(stored[0]) and stored[1] == math.inf

    def test_multi_objective_needs_one_value_per_objective(self) -> None:
        trial = _study(directions=["minimize", "maximize"]).ask()
        with pytest.raises(ValueError, match="needs 2 values, one per objective"):
            trial.report(1.0, 0)


# -- should_prune ---------------------------------------------------------------------------


class _ThresholdPruner(BasePruner):
    """Prune once the last reported value exceeds a threshold; records what it saw."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.seen: list[dict[int, float]] = []

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        self.seen.append(dict(trial.intermediate_values))
        step = trial.last_step
        return step is not None and trial.intermediate_values[step] > self.threshold


class TestShouldPrune:
    def test_nop_pruner_never_prunes(self) -> None:
        trial = _study(pruner=NopPruner()).ask()
        for step in range(5):
            trial.report(1e9, step)
            assert trial.should_prune() is False

    def test_custom_pruner(self) -> None:
        pruner = _ThresholdPruner(1.0)
        trial = _study(pruner=pruner).ask()
        assert trial.should_prune() is False
        trial.report(0.5, 0)
        assert trial.should_prune() is False
        trial.report(2.0, 1)
        assert trial.should_prune() is True
        assert pruner.seen == [{}, {0: 0.5}, {0: 0.5, 1: 2.0}]

    def test_pruner_cannot_alter_the_trial(self) -> None:
        class Vandal(BasePruner):
            def prune(self, study: Study, trial: FrozenTrial) -> bool:
                trial.params.clear()
                trial.intermediate_values.clear()
                return False

        study = _study(pruner=Vandal())
        trial = study.ask()
        trial.suggest_float("x", 0, 1)
        trial.report(1.0, 0)
        trial.should_prune()
        assert "x" in trial.params
        trial.report(2.0, 1)
        assert study.trials[0].intermediate_values == {0: 1.0, 1: 2.0}

    def test_multi_objective_not_supported(self) -> None:
        trial = _study(directions=["minimize", "minimize"]).ask()
        with pytest.raises(NotImplementedError):
            trial.should_prune()

    def test_pruned_in_optimize(self) -> None:
        study = _study(pruner=_ThresholdPruner(1.0))

        def objective(trial: Trial) -> float:
            for step in range(3):
                trial.report(float(step), step)
                if trial.should_prune():
                    raise hpo.TrialPruned()
            return 0.0

        study.optimize(objective, n_trials=2)
        assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
        assert [t.last_step for t in study.trials] == [2, 2]


# -- attributes -------------------------------------------------------------------------------


class TestAttributes:
    def test_set_user_attr(self) -> None:
        study = _study()
        trial = study.ask()
        trial.set_user_attr("batch", 32)
        trial.set_user_attr("tags", ["a", "b"])
        assert trial.user_attrs == {"batch": 32, "tags": ["a", "b"]}
        study.tell(trial, 0.0)
        assert study.trials[0].user_attrs == {"batch": 32, "tags": ["a", "b"]}

    def test_set_user_attr_overwrites(self) -> None:
        study = _study()
        trial = study.ask()
        trial.set_user_attr("k", 1)
        trial.set_user_attr("k", 2)
        assert study.trials[0].user_attrs == {"k": 2}

    def test_set_system_attr(self) -> None:
        study = _study()
        trial = study.ask()
        trial.set_system_attr("sampler:key", {"a": 1})
        assert trial.system_attrs["sampler:key"] == {"a": 1}
        assert study.trials[0].system_attrs["sampler:key"] == {"a": 1}

    def test_returned_dicts_are_copies(self) -> None:
        trial = _study().ask()
        trial.suggest_float("x", 0, 1)
        trial.set_user_attr("k", 1)
        trial.params["x"] = 99.0
        trial.distributions.clear()
        trial.user_attrs["k"] = 2
        assert trial.params["x"] != 99.0
        assert "x" in trial.distributions
        assert trial.user_attrs == {"k": 1}

    def test_params_and_distributions(self) -> None:
        trial = _study().ask()
        x = trial.suggest_float("x", 0, 1)
        n = trial.suggest_int("n", 1, 9, step=2)
        c = trial.suggest_categorical("c", ["a", "b"])
        assert trial.params == {"x": x, "n": n, "c": c}
        assert trial.distributions == {
            "x": FloatDistribution(0, 1),
            "n": IntDistribution(1, 9, step=2),
            "c": CategoricalDistribution(["a", "b"]),
        }

    def test_number_and_datetime_start(self) -> None:
        study = _study()
        before = datetime.datetime.now(datetime.timezone.utc)
        trials = [study.ask() for _ in range(3)]
        after = datetime.datetime.now(datetime.timezone.utc)
        assert [t.number for t in trials] == [0, 1, 2]
        for t in trials:
            assert t.datetime_start is not None
            assert t.datetime_start.tzinfo is not None
            assert before <= t.datetime_start <= after

    def test_study_attribute(self) -> None:
        study = _study()
        assert study.ask().study is study

    def test_finished_trial_cannot_be_changed(self) -> None:
        study = _study()
        trial = study.ask()
        study.tell(trial, 1.0)
        with pytest.raises(hpo.exceptions.UpdateFinishedTrialError):
            trial.set_user_attr("k", 1)
        with pytest.raises(hpo.exceptions.UpdateFinishedTrialError):
            trial.suggest_float("late", 0, 1)
        with pytest.raises(hpo.exceptions.UpdateFinishedTrialError):
            trial.report(1.0, 0)
