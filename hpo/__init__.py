"""hpo: a fast define-by-run hyperparameter optimization framework.

The public API follows Optuna's, so ``import hpo as optuna`` runs code written for it.

Examples
--------
>>> import hpo
>>> def objective(trial):
...     x = trial.suggest_float("x", -10, 10)
...     return (x - 2) ** 2
>>> study = hpo.create_study()
>>> study.optimize(objective, n_trials=20)
"""

from __future__ import annotations

import importlib
from typing import Any

from hpo import distributions, exceptions, logging, pruners, samplers, storages, study, trial
from hpo.exceptions import TrialPruned
from hpo.study import (
    Study,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hpo.trial import Trial, create_trial
from hpo.version import __version__

__all__ = [
    "Study",
    "Trial",
    "TrialPruned",
    "__version__",
    "artifacts",
    "copy_study",
    "create_study",
    "create_trial",
    "dashboard",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "importance",
    "integration",
    "load_study",
    "logging",
    "pruners",
    "report",
    "samplers",
    "search_space",
    "storages",
    "study",
    "terminator",
    "trial",
    "visualization",
]

# Heavier subpackages (analysis, plotting, the command line) load on first access.
_LAZY_SUBMODULES = (
    "search_space",
    "visualization",
    "cli",
    "importance",
    "terminator",
    "report",
    "integration",
    "artifacts",
    "dashboard",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"hpo.{name}")
    raise AttributeError(f"module 'hpo' has no attribute {name!r}")
