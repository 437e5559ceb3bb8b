"""Time to write a study's HTML report, hpo against Optuna writing the same figures.

Both libraries get their own SQLite study of N complete trials, the one bench_plots.py builds
(10 parameters, 5 intermediate values per trial). Then, each in a fresh process:

- ``hpo report`` end to end (interpreter start, imports, study load, figures, HTML file);
- ``write_report`` in one process: the study load, the report of the loaded study, and both;
- Optuna: load the study, build the same five figures (optimization history, intermediate
  values, parameter importances, slice, parallel coordinate) and write them to one HTML file
  with plotly.js inlined once (the first figure with include_plotlyjs=True, the others
  without), end to end as a program and timed in process.

Both compute the importances on every completed trial with their default evaluator
(PED-ANOVA in both). Each cell is the best of ``--repeats`` runs, wall time and CPU time (the
CPU time is what a busy machine inflates least).
Usage: python benchmarks/bench_report.py [--trials N] [--repeats R] [--quick] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, write_result
from bench_plots import build_study

STUDY = "plots"

# Runs in a fresh interpreter: times each phase of writing the report in one process.
_HPO_IN_PROCESS = """
import json, sys, time
start, start_cpu = time.perf_counter(), time.process_time()
import hpo
from hpo.report import write_report
import plotly.graph_objects
imported, imported_cpu = time.perf_counter(), time.process_time()
hpo.logging.set_verbosity(hpo.logging.WARNING)
url, out, max_trials = sys.argv[1], sys.argv[2], int(sys.argv[3]) or None
study = hpo.load_study(study_name="plots", storage=url)
study.get_trials(deepcopy=False)
loaded, loaded_cpu = time.perf_counter(), time.process_time()
write_report(study, out, max_importance_trials=max_trials)
done, done_cpu = time.perf_counter(), time.process_time()
print(json.dumps({"import": imported - start, "load": loaded - imported,
                  "report": done - loaded, "import_cpu": imported_cpu - start_cpu,
                  "load_cpu": loaded_cpu - imported_cpu, "report_cpu": done_cpu - loaded_cpu}))
"""

_OPTUNA_PROGRAM = """
import json, sys, time, warnings
start, start_cpu = time.perf_counter(), time.process_time()
import optuna
import plotly.graph_objects
imported, imported_cpu = time.perf_counter(), time.process_time()
warnings.simplefilter("ignore")  # experimental-feature warnings
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, out = sys.argv[1], sys.argv[2]
study = optuna.load_study(study_name="plots", storage=url)
study.get_trials(deepcopy=False)
loaded, loaded_cpu = time.perf_counter(), time.process_time()
vis = optuna.visualization
figures = [
    vis.plot_optimization_history(study),
    vis.plot_intermediate_values(study),
    vis.plot_param_importances(study),
    vis.plot_slice(study),
    vis.plot_parallel_coordinate(study),
]
parts = [
    figure.to_html(full_html=False, include_plotlyjs=index == 0)
    for index, figure in enumerate(figures)
]
with open(out, "w", encoding="utf-8") as file:
    file.write("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>")
    file.write("".join(parts))
    file.write("</body></html>")
done, done_cpu = time.perf_counter(), time.process_time()
print(json.dumps({"import": imported - start, "load": loaded - imported,
                  "report": done - loaded, "import_cpu": imported_cpu - start_cpu,
                  "load_cpu": loaded_cpu - imported_cpu, "report_cpu": done_cpu - loaded_cpu}))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU time of a program and its standard output; raise if it fails."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - start_cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed:\n{done.stderr[-2000:]}")
    return elapsed, cpu, done.stdout


def _best(runs: list[float]) -> float:
    return min(runs)


def _add_phases(add: Callable[[str, float], None], key: str, phases: dict[str, float]) -> None:
    for suffix in ("", "_cpu"):
        add(f"{key}_import{suffix}", phases[f"import{suffix}"])
        add(f"{key}_load{suffix}", phases[f"load{suffix}"])
        add(f"{key}_report{suffix}", phases[f"report{suffix}"])
        add(f"{key}_both{suffix}", phases[f"load{suffix}"] + phases[f"report{suffix}"])


def measure(urls: dict[str, str], directory: str, repeats: int) -> dict[str, list[float]]:
    """Every timing of the table, ``repeats`` runs each, by row key."""
    python = sys.executable
    out = str(Path(directory) / "report.html")
    times: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        times.setdefault(key, []).append(value)

    for _ in range(repeats):
        for key, max_trials in (("cli", "0"),):
            elapsed, cpu, _ = _run(
                [python, "-m", "hpo.cli", "report", "--storage", urls["hpo"],
                 "--study-name", STUDY, "-o", out, "--max-importance-trials", max_trials]
            )  # fmt: skip
            add(key, elapsed)
            add(f"{key}_cpu", cpu)
        for key, max_trials in (("hpo", "0"),):
            *_, text = _run([python, "-c", _HPO_IN_PROCESS, urls["hpo"], out, max_trials])
            _add_phases(add, key, json.loads(text))
        elapsed, cpu, text = _run(
            [python, "-c", _OPTUNA_PROGRAM, urls["optuna"], str(Path(directory) / "optuna.html")]
        )
        add("optuna_program", elapsed)
        add("optuna_program_cpu", cpu)
        _add_phases(add, "optuna", json.loads(text))
        latest = {key: round(values[-1], 2) for key, values in times.items() if "cpu" not in key}
        print(f"run {len(times['cli'])}: {json.dumps(latest)}", flush=True)
    return times


def table(times: dict[str, list[float]]) -> str:
    """The result table: hpo, Optuna and the ratio per measurement."""

    def cell(key: str) -> str:
        return f"{_best(times[key]):.2f} / {_best(times[key + '_cpu']):.2f}"

    def row(label: str, hpo_key: str, optuna_key: str | None) -> list[Any]:
        if optuna_key is None:
            return [label, cell(hpo_key), "-", "-"]
        ratios = [
            _best(times[optuna_key + suffix]) / _best(times[hpo_key + suffix])
            for suffix in ("", "_cpu")
        ]
        return [label, cell(hpo_key), cell(optuna_key), " / ".join(f"{r:.1f}x" for r in ratios)]

    rows = [
        row("`hpo report` end to end", "cli", "optuna_program"),
        row("in process: load the study (all trials read)", "hpo_load", "optuna_load"),
        row("in process: `write_report` of the loaded study", "hpo_report", "optuna_report"),
        row("in process: load + `write_report`", "hpo_both", "optuna_both"),
        row(
            "in process: import the library and plotly (not in the rows above)",
            "hpo_import",
            "optuna_import",
        ),
    ]
    header = ["seconds: wall / CPU (best of runs)", "hpo", "Optuna", "Optuna / hpo"]
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 trials, one run")
    parser.add_argument(
        "--db-dir",
        help="keep the two SQLite studies in this directory and reuse them on the next run "
        "(Optuna takes minutes to write 10,000 trials)",
    )
    args = parser.parse_args()
    n_trials, repeats = (1_000, 1) if args.quick else (args.trials, args.repeats)
    libraries = load_libraries()
    with tempfile.TemporaryDirectory() as directory:
        db_dir = Path(args.db_dir or directory)
        db_dir.mkdir(parents=True, exist_ok=True)
        urls = {}
        for name, lib in libraries.items():
            db = db_dir / f"{name}-{n_trials}.db"
            urls[name] = f"sqlite:///{db}"
            if db.exists():
                print(f"{name}: reusing {db}", flush=True)
                continue
            start = time.perf_counter()
            build_study(lib, urls[name], n_trials)
            print(f"{name}: study written in {time.perf_counter() - start:.1f} s", flush=True)
        load_before = os.getloadavg()[0]
        times = measure(urls, directory, repeats)
        load_after = os.getloadavg()[0]
        size = (Path(directory) / "report.html").stat().st_size
    result = table(times)
    versions = f"hpo {libraries['hpo'].__version__}, Optuna {libraries['optuna'].__version__}"
    summary = (
        f"# Report: time to write a study's HTML report\n\n{n_trials:,} complete trials, 10 "
        f"parameters, 5 intermediate values each, SQLite (the study of bench_plots.py); the "
        f"same five figures in one HTML page with plotly.js inlined once (hpo's page: "
        f"{size / 1e6:.1f} MB). Best of {repeats} run(s), each in a fresh process; "
        f"{versions}, Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{load_before:.1f} before and {load_after:.1f} after.\n\n{result}"
    )
    print("\n" + result)
    print(f"\n(written to {write_result('report.md', summary)})")


if __name__ == "__main__":
    main()
