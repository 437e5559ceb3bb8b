"""Plots of a study, drawn with plotly (imported on first use).

Each plot reads the study once into plain arrays (``hpo.visualization._data``) and a thin
renderer turns those into a ``plotly.graph_objects.Figure``. A plot with nothing to show warns
with :class:`hpo.exceptions.HpoWarning` and returns an empty figure.
"""

import importlib
from typing import Any

from hpo.visualization._contour import plot_contour
from hpo.visualization._edf import plot_edf
from hpo.visualization._history import plot_optimization_history
from hpo.visualization._hypervolume_history import plot_hypervolume_history
from hpo.visualization._intermediate import plot_intermediate_values
from hpo.visualization._parallel_coordinate import plot_parallel_coordinate
from hpo.visualization._param_importances import plot_param_importances
from hpo.visualization._pareto_front import plot_pareto_front
from hpo.visualization._rank import plot_rank
from hpo.visualization._slice import plot_slice
from hpo.visualization._terminator_improvement import plot_terminator_improvement
from hpo.visualization._timeline import plot_timeline

__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]


def __getattr__(name: str) -> Any:
    # hpo.visualization.matplotlib on first access, as optuna.visualization.matplotlib is
    # after `import optuna`; matplotlib itself is imported only when a plot is drawn.
    if name == "matplotlib":
        return importlib.import_module("hpo.visualization.matplotlib")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_available() -> bool:
    """Return whether plotly can be imported.

    Examples
    --------
    >>> from hpo.visualization import is_available
    >>> is_available()
    True
    """
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True
