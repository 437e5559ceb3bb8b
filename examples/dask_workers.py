"""Trials on the workers of a Dask cluster, sharing one SQLite study.

Run with:  python examples/dask_workers.py [--trials 40] [--workers 2] [--storage URL]

A local cluster of worker processes stands in for a real one (pass your own
``distributed.Client`` to ``hpo.integration.dask.optimize`` instead). Each worker opens the
study's storage and runs trials of a ridge regression on the diabetes data set; a worker that
dies mid-trial would lose nothing (its trial is failed and retried). Running the script again
continues the same study.
"""

from __future__ import annotations

import argparse

from distributed import Client, LocalCluster
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score

import hpo
from hpo.integration import dask as hpo_dask


def objective(trial: hpo.Trial) -> float:
    X, y = load_diabetes(return_X_y=True)
    alpha = trial.suggest_float("alpha", 1e-4, 100.0, log=True)
    fit_intercept = trial.suggest_categorical("fit_intercept", [True, False])
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept)
    return float(cross_val_score(model, X, y, cv=3, scoring="r2").mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--storage", default="sqlite:///dask_workers.db")
    args = parser.parse_args()

    study = hpo.create_study(
        study_name="dask-ridge", storage=args.storage, direction="maximize", load_if_exists=True
    )
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        hpo_dask.optimize(study, objective, n_trials=args.trials, client=client)
    print(f"{len(study.trials)} trials in the study.")
    print(f"Best R^2: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
