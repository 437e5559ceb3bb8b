"""Build multi-objective studies from hand-written histories and replay a trial's reports."""

from __future__ import annotations

from collections.abc import Sequence

import hpo
from hpo.pruners import BasePruner
from hpo.storages import BaseStorage
from hpo.trial import TrialState

Vector = tuple[float, ...]


def make_mo_study(
    pruner: BasePruner,
    history: Sequence[dict[int, Vector]] = (),
    directions: Sequence[str] = ("minimize", "minimize"),
    storage: BaseStorage | None = None,
) -> hpo.Study:
    """A study whose COMPLETE trials reported ``history`` (one dict of step -> values each)."""
    study = hpo.create_study(pruner=pruner, directions=list(directions), storage=storage)
    for vectors in history:
        last = vectors[max(vectors)]
        study.add_trial(hpo.create_trial(values=list(last), intermediate_vectors=dict(vectors)))
    return study


def first_pruned_step(study: hpo.Study, reports: Sequence[tuple[int, Vector]]) -> int | None:
    """Run a trial to its first pruned step (told PRUNED) or to its end (told COMPLETE)."""
    trial = study.ask()
    for step, values in reports:
        trial.report(list(values), step)
        if trial.should_prune():
            study.tell(trial, state=TrialState.PRUNED)
            return step
    study.tell(trial, list(reports[-1][1]))
    return None


def decisions(study: hpo.Study, reports: Sequence[tuple[int, Vector]]) -> list[bool]:
    """Report each (step, values) in one trial and return should_prune() after each."""
    trial = study.ask()
    out = []
    for step, values in reports:
        trial.report(list(values), step)
        out.append(trial.should_prune())
    return out
