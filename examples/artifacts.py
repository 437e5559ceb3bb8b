"""Keep a file per trial as an artifact, then fetch the best trial's.

Run from the repository root:  python examples/artifacts.py [--trials 20]

Each trial fits a polynomial (numpy's least squares with a ridge penalty) of a suggested
degree to noisy samples of a sine curve, and uploads its coefficients as a JSON file to a
file system artifact store (``./artifacts``); the study is kept in ``./artifacts_example.db``.
After the search the best trial's file is downloaded to ``best_model.json``, and the model it
holds is evaluated again: same validation error as during the search. Nothing but numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from typing import Any

import numpy as np

import hpo
from hpo.artifacts import (
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)

MODEL_FILE = "model.json"


def make_data(seed: int) -> tuple[np.ndarray, ...]:
    """Noisy samples of sin(3x) on [-1, 1], split into training and validation halves."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, 80)
    y = np.sin(3 * x) + rng.normal(0, 0.1, x.size)
    return x[:40], y[:40], x[40:], y[40:]


def fit(x: np.ndarray, y: np.ndarray, degree: int, ridge: float) -> np.ndarray:
    """Coefficients of the ridge-penalized least-squares polynomial, lowest power first."""
    features = np.vander(x, degree + 1, increasing=True)
    penalty = ridge * np.eye(degree + 1)
    return np.linalg.solve(features.T @ features + penalty, features.T @ y)


def validation_error(coefficients: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the polynomial on (x, y)."""
    prediction = np.vander(x, len(coefficients), increasing=True) @ coefficients
    return float(np.mean((prediction - y) ** 2))


def make_objective(store: FileSystemArtifactStore, seed: int) -> Any:
    """The objective: fit, upload the coefficients as this trial's artifact, score."""
    x_train, y_train, x_valid, y_valid = make_data(seed)

    def objective(trial: hpo.Trial) -> float:
        degree = trial.suggest_int("degree", 1, 12)
        ridge = trial.suggest_float("ridge", 1e-8, 1.0, log=True)
        coefficients = fit(x_train, y_train, degree, ridge)
        with tempfile.TemporaryDirectory() as workdir:
            path = os.path.join(workdir, MODEL_FILE)
            with open(path, "w") as f:
                json.dump({"coefficients": coefficients.tolist()}, f)
            upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return validation_error(coefficients, x_valid, y_valid)

    return objective


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--storage", default="sqlite:///artifacts_example.db")
    parser.add_argument("--artifacts", default="artifacts", help="artifact store directory")
    args = parser.parse_args()
    hpo.logging.set_verbosity(hpo.logging.WARNING)

    store = FileSystemArtifactStore(args.artifacts)
    study = hpo.create_study(
        study_name="artifacts",
        storage=args.storage,
        load_if_exists=True,
        sampler=hpo.samplers.TPESampler(seed=args.seed),
    )
    study.optimize(make_objective(store, args.seed), n_trials=args.trials)

    best = study.best_trial
    # A FrozenTrial is a record: say which storage keeps its artifact list.
    (meta,) = get_all_artifact_meta(best, storage=args.storage)
    print(f"{len(study.trials)} trials, best trial #{best.number}: {best.params}")
    print(f"Its artifact: {meta.filename} ({meta.mimetype}), id {meta.artifact_id}")

    target = "best_model.json"
    if os.path.exists(target):
        os.remove(target)  # downloads never overwrite; replace the previous run's copy
    download_artifact(artifact_store=store, file_path=target, artifact_id=meta.artifact_id)
    with open(target) as f:
        coefficients = np.array(json.load(f)["coefficients"])
    _, _, x_valid, y_valid = make_data(args.seed)
    error = validation_error(coefficients, x_valid, y_valid)
    print(f"Downloaded to {target}: validation error {error:.6f} (search: {best.value:.6f})")


if __name__ == "__main__":
    main()
