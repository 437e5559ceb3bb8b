"""Samplers: where parameter values come from.

``CmaEsSampler`` and ``GPSampler`` load on first access: they need ``scipy.optimize`` and
``scipy.linalg``, which most processes (workers running TPE, the ``hpo`` command) never use.
"""

import importlib
from typing import TYPE_CHECKING, Any

from hpo.samplers import nsgaii
from hpo.samplers._base import BaseSampler
from hpo.samplers._brute_force import BruteForceSampler
from hpo.samplers._grid import GridSampler
from hpo.samplers._nsgaiii import NSGAIIISampler
from hpo.samplers._partial_fixed import PartialFixedSampler
from hpo.samplers._qmc import QMCSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers._tpe import TPESampler
from hpo.samplers.nsgaii._sampler import NSGAIISampler

if TYPE_CHECKING:
    from hpo.samplers._cmaes import CmaEsSampler
    from hpo.samplers._gp import GPSampler

_LAZY = {"CmaEsSampler": "hpo.samplers._cmaes", "GPSampler": "hpo.samplers._gp"}

__all__ = [
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
    "nsgaii",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
