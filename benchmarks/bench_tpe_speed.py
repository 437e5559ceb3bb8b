"""TPE speed: a 10-dimensional sphere in memory, hpo's TPESampler vs Optuna's, side by side.

Times ``create_study(sampler=TPESampler(multivariate=...))`` then ``optimize`` for 1,000
trials in both libraries (multivariate and univariate), and hpo's cost per trial around the
1,000th and the 5,000th trial (Optuna's too with ``--optuna-long``: it takes minutes). Both
libraries log at WARNING. Wall and CPU seconds are reported: on a shared machine the CPU time
shows how much of the wall time was spent waiting.

Usage:  python benchmarks/bench_tpe_speed.py [--trials 1000] [--long-trials 5000]
        [--repeats 1] [--optuna-long] [--quick]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import load_libraries, markdown_table, write_result

DIMENSIONS = 10
WINDOW = 100


def sphere(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(DIMENSIONS))


def run(lib: Any, multivariate: bool, n_trials: int, seed: int) -> dict[str, Any]:
    """Optimize the sphere; return wall/CPU seconds, per-trial end times and the best value."""
    ends: list[float] = []
    sampler = lib.samplers.TPESampler(seed=seed, multivariate=multivariate)
    wall, cpu = time.perf_counter(), time.process_time()
    study = lib.create_study(sampler=sampler)
    study.optimize(
        sphere, n_trials=n_trials, callbacks=[lambda s, t: ends.append(time.perf_counter())]
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "ends": ends, "best": study.best_value}


def ms_per_trial(ends: list[float], around: int) -> float:
    """Mean milliseconds per trial over the ``WINDOW`` trials ending at trial ``around``."""
    stop = min(around, len(ends)) - 1
    start = max(stop - WINDOW, 0)
    return (ends[stop] - ends[start]) / (stop - start) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--long-trials", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--optuna-long", action="store_true", help="also Optuna at --long-trials")
    parser.add_argument("--quick", action="store_true", help="300 and 1,000 trials")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.long_trials = 300, 1000
    libs = load_libraries()

    rows = []
    per_trial_rows = []
    for multivariate in (True, False):
        mode = "multivariate" if multivariate else "univariate"
        best: dict[str, dict[str, Any]] = {}
        for repeat in range(args.repeats):
            for name in ("hpo", "optuna"):  # alternate so that machine noise hits both alike
                result = run(libs[name], multivariate, args.trials, seed=repeat)
                if name not in best or result["wall"] < best[name]["wall"]:
                    best[name] = result
        ratio = best["optuna"]["wall"] / best["hpo"]["wall"]
        rows.append(
            [
                mode,
                f"{best['hpo']['wall']:.2f}",
                f"{best['optuna']['wall']:.2f}",
                f"{best['hpo']['cpu']:.2f}",
                f"{best['optuna']['cpu']:.2f}",
                f"{ratio:.1f}x",
                f"{best['hpo']['best']:.3g}",
                f"{best['optuna']['best']:.3g}",
            ]
        )
        print(f"{mode}: hpo {best['hpo']['wall']:.2f}s, optuna {best['optuna']['wall']:.2f}s")

        long_runs = {"hpo": run(libs["hpo"], multivariate, args.long_trials, seed=0)}
        if args.optuna_long:
            long_runs["optuna"] = run(libs["optuna"], multivariate, args.long_trials, seed=0)
        for name, result in long_runs.items():
            per_trial_rows.append(
                [
                    f"{name} {mode}",
                    f"{ms_per_trial(result['ends'], args.trials):.2f}",
                    f"{ms_per_trial(result['ends'], args.long_trials):.2f}",
                    f"{result['wall']:.1f}",
                ]
            )
        if not args.optuna_long:
            per_trial_rows.append([f"optuna {mode}", "not run (--optuna-long)", "", ""])

    table = markdown_table(
        [
            "mode",
            "hpo wall s",
            "optuna wall s",
            "hpo CPU s",
            "optuna CPU s",
            "optuna / hpo",
            "hpo best",
            "optuna best",
        ],
        rows,
    )
    per_trial = markdown_table(
        [
            "sampler",
            f"ms/trial near trial {args.trials:,}",
            f"ms/trial near trial {args.long_trials:,}",
            f"total s for {args.long_trials:,}",
        ],
        per_trial_rows,
    )
    text = (
        f"## TPE speed: {DIMENSIONS}-d sphere, in memory, {args.trials:,} trials, best of "
        f"{args.repeats}\n\nhpo {libs['hpo'].__version__}, Optuna {libs['optuna'].__version__}, "
        f"Python {platform.python_version()}\n\n{table}\n\n"
        f"### Cost per trial as the study grows (mean over {WINDOW} trials)\n\n{per_trial}"
    )
    print(text)
    write_result("tpe_speed.md", text)


if __name__ == "__main__":
    main()
