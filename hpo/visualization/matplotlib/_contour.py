"""The contour plot, drawn with matplotlib: the target value over pairs of parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hpo.visualization._common import reverse_scale
from hpo.visualization._data._contour import ContourPanel, contour_panels
from hpo.visualization._data._trials import Target, choose_params, read_table, warn_empty
from hpo.visualization.matplotlib._common import colormap, new_axes, pair_layout, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpo.study import Study

TITLE = "Contour Plot"
N_LEVELS = 20


def fill_gaps(z: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of a grid from the filled ones (matplotlib does not bridge gaps).

    Cells inside the hull of the filled cells are interpolated linearly (in grid-index
    coordinates, so log axes need nothing special), the others take the nearest filled
    value; filled cells keep their value. A grid with no filled cell is returned as is.
    """
    from scipy.interpolate import griddata
    from scipy.spatial import QhullError

    known = ~np.isnan(z)
    if known.all() or not known.any():
        return z
    points = np.column_stack(np.nonzero(known))
    values = z[known]
    gaps = np.nonzero(~known)
    try:
        guessed = griddata(points, values, gaps, method="linear")
    except (QhullError, ValueError):  # fewer than 3 cells, or all on one line
        guessed = np.full(len(gaps[0]), np.nan)
    outside = np.isnan(guessed)
    if outside.any():
        guessed[outside] = griddata(
            points, values, (gaps[0][outside], gaps[1][outside]), method="nearest"
        )
    result = z.copy()
    result[gaps] = guessed
    return result


def _value_range(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    if high <= low:  # one value: contour levels must increase
        pad = abs(low) * 0.05 or 0.5
        low, high = low - pad, high + pad
    return low, high


def _draw(ax: Axes, panel: ContourPanel, z: np.ndarray, levels: np.ndarray, cmap: object) -> None:
    drawable = (
        len(np.unique(panel.x_grid)) > 1
        and len(np.unique(panel.y_grid)) > 1
        and not np.isnan(z).all()
    )
    if drawable:
        ax.contourf(panel.x_grid, panel.y_grid, z, levels=levels, cmap=cmap, extend="neither")
    if len(panel.x):
        # Unclipped: trials at the ends of a parameter's range sit on the panel's edge.
        ax.scatter(
            panel.x,
            panel.y,
            color="black",
            s=12,
            edgecolors="white",
            linewidths=0.5,
            clip_on=False,
            zorder=3,
        )


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the target value as filled contours over pairs of parameters.

    Each panel averages the completed trials that have both parameters on a grid, fills the
    cells no trial falls in from their neighbours, and marks the trials themselves. Two
    parameters make one Axes; more make a matrix with one panel per pair. All panels share
    one colour scale (darkest at the best values of a single-objective study).

    Parameters
    ----------
    study:
        The study.
    params:
        The parameters to show (at least two); all by default.
    target:
        What to plot for each trial; the objective value by default (required for
        multi-objective studies).
    target_name:
        The colour bar label.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        One Axes for two parameters, else an ``n`` x ``n`` array of Axes (empty diagonal);
        an empty Axes (with a warning) without completed trials, with fewer than two
        parameters or for an unknown parameter.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a multi-objective study without ``target``.

    Examples
    --------
    >>> import hpo
    >>> import matplotlib.pyplot as plt
    >>> study = hpo.create_study()
    >>> study.optimize(
    ...     lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=5
    ... )
    >>> ax = plot_contour(study)
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.collections[-1].get_offsets())
    ('x', 'y', 5)
    >>> plt.close(ax.figure)
    """
    pyplot()
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    table = read_table(study, target, target_name)
    names = choose_params(table, params, "plot_contour")
    if not names:
        return new_axes(TITLE)
    if len(names) < 2:
        warn_empty("plot_contour: it needs at least two parameters; the figure is empty.")
        return new_axes(TITLE)
    panels = contour_panels(table, names)
    figure, result, cells = pair_layout(names, table.params, TITLE)
    low, high = _value_range(table.values)
    levels = np.linspace(low, high, N_LEVELS + 1)
    cmap = colormap("Blues", reverse=reverse_scale(study, target))
    order = {name: i for i, name in enumerate(names)}
    filled: dict[tuple[str, str], np.ndarray] = {}
    for x_name, y_name, ax in cells:
        # A pair's two panels are transposes of each other: interpolate once.
        if order[x_name] < order[y_name]:
            z = filled.setdefault((x_name, y_name), fill_gaps(panels[x_name, y_name].z))
        else:
            z = filled.setdefault((y_name, x_name), fill_gaps(panels[y_name, x_name].z)).T
        _draw(ax, panels[x_name, y_name], z, levels, cmap)
    axes = list(result.flat) if isinstance(result, np.ndarray) else result
    mappable = ScalarMappable(Normalize(low, high), cmap)
    figure.colorbar(mappable, ax=axes, label=target_name)
    return result
