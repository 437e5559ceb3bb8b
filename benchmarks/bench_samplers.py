"""In-memory throughput of the grid, QMC, brute-force and partial-fixed samplers.

Each sampler runs the same study with hpo and with Optuna in one process, alternating, on a
two-parameter space with as many points as trials (grid and brute force exhaust it), and the
table gives trials per second and the ratio.  Usage:
python benchmarks/bench_samplers.py [--trials N] [--repeats R] [--samplers grid,qmc,...]
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, timed, write_result


def _side(n_trials: int) -> int:
    return math.isqrt(n_trials - 1) + 1  # side * side >= n_trials


def int_objective(trial: Any) -> float:
    x = trial.suggest_int("x", 0, trial.study.user_attrs["side"] - 1)
    y = trial.suggest_int("y", 0, trial.study.user_attrs["side"] - 1)
    return float((x - 3) ** 2 + (y - 5) ** 2)


def float_objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    return x * x + y * y


def _grid(lib: Any, side: int, seed: int) -> Any:
    space = {"x": list(range(side)), "y": list(range(side))}
    return lib.samplers.GridSampler(space, seed=seed)


def _qmc(lib: Any, side: int, seed: int) -> Any:
    return lib.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed)


def _brute_force(lib: Any, side: int, seed: int) -> Any:
    return lib.samplers.BruteForceSampler(seed=seed)


def _partial_fixed(lib: Any, side: int, seed: int) -> Any:
    return lib.samplers.PartialFixedSampler({"x": 1.0}, lib.samplers.RandomSampler(seed=seed))


SAMPLERS: dict[str, tuple[Callable[[Any, int, int], Any], Callable[[Any], float]]] = {
    "grid": (_grid, int_objective),
    "qmc": (_qmc, float_objective),
    "brute_force": (_brute_force, int_objective),
    "partial_fixed": (_partial_fixed, float_objective),
}


def trials_per_second(
    lib: Any, sampler_name: str, n_trials: int, seed: int, time_cap: float | None = None
) -> tuple[float, int]:
    """Run the study; return trials/s and the number of trials run (fewer if capped)."""
    make_sampler, objective = SAMPLERS[sampler_name]
    side = _side(n_trials)
    study = lib.create_study(sampler=make_sampler(lib, side, seed))
    study.set_user_attr("side", side)
    elapsed = timed(lambda: study.optimize(objective, n_trials=n_trials, timeout=time_cap))
    return len(study.trials) / elapsed, len(study.trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--samplers", default=",".join(SAMPLERS))
    parser.add_argument("--quick", action="store_true", help="1,000 trials")
    parser.add_argument(
        "--optuna-cap",
        type=float,
        default=None,
        help="stop Optuna's run after this many seconds and report its rate so far; its cost "
        "per trial only grows with the study, so that rate is an upper bound of its full-run "
        "rate and the ratio a lower bound",
    )
    args = parser.parse_args()
    if args.quick:
        args.trials = 1_000
    names = [name for name in args.samplers.split(",") if name]
    unknown = [name for name in names if name not in SAMPLERS]
    if unknown:
        raise SystemExit(f"unknown sampler(s) {unknown}; choose from {list(SAMPLERS)}")
    libs = load_libraries()

    rows = []
    for sampler_name in names:
        for lib in libs.values():  # imports made on first use (scipy.stats.qmc) are not timed
            trials_per_second(lib, sampler_name, 4, seed=0)
        best: dict[str, float] = {}
        counts: dict[str, int] = {}
        for repeat in range(args.repeats):
            for lib_name, lib in libs.items():  # alternate so that noise hits both alike
                cap = args.optuna_cap if lib_name == "optuna" else None
                rate, count = trials_per_second(lib, sampler_name, args.trials, repeat, cap)
                if rate > best.get(lib_name, 0.0):
                    best[lib_name], counts[lib_name] = rate, count
                print(
                    f"{sampler_name:14s} {lib_name:7s} {rate:10,.0f} trials/s ({count:,} trials)",
                    flush=True,
                )
        ratio = f"{best['hpo'] / best['optuna']:.1f}x"
        if counts["optuna"] < args.trials:
            ratio = f"≥ {ratio} (Optuna capped after {counts['optuna']:,} trials)"
        rows.append([sampler_name, best["hpo"], best["optuna"], ratio])

    table = markdown_table(["sampler", "hpo trials/s", "Optuna trials/s", "hpo / Optuna"], rows)
    summary = (
        f"In-memory samplers, 2-parameter objective, {args.trials:,} trials, best of "
        f"{args.repeats}, hpo {libs['hpo'].__version__}, Optuna {libs['optuna'].__version__}, "
        f"Python {platform.python_version()}\n\n{table}"
    )
    print(summary)
    print(f"\n(written to {write_result('samplers.md', summary)})")


if __name__ == "__main__":
    main()
