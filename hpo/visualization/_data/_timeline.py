"""What the timeline plot shows: when each trial started and finished, and how it ended."""

from __future__ import annotations

import datetime
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpo._best_trial import is_feasible
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState

if TYPE_CHECKING:
    from hpo.study import Study

#: The category of a COMPLETE trial that violates its stored constraints.
INFEASIBLE = "INFEASIBLE"


@dataclass(frozen=True)
class TimelineData:
    """One bar per started trial, in trial-number order.

    Attributes
    ----------
    numbers:
        Trial numbers.
    starts, ends:
        ``datetime_start`` and ``datetime_complete`` of each trial; a RUNNING trial ends
        at the time the data was computed.
    categories:
        The state's name (``"COMPLETE"``, ``"PRUNED"``, ``"FAIL"``, ``"RUNNING"``), or
        ``"INFEASIBLE"`` for a COMPLETE trial whose stored constraints are violated.
    """

    numbers: tuple[int, ...]
    starts: tuple[datetime.datetime, ...]
    ends: tuple[datetime.datetime, ...]
    categories: tuple[str, ...]


def _now_like(start: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.now(start.tzinfo)


def timeline_data(study: Study, n_recent_trials: int | None = None) -> TimelineData:
    """Return the start, end and category of each trial that has started.

    WAITING trials (not started) have no bar. Warns with :class:`HpoWarning` when no trial
    has started.

    Parameters
    ----------
    study:
        The study.
    n_recent_trials:
        Keep only this many trials with the largest numbers; all by default.

    Returns
    -------
    TimelineData
        The bars.

    Raises
    ------
    ValueError
        If ``n_recent_trials`` is not a positive integer.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study()
    >>> study.add_trial(hpo.create_trial(value=1.0))
    >>> study.add_trial(hpo.create_trial(state=hpo.trial.TrialState.PRUNED))
    >>> timeline_data(study).categories
    ('COMPLETE', 'PRUNED')
    """
    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool)
        or not isinstance(n_recent_trials, int)
        or n_recent_trials <= 0
    ):
        raise ValueError(
            f"n_recent_trials must be a positive integer or None, got {n_recent_trials!r}."
        )
    trials = [t for t in study.get_trials(deepcopy=False) if t.datetime_start is not None]
    trials.sort(key=lambda t: t.number)
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    if not trials:
        warnings.warn("The study has no started trial to plot.", HpoWarning, stacklevel=3)
    starts: list[datetime.datetime] = []
    ends: list[datetime.datetime] = []
    categories: list[str] = []
    for trial in trials:
        start = trial.datetime_start
        assert start is not None
        end = trial.datetime_complete
        starts.append(start)
        ends.append(end if end is not None else _now_like(start))
        category = trial.state.name
        if trial.state == TrialState.COMPLETE and not is_feasible(trial):
            category = INFEASIBLE
        categories.append(category)
    return TimelineData(
        numbers=tuple(t.number for t in trials),
        starts=tuple(starts),
        ends=tuple(ends),
        categories=tuple(categories),
    )
