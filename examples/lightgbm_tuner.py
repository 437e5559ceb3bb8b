"""Tune LightGBM stage by stage, Optuna-style: ``import hpo.integration.lightgbm as lgb``.

Run from the repository root:  python examples/lightgbm_tuner.py [--storage sqlite:///lgbm.db]

``lgb.LightGBMTuner`` tunes feature_fraction, num_leaves, bagging, feature_fraction again,
lambda_l1/lambda_l2 and min_child_samples in turn, each stage a set of trials of one study.
With ``--storage`` the study is kept in a database: stop the script at any point and run it
again, and it continues where it stopped (finished stages are skipped; boosters are kept in
lightgbm_tuner_models/). The script prints the trials per stage, the best parameters and the
test accuracy of the best booster. The data ships with scikit-learn (no download). Needs
LightGBM: ``pip install "hpo[lightgbm]"``.
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hpo
import hpo.integration.lightgbm as lgb  # stands in for `import lightgbm as lgb`


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default=None, help="e.g. sqlite:///lgbm_tuner.db")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()

    X, y = load_breast_cancer(return_X_y=True)
    X_fit, X_test, y_fit, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_fit, y_fit, test_size=0.25, random_state=0, stratify=y_fit
    )
    train = lgb.Dataset(X_train, y_train)
    valid = lgb.Dataset(X_valid, y_valid, reference=train)

    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.create_study(
        storage=args.storage, study_name="lightgbm_tuner", load_if_exists=True
    )
    params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1, "num_threads": 1}
    tuner = lgb.LightGBMTuner(
        params,
        train,
        num_boost_round=args.rounds,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(10, verbose=False)],
        study=study,
        # With a storage, keep the improving boosters so a resumed run still has the best one.
        model_dir=None if args.storage is None else "lightgbm_tuner_models",
        show_progress_bar=False,
        optuna_seed=0,
    )
    tuner.run()

    stages = Counter(trial.system_attrs["lightgbm_tuner:step_name"] for trial in study.trials)
    print(f"{len(study.trials)} trials: " + ", ".join(f"{n} {name}" for name, n in stages.items()))
    print(f"Best validation log loss: {tuner.best_score:.4f}")
    tuned = ("feature_fraction", "num_leaves", "bagging_fraction", "bagging_freq")
    tuned += ("lambda_l1", "lambda_l2", "min_child_samples")
    print("Best parameters: " + ", ".join(f"{k}={tuner.best_params[k]:.4g}" for k in tuned))
    booster = tuner.get_best_booster()
    accuracy = np.mean((booster.predict(X_test) > 0.5) == y_test)
    print(f"Test accuracy of the best booster: {accuracy:.3f}")


if __name__ == "__main__":
    main()
