"""TPE on small discrete spaces: hpo's TPE (multivariate and univariate) vs Optuna's.

Search spaces of 4-11 integer parameters with 2-8 values each, categoricals with 2-5 choices,
mixes of both and a conditional space. Objectives:

- *table surrogates* built once from a fixed seed, shaped like recorded training results of
  neural networks and tree models: a few important parameters, log-like effects of "size
  index" integers, strong pairwise interactions, a deterministic per-configuration residual
  (the same configuration always returns the same value), and, for the tree-model family,
  values rounded to a test-set resolution, so that many configurations tie;
- discretized classic functions from ``functions.py`` (each float becomes an integer grid
  index or an unordered categorical label).

The ``fcnet_like_*`` family has the shape of the spaces where multivariate TPE once fell
behind: nine small-range integers plus two categoricals, values spanning several decades.

Samplers: ``hpo`` (default TPE, multivariate), ``hpo_uni`` (``multivariate=False``),
``optuna`` (Optuna's default TPE, univariate) and ``optuna_mv`` (``multivariate=True``), all
seeded alike. Each (problem, sampler, seed) runs once for the largest budget; the best value
after each budget in ``--trials`` is compared per problem with a two-sided Mann-Whitney U test
(p < 0.05, else a tie), giving win/tie/loss counts per pairing. The share of proposals that
repeat an already evaluated configuration is reported too. Runs are kept in
``results/tpe_discrete_runs.json``; ``--reuse`` takes the runs of the named samplers (by
default Optuna's two, which do not change when hpo does) from there instead of repeating them.

Usage:  python benchmarks/bench_tpe_discrete.py [--seeds 10] [--trials 30 50 100]
        [--problems fcnet_like_0 ...] [--samplers hpo optuna ...] [--jobs 2]
        [--reuse [optuna optuna_mv ...]] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import RESULTS_DIR, markdown_table, write_result
from bench_tpe_quality import best_so_far, mean_se, verdict
from functions import SINGLE_OBJECTIVE

SAMPLERS = ("hpo", "hpo_uni", "optuna", "optuna_mv")
RUNS_FILE = RESULTS_DIR / "tpe_discrete_runs.json"
N_STARTUP = 10


# -- table surrogates ---------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One parameter of a table surrogate: ``n`` integer levels ``0..n-1`` or choices."""

    name: str
    n: int
    categorical: bool = False


@dataclass
class Surrogate:
    """A deterministic function on a grid: ``scale(z)`` with ``z`` a sum of main effects,
    pairwise interactions and a per-configuration residual."""

    params: list[Param]
    main: list[np.ndarray]
    pairs: list[tuple[int, int, np.ndarray]]
    residual: float
    residual_seed: int
    transform: Callable[[float], float]
    _typical: float | None = None

    def value(self, levels: Sequence[int]) -> float:
        return self.transform(self.raw(levels) / self.typical)

    def raw(self, levels: Sequence[int]) -> float:
        z = sum(effect[level] for effect, level in zip(self.main, levels))
        z += sum(table[levels[i], levels[j]] for i, j, table in self.pairs)
        # A residual that is the same whenever the same configuration comes back.
        key = self.residual_seed
        for level, param in zip(levels, self.params):
            key = key * (param.n + 1) + level
        z += self.residual * _hash_normal(key)
        return float(z)

    @property
    def typical(self) -> float:
        """The median raw value over random configurations (fixed seed): the unit of z."""
        if self._typical is None:
            rng = np.random.default_rng(self.residual_seed)
            samples = [[int(rng.integers(p.n)) for p in self.params] for _ in range(500)]
            self._typical = float(np.median([self.raw(levels) for levels in samples]))
        return self._typical

    def suggest(self, trial: Any, prefix: str = "") -> list[int]:
        levels = []
        for param in self.params:
            if param.categorical:
                choices = [f"{param.name}_{k}" for k in range(param.n)]
                choice = trial.suggest_categorical(prefix + param.name, choices)
                levels.append(choices.index(choice))
            else:
                levels.append(trial.suggest_int(prefix + param.name, 0, param.n - 1))
        return levels

    def __call__(self, trial: Any) -> float:
        return self.value(self.suggest(trial))


def _hash_normal(key: int) -> float:
    """A standard-normal-looking number that depends only on ``key``."""
    return float(np.random.default_rng(key % (2**63)).standard_normal())


def _log_like(n: int, rng: np.random.Generator, amplitude: float) -> np.ndarray:
    """Effect of a "size index" integer: a log-shaped curve with an interior optimum."""
    levels = np.arange(n)
    optimum = rng.uniform(0.3, 1.0) * (n - 1)
    return amplitude * (np.log1p(levels) - math.log1p(optimum)) ** 2


def _surrogate(
    params: list[Param],
    seed: int,
    n_important: int,
    n_pairs: int,
    residual: float,
    transform: Callable[[float], float],
) -> Surrogate:
    rng = np.random.default_rng(seed)
    important = set(rng.choice(len(params), size=n_important, replace=False).tolist())
    main = []
    for index, param in enumerate(params):
        amplitude = rng.uniform(1.0, 2.5) if index in important else rng.uniform(0.05, 0.3)
        if param.categorical:
            effect = amplitude * rng.uniform(0.0, 1.0, param.n)
        elif index % 3 == 0:
            effect = _log_like(param.n, rng, 2.0 * amplitude)
        else:
            # A smooth curve over the levels: quadratic around a random optimum.
            optimum = rng.uniform(0, param.n - 1)
            effect = amplitude * ((np.arange(param.n) - optimum) / max(param.n - 1, 1)) ** 2 * 2
        main.append(effect - effect.min())
    pairs = []
    ordered = sorted(important) + [i for i in range(len(params)) if i not in important]
    candidates = [(a, b) for ia, a in enumerate(ordered) for b in ordered[ia + 1 :]]
    # Interactions mostly between important parameters: the first pairs in this order.
    for pair_index in range(min(n_pairs, len(candidates))):
        a, b = candidates[pair_index]
        strength = 0.8 if a in important and b in important else 0.3
        table = strength * rng.standard_normal((params[a].n, params[b].n))
        pairs.append((a, b, table - table.min()))
    return Surrogate(params, main, pairs, residual, seed * 7919 + 1, transform)


def _mse_scale(low_log10: float, span: float) -> Callable[[float], float]:
    """Map z (1 for a typical configuration, about 0 at the best) to a mean-squared-error-like
    value: ``10 ** low_log10`` at the best, ``span`` decades higher for a typical one."""

    def transform(z: float) -> float:
        return 10 ** (low_log10 + span * z)

    return transform


def _error_rate(resolution: int, base: float) -> Callable[[float], float]:
    """Map z to a test error rate rounded to ``1 / resolution``: many configurations tie."""

    def transform(z: float) -> float:
        return round((base + 0.15 * z) * resolution) / resolution

    return transform


def fcnet_like(seed: int) -> Surrogate:
    """Nine small-range integers and two categoricals, values over several decades."""
    sizes = [6, 4, 6, 6, 3, 3, 5, 4, 2]
    names = ["init_lr", "batch", "units_1", "units_2", "dropout_1", "dropout_2", "wd", "ep", "nl"]
    params = [Param(name, n) for name, n in zip(names, sizes)]
    params += [Param("activation", 2, True), Param("schedule", 2, True)]
    low = [-4.5, -3.5, -2.5, -4.0][seed % 4]
    return _surrogate(params, 100 + seed, 4, 8, 0.15, _mse_scale(low, 3.0))


def xgb_like(seed: int) -> Surrogate:
    """A tree-model table: depth 1-8, a few index parameters, a booster choice; ties."""
    params = [
        Param("max_depth", 8),
        Param("n_estimators", 5),
        Param("min_child", 4),
        Param("subsample", 4),
        Param("colsample", 4),
        Param("eta", 6),
        Param("booster", 2, True),
    ]
    return _surrogate(params, 200 + seed, 3, 6, 0.1, _error_rate(300, 0.08))


def tiny(seed: int) -> Surrogate:
    """Four integers with 2-4 values: 96 configurations, fewer than twice the budget."""
    params = [Param("a", 4), Param("b", 3), Param("c", 2), Param("d", 4)]
    return _surrogate(params, 300 + seed, 2, 3, 0.2, _mse_scale(-3.0, 2.0))


def tiny_cat(seed: int) -> Surrogate:
    """Three integers and two categoricals, 180 configurations, error-rate ties."""
    params = [Param("a", 5), Param("b", 3), Param("c", 3)]
    params += [Param("optimizer", 4, True), Param("loss", 2, True)]
    return _surrogate(params, 400 + seed, 2, 4, 0.2, _error_rate(500, 0.1))


def cat_heavy(seed: int) -> Surrogate:
    """Four categoricals (2-5 choices) and three integers."""
    params = [Param("c1", 5, True), Param("c2", 3, True), Param("c3", 4, True)]
    params += [Param("c4", 2, True), Param("i1", 6), Param("i2", 8), Param("i3", 3)]
    return _surrogate(params, 500 + seed, 3, 6, 0.15, _mse_scale(-3.0, 2.5))


class Conditional:
    """A model choice; each model has its own table surrogate over its own parameters."""

    def __init__(self, seed: int) -> None:
        self.branches = {
            "mlp": (fcnet_like(seed), 0.0),
            "gbm": (tiny(seed + 1), 2e-4),
            "svm": (xgb_like(seed + 2), 0.0),
        }

    def __call__(self, trial: Any) -> float:
        model = trial.suggest_categorical("model", list(self.branches))
        surrogate, offset = self.branches[model]
        value = surrogate.value(surrogate.suggest(trial, prefix=f"{model}_"))
        # Put the branches on one scale: the svm's error rates become small MSE-like values.
        return value * 1e-3 + offset if model == "svm" else value + offset


# -- discretized classic functions --------------------------------------------------------
class _GridTrial:
    """Turns ``suggest_float(name, low, high)`` into a choice among ``n_values`` grid points:
    an integer index, or an unordered categorical label for the names in ``categorical``."""

    def __init__(self, trial: Any, n_values: int, categorical: frozenset[str], seed: int):
        self._trial = trial
        self._n = n_values
        self._categorical = categorical
        self._seed = seed

    def suggest_float(self, name: str, low: float, high: float, **_: Any) -> float:
        if name in self._categorical:
            # Labels in a fixed shuffled order: no ordering for the sampler to exploit.
            order = np.random.default_rng(self._seed + len(name) * 31 + ord(name[-1]))
            permutation = order.permutation(self._n)
            choices = [f"g{k}" for k in permutation]
            index = int(choices.index(self._trial.suggest_categorical(name, choices)))
            index = int(permutation[index])
        else:
            index = self._trial.suggest_int(name, 0, self._n - 1)
        return low + (high - low) * index / (self._n - 1)


@dataclass(frozen=True)
class Discretized:
    function: str
    n_values: int
    categorical: frozenset[str] = frozenset()
    seed: int = 0

    def __call__(self, trial: Any) -> float:
        grid_trial = _GridTrial(trial, self.n_values, self.categorical, self.seed)
        return float(SINGLE_OBJECTIVE[self.function].objective(grid_trial))


# -- the suite ------------------------------------------------------------------------------
def _problems() -> dict[str, tuple[Callable[[Any], float], str]]:
    problems: dict[str, tuple[Callable[[Any], float], str]] = {}
    for seed in range(4):
        problems[f"fcnet_like_{seed}"] = (fcnet_like(seed), "9 ints (2-6 values) + 2 cats (2)")
    for seed in range(2):
        problems[f"xgb_like_{seed}"] = (xgb_like(seed), "6 ints (4-8) + 1 cat (2), ties")
    problems["tiny_0"] = (tiny(0), "4 ints (2-4 values), 96 points")
    problems["tiny_cat_0"] = (tiny_cat(0), "3 ints + 2 cats (2-4), 180 points, ties")
    problems["cat_heavy_0"] = (cat_heavy(0), "4 cats (2-5) + 3 ints (3-8)")
    problems["conditional_0"] = (Conditional(10), "model choice; 4-11 params per branch")
    problems["hartmann6_g5"] = (Discretized("hartmann6", 5), "Hartmann-6, 6 ints (5 values)")
    problems["styblinski10_g6"] = (
        Discretized("styblinski_tang10", 6),
        "Styblinski-Tang, 10 ints (6 values)",
    )
    problems["rosenbrock10_g6"] = (
        Discretized("rosenbrock10", 6),
        "Rosenbrock, 10 ints (6 values, the optimum on the grid)",
    )
    problems["hartmann6_g4_cat"] = (
        Discretized("hartmann6", 4, frozenset({"x0", "x2", "x4"}), seed=3),
        "Hartmann-6, 3 ints + 3 cats (4)",
    )
    return problems


PROBLEMS = _problems()
QUICK_PROBLEMS = ["fcnet_like_0", "fcnet_like_1", "xgb_like_0", "tiny_0", "hartmann6_g5"]


# -- ablations: hpo with one factor changed (see docs/tpe.md) ------------------------------
# Module patches are installed once per worker process and act only while their factor is in
# _ACTIVE, which each run sets: a worker runs other samplers unchanged.
_ACTIVE: set[str] = set()
_INSTALLED: set[str] = set()


def _patch_optuna_like_bandwidth() -> None:
    """Discrete dimensions get ``0.2 * n^(-1/(d+4))`` of the domain, clipped to at least
    ``1 / min(100, 1 + n_kernels)`` of it (a domain-fraction rule, as Optuna's)."""
    from hpo.samplers._tpe import _parzen_estimator as module

    original = module.ParzenEstimator._bandwidths

    def bandwidths(self: Any, mus_t: Any, parameters: Any, use_prior: bool, n_dims: int) -> Any:
        sigmas = original(self, mus_t, parameters, use_prior, n_dims)
        if parameters.multivariate and "optuna_bw" in _ACTIVE:
            n_kernels = self._n_kernels
            sigma = 0.2 * n_kernels ** (-1.0 / (n_dims + 4))
            sigma = min(max(sigma, 1.0 / min(100.0, 1.0 + n_kernels)), 1.0)
            start = len(self._layout.continuous_index)
            sigmas[start:, : n_kernels - (1 if use_prior else 0)] = sigma
        return sigmas

    module.ParzenEstimator._bandwidths = bandwidths  # type: ignore[method-assign]


def _patch_categorical_smoothing() -> None:
    """Other choices weigh ``prior_weight / n_choices`` instead of ``prior_weight / n``."""
    from hpo.samplers._tpe import _parzen_estimator as module

    original = module.categorical_log_probs

    def log_probs(observed: Any, n_choices: int, smoothing: float, distances: Any) -> Any:
        if "cat_smoothing" in _ACTIVE:
            smoothing = 1.0 / n_choices
        return original(observed, n_choices, smoothing, distances)

    module.categorical_log_probs = log_probs  # type: ignore[assignment]


def _patch_ties() -> None:
    """Order trials with equal values newest first, or at random, instead of oldest first."""
    from hpo.samplers._tpe import _study_state as module

    original = module._split.rank_single_objective
    rng = np.random.default_rng(0)

    def rank(*arrays: Any) -> Any:
        n = len(arrays[0])
        if "ties=newest" in _ACTIVE:
            permutation = np.arange(n)[::-1]
        elif "ties=random" in _ACTIVE:
            permutation = rng.permutation(n)
        else:
            return original(*arrays)
        permuted = [a[permutation] if isinstance(a, np.ndarray) else a for a in arrays]
        return permutation[original(*permuted)]

    module._split = type("SplitProxy", (), {"rank_single_objective": staticmethod(rank)})


def apply_variant(sampler: Any, variant: str) -> None:
    """Change factors of an hpo TPESampler (``+``-separated): ``cells=X`` (discrete bandwidth
    floor in grid cells; 0 as before the fix), ``scale=X`` (multivariate bandwidth scale),
    ``optuna_bw``, ``norepeat`` / ``repeat`` (skip candidates that repeat an evaluated
    configuration, the default, or not, as before the fix), ``prior=X``, ``cat_smoothing``,
    ``ties=newest`` / ``ties=random``. The ablations in docs/tpe.md ran on the code before the
    fix, whose defaults were ``cells=0+repeat``."""
    from dataclasses import replace

    _ACTIVE.clear()
    for factor in filter(None, variant.split("+")):
        _ACTIVE.add(factor)
        key, _, value = factor.partition("=")
        if key == "cells":
            sampler._multivariate_parameters = replace(
                sampler._multivariate_parameters, multivariate_discrete_min_cells=float(value)
            )
        elif key == "scale":
            sampler._multivariate_parameters = replace(
                sampler._multivariate_parameters, multivariate_bandwidth_scale=float(value)
            )
        elif key == "prior":
            for attribute in ("_parameters", "_multivariate_parameters"):
                parameters = replace(getattr(sampler, attribute), prior_weight=float(value))
                setattr(sampler, attribute, parameters)
        elif key == "norepeat":
            sampler._avoid_repeats = True
        elif key == "repeat":
            sampler._avoid_repeats = False
        elif key in ("optuna_bw", "cat_smoothing", "ties"):
            if key not in _INSTALLED:
                {"optuna_bw": _patch_optuna_like_bandwidth, "ties": _patch_ties}.get(
                    key, _patch_categorical_smoothing
                )()
                _INSTALLED.add(key)
        else:
            raise SystemExit(f"unknown factor {factor!r}")


def make_sampler(kind: str, seed: int) -> tuple[Any, Any]:
    library = importlib.import_module("optuna" if kind.startswith("optuna") else "hpo")
    library.logging.set_verbosity(library.logging.ERROR)
    logging.getLogger("optuna").setLevel(logging.ERROR)
    base, _, variant = kind.partition("@")
    multivariate = base in ("hpo", "optuna_mv")
    sampler = library.samplers.TPESampler(
        seed=seed, multivariate=multivariate, n_startup_trials=N_STARTUP
    )
    apply_variant(sampler, variant)
    return library, sampler


def run_one(task: tuple[str, str, int, int]) -> tuple[str, str, int, list[float], int, float]:
    """Run one study; return its values in trial order, its duplicate count and its time.

    A duplicate is a TPE proposal (after the startup trials) equal to an earlier trial's
    parameters.
    """
    problem_name, kind, seed, n_trials = task
    library, sampler = make_sampler(kind, seed)
    study = library.create_study(sampler=sampler)
    start = time.perf_counter()
    study.optimize(PROBLEMS[problem_name][0], n_trials=n_trials)
    elapsed = time.perf_counter() - start
    seen: set[tuple[Any, ...]] = set()
    duplicates = 0
    for trial in study.trials:
        key = tuple(sorted(trial.params.items()))
        if key in seen and trial.number >= N_STARTUP:
            duplicates += 1
        seen.add(key)
    values = [math.inf if t.value is None else float(t.value) for t in study.trials]
    return problem_name, kind, seed, values, duplicates, elapsed


# -- reporting --------------------------------------------------------------------------------
def _best_at(runs: dict[int, dict[str, Any]], budget: int) -> list[float]:
    return [float(best_so_far(run["values"])[budget - 1]) for _, run in sorted(runs.items())]


def report(
    runs: dict[tuple[str, str], dict[int, dict[str, Any]]],
    problems: Sequence[str],
    budgets: Sequence[int],
    kinds: Sequence[str],
    n_seeds: int,
) -> str:
    ours = [k for k in kinds if k.startswith("hpo")]
    theirs = [k for k in kinds if k.startswith("optuna")]
    pairings = [(a, b) for a in ours for b in theirs]
    if "hpo" in kinds and "hpo_uni" in kinds:
        pairings.append(("hpo", "hpo_uni"))
    pairings += [(k, "hpo") for k in kinds if "@" in k and "hpo" in kinds]
    if "optuna_mv" in kinds and "optuna" in kinds:
        pairings.append(("optuna_mv", "optuna"))
    summary_rows = []
    sections = []
    for budget in budgets:
        counts = {pair: {"win": 0, "tie": 0, "loss": 0} for pair in pairings}
        rows = []
        for name in problems:
            best = {kind: _best_at(runs[(name, kind)], budget) for kind in kinds}
            row: list[Any] = [name] + [mean_se(best[kind]) for kind in kinds]
            for a, b in pairings:
                outcome = verdict(best[a], best[b], lower_is_better=True)
                counts[(a, b)][outcome] += 1
                row.append(outcome)
            rows.append(row)
        header = ["problem", *kinds, *[f"{a} vs {b}" for a, b in pairings]]
        sections.append(f"### {budget} trials\n\n{markdown_table(header, rows)}")
        for pair in pairings:
            c = counts[pair]
            summary_rows.append([budget, f"{pair[0]} vs {pair[1]}", c["win"], c["tie"], c["loss"]])
    summary = markdown_table(["trials", "pairing", "wins", "ties", "losses"], summary_rows)
    # Duplicates: share of TPE proposals that repeat an evaluated configuration.
    n_trials = max(budgets)
    dup_rows = []
    for name in problems:
        row = [name]
        for kind in kinds:
            shares = [
                r["duplicates"] / (n_trials - N_STARTUP) for r in runs[(name, kind)].values()
            ]
            row.append(f"{100 * np.mean(shares):.1f}%")
        dup_rows.append(row)
    duplicates = markdown_table(["problem", *kinds], dup_rows)
    descriptions = markdown_table(
        ["problem", "space"], [[name, PROBLEMS[name][1]] for name in problems]
    )
    return "\n".join(
        [
            f"## TPE on small discrete spaces: {n_seeds} seeds, minimization",
            "",
            "Mean best value ± standard error over seeds; verdicts from a two-sided "
            "Mann-Whitney U test on the seeds' best values (p < 0.05, else a tie). "
            "`hpo` is hpo's default TPE (multivariate), `hpo_uni` univariate; `optuna` is "
            "Optuna's default TPE (univariate), `optuna_mv` with `multivariate=True`. All with "
            f"{N_STARTUP} startup trials and the same seeds.",
            "",
            "### Win / tie / loss counts",
            "",
            summary,
            "",
            "\n\n".join(sections),
            "",
            f"### Duplicate proposals (share of TPE trials 11-{n_trials} that repeat an "
            "evaluated configuration)",
            "",
            duplicates,
            "",
            "### Problems",
            "",
            descriptions,
        ]
    )


def _load_runs() -> dict[str, Any]:
    if RUNS_FILE.exists():
        return dict(json.loads(RUNS_FILE.read_text()))
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, nargs="+", default=[30, 50, 100])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    parser.add_argument("--samplers", nargs="+", default=list(SAMPLERS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--reuse",
        nargs="*",
        default=None,
        help="take these samplers' runs from the runs file (default: optuna optuna_mv)",
    )
    parser.add_argument("--output", default="tpe_discrete.md")
    parser.add_argument("--quick", action="store_true", help="5 problems, 5 seeds, 50 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.problems = 5, [50], QUICK_PROBLEMS
    unknown = set(args.problems) - set(PROBLEMS)
    if unknown:
        raise SystemExit(f"Unknown problems {sorted(unknown)}; choose from {list(PROBLEMS)}")
    budgets = sorted(args.trials)
    stored = _load_runs()
    reused = set() if args.reuse is None else set(args.reuse or ("optuna", "optuna_mv"))
    runs: dict[tuple[str, str], dict[int, dict[str, Any]]] = {
        (name, kind): {} for name in args.problems for kind in args.samplers
    }
    tasks = []
    for seed in range(args.seeds):
        for name in args.problems:
            for kind in args.samplers:
                key = f"{name}|{kind}|{seed}"
                run = stored.get(key) if kind in reused else None
                if run is not None and len(run["values"]) >= budgets[-1]:
                    runs[(name, kind)][seed] = run
                else:
                    tasks.append((name, kind, seed, budgets[-1]))
    print(f"{len(tasks)} runs to do", flush=True)
    seconds: dict[str, float] = dict.fromkeys(args.samplers, 0.0)
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.jobs) as pool:
        for name, kind, seed, values, dups, elapsed in pool.imap_unordered(run_one, tasks):
            runs[(name, kind)][seed] = {"values": values, "duplicates": dups}
            seconds[kind] += elapsed
    all_runs = _load_runs()
    for (name, kind), by_seed in runs.items():
        for seed, run in by_seed.items():
            all_runs[f"{name}|{kind}|{seed}"] = run
    RESULTS_DIR.mkdir(exist_ok=True)
    RUNS_FILE.write_text(json.dumps(all_runs, sort_keys=True, separators=(",", ":")))
    text = report(runs, args.problems, budgets, args.samplers, args.seeds)
    text += "\n\nRun time of the new runs (s): " + ", ".join(
        f"{kind} {seconds[kind]:.1f}" for kind in args.samplers
    )
    print(text)
    path = write_result(args.output, text)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
