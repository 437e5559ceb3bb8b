"""Shared pieces of the matplotlib renderers: the lazy import, new axes, parameter axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

    from hpo.visualization._data._trials import ParamColumn

INSTALL_HINT = (
    "The matplotlib plots of hpo.visualization.matplotlib need matplotlib: "
    "install it with `pip install hpo[matplotlib]` (or `pip install matplotlib`)."
)


def is_available() -> bool:
    """Return whether matplotlib can be imported.

    Examples
    --------
    >>> from hpo.visualization.matplotlib import is_available
    >>> is_available()
    True
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def pyplot() -> Any:
    """Import and return ``matplotlib.pyplot``, or raise ``ImportError`` with the install hint."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return plt


def new_axes(title: str, **subplot: Any) -> Axes:
    """A new figure with one titled Axes (registered with pyplot, so ``plt.show()`` shows it)."""
    _, ax = pyplot().subplots(subplot_kw=subplot or None)
    ax.set_title(title)
    return ax


def new_grid(rows: int, cols: int, **kwargs: Any) -> tuple[Figure, np.ndarray]:
    """A new figure with a ``rows`` x ``cols`` ndarray of Axes (never squeezed)."""
    figure, axes = pyplot().subplots(rows, cols, squeeze=False, **kwargs)
    return figure, axes


def colormap(name: str, reverse: bool = False, start: float = 0.0) -> Colormap:
    """A named matplotlib colour map, reversed on request, its lightest ``start`` cut off."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    cmap = colormaps[name]
    if start > 0.0:
        cmap = ListedColormap(cmap(np.linspace(start, 1.0, 256)), name=f"{name}_from_{start}")
    return cmap.reversed() if reverse else cmap


def set_param_axis(ax: Axes, column: ParamColumn, which: str, label: bool = True) -> None:
    """Draw a parameter on the ``which`` ("x" or "y") axis: log scale, or one tick per choice.

    Categorical values are plotted at their choice index, so the ticks sit at ``0..n-1``.
    """
    axis = ax.xaxis if which == "x" else ax.yaxis
    if column.is_categorical:
        axis.set_ticks(np.arange(len(column.choices)), labels=column.labels)
    elif column.is_log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    if label:
        axis.set_label_text(column.name)


def legend(ax: Axes) -> None:
    """Add a legend when some artist has a label."""
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend()


def labels_of(values: Sequence[float]) -> list[str]:
    """Short labels of numbers (colour bar ticks)."""
    return [f"{value:.3g}" for value in values]


def pair_layout(
    names: Sequence[str], columns: dict[str, ParamColumn], title: str
) -> tuple[Figure, Axes | np.ndarray, list[tuple[str, str, Axes]]]:
    """Axes for the pairwise plots (contour, rank), with their parameter axes set.

    Two parameters make one titled Axes (first on x, second on y). More make an ``n`` x ``n``
    array of Axes under a figure title: the parameter of each column on x and of each row on
    y, axes shared along columns and rows, labels on the outer row and column only, and
    empty diagonal cells. Returns the figure, what the plot returns, and the
    ``(x name, y name, Axes)`` of every panel to draw.
    """
    if len(names) == 2:
        ax = new_axes(title)
        set_param_axis(ax, columns[names[0]], "x")
        set_param_axis(ax, columns[names[1]], "y")
        return ax.figure, ax, [(names[0], names[1], ax)]  # type: ignore[return-value]
    n = len(names)
    size = max(6.4, 1.6 * n)
    figure, axes = new_grid(n, n, sharex="col", sharey="row", figsize=(size, size))
    figure.suptitle(title)
    # Shared axes share their scale and ticks: set them once per column and per row.
    for index, name in enumerate(names):
        set_param_axis(axes[n - 1, index], columns[name], "x")
        set_param_axis(axes[index, 0], columns[name], "y")
    cells = [
        (x_name, y_name, axes[row, col])
        for row, y_name in enumerate(names)
        for col, x_name in enumerate(names)
        if x_name != y_name
    ]
    return figure, axes, cells
