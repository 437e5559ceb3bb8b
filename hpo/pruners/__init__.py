"""Pruners: stop unpromising trials early."""

from hpo.pruners._base import BasePruner
from hpo.pruners._nop import NopPruner

__all__ = ["BasePruner", "NopPruner"]
