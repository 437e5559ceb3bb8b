"""Parameter importances side by side with Optuna, and the random forest behind them.

Usage:  python benchmarks/bench_importance.py [--trials N] [--optuna-fanova-trials N]
                                             [--repeats N] [--quick] [--no-sqlite]
                                             [--no-backends]

1. ``get_param_importances`` with each evaluator (every argument at its default, ``seed=0``
   for the forest-based ones) on a study of ``--trials`` COMPLETE trials (default 10,000)
   over 10 parameters (six uniform floats, a log-scale float, two integers, a categorical),
   built with ``add_trials`` from the same arrays in both libraries, in memory and on SQLite
   (there, each call starts from a freshly loaded study, so reading the trials counts).
   Optuna's fANOVA takes minutes from about 1,000 trials on, so it runs on the first
   ``--optuna-fanova-trials`` trials (default 1,000); hpo is timed on both sizes, and
   Optuna's time on fewer trials gives a lower bound of the ratio at the full size.
2. The forest: hpo's level-wise numpy forest (1,024 rows drawn per tree, and all rows) against
   scikit-learn's RandomForestRegressor (the same defaults: all features at every split,
   bootstrap, max_depth 64), on 10,000 x 10 uniform features and three objectives: time to
   fit plus both importances, and the largest difference of the normalized fANOVA and MDI
   importances from scikit-learn's full forest (fANOVA computed exactly on its trees).

``--quick`` uses 2,000 trials and 300 trials for Optuna's fANOVA.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import load_libraries, markdown_table, write_result  # noqa: E402

EVALUATORS = ("fanova", "mdi", "ped_anova")
CHOICES = ("sgd", "adam", "rmsprop")


def make_data(n_trials: int, seed: int = 0) -> dict[str, Any]:
    """Parameter columns and objective values of the benchmark study."""
    rng = np.random.default_rng(seed)
    floats = rng.uniform(-5, 5, (n_trials, 6))
    log_lr = rng.uniform(-5, -1, n_trials)
    layers = rng.integers(1, 9, n_trials)
    units = rng.integers(16, 257, n_trials)
    opt = rng.integers(0, 3, n_trials)
    values = (
        5 * floats[:, 0] ** 2
        + 10 * floats[:, 1]
        + floats[:, 2] * floats[:, 3]
        + 8 * (log_lr + 3) ** 2
        + 2 * layers
        + 6 * (opt == 1)
        + rng.normal(0, 1, n_trials)
    )
    columns: dict[str, list[Any]] = {f"x{i}": floats[:, i].tolist() for i in range(6)}
    columns["lr"] = (10.0**log_lr).tolist()
    columns["layers"] = layers.tolist()
    columns["units"] = units.tolist()
    columns["optimizer"] = [CHOICES[k] for k in opt]
    return {"columns": columns, "values": values.tolist()}


def build_study(lib: ModuleType, data: dict[str, Any], n: int, storage: str | None) -> Any:
    dists = lib.distributions
    spaces = {f"x{i}": dists.FloatDistribution(-5, 5) for i in range(6)}
    spaces["lr"] = dists.FloatDistribution(1e-5, 1e-1, log=True)
    spaces["layers"] = dists.IntDistribution(1, 8)
    spaces["units"] = dists.IntDistribution(16, 256)
    spaces["optimizer"] = dists.CategoricalDistribution(CHOICES)
    study = lib.create_study(storage=storage, study_name=f"importance-{n}")
    columns, values = data["columns"], data["values"]
    trials = [
        lib.trial.create_trial(
            params={name: column[k] for name, column in columns.items()},
            distributions=spaces,
            value=values[k],
        )
        for k in range(n)
    ]
    study.add_trials(trials)
    return study


def evaluator(lib: ModuleType, name: str) -> Any:
    imp = importlib.import_module(f"{lib.__name__}.importance")
    if name == "fanova":
        return imp.FanovaImportanceEvaluator(seed=0)
    if name == "mdi":
        return imp.MeanDecreaseImpurityImportanceEvaluator(seed=0)
    return imp.PedAnovaImportanceEvaluator()


def time_call(
    get_study: Callable[[], Any], lib: ModuleType, name: str, repeats: int = 1
) -> tuple[float, dict]:
    """Best time of ``repeats`` calls (each on a freshly got study) and the last result."""
    importance = importlib.import_module(f"{lib.__name__}.importance")
    best = float("inf")
    result: dict = {}
    for _ in range(repeats):
        study = get_study()
        start = time.perf_counter()
        result = importance.get_param_importances(study, evaluator=evaluator(lib, name))
        best = min(best, time.perf_counter() - start)
    return best, result


def top3(result: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in list(result.items())[:3])


def side_by_side(
    libs: dict[str, ModuleType], n: int, n_fanova: int, use_sqlite: bool, tmp: Path, repeats: int
) -> str:
    data = make_data(n)
    rows = []
    storages = [("memory", None)]
    if use_sqlite:
        storages.append(("sqlite", "sqlite"))
    for storage_name, kind in storages:
        studies: dict[tuple[str, int], Callable[[], Any]] = {}
        for lib_name, lib in libs.items():
            for size in sorted({n, n_fanova}):
                if kind is None:
                    study = build_study(lib, data, size, None)
                    studies[(lib_name, size)] = lambda s=study: s
                else:
                    url = f"sqlite:///{tmp / f'{lib_name}-{size}.db'}"
                    print(f"building {lib_name} SQLite study of {size} trials", flush=True)
                    build_study(lib, data, size, url)
                    studies[(lib_name, size)] = lambda u=url, s=size, m=lib: m.load_study(
                        study_name=f"importance-{s}", storage=u
                    )
        for name in EVALUATORS:
            optuna_size = n_fanova if name == "fanova" else n
            hpo_time, hpo_result = time_call(studies[("hpo", n)], libs["hpo"], name, repeats)
            opt_time, opt_result = time_call(
                studies[("optuna", optuna_size)], libs["optuna"], name
            )
            same_size = hpo_time
            if optuna_size != n:
                same_size, _ = time_call(studies[("hpo", optuna_size)], libs["hpo"], name, repeats)
            ratio = f"{opt_time / same_size:.1f}x"
            if optuna_size != n:
                ratio += f" at {optuna_size:,}; >= {opt_time / hpo_time:.1f}x at {n:,}"
            rows.append(
                [
                    storage_name,
                    name,
                    f"{hpo_time:.2f}",
                    f"{opt_time:.2f}" + ("" if optuna_size == n else f" ({optuna_size:,} trials)"),
                    ratio,
                    top3(hpo_result),
                    top3(opt_result),
                ]
            )
            print(rows[-1], flush=True)
    header = [
        "storage",
        "evaluator",
        "hpo s",
        "Optuna s",
        "Optuna / hpo",
        "hpo top 3",
        "Optuna top 3",
    ]
    return markdown_table(header, rows)


# --- forest backends -------------------------------------------------------------------------

OBJECTIVES: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "one matters": lambda x, rng: 10 * x[:, 0] + rng.normal(0, 0.1, len(x)),
    "3x + y": lambda x, rng: 3 * x[:, 0] + x[:, 1],
    "mixed": lambda x, rng: (
        5 * (2 * x[:, 0] - 1) ** 2 + 2 * x[:, 1] + (2 * x[:, 2] - 1) * (2 * x[:, 3] - 1)
    ),
}


def forest_from_sklearn(model: Any, n_features: int) -> Any:
    """hpo's Forest record (leaf boxes and values) read from a fitted sklearn forest."""
    from hpo.importance._forest import Forest

    trees, lows, highs, values = [], [], [], []
    decrease = np.zeros((len(model.estimators_), n_features))
    for t, estimator in enumerate(model.estimators_):
        tree = estimator.tree_
        left, right = tree.children_left, tree.children_right
        low = np.zeros((tree.node_count, n_features))
        high = np.ones((tree.node_count, n_features))
        frontier = np.array([0])
        while frontier.size:
            inner = frontier[left[frontier] >= 0]
            feature, threshold = tree.feature[inner], tree.threshold[inner]
            for child, bound in ((left[inner], high), (right[inner], low)):
                low[child], high[child] = low[inner], high[inner]
                bound[child, feature] = threshold
            frontier = np.concatenate((left[inner], right[inner]))
        leaf = left < 0
        trees.append(np.full(leaf.sum(), t))
        lows.append(low[leaf])
        highs.append(high[leaf])
        values.append(tree.value[leaf, 0, 0])
        decrease[t] = estimator.feature_importances_
    return Forest(
        np.concatenate(trees),
        np.concatenate(lows),
        np.concatenate(highs),
        np.concatenate(values),
        decrease,
    )


def importances_of(forest: Any, features: np.ndarray, from_leaves: bool) -> tuple[Any, Any]:
    from hpo.importance._fanova import fanova_importances, split_grid
    from hpo.importance._mdi import mean_decrease_impurity

    d = features.shape[1]
    owner, n_choices = np.arange(d), np.zeros(d, dtype=int)
    if from_leaves:
        grids = [
            np.unique(np.r_[0.0, 1.0, forest.leaf_low[:, c], forest.leaf_high[:, c]])
            for c in range(d)
        ]
    else:
        grids = [split_grid(features[:, c]) for c in range(d)]
    fanova = fanova_importances(forest, grids, owner, n_choices)
    mdi = mean_decrease_impurity(forest, owner, d)
    return fanova / fanova.sum(), mdi / mdi.sum()


def candidates(features: np.ndarray, targets: np.ndarray) -> dict[str, Callable[[], Any]]:
    """The four forests, each a function that fits it."""
    from sklearn.ensemble import RandomForestRegressor

    from hpo.importance._forest import fit_forest
    from hpo.importance._forest_evaluator import MAX_SAMPLES_PER_TREE as cap

    def sklearn(**kwargs: Any) -> Any:
        model = RandomForestRegressor(n_estimators=64, max_depth=64, random_state=0, **kwargs)
        return forest_from_sklearn(model.fit(features, targets), features.shape[1])

    def ours(max_samples: int | None) -> Any:
        rng = np.random.default_rng(0)
        return fit_forest(
            features, targets, n_trees=64, max_depth=64, rng=rng, max_samples=max_samples
        )

    return {
        "sklearn": sklearn,
        f"sklearn, {cap:,} rows/tree": lambda: sklearn(max_samples=cap),
        "hpo, all rows": lambda: ours(None),
        f"hpo, {cap:,} rows/tree (default)": lambda: ours(cap),
    }


def backends(n_rows: int) -> str:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return "(scikit-learn is not installed: forest comparison skipped)"
    rows = []
    rng = np.random.default_rng(0)
    features = rng.uniform(0, 1, (n_rows, 10))
    for objective_name, objective in OBJECTIVES.items():
        targets = objective(features, rng)
        results = {}
        for name, fit in candidates(features, targets).items():
            start = time.perf_counter()
            forest = fit()
            fit_time = time.perf_counter() - start
            fanova, mdi = importances_of(forest, features, from_leaves=name.startswith("sklearn"))
            total = time.perf_counter() - start
            results[name] = (fit_time, total, fanova, mdi)
        reference = results["sklearn"]
        for name, (fit_time, total, fanova, mdi) in results.items():
            rows.append(
                [
                    objective_name,
                    name,
                    f"{fit_time:.2f}",
                    f"{total:.2f}",
                    " ".join(f"{v:.3f}" for v in fanova[:3]),
                    f"{np.abs(fanova - reference[2]).max():.3f}",
                    " ".join(f"{v:.3f}" for v in mdi[:3]),
                    f"{np.abs(mdi - reference[3]).max():.3f}",
                ]
            )
            print(rows[-1], flush=True)
    header = [
        "objective",
        "forest",
        "fit s",
        "fit + both importances s",
        "fANOVA x0 x1 x2",
        "max diff",
        "MDI x0 x1 x2",
        "max diff",
    ]
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--optuna-fanova-trials", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="2,000 trials, 300 for fANOVA")
    parser.add_argument("--repeats", type=int, default=3, help="best of N calls")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-backends", action="store_true")
    args = parser.parse_args()
    n, n_fanova = args.trials, args.optuna_fanova_trials
    if args.quick:
        n, n_fanova = 2_000, 300
    n_fanova = min(n_fanova, n)
    libs = load_libraries()
    import platform

    parts = [
        "# Parameter importances",
        "",
        f"`python benchmarks/bench_importance.py{' --quick' if args.quick else ''}` on "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"Optuna {libs['optuna'].__version__}. Seconds for one `get_param_importances` call "
        f"on {n:,} COMPLETE trials x 10 parameters, best of {args.repeats} (Optuna's fANOVA: "
        "one call). On SQLite each call starts from a freshly loaded study.",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        table = side_by_side(libs, n, n_fanova, not args.no_sqlite, Path(tmp), args.repeats)
        parts.append(table)
    if not args.no_backends:
        rows = 2_000 if args.quick else 10_000
        parts += [
            "",
            f"## Forest backends ({rows:,} rows x 10 features, 64 trees, max_depth 64)",
            "",
            "max diff: largest absolute difference of a normalized importance from "
            "scikit-learn's full forest.",
            "",
            backends(rows),
        ]
    summary = "\n".join(parts)
    print(summary)
    print(f"\n(written to {write_result('importance.md', summary)})")


if __name__ == "__main__":
    main()
