"""What the report's summary table says about a study, read from its trials in one pass."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hpo._best_trial import find_best_trial
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study import Study

# Trials on the Pareto front listed in the summary; the rest are counted.
MAX_BEST_TRIALS_SHOWN = 20


@dataclass(frozen=True)
class BestTrial:
    """A best trial as the summary lists it: number, objective values and parameters."""

    number: int
    values: tuple[float, ...]
    params: dict[str, Any]


@dataclass(frozen=True)
class StudySummaryData:
    """The facts of the summary table.

    ``state_counts`` has every :class:`~hpo.trial.TrialState` name (zero included), in the
    enumeration's order. ``best_trials`` is the best trial of a single-objective study, or the
    first :data:`MAX_BEST_TRIALS_SHOWN` trials of the Pareto front (``n_best_trials`` counts
    them all). ``first_start`` and ``last_complete`` bound the time the trials ran.
    """

    study_name: str
    directions: tuple[str, ...]
    metric_names: tuple[str, ...] | None
    n_trials: int
    state_counts: dict[str, int]
    best_trials: tuple[BestTrial, ...]
    n_best_trials: int
    first_start: datetime.datetime | None
    last_complete: datetime.datetime | None
    user_attrs: dict[str, Any]

    @property
    def n_complete(self) -> int:
        """The number of COMPLETE trials."""
        return self.state_counts[TrialState.COMPLETE.name]

    @property
    def is_multi_objective(self) -> bool:
        """Whether the study has several objectives."""
        return len(self.directions) > 1


def _best(trial: FrozenTrial) -> BestTrial:
    return BestTrial(trial.number, tuple(trial.values or ()), dict(trial.params))


def summarize(study: Study) -> StudySummaryData:
    """Return the summary facts of ``study``.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(study_name="demo")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> summary = summarize(study)
    >>> summary.n_trials, summary.state_counts["COMPLETE"], len(summary.best_trials)
    (3, 3, 1)
    """
    trials = study.get_trials(deepcopy=False)
    counts = {state.name: 0 for state in TrialState}
    starts = []
    completes = []
    for trial in trials:
        counts[trial.state.name] += 1
        if trial.datetime_start is not None:
            starts.append(trial.datetime_start)
        if trial.datetime_complete is not None:
            completes.append(trial.datetime_complete)
    directions = study.directions
    if len(directions) == 1:
        best = find_best_trial(trials, directions[0])
        front = [] if best is None else [best]
    else:
        front = study.best_trials
    metric_names = study.metric_names
    return StudySummaryData(
        study_name=study.study_name,
        directions=tuple(direction.name for direction in directions),
        metric_names=None if metric_names is None else tuple(metric_names),
        n_trials=len(trials),
        state_counts=counts,
        best_trials=tuple(_best(trial) for trial in front[:MAX_BEST_TRIALS_SHOWN]),
        n_best_trials=len(front),
        first_start=min(starts, default=None),
        last_complete=max(completes, default=None),
        user_attrs=dict(sorted(study.user_attrs.items())),
    )
