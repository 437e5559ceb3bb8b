"""Tune a small logistic-regression classifier and keep the study in a SQLite file.

Run from the repository root:  python examples/quickstart.py

The model is trained with mini-batch gradient descent (numpy only) on a synthetic two-class
problem; each epoch's validation loss is reported so that the pruner can stop weak trials.
The study lives in ``quickstart.db``: run the script again and it continues the same study.
Its plots and a one-page HTML report (``hpo_plots/report.html``) are written beside it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import hpo
from hpo.report import write_report


def make_data(seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n, d = 2000, 20
    x = rng.normal(size=(n, d))
    true_w = rng.normal(size=d) * (rng.random(d) < 0.5)
    y = (x @ true_w + 0.5 * rng.normal(size=n) > 0).astype(float)
    split = int(0.75 * n)
    return x[:split], y[:split], x[split:], y[split:]


X_TRAIN, Y_TRAIN, X_VALID, Y_VALID = make_data()


def log_loss(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    z = x @ w
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def objective(trial: hpo.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    l2 = trial.suggest_float("l2", 1e-6, 1e-1, log=True)
    batch_size = trial.suggest_categorical("batch_size", [16, 64, 256])
    momentum = trial.suggest_float("momentum", 0.0, 0.95)
    rng = np.random.default_rng(trial.number)
    w = np.zeros(X_TRAIN.shape[1])
    velocity = np.zeros_like(w)
    loss = log_loss(w, X_VALID, Y_VALID)
    for epoch in range(15):
        order = rng.permutation(len(X_TRAIN))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            xb, yb = X_TRAIN[idx], Y_TRAIN[idx]
            p = 1.0 / (1.0 + np.exp(-(xb @ w)))
            grad = xb.T @ (p - yb) / len(idx) + l2 * w
            velocity = momentum * velocity - lr * grad
            w = w + velocity
        loss = log_loss(w, X_VALID, Y_VALID)
        if not np.isfinite(loss):
            raise hpo.TrialPruned(f"diverged at epoch {epoch}")
        trial.report(loss, epoch)
        if trial.should_prune():
            raise hpo.TrialPruned()
    return loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--storage", default="sqlite:///quickstart.db", help="a database URL, or 'memory'"
    )
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--plots", default="hpo_plots")
    args = parser.parse_args()

    hpo.logging.set_verbosity(hpo.logging.WARNING)
    study = hpo.create_study(
        storage=None if args.storage == "memory" else args.storage,
        study_name="quickstart",
        direction="minimize",
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=args.trials)

    best = study.best_trial
    states = [t.state.name for t in study.trials]
    print(
        f"Study {study.study_name!r} in {args.storage}: {len(states)} trials "
        f"({states.count('COMPLETE')} complete, {states.count('PRUNED')} pruned)"
    )
    print(f"Best trial: #{best.number} validation log-loss {best.value:.4f}")
    for name, value in best.params.items():
        print(f"    {name} = {value}")

    out = Path(args.plots)
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "optimization_history.html": hpo.visualization.plot_optimization_history(study),
        "intermediate_values.html": hpo.visualization.plot_intermediate_values(study),
        "slice.html": hpo.visualization.plot_slice(study),
    }
    for file_name, figure in figures.items():
        # One local plotly.min.js beside the pages: they open offline, without a CDN.
        figure.write_html(out / file_name, include_plotlyjs="directory")
    print(f"Plots written to {out.resolve()}/: {', '.join(figures)} (open them in a browser)")
    # The whole study on one page (summary and every plot), plotly.js inside: opens offline.
    report = write_report(study, out / "report.html")
    print(f"Report written to {report}")


if __name__ == "__main__":
    main()
