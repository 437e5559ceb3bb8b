"""The version of hpo."""

__version__ = "0.1.0"
