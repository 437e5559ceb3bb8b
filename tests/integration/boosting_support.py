"""Shared pieces of the gradient-boosting integration tests: data and a step pruner."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from hpo.pruners import BasePruner
from hpo.trial import FrozenTrial


def binary_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """breast_cancer split into 400 training and 169 validation rows."""
    X, y = load_breast_cancer(return_X_y=True)
    return X[:400], y[:400], X[400:], y[400:]


class PruneAtStep(BasePruner):
    """Prune a trial once it has reported step ``step`` or a later one."""

    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study: object, trial: FrozenTrial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.step


def assert_import_names_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, library: str, extra: str
) -> None:
    """Importing ``module`` without ``library`` fails naming the extra to install."""
    monkeypatch.setitem(sys.modules, library, None)  # makes `import library` fail
    for name in list(sys.modules):
        if name == module or name.startswith(f"hpo.integration._{library}"):
            monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=rf'pip install "hpo\[{extra}\]"'):
        importlib.import_module(module)
