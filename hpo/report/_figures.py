"""Which figures a report shows, each built by the plot functions of :mod:`hpo.visualization`.

A single-objective study gets the optimization history, the intermediate values (when a
trial reported any), the parameter importances, the slice plot and the parallel coordinate
plot. A study with several objectives gets the Pareto front (2 or 3 objectives), the
intermediate values, the importances of every objective, and a history, slice and parallel
coordinate plot per objective. Without a COMPLETE trial only the intermediate values can be
shown.

Warnings a plot gives while it is built (e.g. "nothing to show") never reach the caller: they
become notes printed under the figure's heading. A figure without data is left out, its notes
kept; the intermediate values section is left out altogether when no trial reported a value.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from hpo import visualization
from hpo.trial import FrozenTrial, TrialState
from hpo.visualization._data._trials import objective_target

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpo.study import Study


@dataclass
class ReportSection:
    """One heading of the report: its figure (``None`` when there is nothing to draw) and
    the notes printed under the heading."""

    title: str
    figure: go.Figure | None
    notes: list[str] = field(default_factory=list)


@contextmanager
def _notes_from_warnings(notes: list[str]) -> Iterator[None]:
    """Turn every warning raised in the block into a note instead of letting it escape."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        text = " ".join(str(warning.message).split())
        if text not in notes:
            notes.append(text)


def _section(title: str, build: Callable[[], go.Figure]) -> ReportSection:
    section = ReportSection(title, None)
    with _notes_from_warnings(section.notes):
        figure = build()
    if len(figure.data) > 0:
        section.figure = figure
    elif not section.notes:
        section.notes.append("Nothing to show.")
    return section


def importance_study(study: Study, max_trials: int | None, seed: int) -> tuple[Study, str | None]:
    """Return the study the importances are computed on, and a note saying so if sampled.

    With more than ``max_trials`` COMPLETE trials, a random sample of that many (drawn with
    ``seed``) is copied into an in-memory study, for studies so large that even the default
    evaluator takes long.
    """
    from hpo.samplers import RandomSampler
    from hpo.study import create_study

    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if max_trials is None or len(complete) <= max_trials:
        return study, None
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(complete), size=max_trials, replace=False))
    sample = create_study(directions=study.directions, sampler=RandomSampler(seed=seed))
    metric_names = study.metric_names
    if metric_names is not None:
        sample.set_metric_names(metric_names)
    sample.add_trials([complete[i] for i in chosen])
    note = (
        f"Importances from a random sample of {max_trials:,} of the {len(complete):,} "
        f"completed trials (seed {seed})."
    )
    return sample, note


def _importance_section(study: Study, max_trials: int | None, seed: int) -> ReportSection:
    section = ReportSection("Parameter importances", None)
    with _notes_from_warnings(section.notes):
        target_study, note = importance_study(study, max_trials, seed)
        if note is not None:
            section.notes.append(note)
        try:
            figure = visualization.plot_param_importances(target_study)
        except ValueError as e:  # too few complete trials with every parameter: say so
            section.notes.append(f"No importances: {e}")
            return section
    if len(figure.data) > 0:
        section.figure = figure
    elif len(section.notes) == (0 if note is None else 1):
        section.notes.append("Nothing to show.")
    return section


def _per_objective_sections(study: Study) -> list[ReportSection]:
    n_objectives = len(study.directions)
    names = study.metric_names or [f"Objective {k}" for k in range(n_objectives)]
    sections = []
    for kind, plot in (
        ("Optimization history", visualization.plot_optimization_history),
        ("Slice", visualization.plot_slice),
        ("Parallel coordinate", visualization.plot_parallel_coordinate),
    ):
        for index, name in enumerate(names):
            target = objective_target(index)

            def build(
                plot: Callable[..., go.Figure] = plot,
                target: Callable[[FrozenTrial], float] = target,
                name: str = name,
            ) -> go.Figure:
                return plot(study, target=target, target_name=name)

            sections.append(_section(f"{kind}: {name}", build))
    return sections


def report_sections(
    study: Study, n_complete: int, *, max_importance_trials: int | None, seed: int
) -> list[ReportSection]:
    """Return the figure sections of the report of ``study``, in page order.

    ``n_complete`` is the number of COMPLETE trials (from the summary): without any, only the
    intermediate values can be drawn.
    """
    sections: list[ReportSection] = []
    n_objectives = len(study.directions)
    if n_complete > 0 and n_objectives == 1:
        sections.append(
            _section(
                "Optimization history", lambda: visualization.plot_optimization_history(study)
            )
        )
    if n_complete > 0 and n_objectives > 1:
        if n_objectives in (2, 3):
            sections.append(
                _section("Pareto front", lambda: visualization.plot_pareto_front(study))
            )
        else:
            sections.append(
                ReportSection(
                    "Pareto front",
                    None,
                    [
                        f"The Pareto front is drawn for 2 or 3 objectives; the study has "
                        f"{n_objectives}."
                    ],
                )
            )
    curves = _section("Intermediate values", lambda: visualization.plot_intermediate_values(study))
    if curves.figure is not None:  # no note when no trial reported: that is common, not odd
        sections.append(curves)
    if n_complete == 0:
        return sections
    sections.append(_importance_section(study, max_importance_trials, seed))
    if n_objectives == 1:
        sections.append(_section("Slice", lambda: visualization.plot_slice(study)))
        sections.append(
            _section("Parallel coordinate", lambda: visualization.plot_parallel_coordinate(study))
        )
    else:
        sections.extend(_per_objective_sections(study))
    return sections
