"""Time to build each plotly figure from a large SQLite study, hpo against Optuna.

Each library writes its own SQLite study of N complete trials (10 parameters: uniform, log
and integer floats, a categorical; every trial reports 5 intermediate values), then every
plot function is called once on a freshly loaded study in a child process, so the study
load is not timed and a slow call can be stopped at the time cap (reported as "> cap", a
lower bound).  Usage:
python benchmarks/bench_plots.py [--trials N] [--cap SECONDS] [--quick] [--plots a,b]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, write_result

N_STEPS = 5


def _space(lib: Any) -> dict[str, Any]:
    dists = lib.distributions
    space: dict[str, Any] = {}
    for i in range(3):
        space[f"u{i}"] = dists.FloatDistribution(-5.0, 5.0)
    for i in range(3):
        space[f"log{i}"] = dists.FloatDistribution(1e-5, 1.0, log=True)
    for i in range(3):
        space[f"int{i}"] = dists.IntDistribution(0, 50)
    space["cat"] = dists.CategoricalDistribution(["adam", "sgd", "rmsprop", "adagrad"])
    return space


def build_study(lib: Any, url: str, n_trials: int, seed: int = 0) -> None:
    """Write a study of ``n_trials`` complete trials drawn at random (same for both libraries)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    space = _space(lib)
    study = lib.create_study(study_name="plots", storage=url)
    trials = []
    for _ in range(n_trials):
        params: dict[str, Any] = {}
        for name, dist in space.items():
            if name == "cat":
                params[name] = dist.choices[int(rng.integers(len(dist.choices)))]
            elif name.startswith("int"):
                params[name] = int(rng.integers(0, 51))
            elif name.startswith("log"):
                params[name] = float(10 ** rng.uniform(-5, 0))
            else:
                params[name] = float(rng.uniform(-5, 5))
        value = sum(params[f"u{i}"] ** 2 for i in range(3)) + float(np.log10(params["log0"]))
        value += 0.01 * params["int0"] + (params["cat"] == "sgd")
        curve = {step: value + (N_STEPS - step) * 0.5 for step in range(N_STEPS)}
        trials.append(
            lib.trial.create_trial(
                value=value, params=params, distributions=space, intermediate_values=curve
            )
        )
    study.add_trials(trials)


def _fanova(lib: Any) -> dict[str, Any]:
    return {}


def _ped_anova(lib: Any) -> dict[str, Any]:
    return {"evaluator": lib.importance.PedAnovaImportanceEvaluator()}


PLOTS: dict[str, Callable[[Any, Any], Any]] = {
    "plot_optimization_history": lambda lib, s: lib.visualization.plot_optimization_history(s),
    "plot_intermediate_values": lambda lib, s: lib.visualization.plot_intermediate_values(s),
    "plot_slice": lambda lib, s: lib.visualization.plot_slice(s),
    "plot_contour (10 params)": lambda lib, s: lib.visualization.plot_contour(s),
    "plot_contour (2 params)": lambda lib, s: lib.visualization.plot_contour(
        s, params=["u0", "log0"]
    ),
    "plot_parallel_coordinate": lambda lib, s: lib.visualization.plot_parallel_coordinate(s),
    "plot_param_importances (default fANOVA)": lambda lib, s: (
        lib.visualization.plot_param_importances(s)
    ),
    "plot_param_importances (PED-ANOVA)": lambda lib, s: lib.visualization.plot_param_importances(
        s, **_ped_anova(lib)
    ),
    "plot_edf": lambda lib, s: lib.visualization.plot_edf(s),
    "plot_rank": lambda lib, s: lib.visualization.plot_rank(s),
}


def _child(name: str, url: str, plot: str, pipe: Any) -> None:
    import warnings

    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    # plotly loads each trace type's validators on first use: warm them up for both libraries.
    make_subplots(rows=2, cols=2).add_traces(
        [go.Scatter(x=[1]), go.Contour(z=[[1]]), go.Parcoords(), go.Bar(x=[1])]
    )

    lib = load_libraries([name])[name]
    warnings.simplefilter("ignore")  # Optuna's experimental-feature warnings
    study = lib.load_study(study_name="plots", storage=url)
    study.trials  # noqa: B018 - warm the storage's caches before timing
    start = time.perf_counter()
    PLOTS[plot](lib, study)
    pipe.send(time.perf_counter() - start)


def time_plot(name: str, url: str, plot: str, cap: float) -> float | None:
    """Seconds one call took in a fresh process, or ``None`` if it exceeded ``cap``."""
    receiver, sender = mp.Pipe(duplex=False)
    process = mp.get_context("fork").Process(target=_child, args=(name, url, plot, sender))
    process.start()
    deadline = time.monotonic() + cap + 60  # study loading is not part of the cap
    while time.monotonic() < deadline and process.is_alive() and not receiver.poll(0.2):
        pass
    elapsed = receiver.recv() if receiver.poll(0) else None
    if elapsed is None or elapsed > cap:
        process.kill()
    process.join()
    if elapsed is not None and elapsed > cap:
        return None
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per Optuna call")
    parser.add_argument("--quick", action="store_true", help="1,000 trials, 30 s cap")
    parser.add_argument("--plots", default="", help="comma-separated subset of the rows")
    args = parser.parse_args()
    n_trials, cap = (1_000, 30.0) if args.quick else (args.trials, args.cap)
    plots = [p for p in PLOTS if not args.plots or any(k in p for k in args.plots.split(","))]
    libraries = load_libraries()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        urls = {name: f"sqlite:///{directory}/{name}.db" for name in libraries}
        for name, lib in libraries.items():
            start = time.perf_counter()
            build_study(lib, urls[name], n_trials)
            print(f"{name}: study written in {time.perf_counter() - start:.1f} s", flush=True)
        for plot in plots:
            times = {name: time_plot(name, urls[name], plot, cap) for name in libraries}
            hpo_time, optuna_time = times["hpo"], times["optuna"]
            shown = {
                name: f"{t:.3f}" if t is not None else f"> {cap:.0f}" for name, t in times.items()
            }
            if hpo_time is None:
                ratio = "-"
            elif optuna_time is None:
                ratio = f"> {cap / hpo_time:.1f}x"
            else:
                ratio = f"{optuna_time / hpo_time:.1f}x"
            rows.append([plot, shown["hpo"], shown["optuna"], ratio])
            print(" | ".join(rows[-1]), flush=True)
    table = markdown_table(["plot", "hpo (s)", "Optuna (s)", "Optuna / hpo"], rows)
    summary = (
        f"# Plots: time to build the figure\n\n{n_trials:,} complete trials, 10 parameters "
        f"(3 uniform, 3 log, 3 int, 1 categorical), {N_STEPS} intermediate values each, "
        f"SQLite; one call per cell in a fresh process, study loading excluded; "
        f"'> {cap:.0f}' = stopped at the time cap (a lower bound).\n"
        f"Python {platform.python_version()}, {platform.machine()}.\n\n{table}"
    )
    print("\n" + table)
    print(f"\n(written to {write_result('plots.md', summary)})")


if __name__ == "__main__":
    main()
