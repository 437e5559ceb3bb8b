"""Stop weak XGBoost trainings early: a pruning callback with the scikit-learn API.

Run from the repository root:  python examples/xgboost_pruning.py [--trials 30] [--rounds 150]

Each trial fits an ``XGBClassifier`` on scikit-learn's breast cancer data with an
``eval_set`` and ``XGBoostPruningCallback(trial, "validation_0-logloss")``, which reports
the validation log loss after every round; Hyperband stops the trials that fall behind.
The script prints how many trials were pruned, the rounds spent, and the best trial. The data
ships with scikit-learn (no download). Needs XGBoost: ``pip install "hpo[xgboost]"``.
"""

from __future__ import annotations

import argparse

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hpo
from hpo.integration import XGBoostPruningCallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=150)
    args = parser.parse_args()

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )

    def objective(trial: hpo.Trial) -> float:
        pruning = XGBoostPruningCallback(trial, "validation_0-logloss")
        model = xgb.XGBClassifier(
            n_estimators=args.rounds,
            learning_rate=trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
            max_depth=trial.suggest_int("max_depth", 1, 8),
            subsample=trial.suggest_float("subsample", 0.5, 1.0),
            reg_lambda=trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
            eval_metric="logloss",
            n_jobs=1,
            callbacks=[pruning],
        )
        model.fit(X_train, y_train, eval_set=[(X_valid, y_valid)], verbose=False)
        return min(model.evals_result()["validation_0"]["logloss"])

    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.create_study(
        sampler=hpo.samplers.TPESampler(seed=0),
        pruner=hpo.pruners.HyperbandPruner(min_resource=5, max_resource=args.rounds),
    )
    study.optimize(objective, n_trials=args.trials)

    pruned = study.get_trials(states=(hpo.trial.TrialState.PRUNED,))
    rounds = sum(len(trial.intermediate_values) for trial in study.trials)
    print(f"{len(pruned)} of {len(study.trials)} trials pruned")
    print(f"Boosting rounds spent: {rounds} of {len(study.trials) * args.rounds} without pruning")
    print(f"Best trial: #{study.best_trial.number}, validation log loss {study.best_value:.4f}")
    print(f"Best parameters: {study.best_params}")


if __name__ == "__main__":
    main()
