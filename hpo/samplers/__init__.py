"""Samplers: where parameter values come from."""

from hpo.samplers._base import BaseSampler
from hpo.samplers._partial_fixed import PartialFixedSampler
from hpo.samplers._qmc import QMCSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers._tpe import TPESampler

__all__ = ["BaseSampler", "PartialFixedSampler", "QMCSampler", "RandomSampler", "TPESampler"]
