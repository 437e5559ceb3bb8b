"""Integrations with the libraries hpo users train models with.

Each integration lives in its own module (``hpo.integration.sklearn``,
``hpo.integration.lightgbm``, ...) and imports its third-party library only when it is used, so
``import hpo.integration`` needs none of them. The classes carry the names Optuna users know
(``OptunaSearchCV``, ``LightGBMPruningCallback``, ...), so code written for Optuna keeps working
with ``import hpo as optuna``. A missing library raises an ImportError that names the extra to
install, e.g. ``pip install "hpo[lightgbm]"``.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> the module of this package that defines it. Modules load on first access.
_NAME_TO_MODULE: dict[str, str] = {
    "CatBoostPruningCallback": "catboost",
    "DaskStorage": "dask",
    "HpoSearchCV": "sklearn",
    "LightGBMPruningCallback": "lightgbm",
    "LightGBMTuner": "lightgbm",
    "LightGBMTunerCV": "lightgbm",
    "MPIStudy": "mpi",
    "MPITrial": "mpi",
    "TorchDistributedStudy": "pytorch_distributed",
    "TorchDistributedTrial": "pytorch_distributed",
    "XGBoostPruningCallback": "xgboost",
    "OptunaSearchCV": "sklearn",
}

__all__ = sorted(_NAME_TO_MODULE)


def __getattr__(name: str) -> Any:
    module = _NAME_TO_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'hpo.integration' has no attribute {name!r}")
    return getattr(importlib.import_module(f"hpo.integration.{module}"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAME_TO_MODULE})
