"""Bad arguments of suggest_* and report: the trial fails with a clear error, on every backend.

Bounds, steps and names are checked before anything reaches the storage, so each message
names the argument, its value and type, and the parameter; the study keeps working.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from hpo.distributions import CategoricalDistribution
from hpo.samplers import TPESampler
from hpo.storages import BaseStorage
from hpo.trial import Trial
from tests.bad_input_support import (
    assert_study_healthy,
    fails_with,
    make_study,
)

inf, nan = math.inf, math.nan

FLOAT_CASES = [
    pytest.param((-inf, 0.0), {}, ValueError, r"low=-inf must be a finite", id="low--inf"),
    pytest.param((0.0, inf), {}, ValueError, r"high=inf must be a finite", id="high-inf"),
    pytest.param((nan, 1.0), {}, ValueError, r"low=nan must be a finite", id="low-nan"),
    pytest.param((-1e308, 1e308), {}, ValueError, r"low=-1e\+308.*too wide", id="too-wide"),
    pytest.param((0.0, 1.0), {"step": inf}, ValueError, r"step=inf must be", id="step-inf"),
    pytest.param(
        (0.0, 1.0), {"step": 1e-300}, ValueError, r"step=1e-300.*2\*\*50", id="step-tiny"
    ),
    pytest.param((0.0, 1.0), {"step": -0.5}, ValueError, r"step=-0.5 must be > 0", id="step-neg"),
    pytest.param(("0", 1.0), {}, TypeError, r"low='0' \(str\) must be a real", id="low-str"),
    pytest.param((None, 1.0), {}, TypeError, r"low=None \(NoneType\)", id="low-none"),
    pytest.param((1j, 1.0), {}, TypeError, r"low=1j \(complex\)", id="low-complex"),
    pytest.param(([0], 1.0), {}, TypeError, r"low=\[0\] \(list\)", id="low-list"),
    pytest.param((0.0, True), {}, TypeError, r"high=True \(bool\)", id="high-bool"),
    pytest.param((0.0, 1.0), {"step": "0.1"}, TypeError, r"step='0.1' \(str\)", id="step-str"),
    pytest.param((0.1, 1.0), {"log": "False"}, TypeError, r"log='False' \(str\)", id="log-str"),
    pytest.param((0.1, 1.0), {"log": 1}, TypeError, r"log=1 \(int\)", id="log-int"),
]


INT_CASES = [
    pytest.param((0, inf), {}, ValueError, r"high=inf must be a finite", id="high-inf"),
    pytest.param((0, 2**70), {}, ValueError, r"high=1180591620717411303424.*2\*\*53", id="huge"),
    pytest.param((0.5, 3), {}, ValueError, r"low=0.5 must be an integer", id="low-fraction"),
    pytest.param(("0", 3), {}, TypeError, r"low='0' \(str\)", id="low-str"),
    pytest.param((0, 3), {"step": True}, TypeError, r"step=True \(bool\)", id="step-bool"),
    pytest.param((0, 3), {"step": 0}, ValueError, r"step=0 must be > 0", id="step-zero"),
    pytest.param((0, 2**51), {}, ValueError, r"more than 2\*\*50 steps", id="too-many-steps"),
    pytest.param((1, 3), {"log": "yes"}, TypeError, r"log='yes' \(str\)", id="log-str"),
]

SUGGEST_CASES = [
    pytest.param(method, name, *case.values, id=f"{method}-{case.id}")
    for method, name, cases in (
        ("suggest_float", "x", FLOAT_CASES),
        ("suggest_int", "n", INT_CASES),
    )
    for case in cases
]


@pytest.mark.parametrize(("method", "name", "args", "kwargs", "error", "pattern"), SUGGEST_CASES)
def test_bad_suggest_number_fails_the_trial_clearly(
    local_storage: BaseStorage,
    method: str,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    pattern: str,
) -> None:
    study = make_study(local_storage)
    fails_with(
        study, lambda t: getattr(t, method)(name, *args, **kwargs), error, pattern + rf".*'{name}'"
    )
    assert_study_healthy(study)


OTHER_CASES = [
    pytest.param(lambda t: t.suggest_float(1, 0, 1), TypeError, r"str, got 1 \(int\)", id="n-int"),
    pytest.param(lambda t: t.suggest_int(None, 0, 1), TypeError, r"str, got None", id="n-none"),
    pytest.param(
        lambda t: t.suggest_categorical(("a",), ["u"]), TypeError, r"got \('a',\)", id="n-tuple"
    ),
    pytest.param(lambda t: t.suggest_float(["a"], 0, 1), TypeError, r"got \['a'\]", id="n-list"),
    pytest.param(
        lambda t: t.suggest_categorical("c", [(1, 2), (3, 4)]),
        TypeError,
        r"choices\[0\]=\(1, 2\) \(tuple\).*'c'",
        id="choices-tuples",
    ),
    pytest.param(
        lambda t: t.suggest_categorical("c", ["a", [1]]),
        TypeError,
        r"choices\[1\]=\[1\] \(list\).*'c'",
        id="choices-lists",
    ),
    pytest.param(
        lambda t: t.suggest_categorical("c", "abc"), TypeError, r"sequence.*'c'", id="choices-str"
    ),
    pytest.param(
        lambda t: t.suggest_categorical("c", []), ValueError, r"one element.*'c'", id="no-choices"
    ),
    pytest.param(lambda t: t.report(1.0, inf), TypeError, r"step=inf", id="step-inf"),
    pytest.param(lambda t: t.report(1.0, 2**70), ValueError, r"step=118059", id="step-2**70"),
    pytest.param(lambda t: t.report(1.0, -1), ValueError, r"step=-1", id="step-neg"),
    pytest.param(lambda t: t.report(1.0, "1"), TypeError, r"step='1' \(str\)", id="step-str"),
    pytest.param(lambda t: t.report(1.0, 1.5), TypeError, r"step=1.5", id="step-fraction"),
    pytest.param(lambda t: t.report("1.0", 0), TypeError, r"value.*'1.0'", id="value-str"),
    pytest.param(lambda t: t.report(10**400, 0), ValueError, r"value=1000.*large", id="value-big"),
    pytest.param(lambda t: t.report(1j, 0), TypeError, r"value.*1j", id="value-complex"),
    pytest.param(
        lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("x", 2, 3)),
        ValueError,
        r"'x'.*high=1\.0.*high=3\.0",
        id="same-name-other-range",
    ),
    pytest.param(
        lambda t: (t.suggest_int("n", 0, 8), t.suggest_int("n", 0, 8, step=2)),
        ValueError,
        r"'n'.*step=1.*step=2",
        id="same-name-other-step",
    ),
    pytest.param(
        lambda t: (t.suggest_categorical("c", ["a"]), t.suggest_categorical("c", ["a", "b"])),
        ValueError,
        r"'c'.*'a'.*'b'",
        id="same-name-other-choices",
    ),
]


@pytest.mark.parametrize(("call", "error", "pattern"), OTHER_CASES)
def test_bad_name_choices_or_report_fails_the_trial_clearly(
    local_storage: BaseStorage, call: Callable[[Trial], Any], error: type[Exception], pattern: str
) -> None:
    study = make_study(local_storage)

    def objective(trial: Trial) -> float:
        call(trial)
        return 1.0

    failed = fails_with(study, objective, error, pattern)
    assert failed.intermediate_values == {}
    assert_study_healthy(study)


def test_report_accepts_nan_and_inf(storage: BaseStorage) -> None:
    study = make_study(storage)

    def objective(trial: Trial) -> float:
        trial.report(math.nan, 0)
        trial.report(math.inf, 1)
        trial.report(-math.inf, 2**63 - 1)
        return 1.0

    study.optimize(objective, n_trials=1)
    values = study.trials[0].intermediate_values
    assert math.isnan(values[0])
    assert values[1] == math.inf and values[2**63 - 1] == -math.inf
    assert_study_healthy(study)


def test_documented_choice_types_work_the_same_on_every_backend(storage: BaseStorage) -> None:
    study = make_study(storage)
    choices = [None, True, 1, 2.5, "s"]
    seen = []
    for _ in range(6):
        trial = study.ask()
        seen.append(trial.suggest_categorical("c", choices))
        study.tell(trial, 1.0)
    assert all(any(v is c or (v == c and type(v) is type(c)) for c in choices) for v in seen)
    assert study.trials[0].distributions["c"] == CategoricalDistribution(choices)
    assert_study_healthy(study)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        pytest.param(
            lambda t: t.suggest_categorical("c", [(1, 2), (3, 4)]), r"\(tuple\)", id="tuples"
        ),
        pytest.param(lambda t: t.suggest_float(1, 0, 1), r"got 1 \(int\)", id="int-name"),
        pytest.param(lambda t: t.suggest_int(None, 0, 1), r"got None", id="none-name"),
        pytest.param(lambda t: t.suggest_float(("a",), 0, 1), r"got \('a',\)", id="tuple-name"),
    ],
)
def test_choices_and_names_rejected_alike_on_every_backend(
    storage: BaseStorage, call: Callable[[Trial], Any], pattern: str
) -> None:
    study = make_study(storage)
    fails_with(study, lambda t: (call(t), 1.0)[1], TypeError, pattern)
    assert study.trials[0].params == {}
    assert_study_healthy(study)


@pytest.mark.parametrize(
    ("kind", "low", "high", "kwargs"),
    [
        ("float", 0.0, 1e308, {}),
        ("float", -8.9e307, 8.9e307, {}),
        ("float", -1.7e308, 0.0, {}),
        ("float", 5e-324, 1.7e308, {"log": True}),
        ("float", 0.0, 1e308, {"step": 1e307}),
        ("float", 0.0, 1.0, {"step": 2**-50}),
        ("float", 0.0, 5e-324, {}),
        ("int", -(2**49), 2**49, {}),
        ("int", -(2**53), 2**53, {"step": 16}),
        ("int", -(2**53), 2**53, {"step": 2**50}),
        # TPE's log-scale kernels lose integer resolution beyond about 2**46.
        ("int", 1, 2**46, {"log": True}),
    ],
)
@pytest.mark.parametrize("multivariate", [False, True])
def test_widest_valid_ranges_give_values_inside_them(
    kind: str, low: float, high: float, kwargs: dict[str, Any], multivariate: bool
) -> None:
    sampler = TPESampler(seed=1, n_startup_trials=3, multivariate=multivariate)
    study = make_study(None, sampler=sampler)
    values: list[float] = []

    def objective(trial: Trial) -> float:
        if kind == "float":
            value: float = trial.suggest_float("v", low, high, **kwargs)
        else:
            value = trial.suggest_int("v", low, high, **kwargs)  # type: ignore[arg-type]
        values.append(value)
        return trial.suggest_float("w", 0.0, 1.0) + abs(value) / 2.0**1023

    study.optimize(objective, n_trials=12)
    assert len(values) == 12
    assert all(math.isfinite(v) and low <= v <= high for v in values), values
