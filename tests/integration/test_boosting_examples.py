"""The gradient-boosting examples run as a user runs them: as scripts, in a fresh process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.examples_support import run_example


def _run(script: str, *args: str, cwd: Path) -> str:
    # LightGBM and XGBoost train on one OpenMP thread.
    return run_example(script, *args, cwd=cwd, env={"OMP_NUM_THREADS": "1"})


def _pruned_and_rounds(out: str) -> tuple[int, int, int, int]:
    pruned = re.search(r"^(\d+) of (\d+) trials pruned$", out, re.MULTILINE)
    rounds = re.search(
        r"^Boosting rounds spent: (\d+) of (\d+) without pruning$", out, re.MULTILINE
    )
    assert pruned and rounds, out
    return int(pruned[1]), int(pruned[2]), int(rounds[1]), int(rounds[2])


@pytest.mark.slow
@pytest.mark.parametrize("script", ["lightgbm_pruning.py", "xgboost_pruning.py"])
def test_pruning_examples_prune_and_save_rounds(script: str, tmp_path: Path) -> None:
    out = _run(script, "--trials", "12", "--rounds", "60", cwd=tmp_path)
    n_pruned, n_trials, spent, full = _pruned_and_rounds(out)
    assert n_trials == 12 and n_pruned >= 1
    assert spent < full
    assert "Best trial: #" in out


@pytest.mark.slow
def test_tuner_example_runs_every_stage_and_resumes_from_storage(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'lgbm.db'}"
    out = _run("lightgbm_tuner.py", "--storage", storage, "--rounds", "10", cwd=tmp_path)
    stages = re.search(
        r"^(\d+) trials: 7 feature_fraction, 20 num_leaves, 10 bagging, \d "
        r"feature_fraction_stage2, 20 regularization_factors, 5 min_child_samples$",
        out,
        re.MULTILINE,
    )
    assert stages, out
    accuracy = re.search(r"^Test accuracy of the best booster: ([\d.]+)$", out, re.MULTILINE)
    assert accuracy and float(accuracy[1]) > 0.85
    # A second run finds every stage finished: same trials, same best booster from disk.
    again = _run("lightgbm_tuner.py", "--storage", storage, "--rounds", "10", cwd=tmp_path)
    assert again == out
    assert any((tmp_path / "lightgbm_tuner_models").iterdir())
