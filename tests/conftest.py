"""Shared fixtures: quiet logging, the throwaway PostgreSQL server, the bad-input backends."""

from __future__ import annotations

import pytest

import hpo

pytest_plugins = ["tests.postgres_server", "tests.bad_input_support"]


@pytest.fixture(autouse=True)
def _quiet_hpo_logging() -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    hpo.logging.enable_propagation()
