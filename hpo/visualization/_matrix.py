"""Layout of the pairwise plots (contour, rank): one panel, or a matrix of parameter pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpo.visualization._common import axis_layout

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.visualization._data._trials import ParamColumn


def pair_grid(params: Sequence[str]) -> tuple[go.Figure, list[tuple[str, str, int, int]]]:
    """Return an empty figure and the ``(x name, y name, row, col)`` of every panel.

    Two parameters make a single panel (first on x, second on y); more make a square matrix
    with the parameter of each column on x and of each row on y, and empty diagonal cells.
    """
    from plotly.subplots import make_subplots

    if len(params) == 2:
        return make_subplots(rows=1, cols=1), [(params[0], params[1], 1, 1)]
    n = len(params)
    spacing = min(0.05, 0.5 / n)
    result = make_subplots(rows=n, cols=n, horizontal_spacing=spacing, vertical_spacing=spacing)
    cells = [
        (x_name, y_name, row, col)
        for row, y_name in enumerate(params, start=1)
        for col, x_name in enumerate(params, start=1)
        if x_name != y_name
    ]
    return result, cells


def label_axes(
    result: go.Figure,
    params: Sequence[str],
    cells: Sequence[tuple[str, str, int, int]],
    columns: dict[str, ParamColumn],
) -> None:
    """Set each panel's axis types; titles only on the outer row and column of a matrix.

    The empty diagonal cells of a matrix get their column's x axis too, so that the bottom
    row is labelled throughout.
    """
    if len(params) == 2:
        layout = list(cells)
    else:
        layout = [
            (x_name, y_name, row, col)
            for row, y_name in enumerate(params, start=1)
            for col, x_name in enumerate(params, start=1)
        ]
    n = max(row for _, _, row, _ in layout)
    # One layout update: plotly's per-axis update_xaxes scans every axis of the figure.
    axes: dict[str, dict[str, Any]] = {}
    for x_name, y_name, row, col in layout:
        suffix = "" if row == col == 1 else str((row - 1) * n + col)
        x_axis = dict(axis_layout(columns[x_name]))
        if row == n:
            x_axis["title"] = {"text": x_name}
        y_axis = dict(axis_layout(columns[y_name])) if x_name != y_name else {}
        if col == 1:
            y_axis["title"] = {"text": y_name}
        axes["xaxis" + suffix], axes["yaxis" + suffix] = x_axis, y_axis
    result.update_layout(axes)
