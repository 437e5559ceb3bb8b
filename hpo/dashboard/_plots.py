"""The study page's plots: the figures of :mod:`hpo.visualization`, drawn on cached trials.

Every figure comes from the same data layer and plotly renderers as ``hpo.visualization``;
this module only picks the arguments (objective, reference point), draws plots of many points
with WebGL, and, for the plots whose cost grows with every point (slice, parallel coordinate,
contour, importances), uses a seeded random sample of the completed trials of a large study,
saying so in a note.
"""

from __future__ import annotations

import base64
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.dashboard._cache import StudySnapshot

MAX_SAMPLED_TRIALS = 3000
MAX_SAMPLED_CURVES = 1000
MAX_CONTOUR_TRIALS = 1000
MAX_CONTOUR_PARAMS = 3
MAX_TIMELINE_TRIALS = 500
WEBGL_ABOVE = 2000
SAMPLE_SEED = 0

# Warnings are caught per plot; catching them is process-wide, so plots are drawn one at a time.
_draw_lock = threading.Lock()


class PlotError(ValueError):
    """An unknown plot or a bad argument for one (a 400, not a 500)."""


@dataclass
class PlotResult:
    """A drawn figure as plotly JSON text and the notes that say what it shows or lacks."""

    kind: str
    title: str
    figure_json: str | None
    notes: list[str] = field(default_factory=list)


def _sample(
    snapshot: StudySnapshot,
    notes: list[str],
    states: tuple[TrialState, ...] = (TrialState.COMPLETE,),
    size: int | None = None,
) -> StudySnapshot:
    """The study with a seeded random sample of ``size`` of its trials in ``states``
    (``MAX_SAMPLED_TRIALS`` by default)."""
    from hpo.dashboard._cache import StudySnapshot

    size = MAX_SAMPLED_TRIALS if size is None else size
    trials = snapshot.get_trials(states=states)
    if len(trials) <= size:
        return snapshot
    rng = np.random.default_rng(SAMPLE_SEED)
    chosen = np.sort(rng.choice(len(trials), size=size, replace=False))
    kind = "completed " if states == (TrialState.COMPLETE,) else ""
    notes.append(f"Drawn from a random sample of {size:,} of the {len(trials):,} {kind}trials.")
    return StudySnapshot(
        snapshot.study_name,
        snapshot.directions,
        snapshot.metric_names,
        [trials[i] for i in chosen],
    )


def _contour_params(snapshot: StudySnapshot, notes: list[str]) -> list[str] | None:
    """At most ``MAX_CONTOUR_PARAMS`` parameters: a grid of every pair grows quadratically."""
    names: set[str] = set()
    for trial in snapshot.get_trials(states=(TrialState.COMPLETE,))[:1000]:
        names.update(trial.params)
    if len(names) <= MAX_CONTOUR_PARAMS:
        return None
    chosen = sorted(names)[:MAX_CONTOUR_PARAMS]
    notes.append(
        f"Pairs of the first {MAX_CONTOUR_PARAMS} of {len(names)} parameters: {', '.join(chosen)}."
    )
    return chosen


def _target(snapshot: StudySnapshot, objective: int) -> dict[str, Any]:
    """Keyword arguments that plot one objective of a study with several."""
    from hpo.visualization._data._trials import objective_target

    n_objectives = len(snapshot.directions)
    if not 0 <= objective < n_objectives:
        raise PlotError(
            f"objective={objective} is out of range: the study has {n_objectives} objective(s)."
        )
    if n_objectives == 1:
        return {}
    names = snapshot.metric_names or [f"Objective {k}" for k in range(n_objectives)]
    return {"target": objective_target(objective), "target_name": names[objective]}


def reference_point(trials: list[FrozenTrial], directions: list[StudyDirection]) -> list[float]:
    """A reference point just worse than every completed trial on each objective."""
    values = np.array(
        [t.values for t in trials if t.state == TrialState.COMPLETE and t.values is not None],
        dtype=float,
    )
    point = []
    for k, direction in enumerate(directions):
        column = values[:, k][np.isfinite(values[:, k])] if len(values) else np.array([])
        if len(column) == 0:
            point.append(0.0)
            continue
        worst = column.max() if direction == StudyDirection.MINIMIZE else column.min()
        margin = 0.1 * (column.max() - column.min()) or 1.0
        point.append(
            float(worst + margin if direction == StudyDirection.MINIMIZE else worst - margin)
        )
    return point


def _builders(
    snapshot: StudySnapshot, objective: int, notes: list[str]
) -> dict[str, tuple[str, Callable[[], go.Figure]]]:
    from hpo import visualization as vis

    target = _target(snapshot, objective)
    multi = len(snapshot.directions) > 1

    def sampled() -> StudySnapshot:
        return _sample(snapshot, notes)

    def timeline() -> go.Figure:
        n = len(snapshot.get_trials())
        if n > MAX_TIMELINE_TRIALS:
            notes.append(f"The {MAX_TIMELINE_TRIALS} most recent of {n:,} trials.")
        return vis.plot_timeline(snapshot, n_recent_trials=MAX_TIMELINE_TRIALS)  # type: ignore[arg-type]

    def importance() -> go.Figure:
        kwargs = target if multi else {}
        return vis.plot_param_importances(sampled(), **kwargs)  # type: ignore[arg-type]

    builders: dict[str, tuple[str, Callable[[], go.Figure]]] = {
        "history": (
            "Optimization history",
            lambda: vis.plot_optimization_history(snapshot, **target),  # type: ignore[arg-type]
        ),
        "intermediate": (
            "Intermediate values",
            lambda: vis.plot_intermediate_values(
                _sample(snapshot, notes, tuple(TrialState), MAX_SAMPLED_CURVES)  # type: ignore[arg-type]
            ),
        ),
        "parallel": (
            "Parallel coordinate",
            lambda: vis.plot_parallel_coordinate(sampled(), **target),  # type: ignore[arg-type]
        ),
        "slice": ("Slice", lambda: vis.plot_slice(sampled(), **target)),  # type: ignore[arg-type]
        "contour": (
            "Contour",
            lambda: vis.plot_contour(
                _sample(snapshot, notes, size=MAX_CONTOUR_TRIALS),  # type: ignore[arg-type]
                params=_contour_params(snapshot, notes),
                **target,
            ),
        ),
        "importance": ("Parameter importances", importance),
        "rank": (
            "Rank",
            lambda: vis.plot_rank(
                _sample(snapshot, notes, size=MAX_CONTOUR_TRIALS),  # type: ignore[arg-type]
                params=_contour_params(snapshot, notes),
                **target,
            ),
        ),
        "edf": ("Empirical distribution", lambda: vis.plot_edf(snapshot, **target)),  # type: ignore[arg-type]
        "timeline": ("Timeline", timeline),
    }
    if multi:
        trials = snapshot.get_trials()
        if len(snapshot.directions) in (2, 3):
            builders["pareto"] = (
                "Pareto front",
                lambda: vis.plot_pareto_front(sampled()),  # type: ignore[arg-type]
            )
        builders["hypervolume"] = (
            "Hypervolume history",
            lambda: vis.plot_hypervolume_history(
                snapshot,  # type: ignore[arg-type]
                reference_point(trials, snapshot.directions),
            ),
        )
    return builders


def plot_kinds(n_objectives: int) -> list[tuple[str, str]]:
    """The ``(kind, title)`` of each plot the study page shows, in page order."""
    kinds = [
        ("history", "Optimization history"),
        ("intermediate", "Intermediate values"),
        ("parallel", "Parallel coordinate"),
        ("slice", "Slice"),
        ("contour", "Contour"),
        ("importance", "Parameter importances"),
        ("rank", "Rank"),
        ("edf", "Empirical distribution"),
        ("timeline", "Timeline"),
    ]
    if n_objectives in (2, 3):
        kinds.insert(0, ("pareto", "Pareto front"))
    if n_objectives > 1:
        kinds.insert(1, ("hypervolume", "Hypervolume history"))
    return kinds


def figure_json(figure: go.Figure, *, extendable: bool = False) -> str:
    """The figure as JSON text, with large scatter traces drawn by WebGL (fast at 100k).

    With ``extendable`` the traces' ``x`` and ``y`` are plain JSON arrays rather than
    plotly's base64 typed arrays, which the page cannot extend with new points.
    """
    from plotly.io.json import to_json_plotly

    data = figure.to_plotly_json()
    for trace in data.get("data", []):
        if trace.get("type") == "scatter" and _length(trace.get("x")) > WEBGL_ABOVE:
            trace["type"] = "scattergl"
        if extendable:
            for axis in ("x", "y"):
                trace[axis] = _plain(trace.get(axis))
    return str(to_json_plotly(data))


def _plain(array: Any) -> Any:
    """A base64 typed array of plotly's JSON as a list (anything else unchanged)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    if isinstance(array, np.ndarray):
        return array.tolist()
    return array


def _length(array: Any) -> int:
    """The length of a trace's array, also when numpy made it a typed array in base64."""
    if array is None:
        return 0
    if isinstance(array, dict) and "bdata" in array:
        text = array["bdata"]
        size = len(text) * 3 // 4 - text.count("=", -2)
        return size // int("".join(c for c in array.get("dtype", "f8") if c.isdigit()) or 8)
    return len(array)


def draw(snapshot: StudySnapshot, kind: str, objective: int = 0) -> PlotResult:
    """Draw one plot of the study page.

    Raises
    ------
    PlotError
        For an unknown ``kind`` or an objective the study does not have.
    """
    notes: list[str] = []
    builders = _builders(snapshot, objective, notes)
    if kind not in builders:
        raise PlotError(f"unknown plot {kind!r}: choose one of {sorted(builders)}.")
    title, build = builders[kind]
    with _draw_lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            figure = build()
        except ValueError as error:  # e.g. too few trials for importances
            return PlotResult(kind, title, None, [*notes, str(error)])
        text = figure_json(figure, extendable=kind == "history")
    for warning in caught:
        message = " ".join(str(warning.message).split())
        if message not in notes:
            notes.append(message)
    if len(figure.data) == 0:
        return PlotResult(kind, title, None, notes or ["Nothing to show yet."])
    return PlotResult(kind, title, text, notes)
