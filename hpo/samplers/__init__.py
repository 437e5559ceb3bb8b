"""Samplers: where parameter values come from."""

from hpo.samplers import nsgaii
from hpo.samplers._base import BaseSampler
from hpo.samplers._brute_force import BruteForceSampler
from hpo.samplers._cmaes import CmaEsSampler
from hpo.samplers._gp import GPSampler
from hpo.samplers._grid import GridSampler
from hpo.samplers._nsgaiii import NSGAIIISampler
from hpo.samplers._partial_fixed import PartialFixedSampler
from hpo.samplers._qmc import QMCSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers._tpe import TPESampler
from hpo.samplers.nsgaii._sampler import NSGAIISampler

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
