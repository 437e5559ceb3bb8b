"""Samplers: where parameter values come from."""

from hpo.samplers._base import BaseSampler
from hpo.samplers._brute_force import BruteForceSampler
from hpo.samplers._grid import GridSampler
from hpo.samplers._partial_fixed import PartialFixedSampler
from hpo.samplers._qmc import QMCSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers._tpe import TPESampler

__all__ = [
    "BaseSampler",
    "BruteForceSampler",
    "GridSampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
]
