"""Terminators side by side with Optuna: when each stops a study, and what that costs.

Usage:  python benchmarks/bench_terminator.py [--quick] [--seeds N] [--budget N]
                                            [--noise-scale S] [--append]

For every (problem, seed), one sequence of ``budget`` trials is produced with hpo's
``TPESampler(seed)`` on a cross-validated version of a test function: five "fold scores"
``f(x) + noise * z_k`` (``z`` drawn from a generator seeded by the parameters) are reported
with ``report_cross_validation_scores`` and the objective is their mean. Both libraries then
replay the *same* trials: after each trial (from the terminator's ``min_n_trials`` on) the
trial is added to a study with ``add_trial`` and the terminator is asked whether to stop, so
the terminators are the only difference. A run that never stops counts as stopping at the
budget. ``--noise-scale`` multiplies every problem's noise; ``--append`` adds the table to
the existing result file instead of replacing it (to keep runs at several noise levels).

Terminators (every argument at its default unless listed):
  regret    Terminator(): RegretBoundEvaluator + CrossValidationErrorEvaluator
  emmr      Terminator(EMMREvaluator(), MedianErrorEvaluator(emmr))
  stagnate  Terminator(BestValueStagnationEvaluator()) (error: StaticErrorEvaluator(0))

Reported per (problem, terminator), as means over seeds: the stop trial, the best objective
value (the mean CV score) when stopping and at the budget, and the time per check.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import statistics
import sys
import time
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import RESULTS_DIR, load_libraries, markdown_table, write_result  # noqa: E402
from functions import SINGLE_OBJECTIVE, Problem  # noqa: E402

warnings.filterwarnings("ignore")  # Optuna marks its terminator deprecated/experimental

N_FOLDS = 5
# Spread of the fold scores per problem, about 1% of the values a random search sees.
NOISE = {"branin": 0.5, "hartmann6": 0.03, "mixed": 0.5}


@dataclass
class Record:
    params: dict[str, Any]
    distributions: dict[str, str]  # JSON, converted to each library's distributions
    value: float
    scores: list[float]


def cross_validated(problem: Problem, noise: float) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        value = problem.objective(trial)
        key = zlib.crc32(repr(sorted(trial.params.items())).encode())
        scores = value + noise * np.random.default_rng(key).standard_normal(N_FOLDS)
        trial.set_user_attr("cv_scores", scores.tolist())
        return float(scores.mean())

    return objective


def make_records(
    hpo: ModuleType, problem: Problem, noise: float, budget: int, seed: int
) -> list[Record]:
    study = hpo.create_study(sampler=hpo.samplers.TPESampler(seed=seed))
    study.optimize(cross_validated(problem, noise), n_trials=budget)
    to_json = hpo.distributions.distribution_to_json
    return [
        Record(
            dict(t.params),
            {name: to_json(d) for name, d in t.distributions.items()},
            float(t.value),
            list(t.user_attrs["cv_scores"]),
        )
        for t in study.trials
    ]


def make_terminator(lib: ModuleType, name: str, seed: int) -> Any:
    term = lib.terminator
    if name == "regret":
        return term.Terminator(term.RegretBoundEvaluator(seed=seed))
    if name == "emmr":
        emmr = term.EMMREvaluator(seed=seed)
        return term.Terminator(emmr, term.MedianErrorEvaluator(emmr))
    return term.Terminator(term.BestValueStagnationEvaluator())


@dataclass
class Replay:
    stop: int  # the trial count at which the study stops (the budget if it never does)
    stopped: bool
    seconds_per_check: float


def replay(lib: ModuleType, records: list[Record], terminator: Any) -> Replay:
    study = lib.create_study()
    to_dist = lib.distributions.json_to_distribution
    checks, elapsed = 0, 0.0
    for count, record in enumerate(records, start=1):
        study.add_trial(
            lib.trial.create_trial(
                params=record.params,
                distributions={k: to_dist(v) for k, v in record.distributions.items()},
                value=record.value,
                system_attrs={"terminator:cv_scores": record.scores},
            )
        )
        if count < 20:  # every terminator here has min_n_trials=20
            continue
        start = time.perf_counter()
        stop = terminator.should_terminate(study)
        elapsed += time.perf_counter() - start
        checks += 1
        if stop:
            return Replay(count, True, elapsed / checks)
    return Replay(len(records), False, elapsed / max(checks, 1))


def describe_stops(replays: list[Replay]) -> str:
    never = sum(not r.stopped for r in replays)
    mean = statistics.mean(r.stop for r in replays)
    return f"{mean:.0f}" + (f" ({never} never)" if never else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--problems", default=",".join(NOISE))
    parser.add_argument("--terminators", default="regret,emmr,stagnate")
    parser.add_argument("--noise-scale", type=float, default=1.0)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--quick", action="store_true", help="2 seeds, 60 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.budget = 2, 60
    libs = load_libraries()
    for lib_name in libs:  # neither ``import hpo`` nor ``import optuna`` loads it
        importlib.import_module(f"{lib_name}.terminator")
    hpo = libs["hpo"]

    rows = []
    for problem_name in args.problems.split(","):
        problem = SINGLE_OBJECTIVE[problem_name]
        noise = NOISE[problem_name] * args.noise_scale
        runs = {
            seed: make_records(hpo, problem, noise, args.budget, seed)
            for seed in range(args.seeds)
        }
        for name in args.terminators.split(","):
            results: dict[str, list[Replay]] = {lib_name: [] for lib_name in libs}
            best_at_stop: dict[str, list[float]] = {lib_name: [] for lib_name in libs}
            best_at_budget = []
            for seed, records in runs.items():
                values = np.array([r.value for r in records])
                best_at_budget.append(float(values.min()))
                for lib_name, lib in libs.items():
                    result = replay(lib, records, make_terminator(lib, name, seed))
                    results[lib_name].append(result)
                    best_at_stop[lib_name].append(float(values[: result.stop].min()))
                    print(
                        f"{problem_name:10s} {name:8s} seed {seed} {lib_name:7s} stop "
                        f"{result.stop:4d}{'' if result.stopped else ' (never)'} "
                        f"best {best_at_stop[lib_name][-1]:.4g} "
                        f"{result.seconds_per_check * 1e3:.0f} ms/check",
                        flush=True,
                    )

            ms = {
                k: statistics.mean(r.seconds_per_check for r in v) * 1e3
                for k, v in results.items()
            }
            rows.append(
                [
                    problem_name,
                    name,
                    describe_stops(results["hpo"]),
                    describe_stops(results["optuna"]),
                    statistics.mean(best_at_stop["hpo"]),
                    statistics.mean(best_at_stop["optuna"]),
                    statistics.mean(best_at_budget),
                    ms["hpo"],
                    ms["optuna"],
                    f"{ms['hpo'] / ms['optuna']:.2f}x",
                ]
            )

    table = markdown_table(
        [
            "problem",
            "terminator",
            "hpo stop",
            "Optuna stop",
            "hpo best at stop",
            "Optuna best at stop",
            f"best at {args.budget}",
            "hpo ms/check",
            "Optuna ms/check",
            "hpo / Optuna time",
        ],
        rows,
    )
    noise = ", ".join(
        f"{k} {v * args.noise_scale:g}" for k, v in NOISE.items() if k in args.problems.split(",")
    )
    summary = (
        f"Terminators replaying the same TPE trials (hpo TPESampler), {args.budget}-trial "
        f"budget, {args.seeds} seeds, {N_FOLDS}-fold scores with noise ({noise}); means over "
        f"seeds; a run that never stops counts at the budget. hpo {hpo.__version__}, Optuna "
        f"{libs['optuna'].__version__}, Python {platform.python_version()}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}\n\n{table}"
    )
    print(summary)
    if args.append and (RESULTS_DIR / "terminator.md").exists():
        summary = (RESULTS_DIR / "terminator.md").read_text() + "\n" + summary
    print(f"\n(written to {write_result('terminator.md', summary)})")


if __name__ == "__main__":
    main()
