"""Several worker processes optimizing one study through a shared database.

Each worker is an ordinary process that loads the study and calls ``optimize``; the database
hands out unique trial numbers and enqueued trials. Run::

    python examples/parallel_workers.py                 # SQLite file in a temporary directory
    python examples/parallel_workers.py --workers 4 --trials 200
    python examples/parallel_workers.py --storage postgresql+psycopg://user@localhost/hpo

On several machines, run the worker part (``load_study`` + ``optimize``) on each one with the
same PostgreSQL URL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
from pathlib import Path

import hpo


def objective(trial: hpo.Trial) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_int("y", -5, 5)
    return (x - 2.0) ** 2 + (y + 1) ** 2


def worker(storage_url: str, study_name: str, n_trials: int, seed: int) -> None:
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.load_study(
        study_name=study_name,
        storage=storage_url,
        sampler=hpo.samplers.RandomSampler(seed=seed),
    )
    study.optimize(objective, n_trials=n_trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--storage", help="database URL (default: a new SQLite file)")
    parser.add_argument("--workers", type=int, default=4, help="worker processes")
    parser.add_argument("--trials", type=int, default=50, help="trials per worker")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        storage_url = args.storage or f"sqlite:///{Path(tmp) / 'distributed.db'}"
        study = hpo.create_study(
            study_name="distributed-example", storage=storage_url, load_if_exists=True
        )
        context = multiprocessing.get_context("spawn")
        processes = [
            context.Process(target=worker, args=(storage_url, study.study_name, args.trials, seed))
            for seed in range(args.workers)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        if any(process.exitcode != 0 for process in processes):
            raise SystemExit("a worker failed")

        trials = study.trials
        best = study.best_trial
        print(f"{len(trials)} trials by {args.workers} workers")
        print(f"best trial #{best.number}: value {best.value:.4f}, params {best.params}")


if __name__ == "__main__":
    main()
