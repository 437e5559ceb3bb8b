"""Journal-file storage: hpo's JournalStorage vs Optuna's, side by side in one run.

Measures, on a fresh journal file in a temporary directory:
  * trials/s of one process (RandomSampler, 2-parameter objective);
  * trials/s of several spawned processes optimizing one study on one file;
  * the time to open a study with N trials (replay) and read its trials;
  * ms per trial around trial 1,000 and around trial N (the cost of a long journal).

Usage:  python benchmarks/bench_journal.py [--trials N] [--processes P] [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, spread, timed, write_result


def objective(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_float("y", -10.0, 10.0)
    return x * x + y * y


def journal_storage(lib: ModuleType, path: str):  # type: ignore[no-untyped-def]
    journal = importlib.import_module(f"{lib.__name__}.storages.journal")
    return journal.JournalStorage(journal.JournalFileBackend(path))


def new_study(lib: ModuleType, path: str, seed: int, load: bool = False):  # type: ignore[no-untyped-def]
    return lib.create_study(
        study_name="bench",
        storage=journal_storage(lib, path),
        sampler=lib.samplers.RandomSampler(seed=seed),
        load_if_exists=load,
    )


def single_process_rate(lib: ModuleType, directory: str, n_trials: int, seed: int) -> float:
    path = os.path.join(directory, f"{lib.__name__}-single-{seed}.journal")
    study = new_study(lib, path, seed)
    elapsed = timed(lambda: study.optimize(objective, n_trials=n_trials))
    assert len(study.trials) == n_trials
    return n_trials / elapsed


def _worker(name: str, path: str, n_trials: int, seed: int) -> None:
    lib = load_libraries([name])[name]
    new_study(lib, path, seed, load=True).optimize(objective, n_trials=n_trials)


def multi_process_rate(
    lib: ModuleType, directory: str, n_trials: int, n_processes: int, repeat: int
) -> float:
    path = os.path.join(directory, f"{lib.__name__}-multi-{repeat}.journal")
    new_study(lib, path, 0)  # created up front so that workers only load it
    per_process = n_trials // n_processes
    context = multiprocessing.get_context("spawn")
    with context.Pool(n_processes) as pool:
        pool.apply(time.sleep, (0,))  # the pool's processes are started before timing
        args = [(lib.__name__, path, per_process, repeat * 100 + k) for k in range(n_processes)]
        elapsed = timed(lambda: pool.starmap(_worker, args))
    trials = new_study(lib, path, 0, load=True).trials
    assert len(trials) == per_process * n_processes, len(trials)
    return len(trials) / elapsed


def open_and_read_seconds(lib: ModuleType, path: str) -> float:
    def run() -> None:
        study = lib.load_study(study_name="bench", storage=journal_storage(lib, path))
        study.get_trials(deepcopy=False)

    return timed(run)


def ms_per_trial_at(lib: ModuleType, directory: str, n_trials: int) -> tuple[float, float, str]:
    """Grow one study to ``n_trials``; return ms per trial near 1,000 and near the end."""
    path = os.path.join(directory, f"{lib.__name__}-long.journal")
    study = new_study(lib, path, 0)
    window = max(100, n_trials // 20)
    study.optimize(objective, n_trials=1_000 - window // 2)
    early = timed(lambda: study.optimize(objective, n_trials=window)) / window
    study.optimize(objective, n_trials=n_trials - len(study.trials) - window)
    late = timed(lambda: study.optimize(objective, n_trials=window)) / window
    return early * 1e3, late * 1e3, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2_000, help="trials per throughput run")
    parser.add_argument("--long", type=int, default=10_000, help="size of the long study")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="500 trials, long study of 2,000")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.long, args.repeats = 500, 2_000, 1
    libs = load_libraries()

    single: dict[str, list[float]] = {name: [] for name in libs}
    multi: dict[str, list[float]] = {name: [] for name in libs}
    long_rows = []
    with tempfile.TemporaryDirectory() as directory:
        for repeat in range(args.repeats):
            for name, lib in libs.items():  # alternate so that machine noise hits both alike
                single[name].append(single_process_rate(lib, directory, args.trials, repeat))
                multi[name].append(
                    multi_process_rate(lib, directory, args.trials, args.processes, repeat)
                )
        for name, lib in libs.items():
            early, late, path = ms_per_trial_at(lib, directory, args.long)
            size_mb = os.path.getsize(path) / 1e6
            open_s = min(open_and_read_seconds(lib, path) for _ in range(2))
            long_rows.append([name, early, late, late / early, size_mb, open_s])

    def rate_row(name: str, rates: list[float]) -> list[object]:
        return [name, max(rates), ", ".join(f"{r:,.0f}" for r in rates), spread(rates)]

    single_table = markdown_table(
        ["library", "best trials/s", "all runs", "spread"],
        [rate_row(name, r) for name, r in single.items()],
    )
    multi_table = markdown_table(
        ["library", "best trials/s", "all runs", "spread"],
        [rate_row(name, r) for name, r in multi.items()],
    )
    long_table = markdown_table(
        [
            "library",
            "ms/trial near 1k",
            f"ms/trial near {args.long:,}",
            "ratio",
            "file MB",
            f"open + read {args.long:,} trials (s)",
        ],
        long_rows,
    )
    by_name = {row[0]: row for row in long_rows}
    summary = (
        f"Journal file storage, RandomSampler, 2-parameter objective, Python "
        f"{platform.python_version()}, hpo {libs['hpo'].__version__}, "
        f"Optuna {libs['optuna'].__version__}\n\n"
        f"One process, {args.trials:,} trials x {args.repeats} runs:\n\n{single_table}\n\n"
        f"{args.processes} spawned processes, {args.trials:,} trials in all on one file:\n\n"
        f"{multi_table}\n\nOne study grown to {args.long:,} trials:\n\n{long_table}\n\n"
        f"**hpo / Optuna throughput, one process: "
        f"{max(single['hpo']) / max(single['optuna']):.2f}x; "
        f"{args.processes} processes: {max(multi['hpo']) / max(multi['optuna']):.2f}x; "
        f"open + read {args.long:,} trials: "
        f"{by_name['optuna'][5] / by_name['hpo'][5]:.2f}x faster**"
    )
    print(summary)
    print(f"\n(written to {write_result('journal.md', summary)})")


if __name__ == "__main__":
    main()
