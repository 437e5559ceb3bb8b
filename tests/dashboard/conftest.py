"""Fixtures of the dashboard tests: studies to show, a test client, a real Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.storages import BaseStorage, InMemoryStorage
from hpo.trial import TrialState
from tests.browser import CHROMIUM_FLAGS

EVIL = "<script>alert(1)</script>"


def make_client(app: Any) -> Any:
    """Starlette's test client of ``app`` (server errors become 500 responses, as served)."""
    with warnings.catch_warnings():
        # Starlette deprecates httpx (the test extra's client library) in favour of httpx2.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


def fill_study(storage: BaseStorage, name: str = "demo", n_trials: int = 12) -> hpo.Study:
    """A single-objective study with complete, pruned, failed, running and waiting trials."""
    study = hpo.create_study(study_name=name, storage=storage)
    for i in range(n_trials):
        trial = study.ask()
        x = trial.suggest_float("x", -5.0, 5.0)
        trial.suggest_categorical("kind", ["a", "b"])
        trial.set_user_attr("fold", i % 3)
        for step in range(3):
            trial.report(x * x + 3 - step, step)
        if i == 3:
            study.tell(trial, state=TrialState.PRUNED)
        elif i == 4:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, x * x)
    study.ask()  # one running trial
    study.enqueue_trial({"x": 1.0, "kind": "a"})
    return study


@pytest.fixture
def storage() -> BaseStorage:
    """An in-memory storage with one filled study named ``demo``."""
    storage = InMemoryStorage()
    fill_study(storage)
    return storage


@pytest.fixture
def client(storage: BaseStorage) -> Iterator[Any]:
    """A test client of a dashboard with write actions."""
    from hpo.dashboard import create_app

    app = create_app(storage)
    with make_client(app) as client:
        client.dashboard = app.state.dashboard
        yield client


def artifact_dir() -> Path:
    """Where screenshots go: ``HPO_TEST_ARTIFACTS`` if set, else a directory under tmp."""
    root = os.environ.get("HPO_TEST_ARTIFACTS")
    base = Path(root) if root else Path(tempfile.gettempdir()) / "hpo-test-artifacts"
    path = base / "dashboard"
    path.mkdir(parents=True, exist_ok=True)
    return path


def chrome_driver() -> Any:
    """A headless Chromium driven by selenium, or a loud skip (a failure under CI)."""
    missing = []
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip install selenium)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
    )
    if chromium is None:
        missing.append("chromium (apt-get install chromium)")
    if driver_path is None:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests need {reason} in CI.", pytrace=False)
        pytest.skip(f"SKIPPING DASHBOARD BROWSER TESTS: missing {reason}")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    profile = tempfile.mkdtemp(prefix="hpo-dashboard-chromium-")
    for flag in (*CHROMIUM_FLAGS, "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    driver._hpo_profile = profile  # type: ignore[attr-defined]
    return driver
