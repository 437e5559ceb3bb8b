"""Build studies from hand-written histories and replay a running trial's reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import hpo
from hpo.pruners import BasePruner
from hpo.trial import TrialState

NAN = float("nan")
Record = tuple[TrialState, float | None, dict[int, float]]
History = Iterable[Record]


def complete(intermediate: dict[int, float], value: float | None = None) -> Record:
    """A COMPLETE trial; its value defaults to its last intermediate value."""
    if value is None:
        value = intermediate[max(intermediate)] if intermediate else 0.0
    return (TrialState.COMPLETE, value, intermediate)


def pruned(intermediate: dict[int, float]) -> Record:
    """A PRUNED trial."""
    return (TrialState.PRUNED, None, intermediate)


def make_study(
    pruner: BasePruner,
    history: History = (),
    direction: str = "minimize",
    study_name: str | None = None,
) -> hpo.Study:
    """A study holding ``history`` as finished trials."""
    study = hpo.create_study(pruner=pruner, direction=direction, study_name=study_name)
    for state, value, intermediate in history:
        study.add_trial(
            hpo.create_trial(state=state, value=value, intermediate_values=intermediate)
        )
    return study


def decisions(
    study: hpo.Study, reports: Sequence[tuple[int, float]], stop: bool = False
) -> list[tuple[int, bool]]:
    """Ask a trial, report each (step, value), and return (step, should_prune()) pairs.

    With ``stop`` the trial is told PRUNED at the first True decision, COMPLETE otherwise.
    """
    trial = study.ask()
    out = []
    for step, value in reports:
        trial.report(value, step)
        out.append((step, trial.should_prune()))
        if stop and out[-1][1]:
            study.tell(trial, state=TrialState.PRUNED)
            return out
    if stop:
        study.tell(trial, reports[-1][1] if reports else 0.0)
    return out


def pruned_steps(study: hpo.Study, reports: Sequence[tuple[int, float]]) -> list[int]:
    """The steps at which the running trial would be pruned."""
    return [step for step, prune in decisions(study, reports) if prune]


def first_pruned_step(study: hpo.Study, reports: Sequence[tuple[int, float]]) -> int | None:
    """Run a trial to its first pruned step (told PRUNED) or to its end (told COMPLETE)."""
    out = decisions(study, reports, stop=True)
    return out[-1][0] if out and out[-1][1] else None
