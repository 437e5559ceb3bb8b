"""TPE speed: a 10-dimensional sphere in memory, hpo's TPESampler vs Optuna's, side by side.

1. Times ``create_study(sampler=TPESampler(multivariate=...))`` then ``optimize`` for 1,000
   trials in both libraries (multivariate and univariate). Wall and CPU seconds are reported:
   on a shared machine the CPU time shows how much of the wall time was spent waiting.
2. The cost of one trial as the study grows: studies prefilled with N random trials (the
   sphere's values; N = 1,000, 2,000, 5,000, 20,000), then the CPU milliseconds per trial of
   the next ``--measure`` TPE trials, best of ``--repeats`` rounds that visit every size in
   turn (so machine noise hits them alike). hpo runs as shipped and with its bad-group summary
   switched off ("exact": one kernel per bad trial); Optuna up to 5,000 trials (20,000 too
   with ``--optuna-long``: minutes). Both libraries log at WARNING.

Usage:  python benchmarks/bench_tpe_speed.py [--trials 1000] [--sizes 1000,2000,5000,20000]
        [--measure 30] [--repeats 3] [--optuna-long] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import load_libraries, markdown_table, write_result

DIMENSIONS = 10


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


def prefilled(lib: Any, multivariate: bool, n_trials: int, seed: int) -> Any:
    """A study holding ``n_trials`` random finished trials of the sphere, and 3 TPE trials."""
    rng = np.random.default_rng(seed)
    distribution = lib.distributions.FloatDistribution(-5.0, 5.0)
    names = [f"x{i}" for i in range(DIMENSIONS)]
    points = rng.uniform(-5.0, 5.0, (n_trials, DIMENSIONS))
    study = lib.create_study(sampler=lib.samplers.TPESampler(seed=seed, multivariate=multivariate))
    study.add_trials(
        [
            lib.trial.create_trial(
                params=dict(zip(names, map(float, point))),
                distributions=dict.fromkeys(names, distribution),
                value=float(np.sum(point**2)),
            )
            for point in points
        ]
    )
    study.optimize(sphere, n_trials=3)  # warm the sampler's caches
    return study


def cost_per_trial(
    libs: dict[str, Any], sizes: list[int], measure: int, repeats: int, optuna_max: int
) -> list[list[str]]:
    """Rows of CPU ms per trial at each study size, per library and mode."""
    summary = importlib.import_module("hpo.samplers._tpe._summary")
    shipped_cap = summary.MAX_BAD_KERNELS
    variants = [
        ("hpo", "hpo", shipped_cap),
        ("hpo exact", "hpo", 10**12),
        ("optuna", "optuna", None),
    ]
    rows = []
    for multivariate in (True, False):
        mode = "multivariate" if multivariate else "univariate"
        studies = {
            (label, n): prefilled(libs[lib], multivariate, n, seed=0)
            for label, lib, _ in variants
            for n in sizes
            if lib == "hpo" or n <= optuna_max
        }
        best: dict[tuple[str, int], float] = {}
        for _ in range(repeats):
            for (label, n), study in studies.items():
                cap = dict((v[0], v[2]) for v in variants)[label]
                if cap is not None:
                    summary.MAX_BAD_KERNELS = cap
                start = time.process_time()
                study.optimize(sphere, n_trials=measure)
                ms = (time.process_time() - start) / measure * 1e3
                best[label, n] = min(best.get((label, n), math.inf), ms)
                print(f"{mode} {label} n={n}: {ms:.2f} ms/trial", flush=True)
        summary.MAX_BAD_KERNELS = shipped_cap
        for label, _, _ in variants:
            cells = [f"{best[label, n]:.2f}" if (label, n) in best else "not run" for n in sizes]
            growth = "-"
            if (label, 2000) in best and (label, sizes[-1]) in best:
                growth = f"{best[label, sizes[-1]] / best[label, 2000]:.2f}x"
            rows.append([f"{label} {mode}", *cells, growth])
        for n in sizes:
            if ("optuna", n) in best:
                rows.append(
                    [
                        f"optuna / hpo {mode}",
                        *[
                            f"{best['optuna', m] / best['hpo', m]:.1f}x"
                            if ("optuna", m) in best
                            else "-"
                            for m in sizes
                        ],
                        "",
                    ]
                )
                break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--sizes", default="1000,2000,5000,20000")
    parser.add_argument("--measure", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--optuna-long", action="store_true", help="also Optuna at 20,000")
    parser.add_argument("--quick", action="store_true", help="300 trials; sizes 1,000 and 2,000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    if args.quick:
        args.trials, sizes = 300, [1000, 2000]
    libs = load_libraries()

    rows = []
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
    per_trial_rows = cost_per_trial(
        libs, sizes, args.measure, args.repeats, max(sizes) if args.optuna_long else 5000
    )
    per_trial = markdown_table(
        ["sampler", *[f"ms/trial at {n:,}" for n in sizes], f"{sizes[-1]:,} / 2,000"],
        per_trial_rows,
    )
    text = (
        f"## TPE speed: {DIMENSIONS}-d sphere, in memory, {args.trials:,} trials, best of "
        f"{args.repeats}\n\nhpo {libs['hpo'].__version__}, Optuna {libs['optuna'].__version__}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the "
        f"start\n\n{table}\n\n"
        f"### CPU ms per trial at a study's size (prefilled with random trials; best of "
        f"{args.repeats} rounds of {args.measure} trials)\n\n{per_trial}"
    )
    print(text)
    write_result("tpe_speed.md", text)


if __name__ == "__main__":
    main()
