"""Pruners side by side with Optuna: steps spent and best value on learning-curve tasks.

Usage:  python benchmarks/bench_pruners.py [--quick] [--seeds N]

Every (task, pruner, seed) runs once with hpo and once with Optuna. Both libraries get the
same parameters for each trial number (drawn from a seeded generator and enqueued; the sampler
is ``RandomSampler(seed)`` in both), and every curve depends only on the parameters, so the
pruners are the only difference. For each run we count the steps reported (the compute spent)
and the best final value of the COMPLETE trials, and compare with no pruning.

Median, Percentile and Patient(Median) use ``n_warmup_steps = max(3, n_steps // 20)``; every
other setting is the library default. Hyperband's bracket assignment hashes the (random) study
name in both libraries, so its rows vary more between seeds than the others.

Tasks:
  decay     exponential-decay loss curves with random asymptotes and rates (better final
            losses tend to come with faster learning); 15% of the configurations diverge
            (the loss grows, then becomes NaN)
  crossing  as decay, but fast learners reach worse asymptotes, so the early ranking of the
            curves differs from the final one
  digits    examples/pruning.py: SGDClassifier on scikit-learn's digits, accuracy per epoch
  instances mean loss over 40 problem instances reported one by one (for WilcoxonPruner)
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "examples"))

from _common import load_libraries, markdown_table, write_result  # noqa: E402

warnings.filterwarnings("ignore", message=".*experimental.*")

Objective = Callable[[Any], float]


# -- tasks -------------------------------------------------------------------------------------
@dataclass
class Task:
    name: str
    direction: str
    n_trials: int
    n_steps: int
    sample_params: Callable[[np.random.Generator], dict[str, Any]]
    make_objective: Callable[[ModuleType], Objective]


def curve_params(rng: np.random.Generator) -> dict[str, Any]:
    return {"x1": float(rng.random()), "x2": float(rng.random()), "x3": float(rng.random())}


def loss_curve(x1: float, x2: float, x3: float, n_steps: int, crossing: bool) -> np.ndarray:
    """A noisy loss curve, measured after each epoch, that depends only on the parameters.

    ``x1`` sets the final loss. Without ``crossing`` a better final loss also tends to come
    with faster learning (``x2`` adds spread); with ``crossing`` the fastest learners end worst.
    """
    noise = np.random.default_rng(int(x1 * 1e9) ^ int(x2 * 1e9)).normal(0.0, 0.005, n_steps)
    t = np.arange(1, n_steps + 1)
    asymptote = 0.05 + x1
    correlated = 0.02 + 0.1 * (1.0 - x1) + 0.1 * x2
    rate = 0.01 + 0.3 * x1 + 0.02 * x2 if crossing else correlated
    if x3 > 0.85:  # a diverging run: the loss grows and ends in NaN
        curve = 2.0 * np.exp(0.08 * t) + noise
        curve[curve > 50.0] = math.nan
        return curve
    return asymptote + (2.0 - asymptote) * np.exp(-rate * t) + noise


def curve_objective(n_steps: int, crossing: int) -> Callable[[ModuleType], Objective]:
    def make(lib: ModuleType) -> Objective:
        def objective(trial: Any) -> float:
            x1 = trial.suggest_float("x1", 0.0, 1.0)
            x2 = trial.suggest_float("x2", 0.0, 1.0)
            x3 = trial.suggest_float("x3", 0.0, 1.0)
            curve = loss_curve(x1, x2, x3, n_steps, bool(crossing))
            for step, value in enumerate(curve):
                trial.report(float(value), step)
                if trial.should_prune():
                    raise lib.TrialPruned()
            # A diverged run ends with a large loss (a NaN objective would fail the trial).
            return float(np.nan_to_num(curve[-1], nan=50.0))

        return objective

    return make


def instance_params(rng: np.random.Generator) -> dict[str, Any]:
    return {"x": float(rng.uniform(-1.0, 1.0))}


def instances_objective(n_instances: int = 40) -> Callable[[ModuleType], Objective]:
    centers = np.linspace(-1.0, 1.0, n_instances)

    def make(lib: ModuleType) -> Objective:
        def objective(trial: Any) -> float:
            x = trial.suggest_float("x", -1.0, 1.0)
            rng = np.random.default_rng(int(abs(x) * 1e9))
            losses = []
            for instance in rng.permutation(n_instances):
                loss = (x - centers[instance]) ** 2 + 0.05 * rng.normal()
                losses.append(loss)
                trial.report(float(loss), int(instance))
                if trial.should_prune():
                    raise lib.TrialPruned()
            return float(np.mean(losses))

        return objective

    return make


def digits_params(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "alpha": float(np.exp(rng.uniform(np.log(1e-7), np.log(1e-1)))),
        "eta0": float(np.exp(rng.uniform(np.log(1e-5), np.log(1.0)))),
        "loss": ["hinge", "log_loss", "modified_huber"][int(rng.integers(3))],
    }


def digits_objective(n_epochs: int) -> Callable[[ModuleType], Objective]:
    from pruning import make_objective

    return lambda lib: make_objective(n_epochs, lib)


def tasks(quick: bool) -> list[Task]:
    n_curve_trials = 60 if quick else 100
    n_digit_trials, n_epochs = (24, 20) if quick else (40, 30)
    return [
        Task("decay", "minimize", n_curve_trials, 100, curve_params, curve_objective(100, False)),
        Task(
            "crossing", "minimize", n_curve_trials, 100, curve_params, curve_objective(100, True)
        ),
        Task(
            "digits",
            "maximize",
            n_digit_trials,
            n_epochs,
            digits_params,
            digits_objective(n_epochs),
        ),
        Task(
            "instances", "minimize", n_curve_trials, 40, instance_params, instances_objective(40)
        ),
    ]


# -- pruners -----------------------------------------------------------------------------------
def pruners_for(task: Task) -> dict[str, Callable[[ModuleType], Any]]:
    """The pruners run on ``task``, as factories taking the library module."""
    if task.name == "instances":
        return {
            "none": lambda lib: lib.pruners.NopPruner(),
            "Wilcoxon": lambda lib: lib.pruners.WilcoxonPruner(),
            "Median": lambda lib: lib.pruners.MedianPruner(),
        }
    if task.direction == "maximize":
        threshold = {"lower": 0.5, "n_warmup_steps": 3}
    else:
        threshold = {"upper": 2.5}
    # A short warm-up, as users set it: the first epochs of any curve say little.
    warmup = max(3, task.n_steps // 20)
    return {
        "none": lambda lib: lib.pruners.NopPruner(),
        "Median": lambda lib: lib.pruners.MedianPruner(n_warmup_steps=warmup),
        "Percentile(25)": lambda lib: lib.pruners.PercentilePruner(25.0, n_warmup_steps=warmup),
        "SuccessiveHalving": lambda lib: lib.pruners.SuccessiveHalvingPruner(),
        "Hyperband": lambda lib: lib.pruners.HyperbandPruner(),
        "Threshold": lambda lib: lib.pruners.ThresholdPruner(**threshold),
        "Patient(Median, 3)": lambda lib: lib.pruners.PatientPruner(
            lib.pruners.MedianPruner(n_warmup_steps=warmup), patience=3
        ),
    }


# -- runs --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    steps: int
    best: float
    seconds: float


def run_once(lib: ModuleType, task: Task, pruner: Any, seed: int) -> Outcome:
    rng = np.random.default_rng(seed)
    study = lib.create_study(
        direction=task.direction, sampler=lib.samplers.RandomSampler(seed=seed), pruner=pruner
    )
    for _ in range(task.n_trials):
        study.enqueue_trial(task.sample_params(rng))
    objective = task.make_objective(lib)
    start = time.perf_counter()
    study.optimize(objective, n_trials=task.n_trials)
    seconds = time.perf_counter() - start
    trials = study.get_trials(deepcopy=False)
    steps = sum(len(t.intermediate_values) for t in trials)
    return Outcome(steps, float(study.best_value), seconds)


def not_worse(a: float, b: float, maximize: bool) -> bool:
    tolerance = 1e-12 * max(1.0, abs(b))
    return a >= b - tolerance if maximize else a <= b + tolerance


def verdict(hpo_: Outcome, optuna_: Outcome, maximize: bool) -> str:
    steps_ok = hpo_.steps <= optuna_.steps
    best_ok = not_worse(hpo_.best, optuna_.best, maximize)
    if steps_ok and best_ok:
        return "as good or better"
    if steps_ok or best_ok:
        return "fewer steps, worse best" if steps_ok else "better best, more steps"
    return "worse"


def mean_outcome(outcomes: list[Outcome]) -> Outcome:
    return Outcome(
        round(float(np.mean([o.steps for o in outcomes]))),
        float(np.mean([o.best for o in outcomes])),
        float(np.sum([o.seconds for o in outcomes])),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials and seeds")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per configuration")
    args = parser.parse_args()
    n_seeds = args.seeds or (2 if args.quick else 5)
    libs = load_libraries()

    rows = []
    median_checks = []
    for task in tasks(args.quick):
        maximize = task.direction == "maximize"
        baseline: dict[str, Outcome] = {}
        for name, factory in pruners_for(task).items():
            per_lib: dict[str, list[Outcome]] = {lib: [] for lib in libs}
            for seed in range(n_seeds):
                for lib_name, lib in libs.items():  # alternate so that noise hits both alike
                    per_lib[lib_name].append(run_once(lib, task, factory(lib), seed))
            h, o = mean_outcome(per_lib["hpo"]), mean_outcome(per_lib["optuna"])
            if name == "none":
                baseline = {"hpo": h, "optuna": o}
            base = baseline["hpo"]
            gap = abs(h.best - base.best) / abs(base.best) * 100
            share = h.steps / base.steps * 100
            rows.append(
                [
                    task.name,
                    name,
                    f"{h.steps:,} ({share:.0f}%)",
                    f"{o.steps:,} ({o.steps / baseline['optuna'].steps * 100:.0f}%)",
                    f"{h.best:.4f}",
                    f"{o.best:.4f}",
                    f"{gap:.2f}%",
                    f"{h.seconds:.1f} / {o.seconds:.1f}",
                    "-" if name == "none" else verdict(h, o, maximize),
                ]
            )
            print(" | ".join(str(c) for c in rows[-1]), flush=True)
            if name == "Median" and task.name != "instances":
                met = gap <= 1.0 and share <= 100 / 3
                median_checks.append(
                    f"- {task.name}: median pruner within {gap:.2f}% of the no-pruning best in "
                    f"{share:.0f}% of its steps: {'met' if met else 'NOT met'}"
                )

    table = markdown_table(
        [
            "task",
            "pruner",
            "hpo steps (% of none)",
            "Optuna steps",
            "hpo best",
            "Optuna best",
            "hpo gap to none",
            "time s hpo / Optuna",
            "hpo vs Optuna",
        ],
        rows,
    )
    text = (
        f"Pruners, mean over {n_seeds} seeds per row; hpo {libs['hpo'].__version__}, Optuna "
        f"{libs['optuna'].__version__}{' (quick)' if args.quick else ''}\n\n{table}\n\n"
        "Target: median pruner within 1% of the no-pruning best in at most 1/3 of its steps\n"
        + "\n".join(median_checks)
    )
    print("\n" + text)
    print(f"\nwritten to {write_result('pruners.md', text)}")


if __name__ == "__main__":
    main()
