"""Tests of hpo.distributions: validation, representations, JSON and compatibility."""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)
from hpo.exceptions import HpoWarning

# -- validation -----------------------------------------------------------------------------


class TestFloatValidation:
    def test_low_greater_than_high_names_both_values(self) -> None:
        with pytest.raises(ValueError, match=r"low=1\.0.*high=0\.0"):
            FloatDistribution(1.0, 0.0)

    def test_low_equal_high_is_valid(self) -> None:
        d = FloatDistribution(0.5, 0.5)
        assert (d.low, d.high) == (0.5, 0.5)

    @pytest.mark.parametrize("low", [0.0, -1.0])
    def test_log_with_non_positive_low(self, low: float) -> None:
        with pytest.raises(ValueError, match=rf"low={low}"):
            FloatDistribution(low, 1.0, log=True)

    def test_log_with_positive_low_is_valid(self) -> None:
        assert FloatDistribution(1e-5, 1.0, log=True).log is True

    def test_log_together_with_step(self) -> None:
        with pytest.raises(ValueError, match=r"step=0\.1"):
            FloatDistribution(0.1, 1.0, log=True, step=0.1)

    @pytest.mark.parametrize("step", [0.0, -0.5])
    def test_non_positive_step(self, step: float) -> None:
        with pytest.raises(ValueError, match=rf"step={step}"):
            FloatDistribution(0.0, 1.0, step=step)

    def test_attributes_are_floats(self) -> None:
        d = FloatDistribution(0, 2, step=1)
        assert isinstance(d.low, float) and isinstance(d.high, float)
        assert isinstance(d.step, float)


class TestArgumentTypes:
    @pytest.mark.parametrize("cls", [FloatDistribution, IntDistribution])
    @pytest.mark.parametrize(
        ("low", "type_name"),
        [("0", "str"), (None, "NoneType"), (1j, "complex"), ([0], "list"), (True, "bool")],
    )
    def test_bound_that_is_not_a_number(self, cls: type, low: object, type_name: str) -> None:
        with pytest.raises(TypeError, match=rf"low={re.escape(repr(low))} \({type_name}\)"):
            cls(low, 5)

    @pytest.mark.parametrize("cls", [FloatDistribution, IntDistribution])
    def test_step_that_is_not_a_number(self, cls: type) -> None:
        with pytest.raises(TypeError, match=r"step='1' \(str\)"):
            cls(0, 5, step="1")

    @pytest.mark.parametrize("cls", [FloatDistribution, IntDistribution])
    @pytest.mark.parametrize("log", ["False", 0, 1, None])
    def test_log_must_be_a_bool(self, cls: type, log: object) -> None:
        with pytest.raises(TypeError, match=rf"log={re.escape(repr(log))}"):
            cls(1, 5, log=log)

    def test_numpy_bool_log_is_accepted(self) -> None:
        assert FloatDistribution(1, 5, log=np.bool_(True)).log is True

    @pytest.mark.parametrize("cls", [FloatDistribution, IntDistribution])
    @pytest.mark.parametrize(
        ("args", "name"),
        [
            ((-math.inf, 0), "low"),
            ((0, math.inf), "high"),
            ((math.nan, 1), "low"),
            ((0, 10**400), "high"),
        ],
    )
    def test_bounds_must_be_finite(self, cls: type, args: tuple[float, float], name: str) -> None:
        with pytest.raises(ValueError, match=rf"{name}=.* must be a finite number"):
            cls(*args)

    @pytest.mark.parametrize("step", [math.inf, math.nan])
    def test_float_step_must_be_finite(self, step: float) -> None:
        with pytest.raises(ValueError, match=r"step=.* must be a finite number"):
            FloatDistribution(0.0, 1.0, step=step)

    def test_width_that_overflows_is_rejected(self) -> None:
        with pytest.raises(ValueError, match=r"low=-1e\+308, high=1e\+308 is too wide"):
            FloatDistribution(-1e308, 1e308)

    def test_widest_finite_ranges_are_valid(self) -> None:
        assert FloatDistribution(0.0, 1.7e308).high == 1.7e308
        assert FloatDistribution(5e-324, 1.7e308, log=True).low == 5e-324

    def test_step_grid_beyond_2_50_steps_is_rejected(self) -> None:
        with pytest.raises(ValueError, match=r"step=1e-300.*2\*\*50 steps"):
            FloatDistribution(0.0, 1.0, step=1e-300)
        with pytest.raises(ValueError, match=r"2\*\*50 steps"):
            FloatDistribution(0.0, 1.0, step=2**-51)
        assert FloatDistribution(0.0, 1.0, step=2**-50).step == 2**-50

    def test_int_bounds_within_2_53(self) -> None:
        assert IntDistribution(-(2**53), 2**53, step=16).high == 2**53
        with pytest.raises(ValueError, match=r"high=9007199254740993 is beyond \+-2\*\*53"):
            IntDistribution(0, 2**53 + 1)

    def test_int_range_beyond_2_50_steps_is_rejected(self) -> None:
        assert IntDistribution(0, 2**50).high == 2**50
        with pytest.raises(ValueError, match=r"more than 2\*\*50 steps"):
            IntDistribution(0, 2**50 + 1)
        with pytest.raises(ValueError, match=r"more than 2\*\*50 steps"):
            IntDistribution(1, 2**53, log=True)

    def test_long_values_are_shortened_in_messages(self) -> None:
        with pytest.raises(ValueError) as info:
            FloatDistribution(0, 10**400)
        assert len(str(info.value)) < 200


class TestIntValidation:
    def test_low_greater_than_high_names_both_values(self) -> None:
        with pytest.raises(ValueError, match=r"low=5.*high=2"):
            IntDistribution(5, 2)

    @pytest.mark.parametrize("low", [0, -3])
    def test_log_with_low_below_one(self, low: int) -> None:
        with pytest.raises(ValueError, match=rf"low={low}"):
            IntDistribution(low, 10, log=True)

    def test_log_with_low_one_is_valid(self) -> None:
        assert IntDistribution(1, 10, log=True).log is True

    def test_log_together_with_step(self) -> None:
        with pytest.raises(ValueError, match=r"step=2"):
            IntDistribution(1, 10, log=True, step=2)

    @pytest.mark.parametrize("step", [0, -1])
    def test_non_positive_step(self, step: int) -> None:
        with pytest.raises(ValueError, match=rf"step={step}"):
            IntDistribution(0, 10, step=step)

    def test_non_integer_bounds_are_rejected(self) -> None:
        with pytest.raises(ValueError, match=r"1\.5"):
            IntDistribution(1.5, 10)  # type: ignore[arg-type]

    def test_integral_floats_are_accepted_as_ints(self) -> None:
        d = IntDistribution(1.0, 10.0)  # type: ignore[arg-type]
        assert (d.low, d.high) == (1, 10)
        assert isinstance(d.low, int) and isinstance(d.high, int)


class TestCategoricalValidation:
    @pytest.mark.parametrize("choices", [[], ()])
    def test_empty_choices(self, choices: list[object]) -> None:
        with pytest.raises(ValueError, match="empty"):
            CategoricalDistribution(choices)  # type: ignore[arg-type]

    @pytest.mark.parametrize("choices", ["abc", 5, {1, 2}, None])
    def test_non_sequence_choices(self, choices: object) -> None:
        with pytest.raises(TypeError, match=re.escape(repr(choices))):
            CategoricalDistribution(choices)  # type: ignore[arg-type]

    def test_tuple_and_list_are_the_same(self) -> None:
        assert CategoricalDistribution((1, 2)) == CategoricalDistribution([1, 2])

    @pytest.mark.parametrize(
        ("choice", "type_name"),
        [
            ((1, 2), "tuple"),
            ([1, 2], "list"),
            ({"a": 1}, "dict"),
            (object(), "object"),
            (1j, "complex"),
            (b"a", "bytes"),
        ],
    )
    def test_non_scalar_choice_is_rejected(self, choice: object, type_name: str) -> None:
        with pytest.raises(TypeError, match=rf"choices\[1\]=.*\({type_name}\)"):
            CategoricalDistribution(["a", choice])  # type: ignore[list-item]

    def test_documented_choice_types_do_not_warn(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            d = CategoricalDistribution([None, True, 1, 1.5, "a"])
        assert d.choices == (None, True, 1, 1.5, "a")

    def test_numpy_scalars_and_subclasses_become_python_scalars(self) -> None:
        class Name(str):
            pass

        d = CategoricalDistribution(
            [np.int64(1), np.float32(0.5), np.str_("a"), np.bool_(True), Name("b")]
        )
        assert d.choices == (1, 0.5, "a", True, "b")
        assert [type(c) for c in d.choices] == [int, float, str, bool, str]
        assert json_to_distribution(distribution_to_json(d)) == d

    def test_numpy_array_of_choices(self) -> None:
        assert CategoricalDistribution(np.arange(3)).choices == (0, 1, 2)

    def test_stored_choices_of_other_types_still_load(self) -> None:
        # A database written before non-scalar choices were rejected stays readable.
        text = json.dumps({"name": "CategoricalDistribution", "attributes": {"choices": [[1, 2]]}})
        assert json_to_distribution(text).choices == ([1, 2],)  # type: ignore[comparison-overlap]


# -- grid adjustment of high ----------------------------------------------------------------


class TestHighAdjustment:
    def test_float_high_lowered_with_warning(self) -> None:
        with pytest.warns(HpoWarning, match=r"high=1"):
            d = FloatDistribution(0.0, 1.0, step=0.3)
        assert d.high == pytest.approx(0.9, abs=1e-12)

    def test_int_high_lowered_with_warning(self) -> None:
        with pytest.warns(HpoWarning, match=r"high=10"):
            d = IntDistribution(0, 10, step=3)
        assert d.high == 9

    @pytest.mark.parametrize(
        ("low", "high", "step"),
        [(0.0, 1.0, 0.1), (0.0, 1.0, 0.25), (-1.0, 1.0, 0.2), (0.1, 0.7, 0.3), (0, 100, 0.01)],
    )
    def test_float_on_grid_does_not_warn(self, low: float, high: float, step: float) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            d = FloatDistribution(low, high, step=step)
        assert d.high == high

    @pytest.mark.parametrize(("low", "high", "step"), [(0, 9, 3), (1, 10, 3), (-4, 4, 2)])
    def test_int_on_grid_does_not_warn(self, low: int, high: int, step: int) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            d = IntDistribution(low, high, step=step)
        assert d.high == high

    def test_no_step_never_adjusts(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert FloatDistribution(0.0, 0.123456789).high == 0.123456789

    def test_warning_points_at_the_caller(self) -> None:
        with pytest.warns(HpoWarning) as record:
            FloatDistribution(0.0, 1.0, step=0.3)
        assert record[0].filename == __file__


# -- representations ------------------------------------------------------------------------


class TestFloatRepr:
    def test_round_trip(self) -> None:
        d = FloatDistribution(-2.0, 2.0)
        assert d.to_internal_repr(1.25) == 1.25
        assert d.to_external_repr(1.25) == 1.25

    def test_int_input_becomes_float(self) -> None:
        d = FloatDistribution(0.0, 10.0)
        internal = d.to_internal_repr(3)
        assert internal == 3.0 and isinstance(internal, float)
        assert isinstance(d.to_external_repr(3), float)

    def test_nan_rejected(self) -> None:
        with pytest.raises(ValueError, match="NaN"):
            FloatDistribution(0.0, 1.0).to_internal_repr(float("nan"))

    @pytest.mark.parametrize("value", ["abc", "0.5", None, [1.0], True, 1j])
    def test_non_number_rejected(self, value: object) -> None:
        with pytest.raises(TypeError, match=re.escape(type(value).__name__)):
            FloatDistribution(0.0, 1.0).to_internal_repr(value)

    def test_numbers_of_other_types_accepted(self) -> None:
        d = FloatDistribution(0.0, 1.0)
        assert d.to_internal_repr(np.float32(0.5)) == 0.5
        assert d.to_internal_repr(np.int64(1)) == 1.0
        assert type(d.to_internal_repr(np.float64(0.5))) is float

    def test_too_large_int_rejected(self) -> None:
        with pytest.raises(ValueError, match="too large"):
            FloatDistribution(0.0, 1.0).to_internal_repr(10**400)


class TestIntRepr:
    def test_external_is_int(self) -> None:
        d = IntDistribution(0, 10)
        assert d.to_external_repr(4.0) == 4
        assert type(d.to_external_repr(4.0)) is int

    @pytest.mark.parametrize(("internal", "expected"), [(2.9999999999, 3), (3.0000000001, 3)])
    def test_external_rounds_float_noise(self, internal: float, expected: int) -> None:
        assert IntDistribution(0, 10).to_external_repr(internal) == expected

    def test_internal_is_float(self) -> None:
        internal = IntDistribution(0, 10).to_internal_repr(7)
        assert internal == 7.0 and isinstance(internal, float)

    def test_nan_rejected(self) -> None:
        with pytest.raises(ValueError, match="NaN"):
            IntDistribution(0, 10).to_internal_repr(float("nan"))

    def test_non_number_rejected(self) -> None:
        with pytest.raises(TypeError, match="'x'"):
            IntDistribution(0, 10).to_internal_repr("x")


class TestCategoricalRepr:
    def test_index_is_internal(self) -> None:
        d = CategoricalDistribution(["a", "b", "c"])
        assert d.to_internal_repr("c") == 2.0
        assert isinstance(d.to_internal_repr("a"), float)
        assert d.to_external_repr(1.0) == "b"

    def test_bool_and_int_are_different_categories(self) -> None:
        d = CategoricalDistribution([True, 1, False, 0])
        assert d.to_internal_repr(True) == 0.0
        assert d.to_internal_repr(1) == 1.0
        assert d.to_internal_repr(False) == 2.0
        assert d.to_internal_repr(0) == 3.0
        assert d.to_external_repr(0.0) is True
        assert type(d.to_external_repr(1.0)) is int

    def test_bool_not_found_among_ints(self) -> None:
        with pytest.raises(ValueError):
            CategoricalDistribution([1, 2]).to_internal_repr(True)

    def test_none_float_and_str_choices(self) -> None:
        d = CategoricalDistribution([None, 0.5, "x", 3])
        for index, choice in enumerate(d.choices):
            assert d.to_internal_repr(choice) == float(index)
            assert d.to_external_repr(float(index)) == choice
        assert d.to_external_repr(0.0) is None

    def test_unknown_choice_names_value(self) -> None:
        with pytest.raises(ValueError, match="'z'"):
            CategoricalDistribution(["a", "b"]).to_internal_repr("z")

    def test_nan_not_a_choice_is_rejected(self) -> None:
        with pytest.raises(ValueError):
            CategoricalDistribution([1.0, 2.0]).to_internal_repr(float("nan"))


# -- single and _contains -------------------------------------------------------------------


class TestSingle:
    @pytest.mark.parametrize(
        ("dist", "expected"),
        [
            (FloatDistribution(1.0, 1.0), True),
            (FloatDistribution(1.0, 1.0, log=True), True),
            (FloatDistribution(0.0, 1.0), False),
            (FloatDistribution(0.0, 0.5, step=0.5), False),
            (IntDistribution(3, 3), True),
            (IntDistribution(3, 4), False),
            (IntDistribution(1, 1, log=True), True),
            (CategoricalDistribution(["a"]), True),
            (CategoricalDistribution(["a", "b"]), False),
        ],
    )
    def test_single(self, dist: BaseDistribution, expected: bool) -> None:
        assert dist.single() is expected

    def test_step_larger_than_range_is_single(self) -> None:
        with pytest.warns(HpoWarning):
            f = FloatDistribution(0.0, 1.0, step=2.0)
        with pytest.warns(HpoWarning):
            i = IntDistribution(0, 2, step=3)
        assert f.single() and f.high == 0.0
        assert i.single() and i.high == 0


class TestContains:
    def test_float(self) -> None:
        d = FloatDistribution(-1.0, 1.0)
        assert d._contains(-1.0) and d._contains(0.3) and d._contains(1.0)
        assert not d._contains(1.0000001) and not d._contains(-1.5)
        assert not d._contains(float("nan"))

    def test_float_step(self) -> None:
        d = FloatDistribution(0.0, 1.0, step=0.25)
        assert d._contains(0.75) and d._contains(1.0)
        assert not d._contains(0.3)

    def test_float_step_tolerates_float_noise(self) -> None:
        d = FloatDistribution(0.0, 1.0, step=0.1)
        assert d._contains(0.1 + 0.2)  # 0.30000000000000004

    def test_int(self) -> None:
        d = IntDistribution(1, 9, step=2)
        assert d._contains(1.0) and d._contains(5.0) and d._contains(9.0)
        assert not d._contains(4.0) and not d._contains(11.0) and not d._contains(-1.0)

    def test_categorical(self) -> None:
        d = CategoricalDistribution(["a", "b", "c"])
        assert d._contains(0.0) and d._contains(2.0)
        assert not d._contains(3.0) and not d._contains(-1.0) and not d._contains(1.5)


# -- JSON ------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def float_distributions(draw: st.DrawFn) -> FloatDistribution:
    kind = draw(st.sampled_from(["plain", "log", "step"]))
    if kind == "log":
        low = draw(st.floats(min_value=1e-8, max_value=1e6))
        high = draw(st.floats(min_value=low, max_value=2e6))
        return FloatDistribution(low, high, log=True)
    a, b = sorted((draw(finite), draw(finite)))
    if kind == "plain":
        return FloatDistribution(a, b)
    step = draw(st.sampled_from([0.001, 0.01, 0.1, 0.25, 0.5, 1.0, 3.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HpoWarning)
        return FloatDistribution(a, b, step=step)


@st.composite
def int_distributions(draw: st.DrawFn) -> IntDistribution:
    if draw(st.booleans()):
        low = draw(st.integers(1, 10**6))
        return IntDistribution(low, draw(st.integers(low, 2 * 10**6)), log=True)
    low = draw(st.integers(-(10**6), 10**6))
    high = draw(st.integers(low, low + 10**6))
    step = draw(st.integers(1, 50))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HpoWarning)
        return IntDistribution(low, high, step=step)


choice = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
categorical_distributions = st.lists(choice, min_size=1, max_size=6).map(CategoricalDistribution)
distributions = st.one_of(float_distributions(), int_distributions(), categorical_distributions)


class TestJson:
    @settings(max_examples=300, deadline=None)
    @given(distributions)
    def test_round_trip(self, dist: BaseDistribution) -> None:
        text = distribution_to_json(dist)
        json.loads(text)  # valid JSON
        with warnings.catch_warnings():
            warnings.simplefilter("error", HpoWarning)
            loaded = json_to_distribution(text)
        assert loaded == dist
        assert hash(loaded) == hash(dist)
        assert type(loaded) is type(dist)

    @settings(max_examples=100, deadline=None)
    @given(float_distributions())
    def test_recreating_from_attributes_is_stable(self, dist: FloatDistribution) -> None:
        # A stored (already adjusted) high is on the grid: building it again changes nothing.
        with warnings.catch_warnings():
            warnings.simplefilter("error", HpoWarning)
            again = FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
        assert again == dist

    def test_high_a_rounding_error_below_a_grid_point_is_kept_without_warning(self) -> None:
        # (0 - low) / step is 262144999.9999999 in floats: high is on the grid up to rounding.
        with warnings.catch_warnings():
            warnings.simplefilter("error", HpoWarning)
            dist = FloatDistribution(-262144.9999999999, 0.0, step=0.001)
        assert dist.high == 0.0

    def test_reloaded_step_distribution_keeps_its_high(self) -> None:
        # A grid whose points need all 17 significant digits of a float: the stored high must
        # still be recognised as on the grid when the distribution is read back.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HpoWarning)
            dist = FloatDistribution(16384.96937458054, 262145.0, step=0.001)
        assert dist._contains(dist.high)
        loaded = json_to_distribution(distribution_to_json(dist))
        assert loaded == dist
        assert loaded._contains(dist.high)

    def test_format(self) -> None:
        loaded = json.loads(distribution_to_json(FloatDistribution(0.0, 1.0, step=0.5)))
        assert loaded == {
            "name": "FloatDistribution",
            "attributes": {"low": 0.0, "high": 1.0, "log": False, "step": 0.5},
        }
        loaded = json.loads(distribution_to_json(CategoricalDistribution(["a", None])))
        assert loaded["name"] == "CategoricalDistribution"
        assert loaded["attributes"]["choices"] == ["a", None]

    def test_categorical_keeps_choice_types(self) -> None:
        d = CategoricalDistribution([True, 1, 1.0, None, "1"])
        loaded = json_to_distribution(distribution_to_json(d))
        assert isinstance(loaded, CategoricalDistribution)
        assert [type(c) for c in loaded.choices] == [bool, int, float, type(None), str]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                '{"name": "UniformDistribution", "attributes": {"low": -1.0, "high": 2.0}}',
                FloatDistribution(-1.0, 2.0),
            ),
            (
                '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}',
                FloatDistribution(0.001, 1.0, log=True),
            ),
            (
                '{"name": "DiscreteUniformDistribution", '
                '"attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}',
                FloatDistribution(0.0, 1.0, step=0.25),
            ),
            (
                '{"name": "IntUniformDistribution", '
                '"attributes": {"low": 0, "high": 10, "step": 2}}',
                IntDistribution(0, 10, step=2),
            ),
            (
                '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10}}',
                IntDistribution(0, 10),
            ),
            (
                '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 100}}',
                IntDistribution(1, 100, log=True),
            ),
        ],
    )
    def test_legacy_names(self, text: str, expected: BaseDistribution) -> None:
        assert json_to_distribution(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "not json",
            "",
            "[1, 2]",
            '{"attributes": {"low": 0, "high": 1}}',
            '{"name": "FloatDistribution"}',
            '{"name": "NormalDistribution", "attributes": {"mu": 0}}',
            '{"name": "FloatDistribution", "attributes": {}}',
            '{"name": "FloatDistribution", "attributes": {"low": 1.0, "high": 0.0}}',
        ],
    )
    def test_invalid_json_raises_value_error(self, text: str) -> None:
        with pytest.raises(ValueError):
            json_to_distribution(text)

    def test_unknown_name_is_named(self) -> None:
        with pytest.raises(ValueError, match="NormalDistribution"):
            json_to_distribution('{"name": "NormalDistribution", "attributes": {}}')

    def test_serializing_unknown_type_raises(self) -> None:
        class Custom(BaseDistribution):
            def to_external_repr(self, v: float) -> float:
                return v

            def to_internal_repr(self, v: object) -> float:
                return float(v)  # type: ignore[arg-type]

            def single(self) -> bool:
                return True

            def _contains(self, v: float) -> bool:
                return True

        with pytest.raises(ValueError, match="Custom"):
            distribution_to_json(Custom())


# -- compatibility ----------------------------------------------------------------------------


class TestCompatibility:
    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (FloatDistribution(0, 1), IntDistribution(0, 1)),
            (IntDistribution(0, 1), CategoricalDistribution([0, 1])),
            (CategoricalDistribution([0.0, 1.0]), FloatDistribution(0, 1)),
        ],
    )
    def test_different_kinds(self, old: BaseDistribution, new: BaseDistribution) -> None:
        with pytest.raises(ValueError, match=type(new).__name__):
            check_distribution_compatibility(old, new)

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (FloatDistribution(0.1, 1), FloatDistribution(0.1, 1, log=True)),
            (IntDistribution(1, 10, log=True), IntDistribution(1, 10)),
        ],
    )
    def test_log_mismatch(self, old: BaseDistribution, new: BaseDistribution) -> None:
        with pytest.raises(ValueError, match="log"):
            check_distribution_compatibility(old, new)

    @pytest.mark.parametrize(
        "new_choices",
        [["a", "c"], ["a"], ["b", "a"], ["a", "b", "c"]],
    )
    def test_different_choices(self, new_choices: list[str]) -> None:
        with pytest.raises(ValueError, match="choices"):
            check_distribution_compatibility(
                CategoricalDistribution(["a", "b"]), CategoricalDistribution(new_choices)
            )

    def test_bool_versus_int_choices_are_different(self) -> None:
        with pytest.raises(ValueError):
            check_distribution_compatibility(
                CategoricalDistribution([True, False]), CategoricalDistribution([1, 0])
            )

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            (FloatDistribution(0, 1), FloatDistribution(-5, 10)),
            (FloatDistribution(0, 1), FloatDistribution(0, 1, step=0.5)),
            (FloatDistribution(0.1, 1, log=True), FloatDistribution(0.01, 100, log=True)),
            (IntDistribution(0, 10), IntDistribution(5, 7, step=2)),
            (IntDistribution(1, 10, log=True), IntDistribution(2, 1000, log=True)),
            (CategoricalDistribution(["a", None]), CategoricalDistribution(("a", None))),
        ],
    )
    def test_compatible(self, old: BaseDistribution, new: BaseDistribution) -> None:
        check_distribution_compatibility(old, new)


# -- equality and hashing --------------------------------------------------------------------


class TestEquality:
    def test_equal_attributes_are_equal_and_hash_alike(self) -> None:
        pairs = [
            (FloatDistribution(0, 1), FloatDistribution(0.0, 1.0)),
            (FloatDistribution(0, 1, step=0.5), FloatDistribution(0.0, 1.0, step=0.5)),
            (IntDistribution(1, 10, log=True), IntDistribution(1, 10, log=True)),
            (CategoricalDistribution(["a", 1, None]), CategoricalDistribution(("a", 1, None))),
        ]
        for a, b in pairs:
            assert a == b
            assert hash(a) == hash(b)
            assert len({a, b}) == 1

    @pytest.mark.parametrize(
        ("a", "b"),
        [
            (FloatDistribution(0, 1), FloatDistribution(0, 2)),
            (FloatDistribution(0.1, 1), FloatDistribution(0.1, 1, log=True)),
            (FloatDistribution(0, 1), FloatDistribution(0, 1, step=0.5)),
            (FloatDistribution(0, 1), IntDistribution(0, 1)),
            (IntDistribution(0, 10), IntDistribution(0, 10, step=2)),
            (CategoricalDistribution([1, 2]), CategoricalDistribution([2, 1])),
            (CategoricalDistribution([True]), CategoricalDistribution([1])),
        ],
    )
    def test_different_attributes_are_not_equal(
        self, a: BaseDistribution, b: BaseDistribution
    ) -> None:
        assert a != b
        assert b != a

    def test_not_equal_to_other_objects(self) -> None:
        assert FloatDistribution(0, 1) != (0, 1)
        assert CategoricalDistribution(["a"]) != ["a"]

    def test_usable_as_dict_keys(self) -> None:
        table = {FloatDistribution(0, 1): "f", CategoricalDistribution(["x"]): "c"}
        assert table[FloatDistribution(0.0, 1.0)] == "f"
        assert table[CategoricalDistribution(("x",))] == "c"

    def test_repr_names_class_and_values(self) -> None:
        text = repr(FloatDistribution(0.5, 2.0, log=True))
        assert "FloatDistribution" in text and "0.5" in text and "log=True" in text

    def test_nan_category_equals_itself(self) -> None:
        nan = math.nan
        assert CategoricalDistribution([nan, 1.0]) == CategoricalDistribution([nan, 1.0])
