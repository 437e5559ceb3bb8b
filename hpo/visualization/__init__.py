"""Plots of a study, drawn with plotly (imported on first use)."""

from hpo.visualization._history import plot_optimization_history
from hpo.visualization._intermediate import plot_intermediate_values
from hpo.visualization._slice import plot_slice

__all__ = ["is_available", "plot_intermediate_values", "plot_optimization_history", "plot_slice"]


def is_available() -> bool:
    """Return whether plotly can be imported."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True
