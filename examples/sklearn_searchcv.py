"""Tune scikit-learn models with HpoSearchCV: an SVC pipeline, then SGD with pruning.

Run from the repository root:  python examples/sklearn_searchcv.py [--trials 30]

First a pipeline (scaling, then an RBF support vector classifier) is tuned on scikit-learn's
breast cancer data by 5-fold cross-validation; the search then predicts like the best model,
refitted on all the training data, and is scored on a held-out test set. Then an
``SGDClassifier`` on the digits is tuned with ``enable_pruning=True``: every fold trains one
``partial_fit`` pass at a time, and trials whose mean validation accuracy falls behind are
stopped early (PRUNED). The data ships with scikit-learn (no download). Needs the
``sklearn`` extra: ``pip install "hpo[sklearn]"``.
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import hpo
from hpo.distributions import CategoricalDistribution, FloatDistribution
from hpo.integration import HpoSearchCV


def tune_svc(n_trials: int, seed: int) -> None:
    """Search C, gamma and class_weight of a scaled RBF SVC; print the best and its test score."""
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed, stratify=y)
    search = HpoSearchCV(
        make_pipeline(StandardScaler(), SVC()),
        {
            "svc__C": FloatDistribution(1e-3, 1e3, log=True),
            "svc__gamma": FloatDistribution(1e-5, 1.0, log=True),
            "svc__class_weight": CategoricalDistribution([None, "balanced"]),
        },
        n_trials=n_trials,
        scoring="accuracy",
        random_state=seed,
    )
    search.fit(X_train, y_train)
    print(f"SVC: {search.n_trials_} trials, best CV accuracy {search.best_score_:.4f}")
    print(f"Best parameters: {search.best_params_}")
    print(f"Test accuracy: {search.score(X_test, y_test):.4f}")
    columns = ["mean_test_score", "std_test_score", "mean_fit_time", "rank_test_score"]
    best = search.best_index_
    row = {column: round(float(search.cv_results_[column][best]), 4) for column in columns}
    print(f"Best trial's row of cv_results_: {row}")


def tune_sgd_with_pruning(n_trials: int, seed: int) -> None:
    """Search SGD's regularization and learning rate, stopping weak trials early."""
    X, y = load_digits(return_X_y=True)
    study = hpo.create_study(
        direction="maximize",
        sampler=hpo.samplers.TPESampler(seed=seed),
        pruner=hpo.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2),
    )
    search = HpoSearchCV(
        SGDClassifier(learning_rate="constant", random_state=seed),
        {
            "alpha": FloatDistribution(1e-7, 1e-1, log=True),
            "eta0": FloatDistribution(1e-5, 1.0, log=True),
        },
        enable_pruning=True,
        max_iter=20,
        cv=3,
        n_trials=n_trials,
        study=study,
    )
    search.fit(X / 16.0, y)
    states = [trial.state for trial in search.trials_]
    n_pruned = states.count(hpo.trial.TrialState.PRUNED)
    passes = sum(len(trial.intermediate_values) for trial in search.trials_)
    print(
        f"SGD: {n_pruned} of {len(states)} trials pruned, {passes} of "
        f"{len(states) * 20} partial_fit passes run, best CV accuracy {search.best_score_:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    hpo.logging.set_verbosity(hpo.logging.WARNING)
    tune_svc(args.trials, args.seed)
    tune_sgd_with_pruning(args.trials, args.seed)


if __name__ == "__main__":
    main()
