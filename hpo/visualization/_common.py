"""Shared pieces of the plotly renderers: empty figures and parameter axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.visualization._data._trials import ParamColumn, Target

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


def as_studies(study: Study | Sequence[Study]) -> list[Study]:
    """Accept one study or a sequence of studies."""
    if isinstance(study, Sequence):
        return list(study)
    return [study]


def figure(title: str, **layout: Any) -> go.Figure:
    """A new figure with a title (and whatever other layout is given)."""
    import plotly.graph_objects as go

    return go.Figure(layout={"title": {"text": title}, **layout})


def shown_values(column: ParamColumn, values: np.ndarray) -> np.ndarray:
    """Values as the axis shows them: choice labels for a categorical parameter."""
    if column.is_categorical:
        return np.asarray(column.labels, dtype=object)[values.astype(np.int64)]
    return values


def axis_layout(column: ParamColumn) -> dict[str, Any]:
    """Axis settings of a parameter: log, category (in choice order) or linear."""
    if column.is_categorical:
        return {"type": "category", "categoryorder": "array", "categoryarray": column.labels}
    if column.is_log:
        return {"type": "log"}
    return {}


def reverse_scale(study: Study, target: Target | None) -> bool:
    """Whether a colour scale is reversed so that the best values get the dark end."""
    return target is None and study.directions[0] == StudyDirection.MINIMIZE
