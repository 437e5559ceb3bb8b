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
    for x_name, y_name, row, col in layout:
        x_title: dict[str, Any] = {"title_text": x_name} if row == n else {}
        y_title: dict[str, Any] = {"title_text": y_name} if col == 1 else {}
        result.update_xaxes(row=row, col=col, **axis_layout(columns[x_name]), **x_title)
        if x_name != y_name:
            result.update_yaxes(row=row, col=col, **axis_layout(columns[y_name]), **y_title)
        elif col == 1:
            result.update_yaxes(row=row, col=col, **y_title)
