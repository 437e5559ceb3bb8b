"""Shared fixtures: quiet logging and the throwaway PostgreSQL server."""

from __future__ import annotations

import pytest

import hpo

pytest_plugins = ["tests.postgres_server"]


@pytest.fixture(autouse=True)
def _quiet_hpo_logging() -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    hpo.logging.enable_propagation()
