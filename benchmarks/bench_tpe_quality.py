"""TPE quality: best values on classic functions, hpo's default TPE vs Optuna's vs random.

Each (function, sampler, seed) runs in a worker process (``--jobs``, 2 by default); the table
reports the mean best value (± standard error) after each budget in ``--trials`` and a
verdict per function from a two-sided Mann-Whitney U test (p < 0.05, else a tie). Two
bi-objective problems compare hypervolumes after ``--mo-trials`` trials. Writes
``tpe_quality.md`` and a plotly convergence figure ``tpe_quality.html`` to
``benchmarks/results/``. Every run is kept in ``results/tpe_quality_runs.json``; with
``--reuse``, the runs of the samplers named there (by default ``optuna`` and ``random``,
which do not change when hpo does) are taken from that file instead of being repeated.

Usage:  python benchmarks/bench_tpe_quality.py [--seeds 10] [--trials 100 300]
        [--functions branin mixed ...] [--jobs 2] [--quick] [--no-multi-objective]
        [--reuse [optuna random]]
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import multiprocessing
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import RESULTS_DIR, markdown_table, write_result
from functions import MULTI_OBJECTIVE, SINGLE_OBJECTIVE

SAMPLERS = ("hpo", "optuna", "random")
RUNS_FILE = RESULTS_DIR / "tpe_quality_runs.json"


def make_sampler(kind: str, seed: int) -> tuple[Any, Any]:
    """Return (library module, sampler) for ``kind``: hpo's or Optuna's default TPE, or
    random search (hpo's RandomSampler)."""
    library = importlib.import_module("optuna" if kind == "optuna" else "hpo")
    # Quality runs only: conditional spaces make both libraries log a warning per trial.
    library.logging.set_verbosity(library.logging.ERROR)
    logging.getLogger("optuna").setLevel(logging.ERROR)
    if kind == "random":
        return library, library.samplers.RandomSampler(seed=seed)
    return library, library.samplers.TPESampler(seed=seed)


def run_single(task: tuple[str, str, int, int]) -> tuple[str, str, int, list[float], float]:
    """Run one single-objective study; return its values in trial order and its time."""
    problem_name, kind, seed, n_trials = task
    library, sampler = make_sampler(kind, seed)
    study = library.create_study(sampler=sampler)
    start = time.perf_counter()
    study.optimize(SINGLE_OBJECTIVE[problem_name].objective, n_trials=n_trials)
    elapsed = time.perf_counter() - start
    values = [math.inf if t.value is None else float(t.value) for t in study.trials]
    return problem_name, kind, seed, values, elapsed


def run_multi(task: tuple[str, str, int, int]) -> tuple[str, str, int, float, float]:
    """Run one bi-objective study; return the hypervolume of its Pareto front."""
    from hpo._hypervolume import compute_hypervolume

    problem_name, kind, seed, n_trials = task
    problem = MULTI_OBJECTIVE[problem_name]
    library, sampler = make_sampler(kind, seed)
    study = library.create_study(directions=list(problem.directions), sampler=sampler)
    start = time.perf_counter()
    study.optimize(problem.objective, n_trials=n_trials)
    elapsed = time.perf_counter() - start
    losses = np.array([t.values for t in study.best_trials], dtype=float).reshape(-1, 2)
    volume = compute_hypervolume(losses, np.array(problem.reference_point))
    return problem_name, kind, seed, volume, elapsed


def verdict(ours: Sequence[float], theirs: Sequence[float], lower_is_better: bool) -> str:
    """Return "win", "loss" or "tie" for ``ours`` against ``theirs``."""
    from scipy.stats import mannwhitneyu

    if np.allclose(ours, theirs):
        return "tie"
    p_value = mannwhitneyu(ours, theirs, alternative="two-sided").pvalue
    if p_value >= 0.05:
        return "tie"
    better = np.mean(ours) < np.mean(theirs)
    return "win" if better == lower_is_better else "loss"


def mean_se(values: Sequence[float]) -> str:
    array = np.asarray(values, dtype=float)
    se = array.std(ddof=1) / math.sqrt(len(array)) if len(array) > 1 else 0.0
    return f"{array.mean():.4g} ± {se:.2g}"


def best_so_far(values: Sequence[float]) -> np.ndarray:
    return np.minimum.accumulate(np.asarray(values, dtype=float))


def single_objective_report(
    results: dict[tuple[str, str], dict[int, list[float]]],
    problems: Sequence[str],
    budgets: Sequence[int],
    kinds: Sequence[str],
) -> tuple[str, dict[str, int]]:
    """Return the markdown tables and the counts of hpo's wins/ties/losses vs Optuna."""
    sections = []
    counts = {"win": 0, "tie": 0, "loss": 0}
    for budget in budgets:
        rows = []
        for name in problems:
            best = {
                kind: [best_so_far(v)[budget - 1] for v in results[(name, kind)].values()]
                for kind in kinds
            }
            row: list[Any] = [name] + [mean_se(best[kind]) for kind in kinds]
            if "optuna" in kinds:
                outcome = verdict(best["hpo"], best["optuna"], lower_is_better=True)
                row.append(outcome)
                if budget == budgets[-1]:
                    counts[outcome] += 1
            if "random" in kinds:
                row.append(verdict(best["hpo"], best["random"], lower_is_better=True))
            rows.append(row)
        header = ["function", *[f"{k} best" for k in kinds]]
        if "optuna" in kinds:
            header.append("hpo vs optuna")
        if "random" in kinds:
            header.append("hpo vs random")
        sections.append(f"### {budget} trials\n\n{markdown_table(header, rows)}")
    return "\n\n".join(sections), counts


def write_figure(
    results: dict[tuple[str, str], dict[int, list[float]]],
    problems: Sequence[str],
    kinds: Sequence[str],
) -> Path | None:
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError:
        return None
    columns = 2
    rows = math.ceil(len(problems) / columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=list(problems))
    colors = {"hpo": "#1f77b4", "optuna": "#ff7f0e", "random": "#7f7f7f"}
    for index, name in enumerate(problems):
        for kind in kinds:
            curves = np.array([best_so_far(v) for v in results[(name, kind)].values()])
            figure.add_trace(
                go.Scatter(
                    y=curves.mean(axis=0),
                    name=kind,
                    legendgroup=kind,
                    showlegend=index == 0,
                    line={"color": colors[kind]},
                ),
                row=index // columns + 1,
                col=index % columns + 1,
            )
    figure.update_layout(
        title="Mean best value so far (over seeds) by trial", height=300 * rows, width=1100
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "tpe_quality.html"
    figure.write_html(path, include_plotlyjs="cdn")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--functions", nargs="+", default=list(SINGLE_OBJECTIVE))
    parser.add_argument("--samplers", nargs="+", default=list(SAMPLERS), choices=SAMPLERS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mo-trials", type=int, default=200)
    parser.add_argument("--mo-functions", nargs="+", default=["zdt1", "fonseca_fleming"])
    parser.add_argument("--no-multi-objective", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 seeds, 60 trials, 3 functions")
    parser.add_argument(
        "--reuse",
        nargs="*",
        choices=SAMPLERS,
        default=None,
        help="take these samplers' runs from the runs file (default: optuna random)",
    )
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.mo_trials = 3, [60], 60
        args.functions = ["branin", "mixed", "conditional"]
        args.mo_functions = ["zdt1"]
    unknown = set(args.functions) - set(SINGLE_OBJECTIVE)
    if unknown:
        raise SystemExit(
            f"Unknown functions {sorted(unknown)}; choose from {list(SINGLE_OBJECTIVE)}"
        )
    budgets = sorted(args.trials)
    kinds = [k for k in SAMPLERS if k in args.samplers]
    stored = json.loads(RUNS_FILE.read_text()) if RUNS_FILE.exists() else {}
    reused = set() if args.reuse is None else set(args.reuse or ("optuna", "random"))
    results: dict[tuple[str, str], dict[int, list[float]]] = {
        (name, kind): {} for name in args.functions for kind in kinds
    }
    tasks = []
    for seed in range(args.seeds):
        for name in args.functions:
            for kind in kinds:
                values = stored.get(f"{name}|{kind}|{seed}") if kind in reused else None
                if values is not None and len(values) >= budgets[-1]:
                    results[(name, kind)][seed] = values
                else:
                    tasks.append((name, kind, seed, budgets[-1]))
    seconds: dict[str, float] = dict.fromkeys(kinds, 0.0)
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.jobs) as pool:
        for name, kind, seed, values, elapsed in pool.imap_unordered(run_single, tasks):
            results[(name, kind)][seed] = values
            seconds[kind] += elapsed
        mo_results: dict[tuple[str, str], list[float]] = {}
        if not args.no_multi_objective:
            mo_tasks = []
            for seed in range(args.seeds):
                for name in args.mo_functions:
                    for kind in kinds:
                        key = f"mo|{name}|{kind}|{seed}|{args.mo_trials}"
                        if kind in reused and key in stored:
                            mo_results.setdefault((name, kind), []).append(stored[key])
                        else:
                            mo_tasks.append((name, kind, seed, args.mo_trials))
            for name, kind, seed, volume, _ in pool.imap_unordered(run_multi, mo_tasks):
                mo_results.setdefault((name, kind), []).append(volume)
                stored[f"mo|{name}|{kind}|{seed}|{args.mo_trials}"] = volume
    for (name, kind), by_seed in results.items():
        for seed, values in by_seed.items():
            stored[f"{name}|{kind}|{seed}"] = values
    RESULTS_DIR.mkdir(exist_ok=True)
    RUNS_FILE.write_text(json.dumps(stored, sort_keys=True))

    table, counts = single_objective_report(results, args.functions, budgets, kinds)
    lines = [
        f"## TPE quality: default samplers, {args.seeds} seeds, minimization",
        "",
        "Mean best value ± standard error over seeds. Verdict: two-sided Mann-Whitney U test "
        "on the seeds' best values, p < 0.05, else a tie.",
        "",
        table,
    ]
    if "optuna" in kinds:
        lines += [
            "",
            f"**hpo vs Optuna at {budgets[-1]} trials: {counts['win']} wins, "
            f"{counts['tie']} ties, {counts['loss']} losses.**",
        ]
    lines += [
        "",
        "Sampler time summed over all runs (s): "
        + ", ".join(f"{kind} {seconds[kind]:.1f}" for kind in kinds),
    ]
    if mo_results:
        rows = []
        for name in args.mo_functions:
            volumes = {kind: mo_results[(name, kind)] for kind in kinds}
            row: list[Any] = [name, str(MULTI_OBJECTIVE[name].reference_point)]
            row += [mean_se(volumes[kind]) for kind in kinds]
            if "optuna" in kinds:
                row.append(verdict(volumes["hpo"], volumes["optuna"], lower_is_better=False))
            if "random" in kinds:
                row.append(verdict(volumes["hpo"], volumes["random"], lower_is_better=False))
            rows.append(row)
        header = ["problem", "reference", *[f"{k} hypervolume" for k in kinds]]
        header += [f"hpo vs {k}" for k in ("optuna", "random") if k in kinds]
        lines += [
            "",
            f"## Multi-objective: hypervolume after {args.mo_trials} trials (higher is better)",
            "",
            markdown_table(header, rows),
        ]
    text = "\n".join(lines)
    print(text)
    path = write_result("tpe_quality.md", text)
    figure = write_figure(results, args.functions, kinds)
    print(f"\nwrote {path}" + (f" and {figure}" if figure else ""))


if __name__ == "__main__":
    main()
