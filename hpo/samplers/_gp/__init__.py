"""Gaussian-process Bayesian optimization: the model, the acquisition and the sampler."""
