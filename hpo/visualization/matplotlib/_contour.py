"""The contour plot, drawn with matplotlib: the target value over pairs of parameters."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

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


@functools.lru_cache(maxsize=8)
def _grid_laplacian(shape: tuple[int, int]) -> Any:
    """The graph Laplacian of a grid whose cells are joined to their 4 neighbours (CSR)."""
    from scipy import sparse

    index = np.arange(shape[0] * shape[1]).reshape(shape)
    first = np.concatenate([index[:, :-1].ravel(), index[:-1, :].ravel()])
    second = np.concatenate([index[:, 1:].ravel(), index[1:, :].ravel()])
    size = index.size
    adjacency = sparse.coo_matrix(
        (np.ones(2 * len(first)), (np.r_[first, second], np.r_[second, first])),
        shape=(size, size),
    ).tocsr()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    return (sparse.diags(degree) - adjacency).tocsr()


def fill_gaps(z: np.ndarray) -> np.ndarray:
    """Fill the NaN cells of a grid from the filled ones (matplotlib does not bridge gaps).

    Each empty cell becomes the average of its neighbours (a discrete Laplace equation with
    the filled cells held fixed), solved by conjugate gradients from the nearest filled
    value; filled cells keep their value and the result stays within their range. A grid
    with no filled cell is returned as is.
    """
    from scipy import ndimage
    from scipy.sparse.linalg import cg

    known = ~np.isnan(z)
    if known.all() or not known.any():
        return z
    nearest = ndimage.distance_transform_edt(~known, return_distances=False, return_indices=True)
    start = z[nearest[0], nearest[1]]
    flat_known = known.ravel()
    gaps, fixed = np.flatnonzero(~flat_known), np.flatnonzero(flat_known)
    laplacian = _grid_laplacian(z.shape)
    gap_rows = laplacian[gaps]
    system = gap_rows[:, gaps]
    right = -(gap_rows[:, fixed] @ z.ravel()[fixed])
    # A loose tolerance: the result is drawn with a few colour levels.
    solution, _ = cg(system, right, x0=start.ravel()[gaps], rtol=1e-4, maxiter=500)
    result = z.ravel().copy()
    result[gaps] = np.clip(solution, z[known].min(), z[known].max())
    return result.reshape(z.shape)


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
        an empty Axes (with a warning) without completed trials or with fewer than two
        parameters.

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    ValueError
        For a multi-objective study without ``target``, or a name in ``params`` that no
        completed trial has.

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
        first, second = sorted((x_name, y_name), key=order.__getitem__)
        if (first, second) not in filled:
            filled[first, second] = fill_gaps(panels[first, second].z)
        z = filled[first, second] if first == x_name else filled[first, second].T
        _draw(ax, panels[x_name, y_name], z, levels, cmap)
    axes = list(result.flat) if isinstance(result, np.ndarray) else result
    mappable = ScalarMappable(Normalize(low, high), cmap)
    figure.colorbar(mappable, ax=axes, label=target_name)
    return result
