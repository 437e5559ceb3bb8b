"""TPE on long studies: does summarizing the bad group cost quality?

Beyond 1,000 bad trials hpo's TPE summarizes the older ones (``hpo/samplers/_tpe/_summary.py``)
so that a suggestion costs the same at 20,000 trials as at 2,000. This runs hpo's default TPE
as shipped ("summary") and with the summary switched off ("exact": one kernel per bad trial)
on continuous functions (``functions.py``) and discrete surrogates (``bench_tpe_discrete.py``)
for ``--trials`` trials, and compares the best values after 1,000, 2,000 and ``--trials``
trials, per problem, with a two-sided Mann-Whitney U test (p < 0.05, else a tie). Up to about
1,025 trials both variants propose exactly the same points.

Usage:  python benchmarks/bench_tpe_long.py [--trials 5000] [--seeds 5] [--jobs 2]
        [--problems hartmann6 rosenbrock10 hartmann6_g5 xgb_like_0]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import markdown_table, write_result

CONTINUOUS = ["hartmann6", "rosenbrock10"]
DISCRETE = ["hartmann6_g5", "xgb_like_0"]
VARIANTS = ("summary", "exact")
SHIPPED_CAP = 1000  # hpo.samplers._tpe._summary.MAX_BAD_KERNELS as shipped


def objective_of(problem: str) -> Any:
    if problem in CONTINUOUS:
        from functions import SINGLE_OBJECTIVE

        return SINGLE_OBJECTIVE[problem].objective
    from bench_tpe_discrete import PROBLEMS

    return PROBLEMS[problem][0]


def run(task: tuple[str, str, int, int]) -> tuple[str, str, int, list[float], float]:
    """One study; return the running best value after every trial and the CPU seconds."""
    problem, variant, seed, n_trials = task
    import hpo
    from hpo.samplers._tpe import _summary

    hpo.logging.set_verbosity(hpo.logging.ERROR)
    # Pool processes run several tasks: set the cap for this one either way.
    _summary.MAX_BAD_KERNELS = 10**12 if variant == "exact" else SHIPPED_CAP
    study = hpo.create_study(sampler=hpo.samplers.TPESampler(seed=seed))
    start = time.process_time()
    study.optimize(objective_of(problem), n_trials=n_trials)
    seconds = time.process_time() - start
    values = [t.value if t.value is not None else np.inf for t in study.trials]
    return problem, variant, seed, np.minimum.accumulate(values).tolist(), seconds


def verdict(summary: list[float], exact: list[float]) -> str:
    from scipy.stats import mannwhitneyu

    if summary == exact:
        return "same"
    p_value = float(mannwhitneyu(summary, exact, alternative="two-sided").pvalue)
    if p_value >= 0.05:
        return f"tie (p={p_value:.2f})"
    better = np.median(summary) < np.median(exact)
    return f"{'summary' if better else 'exact'} better (p={p_value:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--problems", nargs="+", default=CONTINUOUS + DISCRETE)
    args = parser.parse_args()
    problems = args.problems
    tasks = [
        (problem, variant, seed, args.trials)
        for problem in problems
        for seed in range(args.seeds)
        for variant in VARIANTS
    ]
    load = os.getloadavg()[0]
    results = []
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        for result in pool.imap_unordered(run, tasks):
            results.append(result)
            print(
                f"{result[0]} {result[1]} seed {result[2]}: best {result[3][-1]:.4g}, "
                f"{result[4]:.0f} CPU s",
                flush=True,
            )
    curves: dict[tuple[str, str], list[list[float]]] = {}
    seconds: dict[str, float] = dict.fromkeys(VARIANTS, 0.0)
    for problem, variant, _, curve, cpu in results:
        curves.setdefault((problem, variant), []).append(curve)
        seconds[variant] += cpu
    budgets = sorted({1000, 2000, args.trials})
    rows = []
    tally = {budget: {"summary": 0, "exact": 0, "tie": 0} for budget in budgets}
    for problem in problems:
        row = [problem, "continuous" if problem in CONTINUOUS else "discrete"]
        for budget in budgets:
            at = {v: [c[budget - 1] for c in curves[problem, v]] for v in VARIANTS}
            outcome = verdict(at["summary"], at["exact"])
            key = outcome.split()[0] if "better" in outcome else "tie"
            tally[budget][key] += 1
            row.append(f"{np.mean(at['summary']):.4g} / {np.mean(at['exact']):.4g}: {outcome}")
        rows.append(row)
    table = markdown_table(
        ["problem", "kind", *[f"mean best at {b:,} (summary / exact)" for b in budgets]], rows
    )
    counts = "; ".join(
        f"at {b:,}: summary better {t['summary']}, exact better {t['exact']}, tie {t['tie']}"
        for b, t in tally.items()
    )
    text = (
        f"## TPE on long studies: bad-group summary vs exact, {args.trials:,} trials, "
        f"{args.seeds} seeds\n\nLoad average {load:.1f} at the start. CPU seconds in all: "
        f"summary {seconds['summary']:.0f}, exact {seconds['exact']:.0f}.\n\n{table}\n\n"
        f"{counts}\n"
    )
    print(text)
    write_result("tpe_long.md", text)


if __name__ == "__main__":
    main()
