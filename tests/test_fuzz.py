"""Hostile input over suggest, report, tell, enqueue_trial and add_trial, on three backends.

Every call either succeeds or raises a clear error: a ValueError, a TypeError or an hpo
exception whose message names the argument or the parameter. Whatever happened, the study
keeps working afterwards: three TPE trials complete, numbers are consecutive, and no trial is
left RUNNING.
"""

from __future__ import annotations

import itertools
import math
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpo.exceptions import HpoError, HpoWarning, StorageInternalError
from hpo.storages import BaseStorage, RDBStorage
from hpo.storages._rdb._engine import dispose_all
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState, create_trial
from tests.bad_input_support import assert_study_healthy, make_study
from tests.postgres_server import PostgresServer
from tests.storages.conftest import make_storage_factory

FUZZ_BACKENDS = ["inmemory", "sqlite", "journal", "postgres"]

# -- hostile values ---------------------------------------------------------------------------

_scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-300, 1e308, -1e308, 5e-324]),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, 1, 2, 10, -1, 2**53, 2**63, 2**64, 10**400]),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.sampled_from([1j, complex(1, 0), complex(math.inf, 0), complex(0, math.nan)]),
)
HOSTILE = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=2),
    ),
    max_leaves=4,
)
HASHABLE = st.one_of(_scalars, st.tuples(_scalars, _scalars))
# Names the hostile calls use; the health check's objective uses other names ("good_*").
NAMES = st.one_of(st.sampled_from(["x", "y", "n", "c"]), HOSTILE)
KEYS = st.one_of(st.sampled_from(["x", "y", "n", "c"]), HASHABLE)
STATES = st.one_of(st.sampled_from(list(TrialState)), st.none(), HOSTILE)


@dataclass
class Call:
    """One hostile call and the words one of which a clear error message must contain."""

    description: str
    run: Callable[[Study, Trial], Any]
    words: tuple[str, ...]


def _name_words(name: Any) -> tuple[str, ...]:
    return ("name", repr(name))


@st.composite
def suggest_numeric_calls(draw: st.DrawFn, method: str) -> Call:
    """A ``suggest_float`` or ``suggest_int`` call (``method``) with hostile arguments."""
    name = draw(NAMES)
    low, high = draw(HOSTILE), draw(HOSTILE)
    kwargs: dict[str, Any] = {}
    if draw(st.booleans()):
        kwargs["step"] = draw(HOSTILE)
    if draw(st.booleans()):
        kwargs["log"] = draw(st.one_of(st.booleans(), HOSTILE))
    return Call(
        f"{method}({name!r}, {low!r}, {high!r}, **{kwargs!r})",
        lambda study, trial: getattr(trial, method)(name, low, high, **kwargs),
        (*_name_words(name), "low", "high", "step", "log"),
    )


@st.composite
def suggest_categorical_calls(draw: st.DrawFn) -> Call:
    name = draw(NAMES)
    choices = draw(st.one_of(st.lists(HOSTILE, max_size=4), HOSTILE))
    return Call(
        f"suggest_categorical({name!r}, {choices!r})",
        lambda study, trial: trial.suggest_categorical(name, choices),
        (*_name_words(name), "choice"),
    )


@st.composite
def report_calls(draw: st.DrawFn) -> Call:
    value = draw(st.one_of(st.floats(), HOSTILE))
    step = draw(st.one_of(st.integers(min_value=-5, max_value=5), HOSTILE))
    return Call(
        f"report({value!r}, {step!r})",
        lambda study, trial: trial.report(value, step),
        ("value", "step"),
    )


@st.composite
def enqueue_calls(draw: st.DrawFn) -> Call:
    params = draw(st.one_of(st.dictionaries(KEYS, HOSTILE, max_size=3), HOSTILE))
    return Call(
        f"enqueue_trial({params!r})",
        lambda study, trial: study.enqueue_trial(params),
        ("params", "name"),
    )


_DISTRIBUTIONS = [
    FloatDistribution(0.0, 1.0),
    FloatDistribution(1e-3, 1.0, log=True),
    FloatDistribution(0.0, 1.0, step=0.25),
    IntDistribution(0, 10),
    IntDistribution(1, 100, log=True),
    CategoricalDistribution(["a", "b", None]),
]


@st.composite
def add_trial_calls(draw: st.DrawFn) -> Call:
    if draw(st.integers(0, 4)) == 0:
        trial: Any = draw(HOSTILE)
    else:
        trial = FrozenTrial.__new__(FrozenTrial)
        names = draw(st.lists(st.sampled_from(["x", "y", "n", "c"]), max_size=2, unique=True))
        template = create_trial(state=TrialState.FAIL)
        trial._number, trial._trial_id = -1, -1
        trial._state = draw(STATES)
        trial._values = draw(st.one_of(st.none(), st.lists(HOSTILE, max_size=2)))
        trial._datetime_start = template.datetime_start
        trial._datetime_complete = draw(st.sampled_from([None, template.datetime_complete]))
        trial._params = {n: draw(HOSTILE) for n in names}
        trial._distributions = {n: draw(st.sampled_from(_DISTRIBUTIONS)) for n in names}
        trial._user_attrs, trial._system_attrs = {}, {}
        trial._intermediate_values = draw(st.dictionaries(HASHABLE, HOSTILE, max_size=2))
    words = (
        "trial",
        "state",
        "value",
        "param",
        "distribution",
        "intermediate",
        "step",
        "datetime",
    )
    return Call(f"add_trial({trial!r})", lambda study, _: study.add_trial(trial), words)


CALLS = st.one_of(
    suggest_numeric_calls("suggest_float"),
    suggest_numeric_calls("suggest_int"),
    suggest_categorical_calls(),
    report_calls(),
    enqueue_calls(),
    add_trial_calls(),
)


@st.composite
def tells(draw: st.DrawFn) -> tuple[Any, Any]:
    values = draw(st.one_of(st.floats(), st.lists(st.floats(), max_size=2), HOSTILE))
    return values, draw(STATES)


# -- the test ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def storages(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[dict[str, BaseStorage]]:
    """One storage per backend for the whole module; each example makes new studies."""
    tmp_path: Path = tmp_path_factory.mktemp("fuzz")
    found = {
        backend: make_storage_factory(backend, tmp_path, None)()  # type: ignore[arg-type]
        for backend in FUZZ_BACKENDS
        if backend != "postgres"
    }
    database = f"fuzz_{uuid.uuid4().hex[:12]}"
    found["postgres"] = RDBStorage(postgres_server.create_database(database))
    yield found
    dispose_all()
    postgres_server.drop_database(database)


_study_numbers: Iterator[int] = itertools.count()


def _assert_clear(error: Exception, call_description: str, words: tuple[str, ...]) -> None:
    assert isinstance(error, (ValueError, TypeError, HpoError)), (call_description, error)
    assert not isinstance(error, StorageInternalError), (call_description, error)
    message = str(error).lower()
    assert any(word.lower() in message for word in words), (call_description, message)


def _apply(study: Study, trial: Trial, call: Call) -> None:
    try:
        with warnings.catch_warnings():
            # Warnings (a repeated report step, a high lowered to the step grid) are fine.
            warnings.simplefilter("ignore", HpoWarning)
            call.run(study, trial)
    except Exception as e:
        _assert_clear(e, call.description, call.words)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=st.lists(CALLS, min_size=1, max_size=4), tell=tells())
def test_hostile_calls_leave_a_working_study(
    storages: dict[str, BaseStorage], calls: list[Call], tell: tuple[Any, Any]
) -> None:
    values, state = tell
    for backend in FUZZ_BACKENDS:
        study = make_study(storages[backend], study_name=f"fuzz-{next(_study_numbers)}")
        trial = study.ask()
        for call in calls:
            _apply(study, trial, call)
        try:
            study.tell(trial, values, state)
        except Exception as e:
            _assert_clear(e, f"tell({values!r}, state={state!r})", ("state", "value", "trial"))
            # As a user would: the trial is still RUNNING, finish it.
            study.tell(trial, state=TrialState.FAIL)
        # A trial told FAIL, or added as FAIL, has no fail_reason: only check for RUNNING ones.
        assert_study_healthy(study, require_fail_reason=False)


def test_fuzz_checks_can_fail() -> None:
    """The message check rejects an error that names nothing the caller passed."""
    with pytest.raises(AssertionError):
        _assert_clear(ValueError("something went wrong"), "call", ("low", "high"))
    with pytest.raises(AssertionError):
        _assert_clear(KeyError("low"), "call", ("low",))
    with pytest.raises(AssertionError):
        _assert_clear(StorageInternalError("low"), "call", ("low",))
    _assert_clear(TypeError("low='0' (str) must be a real number"), "call", ("low",))
