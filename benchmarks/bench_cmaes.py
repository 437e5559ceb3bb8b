"""CmaEsSampler quality and speed: hpo against Optuna (which runs the ``cmaes`` package).

Each function is minimized by both libraries with the same seeds and the default
``CmaEsSampler()`` (plus ``seed``), in memory. The table gives, per function, the median best
value of each library, the two-sided Mann-Whitney U p-value over the seeds, a verdict for hpo
(win/loss when p < 0.05, tie otherwise), and the time spent outside the objective per trial
(sampler and study), with Optuna's time divided by hpo's. Usage:
python benchmarks/bench_cmaes.py [--trials N] [--seeds S] [--functions f ...] [--quick]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, write_result

DIM = 10
LOW, HIGH = -5.0, 5.0
# The optimum is moved away from the centre of the box, where both libraries start.
SHIFT = 1.7


def _x(trial: Any) -> np.ndarray:
    return np.array([trial.suggest_float(f"x{i}", LOW, HIGH) for i in range(DIM)])


def sphere(x: np.ndarray) -> float:
    return float(np.sum((x - SHIFT) ** 2))


def ellipsoid(x: np.ndarray) -> float:
    weights = 10.0 ** (6 * np.arange(DIM) / (DIM - 1))
    return float(np.sum(weights * (x - SHIFT) ** 2))


def rosenbrock(x: np.ndarray) -> float:
    z = x - SHIFT + 1  # optimum at x = SHIFT
    return float(np.sum(100 * (z[1:] - z[:-1] ** 2) ** 2 + (1 - z[:-1]) ** 2))


def rastrigin(x: np.ndarray) -> float:
    z = x - SHIFT
    return float(10 * DIM + np.sum(z**2 - 10 * np.cos(2 * np.pi * z)))


def ackley(x: np.ndarray) -> float:
    z = x - SHIFT
    return float(
        -20 * np.exp(-0.2 * np.sqrt(np.mean(z**2)))
        - np.exp(np.mean(np.cos(2 * np.pi * z)))
        + 20
        + math.e
    )


FUNCTIONS: dict[str, Callable[[np.ndarray], float]] = {
    "sphere": sphere,
    "ellipsoid": ellipsoid,
    "rosenbrock": rosenbrock,
    "rastrigin": rastrigin,
    "ackley": ackley,
}


def _sampler_class(lib: Any) -> Any:
    found = getattr(lib.samplers, "CmaEsSampler", None)
    if found is None:  # before hpo.samplers exports it
        from hpo.samplers._cmaes import CmaEsSampler

        found = CmaEsSampler
    return found


def run(
    lib: Any, function: Callable[[np.ndarray], float], trials: int, seed: int
) -> tuple[float, float]:
    """Return the best value and the seconds per trial spent outside the objective."""
    in_objective = 0.0

    def objective(trial: Any) -> float:
        nonlocal in_objective
        x = _x(trial)  # suggesting is part of the sampler's cost
        start = time.perf_counter()
        value = function(x)
        in_objective += time.perf_counter() - start
        return value

    study = lib.create_study(sampler=_sampler_class(lib)(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    total = time.perf_counter() - start
    return study.best_value, (total - in_objective) / trials


def verdict(p_value: float, ours: list[float], theirs: list[float]) -> str:
    if p_value >= 0.05:
        return "tie"
    return "win" if statistics.median(ours) < statistics.median(theirs) else "loss"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS), choices=FUNCTIONS)
    parser.add_argument("--quick", action="store_true", help="3 seeds, 200 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials = 3, 200

    import warnings

    from scipy.stats import mannwhitneyu

    warnings.simplefilter("ignore")  # Optuna's experimental and deprecation warnings
    libraries = load_libraries()
    rows = []
    wins = losses = 0
    for name in args.functions:
        function = FUNCTIONS[name]
        best: dict[str, list[float]] = {lib: [] for lib in libraries}
        seconds: dict[str, list[float]] = {lib: [] for lib in libraries}
        for seed in range(args.seeds):
            for lib_name, lib in libraries.items():  # alternate, so that load drift is shared
                value, per_trial = run(lib, function, args.trials, seed)
                best[lib_name].append(value)
                seconds[lib_name].append(per_trial)
        p_value = float(mannwhitneyu(best["hpo"], best["optuna"], alternative="two-sided").pvalue)
        result = verdict(p_value, best["hpo"], best["optuna"])
        wins += result == "win"
        losses += result == "loss"
        hpo_ms = statistics.median(seconds["hpo"]) * 1e3
        optuna_ms = statistics.median(seconds["optuna"]) * 1e3
        rows.append(
            [
                name,
                f"{statistics.median(best['hpo']):.3g}",
                f"{statistics.median(best['optuna']):.3g}",
                f"{p_value:.3g}",
                result,
                f"{hpo_ms:.3f}",
                f"{optuna_ms:.3f}",
                f"{optuna_ms / hpo_ms:.1f}x",
            ]
        )
        print(rows[-1], flush=True)
    header = [
        "function",
        "hpo median best",
        "optuna median best",
        "p (Mann-Whitney U)",
        "hpo",
        "hpo ms/trial",
        "optuna ms/trial",
        "optuna/hpo time",
    ]
    table = markdown_table(header, rows)
    text = "\n".join(
        [
            "# CmaEsSampler: hpo vs Optuna",
            "",
            f"{DIM}-D functions on [{LOW}, {HIGH}]^{DIM}, optimum shifted to x_i = {SHIFT}; "
            f"{args.trials} trials x {args.seeds} seeds; default `CmaEsSampler(seed=seed)`; "
            "in-memory storage. Time per trial is the time in `optimize` outside the "
            "objective (sampler and study), median over seeds.",
            f"Verdict for hpo at p < 0.05: {wins} win(s), {losses} loss(es), "
            f"{len(rows) - wins - losses} tie(s).",
            "",
            table,
            "",
            f"Python {platform.python_version()}, {platform.machine()}; "
            f"optuna {libraries['optuna'].__version__}.",
        ]
    )
    print(text)
    if not args.quick:
        print(f"written to {write_result('cmaes.md', text)}")


if __name__ == "__main__":
    main()
