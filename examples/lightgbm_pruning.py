"""Stop weak LightGBM trainings early: a pruning callback on scikit-learn's breast cancer data.

Run from the repository root:  python examples/lightgbm_pruning.py [--trials 40] [--rounds 200]

Each trial trains a LightGBM classifier with ``lightgbm.train`` and reports the validation
log loss after every boosting round through ``LightGBMPruningCallback``; the median pruner
stops a trial whose loss falls behind the median of the earlier trials at the same round.
The script prints how many trials were pruned, the boosting rounds spent against the rounds
without pruning, and the best trial. The data ships with scikit-learn (no download). Needs
LightGBM: ``pip install "hpo[lightgbm]"``.
"""

from __future__ import annotations

import argparse

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hpo
from hpo.integration import LightGBMPruningCallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )

    def objective(trial: hpo.Trial) -> float:
        params = {
            "objective": "binary",
            "metric": "binary_logloss",
            "verbose": -1,
            "num_threads": 1,
            "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 2, 64, log=True),
            "min_child_samples": trial.suggest_int("min_child_samples", 5, 100, log=True),
            "feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0),
        }
        train = lgb.Dataset(X_train, y_train)
        valid = lgb.Dataset(X_valid, y_valid, reference=train)
        pruning = LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_0")
        booster = lgb.train(params, train, args.rounds, valid_sets=[valid], callbacks=[pruning])
        return booster.best_score["valid_0"]["binary_logloss"]

    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.create_study(
        sampler=hpo.samplers.TPESampler(seed=0),
        pruner=hpo.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=10),
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
