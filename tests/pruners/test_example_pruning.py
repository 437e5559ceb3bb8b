"""examples/pruning.py runs as a user runs it and reports what the pruners did."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_pruning_example_prints_pruned_trials_and_best_accuracy(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="the example needs the 'examples' extra")
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "pruning.py"), "--trials", "12", "--epochs", "8"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    for name, line in zip(("median", "hyperband"), lines):
        match = re.search(r"(\d+)/12 trials pruned, (\d+) epochs, best accuracy ([\d.]+)", line)
        assert match is not None and name in line, line
        n_pruned, epochs, accuracy = int(match[1]), int(match[2]), float(match[3])
        # Pruning saved epochs: fewer than 12 full trials of 8 epochs.
        assert n_pruned > 0 and epochs < 12 * 8
        assert 0.8 < accuracy <= 1.0
