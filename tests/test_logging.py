"""Tests of hpo.logging: verbosity, handlers and propagation."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.samplers import RandomSampler


@pytest.fixture
def _restore_default_handler() -> Iterator[None]:
    yield
    hpo.logging.enable_default_handler()
    hpo.logging.enable_propagation()


@pytest.mark.parametrize(
    "level",
    [
        hpo.logging.DEBUG,
        hpo.logging.INFO,
        hpo.logging.WARNING,
        hpo.logging.ERROR,
        hpo.logging.CRITICAL,
    ],
)
def test_set_and_get_verbosity(level: int) -> None:
    hpo.logging.set_verbosity(level)
    assert hpo.logging.get_verbosity() == level
    assert logging.getLogger("hpo").getEffectiveLevel() == level


def test_levels_are_the_standard_ones() -> None:
    assert hpo.logging.DEBUG == logging.DEBUG
    assert hpo.logging.INFO == logging.INFO
    assert hpo.logging.WARNING == hpo.logging.WARN == logging.WARNING
    assert hpo.logging.ERROR == logging.ERROR
    assert hpo.logging.CRITICAL == hpo.logging.FATAL == logging.CRITICAL


@pytest.mark.parametrize("level", [5, 25, -1, "INFO", None, True, 10.0])
def test_invalid_verbosity(level: Any) -> None:
    hpo.logging.set_verbosity(hpo.logging.ERROR)
    with pytest.raises(ValueError, match=repr(level) if isinstance(level, str) else str(level)):
        hpo.logging.set_verbosity(level)
    assert hpo.logging.get_verbosity() == hpo.logging.ERROR


def test_get_logger_is_below_hpo() -> None:
    logger = hpo.logging.get_logger("hpo.some.module")
    assert logger.name == "hpo.some.module"
    hpo.logging.set_verbosity(hpo.logging.ERROR)
    assert logger.getEffectiveLevel() == logging.ERROR


def _run_study() -> None:
    study = hpo.create_study(sampler=RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)


def test_info_messages_follow_verbosity(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hpo.logging.set_verbosity(hpo.logging.INFO)
    _run_study()
    finished = [r for r in caplog.records if "Trial 1 finished" in r.getMessage()]
    assert len(finished) == 1
    assert finished[0].levelno == logging.INFO
    assert finished[0].name.startswith("hpo")

    caplog.clear()
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    _run_study()
    assert not [r for r in caplog.records if r.name.startswith("hpo")]


def test_warning_shown_at_warning_level_not_at_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    study = hpo.create_study()
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study.optimize(lambda t: float("nan"), n_trials=1)
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    caplog.clear()
    hpo.logging.set_verbosity(hpo.logging.ERROR)
    study.optimize(lambda t: float("nan"), n_trials=1)
    assert not [r for r in caplog.records if r.name.startswith("hpo")]


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_default_handler_writes_to_stderr() -> None:
    result = _run_python(
        """
        import hpo
        logger = hpo.logging.get_logger("hpo.example")
        logger.info("info-message-0")
        logger.warning("visible-message-1")
        hpo.logging.disable_default_handler()
        logger.info("hidden-message-2")
        hpo.logging.enable_default_handler()
        hpo.logging.enable_default_handler()
        logger.warning("once-only-3")
        hpo.logging.set_verbosity(hpo.logging.ERROR)
        logger.warning("quiet-message-4")
        """
    )
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "info-message-0" in err  # INFO is shown by default
    assert "visible-message-1" in err
    assert "hidden-message-2" not in err
    assert err.count("once-only-3") == 1
    assert "quiet-message-4" not in err
    assert result.stdout == ""


def test_default_handler_prints_trial_results() -> None:
    result = _run_python(
        """
        import hpo
        study = hpo.create_study(sampler=hpo.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "Trial 0 finished" in result.stderr and "Trial 1 finished" in result.stderr


@pytest.mark.usefixtures("_restore_default_handler")
def test_propagation(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logger = hpo.logging.get_logger("hpo.test_logging")
    hpo.logging.enable_propagation()
    logger.warning("propagated-1")
    assert "propagated-1" in caplog.text
    hpo.logging.disable_propagation()
    logger.warning("not-propagated-2")
    assert "not-propagated-2" not in caplog.text
