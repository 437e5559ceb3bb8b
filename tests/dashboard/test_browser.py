"""The dashboard in a real headless Chromium while a worker process optimizes the study.

Screenshots of each page are saved under ``HPO_TEST_ARTIFACTS`` (or the temporary directory;
the path is printed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import hpo
from hpo.trial import TrialState
from tests.dashboard.conftest import EVIL, artifact_dir, chrome_driver

STUDY = f"live {EVIL}"

# A worker that keeps optimizing the study (and runs enqueued trials first) until killed.
_WORKER = """
import sys, time
import hpo
hpo.logging.set_verbosity(hpo.logging.WARNING)
storage = hpo.storages.RDBStorage(sys.argv[1], heartbeat_interval=1)
study = hpo.load_study(study_name=sys.argv[2], storage=storage)

def objective(trial):
    x = trial.suggest_float("x", -5.0, 5.0)
    for step in range(3):
        trial.report(x * x + 3 - step, step)
        time.sleep(0.05)
    return x * x

study.optimize(objective, n_trials=100000)
"""


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def live_study(tmp_path: Path) -> Iterator[str]:
    """A SQLite study with a few trials and a worker process adding more; yields its URL."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    study = hpo.create_study(study_name=STUDY, storage=url)
    study.optimize(lambda t: t.suggest_float("x", -5.0, 5.0) ** 2, n_trials=5)
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, url, STUDY])
    try:
        yield url
    finally:
        worker.kill()
        worker.wait(10)


def _shot(driver: Any, name: str) -> None:
    path = artifact_dir() / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")


def _severe(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_dashboard_follows_a_running_study_in_chromium(live_study: str) -> None:
    from selenium.webdriver.common.by import By

    from hpo.dashboard import start_in_background

    driver = chrome_driver()
    handle = start_in_background(live_study)
    try:
        driver.set_page_load_timeout(30)
        # Studies page: the name is text, not markup (an alert would fail every call below).
        driver.get(handle.url)
        link = driver.find_element(By.CSS_SELECTOR, "a.study-link")
        assert link.text == STUDY
        _shot(driver, "studies")
        link.click()

        # Study page: the first plot is drawn and the trial count grows without a reload.
        _wait(
            lambda: driver.find_elements(By.CSS_SELECTOR, "#plot-history[data-drawn=true]"),
            30,
            "the optimization history plot",
        )
        assert driver.find_element(By.ID, "study-name").text.startswith(STUDY)
        _wait(lambda: driver.find_element(By.ID, "n-trials").text.isdigit(), 10, "a count")
        first = int(driver.find_element(By.ID, "n-trials").text)
        _wait(
            lambda: int(driver.find_element(By.ID, "n-trials").text) >= first + 3,
            30,
            "the trial count to grow",
        )
        points = driver.execute_script(
            "return document.getElementById('plot-history').data[0].x.length"
        )
        assert points >= first  # the history plot was extended with the new trials
        _wait(
            lambda: driver.find_elements(By.CSS_SELECTOR, "#plot-slice[data-drawn=true]"),
            30,
            "the slice plot",
        )
        _shot(driver, "study")

        # Trials table, then a trial page.
        driver.find_element(By.ID, "trials-link").click()
        rows = driver.find_elements(By.CSS_SELECTOR, "#trials-table tbody tr")
        assert len(rows) >= 5
        _shot(driver, "trials")
        rows[1].find_element(By.TAG_NAME, "a").click()
        assert driver.find_element(By.ID, "trial-title").text.startswith("Trial 1")
        _shot(driver, "trial")

        # Enqueue a trial from the form; the worker runs it.
        driver.back()
        driver.back()
        params = driver.find_element(By.ID, "enqueue-params")
        params.clear()
        params.send_keys('{"x": 1.25}')
        driver.find_element(By.ID, "enqueue-submit").click()
        assert "Trial enqueued." in driver.find_element(By.CSS_SELECTOR, ".message").text
        storage = hpo.storages.RDBStorage(live_study)

        def enqueued_done() -> Any:
            for trial in storage.get_all_trials(1):
                if trial.params.get("x") == 1.25 and trial.state == TrialState.COMPLETE:
                    return trial
            return None

        trial = _wait(enqueued_done, 30, "the worker to run the enqueued trial")
        assert trial.values == [1.5625]
        driver.get(f"{handle.url}studies/1/trials/{trial.number}")
        assert "COMPLETE" in driver.find_element(By.ID, "trial-state").text
        driver.get(f"{handle.url}compare?study=1")
        _wait(
            lambda: driver.execute_script(
                "var e = document.getElementById('compare-plot'); return e.data && e.data.length"
            ),
            20,
            "the compare plot",
        )
        _shot(driver, "compare")
        assert _severe(driver) == []
    finally:
        handle.stop()
        driver.quit()
        shutil.rmtree(driver._hpo_profile, ignore_errors=True)
