"""Samplers: where parameter values come from."""

from hpo.samplers._base import BaseSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers._tpe import TPESampler

__all__ = ["BaseSampler", "RandomSampler", "TPESampler"]
