"""The parts of :mod:`hpo.integration.sklearn`: argument checks and the per-trial evaluation."""
