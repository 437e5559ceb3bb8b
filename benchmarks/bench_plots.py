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
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import capped_row, load_libraries, markdown_table, time_in_child, write_result

N_STEPS = 5
STUDY_NAMES = {1: "plots", 2: "plots_mo"}
# The terminator's default estimate fits a Gaussian process per trial on half the trials so
# far: its plot is drawn on the first few hundred trials of a study (neither library finishes
# 10,000 within the cap).
TERMINATOR_TRIALS = 300


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


def build_study(
    lib: Any, url: str, n_trials: int, seed: int = 0, *, n_objectives: int = 1
) -> None:
    """Write a study of ``n_trials`` complete trials drawn at random (same for both libraries).

    With one objective the study is named ``plots``; with two, ``plots_mo`` (the second
    objective trades off against the first).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    space = _space(lib)
    study = lib.create_study(
        study_name=STUDY_NAMES[n_objectives], storage=url, directions=["minimize"] * n_objectives
    )
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
        values = [value]
        if n_objectives == 2:
            values.append(sum((params[f"u{i}"] - 2.0) ** 2 for i in range(3)) - value / 4)
        trials.append(
            lib.trial.create_trial(
                values=values, params=params, distributions=space, intermediate_values=curve
            )
        )
    study.add_trials(trials)


def _fanova(lib: Any) -> dict[str, Any]:
    return {"evaluator": lib.importance.FanovaImportanceEvaluator(seed=0)}


def _ped_anova(lib: Any) -> dict[str, Any]:
    return {"evaluator": lib.importance.PedAnovaImportanceEvaluator()}


def _terminator_improvement(lib: Any, study: Any) -> Any:
    first = study.get_trials(deepcopy=False)[:TERMINATOR_TRIALS]
    small = lib.create_study(directions=study.directions)
    small.add_trials(first)
    return lib.visualization.plot_terminator_improvement(small)


# Each row: the study it draws (one or two objectives) and the call.
PLOTS: dict[str, tuple[int, Callable[[Any, Any], Any]]] = {
    "plot_optimization_history": (
        1,
        lambda lib, s: lib.visualization.plot_optimization_history(s),
    ),
    "plot_intermediate_values": (1, lambda lib, s: lib.visualization.plot_intermediate_values(s)),
    "plot_slice": (1, lambda lib, s: lib.visualization.plot_slice(s)),
    "plot_contour (10 params)": (1, lambda lib, s: lib.visualization.plot_contour(s)),
    "plot_contour (2 params)": (
        1,
        lambda lib, s: lib.visualization.plot_contour(s, params=["u0", "log0"]),
    ),
    "plot_parallel_coordinate": (1, lambda lib, s: lib.visualization.plot_parallel_coordinate(s)),
    "get_param_importances (default: PED-ANOVA)": (
        1,
        lambda lib, s: lib.importance.get_param_importances(s),
    ),
    "plot_param_importances (default: PED-ANOVA)": (
        1,
        lambda lib, s: lib.visualization.plot_param_importances(s),
    ),
    "get_param_importances (fANOVA)": (
        1,
        lambda lib, s: lib.importance.get_param_importances(s, **_fanova(lib)),
    ),
    "plot_param_importances (fANOVA)": (
        1,
        lambda lib, s: lib.visualization.plot_param_importances(s, **_fanova(lib)),
    ),
    "plot_edf": (1, lambda lib, s: lib.visualization.plot_edf(s)),
    "plot_rank": (1, lambda lib, s: lib.visualization.plot_rank(s)),
    "plot_timeline": (1, lambda lib, s: lib.visualization.plot_timeline(s)),
    f"plot_terminator_improvement (first {TERMINATOR_TRIALS} trials)": (
        1,
        _terminator_improvement,
    ),
    "plot_pareto_front (2 objectives)": (2, lambda lib, s: lib.visualization.plot_pareto_front(s)),
    "plot_hypervolume_history (2 objectives)": (
        2,
        lambda lib, s: lib.visualization.plot_hypervolume_history(
            s, reference_point=[80.0, 160.0]
        ),
    ),
}


def _child(name: str, url: str, plot: str, pipe: Any) -> None:
    import warnings

    import numpy as np
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    # plotly loads each trace type's validators (and its array conversion) on first use:
    # warm them up for both libraries.
    make_subplots(rows=2, cols=2).add_traces(
        [
            go.Scatter(x=[1]),
            go.Scatter(x=np.array([1.0]), y=np.array([2.0])),
            go.Contour(z=[[1]]),
            go.Parcoords(),
            go.Bar(x=[1]),
        ]
    )

    lib = load_libraries([name])[name]
    warnings.simplefilter("ignore")  # Optuna's experimental-feature warnings
    n_objectives, call = PLOTS[plot]
    study = lib.load_study(study_name=STUDY_NAMES[n_objectives], storage=url)
    study.trials  # noqa: B018 - warm the storage's caches before timing
    start = time.perf_counter()
    call(lib, study)
    pipe.send(time.perf_counter() - start)


def time_plot(name: str, url: str, plot: str, cap: float) -> float | None:
    """Seconds one call took in a fresh process, or ``None`` if it exceeded ``cap``."""
    return time_in_child(_child, (name, url, plot), cap)


def parse_args(description: str, names: list[str]) -> tuple[int, float, list[str]]:
    """The trial count, the time cap and the rows to run, from the command line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per call")
    parser.add_argument("--quick", action="store_true", help="1,000 trials, 30 s cap")
    parser.add_argument("--plots", default="", help="comma-separated subset of the rows")
    args = parser.parse_args()
    n_trials, cap = (1_000, 30.0) if args.quick else (args.trials, args.cap)
    chosen = [p for p in names if not args.plots or any(k in p for k in args.plots.split(","))]
    return n_trials, cap, chosen


def measure(
    plots: list[str],
    time_one: Callable[[str, str, str, float], float | None],
    n_trials: int,
    cap: float,
    objectives: tuple[int, ...] = (1,),
) -> list[list[str]]:
    """Write each library's studies, time every row with ``time_one``; the table rows."""
    libraries = load_libraries()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        urls = {name: f"sqlite:///{directory}/{name}.db" for name in libraries}
        for name, lib in libraries.items():
            start = time.perf_counter()
            for n_objectives in objectives:
                build_study(lib, urls[name], n_trials, n_objectives=n_objectives)
            print(f"{name}: study written in {time.perf_counter() - start:.1f} s", flush=True)
        for plot in plots:
            times = {name: time_one(name, urls[name], plot, cap) for name in libraries}
            rows.append(capped_row(plot, times, cap))
            print(" | ".join(rows[-1]), flush=True)
    return rows


def main() -> None:
    n_trials, cap, plots = parse_args(__doc__.splitlines()[0], list(PLOTS))
    rows = measure(plots, time_plot, n_trials, cap, objectives=(1, 2))
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
