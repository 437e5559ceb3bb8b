"""GPSampler: best values and time per trial, hpo's GP vs both default TPEs and Optuna's GP.

Each (function, sampler, seed) runs in its own worker process (``--jobs``, 1 by default so
that the times are not disturbed by a second run). The table gives the median best value over
seeds after ``--trials`` trials and Mann-Whitney verdicts (two-sided, p < 0.05, else a tie) of
hpo's GP against each other sampler. The time per trial is the median duration of the trials
in the last tenth of the run (around trial 100 by default), which is almost all sampler time
for these cheap functions. Writes ``gp.md`` to ``benchmarks/results/``.

Usage:  python benchmarks/bench_gp.py [--seeds 5] [--trials 100] [--functions ...]
        [--samplers hpo_gp hpo_tpe optuna_tpe optuna_gp] [--jobs 1] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import multiprocessing
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import RESULTS_DIR, markdown_table, write_result
from bench_tpe_quality import best_so_far, verdict
from functions import SINGLE_OBJECTIVE

SAMPLERS = ("hpo_gp", "hpo_tpe", "optuna_tpe", "optuna_gp")
DEFAULT_FUNCTIONS = (
    "branin",
    "hartmann6",
    "rosenbrock10",
    "styblinski_tang10",
    "ackley10",
    "levy10",
    "mixed",
    "conditional",
)


def make_sampler(kind: str, seed: int) -> tuple[Any, Any]:
    """Return (library module, sampler) for ``kind``, each library's defaults."""
    library = importlib.import_module("optuna" if kind.startswith("optuna") else "hpo")
    # Conditional spaces make every sampler warn once per trial; quality runs only.
    library.logging.set_verbosity(library.logging.ERROR)
    logging.getLogger("optuna").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    if kind == "hpo_gp":
        from hpo.samplers._gp._sampler import GPSampler

        return library, GPSampler(seed=seed)
    if kind == "optuna_gp":
        return library, library.samplers.GPSampler(seed=seed)
    return library, library.samplers.TPESampler(seed=seed)


def run_one(task: tuple[str, str, int, int]) -> tuple[str, str, int, list[float], list[float]]:
    """Run one study; return its values and trial durations (s) in trial order."""
    name, kind, seed, n_trials = task
    library, sampler = make_sampler(kind, seed)
    study = library.create_study(sampler=sampler)
    study.optimize(SINGLE_OBJECTIVE[name].objective, n_trials=n_trials)
    values = [math.inf if t.value is None else float(t.value) for t in study.trials]
    durations = [t.duration.total_seconds() for t in study.trials]
    return name, kind, seed, values, durations


def late_trial_time(durations: list[float]) -> float:
    """Median duration (ms) of the trials in the last tenth of a run."""
    tail = durations[-max(len(durations) // 10, 1) :]
    return 1000.0 * statistics.median(tail)


def _key(task: tuple[str, str, int, int]) -> str:
    name, kind, seed, n_trials = task
    return f"{name}/{kind}/{seed}/{n_trials}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--functions", nargs="+", default=list(DEFAULT_FUNCTIONS))
    parser.add_argument("--samplers", nargs="+", default=list(SAMPLERS), choices=SAMPLERS)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--reuse",
        nargs="*",
        default=[],
        choices=SAMPLERS,
        help="take these samplers' runs from the raw file of an earlier run (same functions, "
        "seeds and trials) instead of running them again; every run is saved there",
    )
    parser.add_argument("--raw", type=Path, default=RESULTS_DIR / "gp_runs.json")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 40 trials, 3 functions")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials = 2, 40
        args.functions = ["branin", "hartmann6", "mixed"]
    unknown = set(args.functions) - set(SINGLE_OBJECTIVE)
    if unknown:
        raise SystemExit(
            f"Unknown functions {sorted(unknown)}; choose from {list(SINGLE_OBJECTIVE)}"
        )
    kinds = [k for k in SAMPLERS if k in args.samplers]
    raw: dict[str, Any] = json.loads(args.raw.read_text()) if args.raw.exists() else {}
    tasks = []
    for seed in range(args.seeds):
        for name in args.functions:
            for kind in kinds:
                task = (name, kind, seed, args.trials)
                if not (kind in args.reuse and _key(task) in raw):
                    tasks.append(task)
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.jobs, maxtasksperchild=1) as pool:
        for name, kind, seed, values, durations in pool.imap_unordered(run_one, tasks):
            raw[_key((name, kind, seed, args.trials))] = {
                "values": values,
                "durations": durations,
            }
            args.raw.parent.mkdir(exist_ok=True)
            args.raw.write_text(json.dumps(raw))
            print(f"  done {name} {kind} ({time.perf_counter() - started:.0f} s)", flush=True)
    best: dict[tuple[str, str], list[float]] = {}
    times: dict[tuple[str, str], list[float]] = {}
    for seed in range(args.seeds):
        for name in args.functions:
            for kind in kinds:
                run = raw[_key((name, kind, seed, args.trials))]
                best.setdefault((name, kind), []).append(float(best_so_far(run["values"])[-1]))
                times.setdefault((name, kind), []).append(late_trial_time(run["durations"]))
    if "hpo_gp" not in kinds:
        print(f"saved the runs to {args.raw}")
        return

    others = [k for k in kinds if k != "hpo_gp"]
    counts = {k: {"win": 0, "tie": 0, "loss": 0} for k in others}
    rows = []
    for name in args.functions:
        row: list[Any] = [name] + [f"{statistics.median(best[(name, k)]):.4g}" for k in kinds]
        for other in others:
            outcome = verdict(best[(name, "hpo_gp")], best[(name, other)], lower_is_better=True)
            counts[other][outcome] += 1
            row.append(outcome)
        rows.append(row)
    quality = markdown_table(
        ["function", *[f"{k} median best" for k in kinds], *[f"hpo_gp vs {k}" for k in others]],
        rows,
    )
    summary = "; ".join(
        f"vs {k}: {c['win']} wins, {c['tie']} ties, {c['loss']} losses" for k, c in counts.items()
    )
    timed_kinds = [k for k in ("hpo_gp", "optuna_gp") if k in kinds]
    time_rows = []
    for name in args.functions:
        row = [name] + [f"{statistics.median(times[(name, k)]):.1f}" for k in timed_kinds]
        if len(timed_kinds) == 2:
            ratio = statistics.median(times[(name, "optuna_gp")]) / statistics.median(
                times[(name, "hpo_gp")]
            )
            row.append(f"{ratio:.1f}x")
        time_rows.append(row)
    overall = {
        k: statistics.median(v for n in args.functions for v in times[(n, k)]) for k in timed_kinds
    }
    total_row: list[Any] = ["**all (median)**"] + [f"**{overall[k]:.1f}**" for k in timed_kinds]
    if len(timed_kinds) == 2:
        total_row.append(f"**{overall['optuna_gp'] / overall['hpo_gp']:.1f}x**")
    time_rows.append(total_row)
    time_header = ["function", *[f"{k} ms/trial" for k in timed_kinds]]
    if len(timed_kinds) == 2:
        time_header.append("hpo faster by")
    reused = (
        f" (runs of {', '.join(args.reuse)} reused from {args.raw.name})" if args.reuse else ""
    )
    lines = [
        f"## GPSampler: {args.seeds} seeds x {args.trials} trials, minimization",
        "",
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.jobs} run(s) at a time.",
        "",
        "Median best value over seeds after the last trial (each library's default settings; "
        "hpo_gp is `GPSampler(seed=seed)`). Verdict of hpo_gp against each other sampler: "
        "two-sided Mann-Whitney U test on the seeds' best values, p < 0.05, else a tie.",
        "",
        quality,
        "",
        f"**hpo_gp {summary}.**",
        "",
        f"### Time per trial over the last {max(args.trials // 10, 1)} trials "
        "(median over seeds, ms)",
        "",
        markdown_table(time_header, time_rows),
        "",
        f"Wall time of this invocation {time.perf_counter() - started:.0f} s{reused}.",
    ]
    text = "\n".join(lines)
    print(text)
    print(f"\nwrote {write_result('gp.md', text)}")


if __name__ == "__main__":
    main()
