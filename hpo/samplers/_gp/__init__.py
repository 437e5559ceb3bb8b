"""Gaussian-process Bayesian optimization: the model, the acquisition and the sampler."""

from hpo.samplers._gp._sampler import GPSampler

__all__ = ["GPSampler"]
