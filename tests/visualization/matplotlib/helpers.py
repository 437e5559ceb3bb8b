"""Reading back what a matplotlib Axes shows."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection


def points(ax: Axes, index: int = 0) -> np.ndarray:
    """The (n, 2) offsets of the ``index``-th scatter of ``ax``."""
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    return np.asarray(scatters[index].get_offsets(), dtype=float)


def tick_labels(ax: Axes, which: str = "x") -> list[str]:
    """The tick label texts of an axis."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    return [label.get_text() for label in axis.get_ticklabels()]


def legend_texts(ax: Axes) -> list[str]:
    """The legend entries of ``ax``; empty without a legend."""
    legend = ax.get_legend()
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def is_empty(ax: Any) -> bool:
    """Whether an Axes draws no data at all."""
    return not (ax.lines or ax.collections or ax.patches)


def colorbar_axes(figure: Any) -> list[Axes]:
    """The colour bar Axes of a figure."""
    return [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]
