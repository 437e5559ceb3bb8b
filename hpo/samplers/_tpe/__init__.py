"""The Tree-structured Parzen Estimator sampler."""

from hpo.samplers._tpe._sampler import TPESampler

__all__ = ["TPESampler"]
