"""Stop weak trials early: an SGD classifier on scikit-learn's digits, epoch by epoch.

Run from the repository root:  python examples/pruning.py [--trials 40] [--epochs 30]

Each trial trains ``SGDClassifier`` with ``partial_fit`` (one pass over the training set per
epoch) and reports the validation accuracy after every epoch. The same search runs twice, with
the median pruner and with Hyperband; the script prints how many trials each pruner stopped,
how many epochs were spent, and the best accuracy. The data ships with scikit-learn (no
download). Needs the ``examples`` extra: ``pip install -e ".[examples]"``.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

import hpo


@lru_cache(maxsize=1)
def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return scaled digits split into training and validation sets (fixed split)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, test_size=0.3, random_state=0, stratify=y
    )
    return x_train, x_valid, y_train, y_valid


def make_objective(n_epochs: int, lib: ModuleType = hpo) -> Callable[[Any], float]:
    """Return the objective; ``lib`` is the module whose ``TrialPruned`` the objective raises.

    The learning curve depends only on the suggested parameters (every random choice is
    seeded), so two libraries that suggest the same values see the same curves.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    x_train, x_valid, y_train, y_valid = load_data()
    classes = np.unique(y_train)

    def objective(trial: Any) -> float:
        alpha = trial.suggest_float("alpha", 1e-7, 1e-1, log=True)
        eta0 = trial.suggest_float("eta0", 1e-5, 1.0, log=True)
        loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
        model = SGDClassifier(
            loss=loss, alpha=alpha, learning_rate="constant", eta0=eta0, random_state=0
        )
        order = np.random.default_rng(0)
        accuracy = 0.0
        for epoch in range(n_epochs):
            batch = order.permutation(len(x_train))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.partial_fit(x_train[batch], y_train[batch], classes=classes)
            accuracy = float(model.score(x_valid, y_valid))
            trial.report(accuracy, epoch)
            if trial.should_prune():
                raise lib.TrialPruned()
        return accuracy

    return objective


def run(pruner: hpo.pruners.BasePruner, n_trials: int, n_epochs: int, seed: int) -> hpo.Study:
    """Run the search with ``pruner`` and return the study."""
    study = hpo.create_study(
        direction="maximize", sampler=hpo.samplers.RandomSampler(seed=seed), pruner=pruner
    )
    study.optimize(make_objective(n_epochs), n_trials=n_trials)
    return study


def summary(name: str, study: hpo.Study) -> str:
    """One line: trials pruned, epochs spent and the best accuracy."""
    trials = study.trials
    n_pruned = sum(t.state == hpo.trial.TrialState.PRUNED for t in trials)
    epochs = sum(len(t.intermediate_values) for t in trials)
    return (
        f"{name:>9}: {n_pruned}/{len(trials)} trials pruned, {epochs} epochs, "
        f"best accuracy {study.best_value:.4f} ({study.best_params})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hpo.logging.set_verbosity(hpo.logging.WARNING)

    median = run(hpo.pruners.MedianPruner(n_warmup_steps=3), args.trials, args.epochs, args.seed)
    print(summary("median", median))
    hyperband = run(
        hpo.pruners.HyperbandPruner(min_resource=1, max_resource=args.epochs),
        args.trials,
        args.epochs,
        args.seed,
    )
    print(summary("hyperband", hyperband))


if __name__ == "__main__":
    main()
