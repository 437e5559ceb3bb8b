"""LightGBMTuner side by side with Optuna's (optuna-integration): scores and per-trial overhead.

Usage:  python benchmarks/bench_lightgbm_tuner.py [--seeds N] [--first-seed S] [--rounds R]
                                                   [--quick]

For each bundled scikit-learn dataset and seed, the data are split 60/20/20 into train,
validation and test (the split depends on the seed), and both tuners run every stage
(68 trials at most) with the same parameters, ``num_boost_round``, early stopping after 10
rounds without progress, one LightGBM thread and ``optuna_seed=seed``. We report the best
validation score (what the tuners optimize), the score of the best booster on the test
split, and the per-trial overhead: wall time minus the training time each trial records
(``lightgbm_tuner:elapsed_secs``), divided by the number of trials.

Datasets:
  breast_cancer  binary classification, 569 rows, binary_logloss (lower is better)
  diabetes       regression, 442 rows, l2 (mean squared error, lower is better)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import load_libraries, markdown_table, write_result  # noqa: E402

warnings.filterwarnings("ignore")


@dataclass
class Task:
    name: str
    load: Callable[[], tuple[np.ndarray, np.ndarray]]
    params: dict[str, Any]
    test_score: Callable[[np.ndarray, np.ndarray], float]
    stratify: bool


def _tasks() -> list[Task]:
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.metrics import log_loss, mean_squared_error

    return [
        Task(
            "breast_cancer",
            lambda: load_breast_cancer(return_X_y=True),
            {"objective": "binary", "metric": "binary_logloss"},
            lambda y, p: float(log_loss(y, p)),
            True,
        ),
        Task(
            "diabetes",
            lambda: load_diabetes(return_X_y=True),
            {"objective": "regression", "metric": "l2"},
            lambda y, p: float(mean_squared_error(y, p)),
            False,
        ),
    ]


@dataclass
class Run:
    valid: float
    test: float
    n_trials: int
    wall: float
    overhead_per_trial: float


def run_one(library: str, task: Task, seed: int, rounds: int) -> Run:
    import lightgbm
    from sklearn.model_selection import train_test_split

    if library == "hpo":
        import hpo.integration.lightgbm as tuner_module
    else:
        import optuna_integration.lightgbm as tuner_module  # type: ignore[no-redef]
    X, y = task.load()
    stratify = y if task.stratify else None
    X_fit, X_test, y_fit, y_test = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=stratify
    )
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_fit, y_fit, test_size=0.25, random_state=seed, stratify=y_fit if task.stratify else None
    )
    train = lightgbm.Dataset(X_train, y_train)
    valid = lightgbm.Dataset(X_valid, y_valid, reference=train)
    params = {**task.params, "verbose": -1, "num_threads": 1, "seed": seed}
    start = time.perf_counter()
    tuner = tuner_module.LightGBMTuner(
        params,
        train,
        num_boost_round=rounds,
        valid_sets=[valid],
        callbacks=[lightgbm.early_stopping(10, verbose=False)],
        show_progress_bar=False,
        optuna_seed=seed,
    )
    tuner.run()
    wall = time.perf_counter() - start
    trials = tuner.study.trials
    training = sum(trial.system_attrs.get("lightgbm_tuner:elapsed_secs", 0.0) for trial in trials)
    booster = tuner.get_best_booster()
    test = task.test_score(y_test, booster.predict(X_test))
    return Run(tuner.best_score, test, len(trials), wall, (wall - training) / len(trials))


def _better(ours: float, theirs: float) -> str:
    if abs(ours - theirs) <= 1e-9 * max(abs(ours), abs(theirs)):
        return "tie"
    return "hpo" if ours < theirs else "Optuna"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="1 seed, 20 rounds")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.rounds = 1, 20
    load_libraries(("hpo", "optuna"))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    load_before = os.getloadavg()[0]
    runs: dict[tuple[str, str, int], Run] = {}
    for task in _tasks():
        for seed in seeds:
            for library in ("hpo", "optuna"):
                run = run_one(library, task, seed, args.rounds)
                runs[library, task.name, seed] = run
                print(
                    f"{task.name} seed {seed} {library}: valid {run.valid:.5g} test "
                    f"{run.test:.5g} ({run.n_trials} trials, {run.wall:.1f} s, overhead "
                    f"{run.overhead_per_trial * 1000:.1f} ms/trial)",
                    flush=True,
                )
    load_after = os.getloadavg()[0]

    score_rows = []
    for task in _tasks():
        for seed in seeds:
            ours, theirs = runs["hpo", task.name, seed], runs["optuna", task.name, seed]
            score_rows.append(
                [
                    task.name,
                    seed,
                    f"{ours.valid:.5g}",
                    f"{theirs.valid:.5g}",
                    _better(ours.valid, theirs.valid),
                    f"{ours.test:.5g}",
                    f"{theirs.test:.5g}",
                ]
            )
    summary_rows = []
    for task in _tasks():
        per = {
            library: [runs[library, task.name, seed] for seed in seeds]
            for library in ("hpo", "optuna")
        }
        summary_rows.append(
            [
                task.name,
                f"{statistics.mean(r.valid for r in per['hpo']):.5g}",
                f"{statistics.mean(r.valid for r in per['optuna']):.5g}",
                sum(o.valid <= t.valid for o, t in zip(per["hpo"], per["optuna"])),
                f"{statistics.mean(r.test for r in per['hpo']):.5g}",
                f"{statistics.mean(r.test for r in per['optuna']):.5g}",
            ]
        )
    overhead = {
        library: statistics.mean(
            r.overhead_per_trial for (lib, _, _), r in runs.items() if lib == library
        )
        for library in ("hpo", "optuna")
    }
    wall = {
        library: sum(r.wall for (lib, _, _), r in runs.items() if lib == library)
        for library in ("hpo", "optuna")
    }
    text = "\n\n".join(
        [
            "# LightGBMTuner: hpo vs Optuna (optuna-integration)",
            f"`python benchmarks/bench_lightgbm_tuner.py --seeds {args.seeds} --first-seed "
            f"{args.first_seed} --rounds {args.rounds}`; both tuners run every stage with the "
            "same data split, parameters, early stopping (10 rounds), one LightGBM thread and "
            "`optuna_seed`. Lower is better for both metrics. hpo's bagging stage runs a Latin "
            "hypercube of 10 points where Optuna's draws 10 random points (TPE's start-up). "
            "Seeds are new draws of the data split and of both tuners' samplers. Machine load "
            f"(1-minute average) {load_before:.1f} at the start, {load_after:.1f} at the end, "
            "on 2 cores shared with other work.",
            "## Mean over seeds",
            markdown_table(
                [
                    "dataset",
                    "valid hpo",
                    "valid Optuna",
                    f"hpo <= Optuna (of {len(seeds)})",
                    "test hpo",
                    "test Optuna",
                ],
                summary_rows,
            ),
            "## Per seed",
            markdown_table(
                [
                    "dataset",
                    "seed",
                    "valid hpo",
                    "valid Optuna",
                    "better",
                    "test hpo",
                    "test Optuna",
                ],
                score_rows,
            ),
            "## Overhead per trial (wall time minus the trial's training time)",
            markdown_table(
                ["", "hpo", "Optuna", "Optuna / hpo"],
                [
                    [
                        "ms per trial",
                        f"{overhead['hpo'] * 1000:.1f}",
                        f"{overhead['optuna'] * 1000:.1f}",
                        f"{overhead['optuna'] / overhead['hpo']:.1f}x",
                    ],
                    [
                        "total wall time (s)",
                        f"{wall['hpo']:.0f}",
                        f"{wall['optuna']:.0f}",
                        f"{wall['optuna'] / wall['hpo']:.2f}x",
                    ],
                ],
            ),
        ]
    )
    print(text)
    print(f"\nwritten to {write_result('lightgbm_tuner.md', text)}")


if __name__ == "__main__":
    main()
