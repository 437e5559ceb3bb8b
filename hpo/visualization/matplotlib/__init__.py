"""Plots of a study drawn with matplotlib (an optional extra: ``pip install hpo[matplotlib]``).

The same plots as :mod:`hpo.visualization`, from the same data layer, returning
``matplotlib.axes.Axes`` (or an array of Axes for multi-panel contour, slice and rank plots)
instead of plotly figures. matplotlib is imported only when a plot is drawn; without it a
plot raises ``ImportError`` and :func:`is_available` returns ``False``. A plot with nothing to
show warns with :class:`hpo.exceptions.HpoWarning` and returns an empty Axes.
"""

from hpo.visualization.matplotlib._common import is_available
from hpo.visualization.matplotlib._contour import plot_contour
from hpo.visualization.matplotlib._edf import plot_edf
from hpo.visualization.matplotlib._history import plot_optimization_history
from hpo.visualization.matplotlib._hypervolume_history import plot_hypervolume_history
from hpo.visualization.matplotlib._intermediate import plot_intermediate_values
from hpo.visualization.matplotlib._parallel_coordinate import plot_parallel_coordinate
from hpo.visualization.matplotlib._param_importances import plot_param_importances
from hpo.visualization.matplotlib._pareto_front import plot_pareto_front
from hpo.visualization.matplotlib._rank import plot_rank
from hpo.visualization.matplotlib._slice import plot_slice
from hpo.visualization.matplotlib._terminator_improvement import plot_terminator_improvement
from hpo.visualization.matplotlib._timeline import plot_timeline

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
