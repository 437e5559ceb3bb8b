"""A data-parallel objective: every MPI process trains on its shard of the data.

Run with:  mpirun -n 2 python examples/mpi_distributed_objective.py [--trials 20] [--epochs 30]

Each trial trains a linear model on the diabetes data set by gradient descent. The rows are
split between the ranks; each rank computes the gradient of its shard and the ranks sum them
(``allreduce``), so all ranks hold the same weights. The learning rate and the L2 penalty are
suggested on rank 0 and seen by every rank; after each epoch the validation error is reported
and a trial that the median pruner stops is stopped on every rank. Only rank 0 writes the
study (in memory here, or ``--storage sqlite:///mpi.db``).
"""

from __future__ import annotations

import argparse

import numpy as np
from mpi4py import MPI
from sklearn.datasets import load_diabetes

import hpo
from hpo.integration import MPIStudy, MPITrial


def load_shard(rank: int, size: int) -> tuple[np.ndarray, ...]:
    """Standardized diabetes data, 80% to train and 20% to validate, rows dealt to ranks."""
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    split = int(len(y) * 0.8)
    X_train, y_train = X[:split][rank::size], y[:split][rank::size]
    X_valid, y_valid = X[split:][rank::size], y[split:][rank::size]
    return X_train, y_train, X_valid, y_valid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--storage", default=None)
    args = parser.parse_args()

    comm = MPI.COMM_WORLD
    X_train, y_train, X_valid, y_valid = load_shard(comm.rank, comm.size)
    n_train = comm.allreduce(len(y_train))
    n_valid = comm.allreduce(len(y_valid))

    def objective(trial: MPITrial) -> float:
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        l2 = trial.suggest_float("l2", 1e-6, 1.0, log=True)
        weights = np.zeros(X_train.shape[1])
        valid_mse = float("inf")
        for epoch in range(args.epochs):
            local_grad = X_train.T @ (X_train @ weights - y_train)
            grad = comm.allreduce(local_grad) / n_train + l2 * weights
            weights -= lr * grad
            local_error = float(np.sum((X_valid @ weights - y_valid) ** 2))
            valid_mse = comm.allreduce(local_error) / n_valid
            trial.report(valid_mse, epoch)
            if trial.should_prune():  # the same answer on every rank
                raise hpo.TrialPruned()
        return valid_mse

    study = None
    if comm.rank == 0:
        study = hpo.create_study(
            storage=args.storage,
            pruner=hpo.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=args.epochs // 6),
            sampler=hpo.samplers.TPESampler(seed=0),
        )
    MPIStudy(study, comm).optimize(objective, n_trials=args.trials)
    if study is not None:
        pruned = len(study.get_trials(states=(hpo.trial.TrialState.PRUNED,)))
        print(f"Ranks: {comm.size}. Trials: {len(study.trials)}, pruned: {pruned}.")
        print(f"Best validation MSE: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
