"""TPE with several worker processes on one SQLite file: the shared constant liar.

Under ``constant_liar=True`` hpo's TPE stores each trial's relative proposal with the trial
(system attribute ``tpe:proposal``), so the other workers count a trial as RUNNING from its
first suggestion on. This script measures what that buys: ``--workers`` processes (4 by
default) share ``--trials`` trials (200 in all) on one SQLite file, with multivariate TPE and
the constant liar, for

- ``hpo``: hpo's TPE as shipped (proposals shared);
- ``hpo-unshared``: the same with sharing switched off (the private module flag
  ``hpo.samplers._tpe._liars._SHARE_PROPOSALS = False``, set in the worker processes only): a
  RUNNING trial counts only once it has recorded every parameter of the relative space;
- ``optuna``: Optuna's ``TPESampler(multivariate=True, constant_liar=True)``.

Each objective sleeps 20-50 ms so that the workers overlap. One worker running all trials
(hpo and Optuna) is the reference. Reported: mean best value ± standard error over seeds
after half and all of the trials (by trial number), the share of trials whose configuration
repeats an earlier trial's, and the mean distance (parameters scaled to [0, 1]) from a trial
to the nearest trial that was RUNNING when it started. Writes
``benchmarks/results/tpe_workers.md``.

Usage:  python benchmarks/bench_tpe_workers.py [--seeds 5] [--trials 200] [--workers 4]
        [--functions sphere5 sphere5_staged mixed int_grid] [--configs hpo hpo-unshared optuna]
        [--output tpe_workers.md] [--no-reference] [--quick]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import markdown_table, write_result
from functions import mixed

CONFIGS = ("hpo", "hpo-unshared", "optuna")


def sphere5(trial: Any) -> float:
    """Five floats in [-5, 5]; optimum 0 at (1, ..., 1)."""
    return sum((trial.suggest_float(f"x{i}", -5.0, 5.0) - 1.0) ** 2 for i in range(5))


def int_grid(trial: Any) -> float:
    """Four ints in 0..6 (2,401 configurations) with an interaction; optimum 0 at (2, 4, 1, 5)."""
    a, b, c, d = (trial.suggest_int(name, 0, 6) for name in "abcd")
    return (
        (a - 2) ** 2
        + (b - 4) ** 2
        + 0.5 * (c - 1) ** 2
        + (d - 5) ** 2
        + 0.5 * abs((a - 2) * (d - 5))
    )


def sphere5_staged(trial: Any) -> float:
    """``sphere5`` with 8 ms of work after each of the first four suggestions, as when an
    objective loads data or builds a model between them."""
    total = 0.0
    for i in range(5):
        total += (trial.suggest_float(f"x{i}", -5.0, 5.0) - 1.0) ** 2
        if i < 4:
            time.sleep(0.008)
    return total


FUNCTIONS: dict[str, Callable[[Any], float]] = {
    "sphere5": sphere5,
    "sphere5_staged": sphere5_staged,
    "mixed": mixed,
    "int_grid": int_grid,
}


def _slow(function: Callable[[Any], float], rng: random.Random) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        value = function(trial)
        time.sleep(rng.uniform(0.02, 0.05))
        return value

    return objective


def worker(config: str, url: str, function_name: str, seed: int, n_trials: int) -> None:
    """Run ``n_trials`` trials of the study ``bench`` in this process."""
    import logging

    if config == "optuna":
        import optuna as library

        logging.getLogger("optuna").setLevel(logging.ERROR)
    else:
        import hpo as library

        if config == "hpo-unshared":
            from hpo.samplers._tpe import _liars

            _liars._SHARE_PROPOSALS = False
    library.logging.set_verbosity(library.logging.ERROR)
    sampler = library.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    study = library.load_study(study_name="bench", storage=url, sampler=sampler)
    study.optimize(_slow(FUNCTIONS[function_name], random.Random(seed)), n_trials=n_trials)


def run(
    config: str, function_name: str, seed: int, n_trials: int, n_workers: int, directory: Path
) -> dict[str, Any]:
    """One study: ``n_workers`` processes share ``n_trials`` trials; return its summary."""
    import importlib

    # Each library reads only databases it created.
    library = importlib.import_module("optuna" if config == "optuna" else "hpo")
    path = directory / f"{config}-{function_name}-{seed}-{n_workers}.db"
    url = f"sqlite:///{path}"
    library.create_study(study_name="bench", storage=url)
    context = multiprocessing.get_context("spawn")
    per_worker = [n_trials // n_workers + (i < n_trials % n_workers) for i in range(n_workers)]
    processes = [
        context.Process(
            target=worker, args=(config, url, function_name, seed * 1000 + i, per_worker[i])
        )
        for i in range(n_workers)
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in processes):
        raise SystemExit(f"a worker failed: {config} {function_name} seed {seed}")
    trials = library.load_study(study_name="bench", storage=url).trials
    values = [t.value if t.value is not None else math.inf for t in trials]
    configurations = [tuple(sorted(t.params.items())) for t in trials]
    repeats = len(configurations) - len(set(configurations))
    path.unlink()
    return {
        "values": values,
        "repeats": repeats / len(trials),
        "seconds": elapsed,
        "nearest_running": nearest_running_distance(trials),
    }


def nearest_running_distance(trials: list[Any]) -> float:
    """Mean distance (numbers scaled to [0, 1], log scale where log; a categorical counts 1
    when it differs) from each trial to the nearest trial that was RUNNING when it started:
    how far apart concurrent proposals are."""
    distances = []
    for trial in trials:
        if not trial.params or trial.datetime_start is None:
            continue
        nearest = math.inf
        for other in trials:
            if (
                other.number == trial.number
                or other.datetime_start is None
                or other.datetime_complete is None
                or not (other.datetime_start < trial.datetime_start < other.datetime_complete)
                or set(other.params) != set(trial.params)
            ):
                continue
            squares = 0.0
            for name, dist in trial.distributions.items():
                a, b = trial.params[name], other.params[name]
                if hasattr(dist, "choices"):
                    squares += float(a != b)
                    continue
                low, high = float(dist.low), float(dist.high)
                if dist.log:
                    a, b, low, high = (math.log(v) for v in (a, b, low, high))
                squares += ((a - b) / ((high - low) or 1.0)) ** 2
            nearest = min(nearest, math.sqrt(squares))
        if math.isfinite(nearest):
            distances.append(nearest)
    return statistics.fmean(distances) if distances else math.nan


def mean_se(values: list[float]) -> str:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.4g}"
    se = statistics.stdev(values) / math.sqrt(len(values))
    return f"{mean:.4g} ± {se:.2g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS), choices=FUNCTIONS)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--output", default="tpe_workers.md", help="file in results/")
    parser.add_argument("--no-reference", action="store_true", help="skip the 1-worker runs")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 60 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials = 2, 60

    runs = [(c, args.workers) for c in args.configs]
    if not args.no_reference:
        runs += [(c, 1) for c in args.configs if c != "hpo-unshared"]
    results: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for function_name in args.functions:
            for seed in range(args.seeds):
                for config, n_workers in runs:
                    result = run(config, function_name, seed, args.trials, n_workers, Path(tmp))
                    results.setdefault((function_name, n_workers, config), []).append(result)
                    print(
                        f"{function_name} seed {seed} {config} x{n_workers}: "
                        f"best {min(result['values']):.4g}, repeats {result['repeats']:.0%}, "
                        f"{result['seconds']:.1f} s",
                        flush=True,
                    )

    half = args.trials // 2
    header = [
        "function",
        "sampler",
        "workers",
        f"best after {half}",
        f"best after {args.trials}",
        "repeated configurations",
        "distance to nearest running trial",
        "wall s",
    ]
    rows = []
    for function_name in args.functions:
        for config, n_workers in runs:
            summaries = results[(function_name, n_workers, config)]
            rows.append(
                [
                    function_name,
                    config,
                    n_workers,
                    mean_se([min(s["values"][:half]) for s in summaries]),
                    mean_se([min(s["values"]) for s in summaries]),
                    f"{statistics.fmean(s['repeats'] for s in summaries):.1%}",
                    mean_se([s["nearest_running"] for s in summaries]),
                    f"{statistics.fmean(s['seconds'] for s in summaries):.1f}",
                ]
            )
    table = markdown_table(header, rows)
    text = (
        "# TPE with several workers on one SQLite file\n\n"
        f"`python benchmarks/bench_tpe_workers.py --seeds {args.seeds} --trials {args.trials} "
        f"--workers {args.workers} --functions {' '.join(args.functions)} "
        f"--configs {' '.join(args.configs)}`: "
        "multivariate TPE with the constant liar, mean best value ± standard error over "
        f"{args.seeds} seeds (lower is better); best values by trial number.\n\n" + table
    )
    print(text)
    write_result(args.output, text)


if __name__ == "__main__":
    main()
