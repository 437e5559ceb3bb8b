"""Multi-objective pruning: steps saved and hypervolume kept, at an equal number of trials.

Usage:  python benchmarks/bench_mo_pruning.py [--quick] [--seeds N]

Every (task, method, seed) runs the same trials: the parameters of each trial number are drawn
from a seeded generator and enqueued, and every curve depends only on the parameters and the
seed, so the pruner is the only difference. For each run we count the steps reported (the
compute spent) and the hypervolume of the final values of the COMPLETE trials (both
objectives minimized, one reference point per task and seed), and compare with no pruning.

Methods:
  none            hpo, NopPruner: every trial runs to the end
  ParetoMedian    hpo.pruners.ParetoMedianPruner(n_startup_trials=5, n_warmup_steps=W)
  ParetoSHA       hpo.pruners.ParetoSuccessiveHalvingPruner() (min_resource "auto",
                  reduction_factor 4)
  ParetoSHA eta=2 the same with reduction_factor=2 (half of each rung continues)
  Optuna error-only
                  Optuna cannot prune a study with several objectives (its report and
                  should_prune raise there). The workaround open to an Optuna user: a
                  single-objective study on the error alone, with MedianPruner(5, W), the
                  second objective kept as a user attribute; its COMPLETE trials are scored
                  with the same hypervolume.
W = max(3, n_steps // 10).

Tasks:
  curves   synthetic learning curves of a model whose depth (1-16) sets a trade-off: deeper
           models reach a lower error but have a higher latency (1 + depth ms), measured each
           epoch with 10% noise (the reported latency is the running mean); the learning rate
           sets speed and final error, and 10% of the configurations with a large rate diverge
           (NaN). Shallow models learn fast, so early error ranks differ from the final ones.
  digits   scikit-learn's SGDClassifier (elastic-net penalty) trained with partial_fit on the
           bundled digits data: validation error and the share of non-zero weights (model
           size), both reported after each epoch.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import load_libraries, markdown_table, write_result  # noqa: E402

from hpo._hypervolume import compute_hypervolume  # noqa: E402
from hpo._pareto import is_pareto_front  # noqa: E402

warnings.filterwarnings("ignore")

Curves = Callable[[dict[str, Any], int], np.ndarray]  # (params, seed) -> (n_steps, 2) losses


# -- tasks -------------------------------------------------------------------------------------
@dataclass
class Task:
    name: str
    n_trials: int
    n_steps: int
    sample_params: Callable[[np.random.Generator], dict[str, Any]]
    curves: Curves
    reference: Callable[[list[dict[str, Any]]], np.ndarray]
    space: dict[str, tuple[str, float, float, bool]]  # name -> (int/float, low, high, log)


def suggest(trial: Any, space: dict[str, tuple[str, float, float, bool]]) -> dict[str, Any]:
    """Ask the trial for each parameter (the enqueued values come back)."""
    out: dict[str, Any] = {}
    for name, (kind, low, high, log) in space.items():
        if kind == "int":
            out[name] = trial.suggest_int(name, int(low), int(high), log=log)
        else:
            out[name] = trial.suggest_float(name, low, high, log=log)
    return out


def synthetic_params(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "depth": int(rng.integers(1, 17)),
        "lr": float(np.exp(rng.uniform(np.log(1e-3), np.log(1.0)))),
        "x": float(rng.random()),
    }


def synthetic_latency(depth: int) -> float:
    return 1.0 + depth


def synthetic_curves(n_steps: int) -> Curves:
    def curves(params: dict[str, Any], seed: int) -> np.ndarray:
        depth, lr, x = params["depth"], params["lr"], params["x"]
        rng = np.random.default_rng([seed, depth, int(lr * 1e9), int(x * 1e9)])
        t = np.arange(1, n_steps + 1)
        lr_miss = abs(math.log10(lr) - math.log10(0.05))
        asymptote = 0.03 + 0.45 / depth**0.8 + 0.06 * lr_miss
        rate = (0.02 + 0.25 * min(lr / 0.1, 1.0)) * (2.0 / (1 + depth)) ** 0.5
        error = asymptote + (0.9 - asymptote) * np.exp(-rate * t) + rng.normal(0, 0.01, n_steps)
        if lr > 0.3 and x < 0.1:  # a diverging run
            error = 0.5 * np.exp(0.15 * t)
            error[error > 5.0] = math.nan
        measured = synthetic_latency(depth) * (1 + rng.normal(0, 0.1, n_steps))
        latency = np.cumsum(measured) / t  # the running mean of the measurements
        return np.column_stack([error, latency])

    return curves


def synthetic_reference(params: list[dict[str, Any]]) -> np.ndarray:
    return np.array([1.0, 1.2 * max(synthetic_latency(p["depth"]) for p in params)])


def digits_params(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "alpha": float(np.exp(rng.uniform(np.log(1e-5), np.log(1e-1)))),
        "l1_ratio": float(rng.random()),
        "eta0": float(np.exp(rng.uniform(np.log(1e-4), np.log(1.0)))),
    }


_DIGITS: dict[str, Any] = {}


def digits_curves(n_steps: int) -> Curves:
    def curves(params: dict[str, Any], seed: int) -> np.ndarray:
        from sklearn.datasets import load_digits
        from sklearn.linear_model import SGDClassifier
        from sklearn.model_selection import train_test_split

        if not _DIGITS:
            x, y = load_digits(return_X_y=True)
            _DIGITS["split"] = train_test_split(x / 16.0, y, test_size=0.3, random_state=0)
        x_train, x_valid, y_train, y_valid = _DIGITS["split"]
        model = SGDClassifier(
            loss="log_loss",
            penalty="elasticnet",
            learning_rate="constant",
            random_state=seed,
            **params,
        )
        classes = np.unique(y_train)
        out = np.empty((n_steps, 2))
        for epoch in range(n_steps):
            model.partial_fit(x_train, y_train, classes=classes)
            out[epoch, 0] = 1.0 - model.score(x_valid, y_valid)
            out[epoch, 1] = np.count_nonzero(np.abs(model.coef_) > 1e-6) / model.coef_.size
        return out

    return curves


def tasks(quick: bool) -> list[Task]:
    return [
        Task(
            "curves",
            40 if quick else 80,
            30 if quick else 60,
            synthetic_params,
            synthetic_curves(30 if quick else 60),
            synthetic_reference,
            {
                "depth": ("int", 1, 16, False),
                "lr": ("float", 1e-3, 1.0, True),
                "x": ("float", 0, 1, False),
            },
        ),
        Task(
            "digits",
            20 if quick else 30,
            10 if quick else 15,
            digits_params,
            digits_curves(10 if quick else 15),
            lambda params: np.array([1.0, 1.0]),
            {
                "alpha": ("float", 1e-5, 1e-1, True),
                "l1_ratio": ("float", 0.0, 1.0, False),
                "eta0": ("float", 1e-4, 1.0, True),
            },
        ),
    ]


# -- runs --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    steps: int
    hypervolume: float
    complete: set[int]  # numbers of the COMPLETE trials
    front: set[int]  # numbers of the trials on the Pareto front of the COMPLETE ones


_CURVES: dict[tuple[Any, ...], np.ndarray] = {}


def curve_of(task: Task, params: dict[str, Any], seed: int) -> np.ndarray:
    """The task's curves for ``params``, computed once per seed and replayed to every method
    (the curves depend only on the parameters and the seed)."""
    key = (task.name, seed, *sorted(params.items()))
    if key not in _CURVES:
        _CURVES[key] = task.curves(params, seed)
    return _CURVES[key]


def outcome(steps: int, numbers: list[int], finals: np.ndarray, reference: np.ndarray) -> Outcome:
    if not numbers:
        return Outcome(steps, 0.0, set(), set())
    on_front = is_pareto_front(finals)
    return Outcome(
        steps,
        compute_hypervolume(finals, reference),
        set(numbers),
        {n for n, front in zip(numbers, on_front) if front},
    )


def final_losses(curve: np.ndarray) -> np.ndarray | None:
    last = curve[-1]
    return None if np.isnan(last).any() else last


def run_hpo(
    hpo: ModuleType, task: Task, method: str, seed: int, params: list[dict[str, Any]]
) -> Outcome:
    warmup = max(3, task.n_steps // 10)
    pruner = {
        "none": lambda: hpo.pruners.NopPruner(),
        "ParetoMedian": lambda: hpo.pruners.ParetoMedianPruner(5, warmup),
        "ParetoSHA": lambda: hpo.pruners.ParetoSuccessiveHalvingPruner(),
        "ParetoSHA eta=2": lambda: hpo.pruners.ParetoSuccessiveHalvingPruner(reduction_factor=2),
    }[method]()
    study = hpo.create_study(
        directions=["minimize", "minimize"],
        sampler=hpo.samplers.RandomSampler(seed=seed),
        pruner=pruner,
    )
    for p in params:
        study.enqueue_trial(p)
    steps = 0

    def objective(trial: Any) -> tuple[float, float]:
        nonlocal steps
        p = suggest(trial, task.space)
        curve = curve_of(task, p, seed)
        for step, values in enumerate(curve):
            trial.report(values.tolist(), step)
            steps += 1
            if trial.should_prune():
                raise hpo.TrialPruned()
        last = final_losses(curve)
        if last is None:
            raise hpo.TrialPruned()  # diverged: no final values
        return float(last[0]), float(last[1])

    study.optimize(objective, n_trials=task.n_trials)
    complete = study.get_trials(states=(hpo.trial.TrialState.COMPLETE,))
    finals = np.array([t.values for t in complete]).reshape(-1, 2)
    return outcome(steps, [t.number for t in complete], finals, task.reference(params))


def run_optuna(optuna: ModuleType, task: Task, seed: int, params: list[dict[str, Any]]) -> Outcome:
    warmup = max(3, task.n_steps // 10)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.RandomSampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(5, warmup),
    )
    for p in params:
        study.enqueue_trial(p)
    steps = 0

    def objective(trial: Any) -> float:
        nonlocal steps
        p = suggest(trial, task.space)
        curve = curve_of(task, p, seed)
        for step, values in enumerate(curve):
            trial.report(float(values[0]), step)
            steps += 1
            if trial.should_prune():
                raise optuna.TrialPruned()
        last = final_losses(curve)
        if last is None:
            raise optuna.TrialPruned()
        trial.set_user_attr("second_objective", float(last[1]))
        return float(last[0])

    study.optimize(objective, n_trials=task.n_trials)
    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    finals = np.array([[t.value, t.user_attrs["second_objective"]] for t in complete])
    numbers = [t.number for t in complete]
    return outcome(steps, numbers, finals.reshape(-1, 2), task.reference(params))


METHODS = ["none", "ParetoMedian", "ParetoSHA", "ParetoSHA eta=2", "Optuna error-only"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials, steps and seeds")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per task (default 10)")
    args = parser.parse_args()
    n_seeds = args.seeds or (3 if args.quick else 10)
    libs = load_libraries()
    load = os.getloadavg()[0]

    rows = []
    for task in tasks(args.quick):
        per_method: dict[str, list[Outcome]] = {m: [] for m in METHODS}
        for seed in range(n_seeds):
            rng = np.random.default_rng(seed)
            params = [task.sample_params(rng) for _ in range(task.n_trials)]
            for method in METHODS:
                if method == "Optuna error-only":
                    outcome = run_optuna(libs["optuna"], task, seed, params)
                else:
                    outcome = run_hpo(libs["hpo"], task, method, seed, params)
                per_method[method].append(outcome)
        base = per_method["none"]
        for method in METHODS:
            outcomes = per_method[method]
            step_share = [o.steps / b.steps for o, b in zip(outcomes, base)]
            kept = [o.hypervolume / b.hypervolume for o, b in zip(outcomes, base)]
            front_kept = [len(b.front & o.complete) / len(b.front) for o, b in zip(outcomes, base)]
            rows.append(
                [
                    task.name,
                    method,
                    f"{np.mean([o.steps for o in outcomes]):,.0f}",
                    f"{(1 - np.mean(step_share)) * 100:.0f}%",
                    f"{np.mean(kept) * 100:.1f}% (min {np.min(kept) * 100:.1f}%)",
                    f"{np.mean(front_kept) * 100:.0f}%",
                ]
            )
            print(" | ".join(rows[-1]), flush=True)

    table = markdown_table(
        ["task", "method", "steps", "steps saved", "hypervolume kept", "front trials kept"],
        rows,
    )
    sizes = ", ".join(
        f"{t.name}: {t.n_trials} trials x {t.n_steps} steps" for t in tasks(args.quick)
    )
    text = (
        f"Multi-objective pruning, mean over {n_seeds} seeds per row ({sizes}); hpo "
        f"{libs['hpo'].__version__}, Optuna {libs['optuna'].__version__}"
        f"{' (quick)' if args.quick else ''}; 1-minute load average {load:.1f} on "
        f"{os.cpu_count()} cores at the start.\n\n{table}\n\n"
        "Steps saved and hypervolume kept are relative to `none` (no pruning) on the same "
        "trials and seed, averaged over seeds; front trials kept: the share of the trials on "
        "the Pareto front without pruning that still ran to the end. Optuna has no "
        "multi-objective pruning: its row is the single-objective workaround described in "
        "the script (pruning on the error alone)."
    )
    print("\n" + text)
    print(f"\nwritten to {write_result('mo_pruning.md', text)}")


if __name__ == "__main__":
    main()
