"""NSGA-II and NSGA-III: hypervolume and sampler time, hpo's samplers vs Optuna's.

For each problem (ZDT1, ZDT2: 2 objectives; DTLZ2: 3 objectives), each sampler
(``NSGAIISampler``, ``NSGAIIISampler``, default arguments) and each seed, one in-memory study
runs ``--trials`` trials with hpo and with Optuna. The table reports the mean ± sd of the
hypervolume of all trials at the end (``hpo._hypervolume`` with the problem's reference point),
a two-sided Mann-Whitney U verdict (p < 0.05, else a tie), and the CPU time spent inside
the sampler per trial (every sampler hook timed with ``time.thread_time``) with the
Optuna / hpo ratio. Writes
``benchmarks/results/nsga.md``.

Usage:  python benchmarks/bench_nsga.py [--trials 200 [1000 ...]] [--seeds 10] [--quick]
"""

from __future__ import annotations

import argparse
import functools
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import mannwhitneyu

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import load_libraries, markdown_table, write_result
from functions import DTLZ2, MULTI_OBJECTIVE, Problem

from hpo._hypervolume import compute_hypervolume

PROBLEMS: dict[str, Problem] = {
    "zdt1": MULTI_OBJECTIVE["zdt1"],
    "zdt2": MULTI_OBJECTIVE["zdt2"],
    "dtlz2": DTLZ2,
}
SAMPLERS = ("NSGAIISampler", "NSGAIIISampler")
_HOOKS = (
    "infer_relative_search_space",
    "sample_relative",
    "sample_independent",
    "before_trial",
    "after_trial",
)


def _timer_overhead() -> float:
    """Median time that one measured interval adds by itself (two ``thread_time`` calls)."""
    samples = []
    for _ in range(20_000):
        start = time.thread_time()
        samples.append(time.thread_time() - start)
    return statistics.median(samples)


TIMER_OVERHEAD = _timer_overhead()


def timed_sampler(sampler: Any) -> list[float]:
    """Wrap the hooks of ``sampler``; the returned cell holds their CPU time so far.

    The cost of the measurement itself (``TIMER_OVERHEAD`` per call) is taken off, so that
    both libraries are charged only for their own work.
    """
    total = [0.0]

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            # CPU time of this thread: a busy machine's preemptions do not count.
            start = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                total[0] += time.thread_time() - start - TIMER_OVERHEAD

        return timed

    for name in _HOOKS:
        setattr(sampler, name, wrap(getattr(sampler, name)))
    return total


def run(library: Any, sampler_name: str, problem: Problem, seed: int, n_trials: int) -> tuple:
    """Return (hypervolume, sampler seconds per trial, wall seconds per trial)."""
    sampler = getattr(library.samplers, sampler_name, None)
    if sampler is None:  # hpo's samplers before they are exported
        from hpo.samplers._nsgaiii import NSGAIIISampler
        from hpo.samplers.nsgaii._sampler import NSGAIISampler

        sampler = {"NSGAIISampler": NSGAIISampler, "NSGAIIISampler": NSGAIIISampler}[sampler_name]
    instance = sampler(seed=seed)
    total = timed_sampler(instance)
    study = library.create_study(directions=list(problem.directions), sampler=instance)
    start = time.perf_counter()
    study.optimize(problem.objective, n_trials=n_trials)
    wall = time.perf_counter() - start
    losses = np.array([t.values for t in study.trials], dtype=float)
    volume = compute_hypervolume(losses, np.array(problem.reference_point))
    return volume, total[0] / n_trials, wall / n_trials


def verdict(hpo_values: list[float], optuna_values: list[float]) -> str:
    """Two-sided Mann-Whitney U verdict on hypervolumes (larger is better)."""
    if len(hpo_values) < 3 or hpo_values == optuna_values:
        return "tie"
    p = mannwhitneyu(hpo_values, optuna_values, alternative="two-sided").pvalue
    if p >= 0.05:
        return f"tie (p={p:.2f})"
    better = statistics.median(hpo_values) > statistics.median(optuna_values)
    return f"{'hpo' if better else 'optuna'} better (p={p:.3f})"


def mean_sd(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.4f} ± {sd:.4f}"


def compare(
    libraries: dict[str, Any], problem_name: str, sampler_name: str, seeds: int, n_trials: int
) -> list[str]:
    """Run every seed with both libraries; return one table row."""
    problem = PROBLEMS[problem_name]
    results: dict[str, list[tuple[float, float, float]]] = {"hpo": [], "optuna": []}
    for seed in range(seeds):
        for name, library in libraries.items():
            results[name].append(run(library, sampler_name, problem, seed, n_trials))
    hv = {name: [r[0] for r in res] for name, res in results.items()}
    per_trial = {name: statistics.mean(r[1] for r in res) for name, res in results.items()}
    wall = {name: statistics.mean(r[2] for r in res) for name, res in results.items()}
    return [
        problem_name,
        sampler_name,
        str(n_trials),
        mean_sd(hv["hpo"]),
        mean_sd(hv["optuna"]),
        verdict(hv["hpo"], hv["optuna"]),
        f"{per_trial['hpo'] * 1e3:.3f}",
        f"{per_trial['optuna'] * 1e3:.3f}",
        f"{per_trial['optuna'] / per_trial['hpo']:.1f}x",
        f"{wall['optuna'] / wall['hpo']:.1f}x",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, nargs="+", default=[200])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    parser.add_argument("--quick", action="store_true", help="3 seeds, 100 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials = 3, [100]
    libraries = load_libraries()
    logging.getLogger("optuna").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    # Warm both libraries up (imports, first calls) outside the measured runs.
    for library in libraries.values():
        for sampler_name in SAMPLERS:
            run(library, sampler_name, PROBLEMS["zdt1"], 0, 60)

    rows = []
    for n_trials in args.trials:
        for problem_name in args.problems:
            for sampler_name in SAMPLERS:
                rows.append(compare(libraries, problem_name, sampler_name, args.seeds, n_trials))
                print(" | ".join(rows[-1]), flush=True)
    header = [
        "problem",
        "sampler",
        "trials",
        "hpo HV",
        "optuna HV",
        "Mann-Whitney",
        "hpo ms/trial",
        "optuna ms/trial",
        "sampler speed-up",
        "wall speed-up",
    ]
    table = markdown_table(header, rows)
    budgets = ", ".join(str(n) for n in args.trials)
    text = (
        "# NSGA-II / NSGA-III: hpo vs Optuna\n\n"
        f"{budgets} trials, {args.seeds} seeds, in-memory studies, default sampler "
        "arguments (population 50). HV: hypervolume of all trials at the end (mean ± sd, "
        "reference points ZDT (1.1, 11), DTLZ2 (1.5, 1.5, 1.5)); Mann-Whitney: two-sided U "
        "test on the hypervolumes, p < 0.05. ms/trial: CPU time inside the sampler's hooks "
        "(thread time, so other processes on a busy machine do not count; the timer's own "
        f"cost, {TIMER_OVERHEAD * 1e6:.2f} µs per call, taken off). Wall speed-up: "
        "the whole optimize loop, objective and storage included.\n\n"
        f"Optuna {libraries['optuna'].__version__}, numpy {np.__version__}, "
        f"Python {sys.version.split()[0]}.\n\n{table}\n"
    )
    print(table)
    print(f"wrote {write_result('nsga.md', text)}")


if __name__ == "__main__":
    main()
