"""In-memory throughput: random sampler, trivial two-parameter objective.

Runs the same workload with hpo and Optuna in one process, alternating, and prints trials per
second and the ratio.  Usage:  python benchmarks/bench_core.py [--trials N] [--repeats R]
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, spread, timed, write_result


def objective(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_float("y", -10.0, 10.0)
    return x * x + y * y


def trials_per_second(lib, n_trials: int, seed: int) -> float:  # type: ignore[no-untyped-def]
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=seed))
    elapsed = timed(lambda: study.optimize(objective, n_trials=n_trials))
    assert len(study.trials) == n_trials
    return n_trials / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 trials, 2 runs")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.repeats = 2_000, 2
    libs = load_libraries()

    rates: dict[str, list[float]] = {name: [] for name in libs}
    for repeat in range(args.repeats):
        for name, lib in libs.items():  # alternate so that machine noise hits both alike
            rates[name].append(trials_per_second(lib, args.trials, seed=repeat))

    hpo_best, optuna_best = max(rates["hpo"]), max(rates["optuna"])
    table = markdown_table(
        ["library", "version", "best trials/s", "all runs", "spread"],
        [
            [name, libs[name].__version__, max(r), ", ".join(f"{v:,.0f}" for v in r), spread(r)]
            for name, r in rates.items()
        ],
    )
    summary = (
        f"In-memory RandomSampler, 2-parameter objective, {args.trials:,} trials x "
        f"{args.repeats} runs, Python {platform.python_version()}\n\n{table}\n\n"
        f"**hpo / Optuna throughput ratio: {hpo_best / optuna_best:.2f}x**"
    )
    print(summary)
    print(f"\n(written to {write_result('core.md', summary)})")


if __name__ == "__main__":
    main()
