"""Shared by the bad-input tests (a pytest plugin): backend fixtures and the check that a
study still works.

A bad-input test asserts the exception and its message, then :func:`assert_study_healthy`:
no trial is left RUNNING (a failed trial has a ``fail_reason``), and three TPE trials complete
afterwards with consecutive numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.samplers import TPESampler
from hpo.storages import BaseStorage
from hpo.study import Study
from hpo.trial import FrozenTrial, Trial, TrialState
from tests.storages.conftest import BACKENDS, make_storage_factory

# Every backend where what is written matters; the others where an argument is rejected
# before anything reaches the storage (no PostgreSQL database per case there).
ALL_BACKENDS = BACKENDS
LOCAL_BACKENDS = [b for b in BACKENDS if b != "postgres"]


def open_storage(request: pytest.FixtureRequest, tmp_path: Path) -> BaseStorage:
    """Open an empty storage of the backend named by ``request.param``."""
    return make_storage_factory(request.param, tmp_path, request)()


@pytest.fixture(params=ALL_BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> BaseStorage:
    """An empty storage of each backend, PostgreSQL included."""
    return open_storage(request, tmp_path)


@pytest.fixture(params=LOCAL_BACKENDS)
def local_storage(request: pytest.FixtureRequest, tmp_path: Path) -> BaseStorage:
    """An empty storage of each backend that needs no server."""
    return open_storage(request, tmp_path)


def make_study(storage: BaseStorage | None, **kwargs: Any) -> Study:
    """A study with a TPE sampler whose model is in use from the third trial on."""
    kwargs.setdefault("sampler", TPESampler(seed=0, n_startup_trials=2))
    return hpo.create_study(storage=storage, **kwargs)


def good_objective(trial: Trial) -> float:
    """An objective with a linear, a log-scale and a categorical parameter."""
    x = trial.suggest_float("good_x", -1.0, 1.0)
    lr = trial.suggest_float("good_lr", 1e-4, 1.0, log=True)
    c = trial.suggest_categorical("good_c", ["a", "b"])
    return x * x + lr + (c == "b")


def assert_study_healthy(
    study: Study,
    objective: Callable[[Trial], float] = good_objective,
    *,
    require_fail_reason: bool = True,
) -> None:
    """No RUNNING trial is left, and three more trials complete with the next numbers.

    With ``require_fail_reason``, every FAIL trial must say why in its ``fail_reason``.
    """
    before = study.trials
    assert not [t.number for t in before if t.state == TrialState.RUNNING]
    for t in before:
        if require_fail_reason and t.state == TrialState.FAIL:
            assert t.system_attrs.get("fail_reason"), t
    n_complete = sum(t.state == TrialState.COMPLETE for t in before)
    study.optimize(objective, n_trials=3)
    after = study.trials
    assert [t.number for t in after] == list(range(len(after)))
    assert sum(t.state == TrialState.COMPLETE for t in after) == n_complete + 3
    assert not [t for t in after if t.state == TrialState.RUNNING]


def fails_with(
    study: Study, objective: Callable[[Trial], Any], error: type[Exception], pattern: str
) -> FrozenTrial:
    """Run one trial of ``objective``; it must raise ``error`` and be recorded as FAIL."""
    with pytest.raises(error, match=pattern):
        study.optimize(objective, n_trials=1)
    last = study.trials[-1]
    assert last.state == TrialState.FAIL
    assert re.search(pattern, last.system_attrs["fail_reason"])
    return last
