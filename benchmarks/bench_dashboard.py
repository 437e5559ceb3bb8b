"""The dashboard in a real headless Chromium: hpo's against optuna-dashboard on the same study.

For N trials (10 parameters, 5 intermediate values each; bench_plots.build_study) both
dashboards get the same study: hpo's written through hpo, Optuna's written by copying every
trial into a database that Optuna created for an empty study, with bulk SQL inserts (writing
100,000 trials through Optuna's API takes too long). Then, each from a freshly started server
process (the clock starts once the server accepts connections):

- time to first plot: open the study page and wait until a plotly graph holds points;
- time to the first page of trials: hpo's trials table; optuna-dashboard 0.21's trial list
  (its "Trials (List)" page: it has no separate table page), until it names trial 0.

A wait is capped (``--cap``, 120 s by default) and reported as "> cap". Last, the server time
of one live update of hpo's dashboard (its ``Server-Timing`` header) while 4 worker processes
write trials to the 100,000-trial study.

Usage: python benchmarks/bench_dashboard.py [--trials 10000 100000] [--cap 120] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import load_libraries, markdown_table, write_result
from bench_plots import build_study

from tests.browser import CHROMIUM_FLAGS

STUDY = "plots"
ROOT = Path(__file__).resolve().parent.parent
# True once a plotly graph on the page holds at least one point.
PLOT_DRAWN = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).some(function (e) {
  return e.data && e.data.some(function (t) {
    var x = t.x || t.dimensions || t.values;
    return x && x.length > 0;
  });
});
"""
# The first page of trials is shown: hpo's table has rows; optuna-dashboard 0.21's trial
# list ("Trials (List)"; it has no separate table page) names trial 0.
HPO_TABLE_SHOWN = "return document.querySelectorAll('#trials-table tbody tr').length > 0;"
OPTUNA_LIST_SHOWN = "return /\\bTrial 0\\b/.test(document.body.innerText);"
# Each worker runs trials of 10 parameters reporting 5 intermediate values, about 0.1 s each
# (together about 40 trials a second: a fast study; real objectives take longer).
WORKER = """
import sys, time
import hpo
hpo.logging.set_verbosity(hpo.logging.WARNING)
study = hpo.load_study(study_name="plots", storage=sys.argv[1],
                       sampler=hpo.samplers.RandomSampler())
def objective(trial):
    value = sum(trial.suggest_float(f"w{i}", -5, 5) ** 2 for i in range(10))
    for step in range(5):
        trial.report(value + 5 - step, step)
        time.sleep(0.02)
    return value
study.optimize(objective, n_trials=100000)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - start
        time.sleep(0.05)
    raise RuntimeError(f"the server did not listen within {timeout} s")


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="bench-dashboard-chromium-")
    for flag in (*CHROMIUM_FLAGS, "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    driver.set_page_load_timeout(600)
    driver.set_script_timeout(600)
    return driver


def _timed_page(
    command: list[str], port: int, url: str, ready: Callable[[Any], bool], cap: float
) -> tuple[float | None, float]:
    """Start a server, open ``url`` once it listens; seconds until ``ready`` (None: > cap)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = _driver()
    try:
        startup = _wait_listening(port, process, 120)
        start = time.perf_counter()
        driver.get(url)
        while time.perf_counter() - start < cap:
            try:
                if ready(driver):
                    return time.perf_counter() - start, startup
            except Exception:  # the page is between loads
                pass
            time.sleep(0.05)
        return None, startup
    finally:
        driver.quit()
        process.kill()
        process.wait()


def _plot_drawn(driver: Any) -> bool:
    return bool(driver.execute_script(PLOT_DRAWN))


def _hpo_table_shown(driver: Any) -> bool:
    return bool(driver.execute_script(HPO_TABLE_SHOWN))


def _optuna_list_shown(driver: Any) -> bool:
    return bool(driver.execute_script(OPTUNA_LIST_SHOWN))


def write_optuna_copy(hpo_url: str, path: Path) -> None:
    """Write the hpo study into an Optuna database with bulk inserts (see the docstring)."""
    import optuna

    import hpo

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.create_study(study_name=STUDY, storage=f"sqlite:///{path}")
    study = hpo.load_study(study_name=STUDY, storage=hpo_url)
    trials, params, values, steps = [], [], [], []
    for trial in study.get_trials(deepcopy=False):
        trial_id = trial.number + 1
        trials.append(
            (
                trial_id,
                trial.number,
                1,
                trial.state.name,
                str(trial.datetime_start.replace(tzinfo=None)),
                str(trial.datetime_complete.replace(tzinfo=None)),
            )
        )
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            params.append(
                (
                    trial_id,
                    name,
                    dist.to_internal_repr(value),
                    hpo.distributions.distribution_to_json(dist),
                )
            )
        values.extend((trial_id, k, v, "FINITE") for k, v in enumerate(trial.values or []))
        steps.extend(
            (trial_id, step, v, "FINITE") for step, v in trial.intermediate_values.items()
        )
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO trials (trial_id, number, study_id, state, datetime_start, "
            "datetime_complete) VALUES (?, ?, ?, ?, ?, ?)",
            trials,
        )
        conn.executemany(
            "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) "
            "VALUES (?, ?, ?, ?)",
            params,
        )
        conn.executemany(
            "INSERT INTO trial_values (trial_id, objective, value, value_type) "
            "VALUES (?, ?, ?, ?)",
            values,
        )
        conn.executemany(
            "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, "
            "intermediate_value_type) VALUES (?, ?, ?, ?)",
            steps,
        )
    check = optuna.load_study(study_name=STUDY, storage=f"sqlite:///{path}")
    assert len(check.trials) == len(trials), "the Optuna copy lost trials"


def _databases(n_trials: int, directory: Path) -> tuple[str, Path]:
    libraries = load_libraries(("hpo",))
    hpo_path = directory / f"hpo_{n_trials}.db"
    optuna_path = directory / f"optuna_{n_trials}.db"
    hpo_url = f"sqlite:///{hpo_path}"
    if not hpo_path.exists():
        print(f"writing the hpo study of {n_trials:,} trials...", flush=True)
        build_study(libraries["hpo"], hpo_url, n_trials)
    if not optuna_path.exists():
        print("copying it into an Optuna database...", flush=True)
        write_optuna_copy(hpo_url, optuna_path)
    return hpo_url, optuna_path


def measure_pages(n_trials: int, directory: Path, cap: float) -> dict[str, Any]:
    hpo_url, optuna_path = _databases(n_trials, directory)
    hpo_cli = [sys.executable, "-m", "hpo.cli", "dashboard", hpo_url, "--read-only"]
    optuna_cli = [
        shutil.which("optuna-dashboard") or "optuna-dashboard",
        f"sqlite:///{optuna_path}",
    ]
    results: dict[str, Any] = {}
    for name, command, study_path, table_path, table_shown in (
        ("hpo", hpo_cli, "/studies/1", "/studies/1/trials", _hpo_table_shown),
        (
            "optuna-dashboard",
            optuna_cli,
            "/dashboard/studies/1",
            "/dashboard/studies/1/trials",
            _optuna_list_shown,
        ),
    ):
        for what, path, ready in (
            ("plot", study_path, _plot_drawn),
            ("table", table_path, table_shown),
        ):
            port = _free_port()
            seconds, startup = _timed_page(
                [*command, "--port", str(port)], port, f"http://127.0.0.1:{port}{path}", ready, cap
            )
            results[f"{name}:{what}"] = seconds
            results[f"{name}:startup"] = startup
            shown = "> cap" if seconds is None else f"{seconds:.2f} s"
            print(f"{n_trials:>7,} {name:17} {what:5} {shown} (server up in {startup:.1f} s)")
    return results


def measure_live_update(
    directory: Path, n_trials: int, polls: int = 20
) -> tuple[list[tuple[float, float]], list[int]]:
    """Server wall and CPU milliseconds of ``polls`` live updates while 4 workers write the
    study, and how many trials each update carried."""
    import urllib.request

    from hpo.dashboard import start_in_background

    hpo_url, _ = _databases(n_trials, directory)
    source = Path(hpo_url.removeprefix("sqlite:///"))
    live = directory / f"live_{n_trials}.db"
    shutil.copy(source, live)
    url = f"sqlite:///{live}"
    handle = start_in_background(url, read_only=True)
    workers = []
    try:
        with urllib.request.urlopen(handle.url + "studies/1", timeout=60):
            pass
        deadline = time.time() + 600
        while time.time() < deadline:
            with urllib.request.urlopen(handle.url + "api/studies/1/updates", timeout=60) as r:
                body = json.load(r)
            if body["loaded_all"]:
                break
            time.sleep(0.5)
        version = body["version"]
        workers = [
            subprocess.Popen([sys.executable, "-c", WORKER, url], cwd=ROOT) for _ in range(4)
        ]
        time.sleep(5)  # workers started and writing
        timings = []
        changed = []
        for _ in range(polls):
            time.sleep(1.0)
            with urllib.request.urlopen(
                f"{handle.url}api/studies/1/updates?since={version}", timeout=60
            ) as response:
                server_timing = response.headers["Server-Timing"]
                body = json.load(response)
            version = body["version"]
            changed.append(len(body["trials"]))
            wall, cpu = (float(part.split("dur=")[1]) for part in server_timing.split(","))
            timings.append((wall, cpu))
        print(f"live updates (wall, cpu) ms: {timings}; trials per update {changed}")
        return timings, changed
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        handle.stop()


def _cell(seconds: float | None, cap: float) -> str:
    return f"> {cap:.0f}" if seconds is None else f"{seconds:.2f}"


def _ratio(ours: float | None, theirs: float | None, cap: float) -> str:
    if ours is None:
        return "-"
    if theirs is None:
        return f"> {cap / ours:.0f}x"
    return f"{theirs / ours:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--db-dir", type=Path, default=None)
    args = parser.parse_args()
    directory = args.db_dir or Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    directory.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    rows = []
    for n in args.trials:
        r = measure_pages(n, directory, args.cap)
        for what, label in (("plot", "first plot"), ("table", "first page of trials")):
            ours, theirs = r[f"hpo:{what}"], r[f"optuna-dashboard:{what}"]
            rows.append(
                [
                    f"{n:,}",
                    label,
                    _cell(ours, args.cap),
                    _cell(theirs, args.cap),
                    _ratio(ours, theirs, args.cap),
                ]
            )
        rows.append(
            [
                f"{n:,}",
                "server start (s, not counted above)",
                f"{r['hpo:startup']:.2f}",
                f"{r['optuna-dashboard:startup']:.2f}",
                "",
            ]
        )
    load_before_live = os.getloadavg()[0]
    timings, changed = measure_live_update(directory, max(args.trials))
    walls, cpus = [w for w, _ in timings], [c for _, c in timings]
    text = "\n".join(
        [
            "# Dashboard: hpo against optuna-dashboard in headless Chromium",
            "",
            f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores "
            f"shared with other work; load average {load[0]:.1f} at the start. "
            "Seconds from opening the page (the server already listening) until it shows "
            f"the thing; waits capped at {args.cap:.0f} s. Studies: 10 parameters, 5 "
            "intermediate values per trial. The Optuna database was made by Optuna for an "
            "empty study and filled with bulk SQL inserts of the same trials.",
            "",
            markdown_table(
                ["trials", "page", "hpo (s)", "optuna-dashboard (s)", "optuna-dashboard / hpo"],
                rows,
            ),
            "",
            f"Live update while 4 workers write the {max(args.trials):,}-trial study "
            f"({len(timings)} updates one second apart, each carrying the trials changed "
            f"since the last one: median {statistics.median(changed):.0f} trials; server time "
            "from the Server-Timing header; load average "
            f"{load_before_live:.1f} before the workers started, who then add 4 busy "
            f"processes on {os.cpu_count()} cores): CPU time median "
            f"{statistics.median(cpus):.1f} ms, max {max(cpus):.1f} ms; wall time median "
            f"{statistics.median(walls):.1f} ms, max {max(walls):.1f} ms.",
            "",
            "hpo's first plot is drawn from the first 2,000 trials while the rest load "
            "(the page says so and extends the plot as trials arrive).",
        ]
    )
    path = write_result("dashboard.md", text)
    print(text)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
