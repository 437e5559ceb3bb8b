"""HpoSearchCV vs optuna-integration's OptunaSearchCV: best CV score and overhead per trial.

Usage:  python benchmarks/bench_sklearn_searchcv.py [--quick] [--seeds 5] [--trials 30]

Quality: three scikit-learn bundled data sets, each with a small model and search space, are
searched by both classes with the same arguments (``n_trials``, 5-fold cross-validation,
``random_state=seed``), each with its default sampler (TPE in both). For every (data set,
seed) we keep the best mean CV score; the table shows mean ± sd over seeds, the sign counts
(hpo better / equal / worse, seed by seed) and a two-sided Mann-Whitney U test on the seeds'
best scores (p < 0.05, else a tie).

Overhead: a trivially cheap estimator (``DummyRegressor`` with a quantile to tune on 60 rows),
so that almost all of a search's time is the library's own: wall time of ``fit`` minus the
refit, minus the fitting and scoring time the folds recorded in the trials' user attributes,
divided by the number of trials.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import load_libraries, markdown_table, write_result  # noqa: E402

warnings.filterwarnings("ignore")


# -- problems ----------------------------------------------------------------------------------
def breast_cancer(lib: ModuleType) -> tuple[Any, dict[str, Any], Any, Any]:
    """Scaled RBF SVC on breast cancer (569 x 30, binary): C and gamma, both log-scaled."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    X, y = load_breast_cancer(return_X_y=True)
    space = {
        "svc__C": lib.distributions.FloatDistribution(1e-3, 1e3, log=True),
        "svc__gamma": lib.distributions.FloatDistribution(1e-5, 1.0, log=True),
    }
    return make_pipeline(StandardScaler(), SVC()), space, X, y


def wine(lib: ModuleType) -> tuple[Any, dict[str, Any], Any, Any]:
    """Scaled k-nearest neighbours on wine (178 x 13, 3 classes): k, weights and p."""
    from sklearn.datasets import load_wine
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_wine(return_X_y=True)
    space = {
        "kneighborsclassifier__n_neighbors": lib.distributions.IntDistribution(1, 60),
        "kneighborsclassifier__weights": lib.distributions.CategoricalDistribution(
            ["uniform", "distance"]
        ),
        "kneighborsclassifier__p": lib.distributions.IntDistribution(1, 2),
    }
    return make_pipeline(StandardScaler(), KNeighborsClassifier()), space, X, y


def diabetes(lib: ModuleType) -> tuple[Any, dict[str, Any], Any, Any]:
    """Elastic net on diabetes (442 x 10, regression, R^2): alpha (log) and l1_ratio."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNet

    X, y = load_diabetes(return_X_y=True)
    space = {
        "alpha": lib.distributions.FloatDistribution(1e-5, 10.0, log=True),
        "l1_ratio": lib.distributions.FloatDistribution(0.0, 1.0),
    }
    return ElasticNet(max_iter=5000), space, X, y


PROBLEMS: dict[str, Callable[[ModuleType], tuple[Any, dict[str, Any], Any, Any]]] = {
    "breast_cancer/SVC": breast_cancer,
    "wine/kNN": wine,
    "diabetes/ElasticNet": diabetes,
}


def search_class(name: str) -> type:
    if name == "hpo":
        from hpo.integration import HpoSearchCV

        return HpoSearchCV
    from optuna_integration import OptunaSearchCV

    return OptunaSearchCV


def run_search(lib_name: str, lib: ModuleType, problem: str, seed: int, n_trials: int) -> Any:
    estimator, space, X, y = PROBLEMS[problem](lib)
    search = search_class(lib_name)(
        estimator, space, n_trials=n_trials, cv=5, random_state=seed, refit=False
    )
    return search.fit(X, y)


# -- quality -----------------------------------------------------------------------------------
def quality(libraries: dict[str, ModuleType], seeds: int, n_trials: int) -> tuple[str, str]:
    from scipy.stats import mannwhitneyu

    rows = []
    totals = {"win": 0, "tie": 0, "loss": 0}
    seconds = dict.fromkeys(libraries, 0.0)
    for problem in PROBLEMS:
        best: dict[str, list[float]] = {name: [] for name in libraries}
        for seed in range(seeds):
            for name, lib in libraries.items():
                start = time.perf_counter()
                search = run_search(name, lib, problem, seed, n_trials)
                seconds[name] += time.perf_counter() - start
                best[name].append(float(search.best_score_))
        signs = [np.sign(round(h - o, 12)) for h, o in zip(best["hpo"], best["optuna"])]
        wins, ties, losses = signs.count(1), signs.count(0), signs.count(-1)
        p_value = mannwhitneyu(best["hpo"], best["optuna"], alternative="two-sided").pvalue
        if p_value < 0.05:
            verdict = (
                "hpo better" if np.median(best["hpo"]) > np.median(best["optuna"]) else "hpo worse"
            )
            totals["win" if verdict == "hpo better" else "loss"] += 1
        else:
            verdict = "tie"
            totals["tie"] += 1
        rows.append(
            [
                problem,
                f"{np.mean(best['hpo']):.4f} ± {np.std(best['hpo'], ddof=1):.4f}",
                f"{np.mean(best['optuna']):.4f} ± {np.std(best['optuna'], ddof=1):.4f}",
                f"{wins} / {ties} / {losses}",
                f"{p_value:.2f}",
                verdict,
            ]
        )
        print(rows[-1], flush=True)
    table = markdown_table(
        [
            "data set / model",
            "hpo best CV score",
            "Optuna best CV score",
            "seeds hpo better / equal / worse",
            "Mann-Whitney p",
            "verdict",
        ],
        rows,
    )
    summary = (
        f"Verdicts over {len(PROBLEMS)} problems: {totals['win']} hpo better, {totals['tie']} "
        f"ties, {totals['loss']} hpo worse. Whole quality run: hpo {seconds['hpo']:.1f} s, "
        f"Optuna {seconds['optuna']:.1f} s."
    )
    return table, summary


# -- overhead ----------------------------------------------------------------------------------
def overhead_once(lib_name: str, lib: ModuleType, n_trials: int, seed: int) -> tuple[float, float]:
    """Return (ms per trial outside the folds' fit and score, ms per trial in total)."""
    from sklearn.dummy import DummyRegressor

    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    space = {"quantile": lib.distributions.FloatDistribution(0.0, 1.0)}
    search = search_class(lib_name)(
        DummyRegressor(strategy="quantile"),
        space,
        n_trials=n_trials,
        cv=5,
        random_state=seed,
        refit=False,
    )
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start
    folds = 0.0
    for trial in search.trials_:
        attrs = trial.user_attrs
        folds += search.n_splits_ * (attrs["mean_fit_time"] + attrs["mean_score_time"])
    return (wall - folds) / n_trials * 1e3, wall / n_trials * 1e3


def overhead(libraries: dict[str, ModuleType], budgets: list[int], repeats: int) -> str:
    rows = []
    for n_trials in budgets:
        results: dict[str, tuple[float, float]] = {}
        for name, lib in libraries.items():
            runs = [overhead_once(name, lib, n_trials, seed) for seed in range(repeats)]
            results[name] = min(runs)  # the least disturbed run on a shared machine
        ratio = results["optuna"][0] / results["hpo"][0]
        rows.append(
            [
                n_trials,
                f"{results['hpo'][0]:.2f}",
                f"{results['optuna'][0]:.2f}",
                f"{ratio:.1f}x",
                f"{results['hpo'][1]:.2f}",
                f"{results['optuna'][1]:.2f}",
            ]
        )
        print(rows[-1], flush=True)
    return markdown_table(
        [
            "trials",
            "hpo overhead ms/trial",
            "Optuna overhead ms/trial",
            "Optuna / hpo",
            "hpo total ms/trial",
            "Optuna total ms/trial",
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--overhead-trials", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 12 trials")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.overhead_trials, args.repeats = 2, 12, [30], 1
    libraries = load_libraries()
    load_before = os.getloadavg()[0]
    quality_table, quality_summary = quality(libraries, args.seeds, args.trials)
    overhead_table = overhead(libraries, args.overhead_trials, args.repeats)
    load_after = os.getloadavg()[0]
    text = "\n".join(
        [
            "## HpoSearchCV vs optuna-integration's OptunaSearchCV",
            "",
            f"Best mean 5-fold CV score after {args.trials} trials, mean ± sd over "
            f"{args.seeds} seeds (`random_state=seed`, default samplers: TPE in both). Seeds: "
            "how often hpo's best score was higher / equal / lower than Optuna's with the same "
            "seed. Verdict: two-sided Mann-Whitney U test on the seeds' best scores, p < 0.05, "
            "else a tie.",
            "",
            quality_table,
            "",
            quality_summary,
            "",
            "## Overhead per trial",
            "",
            "A `DummyRegressor(strategy='quantile')` with its quantile tuned on 60 rows, 5 folds: "
            "the search's wall time minus the fitting and scoring time of the folds (from the "
            f"trials' user attributes), per trial; best of {args.repeats} runs.",
            "",
            overhead_table,
            "",
            f"Machine: {os.cpu_count()} CPUs shared with other jobs; load average "
            f"{load_before:.1f} at the start, {load_after:.1f} at the end.",
        ]
    )
    print(text)
    print("Written to", write_result("sklearn_searchcv.md", text))


if __name__ == "__main__":
    main()
