"""CmaEsSampler: the covariance matrix adaptation evolution strategy."""

from hpo.samplers._cmaes._sampler import CmaEsSampler

__all__ = ["CmaEsSampler"]
