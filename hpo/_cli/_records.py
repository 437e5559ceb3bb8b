"""Studies and trials as rows of JSON-ready values, the columns the commands print.

Datetimes are ISO 8601 strings with their UTC offset (``2026-01-31T12:00:00.123456+00:00``),
durations are seconds (a float), states and directions are names (``"COMPLETE"``,
``"MINIMIZE"``), and parameters and attributes are sorted by name.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpo.study import StudySummary
    from hpo.trial import FrozenTrial

STUDY_COLUMNS = ("name", "direction", "n_trials", "datetime_start", "user_attrs")
TRIAL_TIMES = ("datetime_start", "datetime_complete", "duration")


def trial_columns(multi_objective: bool) -> tuple[str, ...]:
    """Return the columns of a trial row: ``values`` instead of ``value`` for several objectives.

    Examples
    --------
    >>> trial_columns(False)[:2]
    ('number', 'value')
    """
    objective = "values" if multi_objective else "value"
    return ("number", objective, *TRIAL_TIMES, "params", "user_attrs", "state")


def iso(moment: datetime.datetime | None) -> str | None:
    """Return ``moment`` in ISO 8601, or None.

    Examples
    --------
    >>> import datetime
    >>> iso(datetime.datetime(2026, 1, 31, 12, 0, tzinfo=datetime.timezone.utc))
    '2026-01-31T12:00:00+00:00'
    """
    return None if moment is None else moment.isoformat()


def _sorted(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: mapping[key] for key in sorted(mapping)}


def trial_row(trial: FrozenTrial, multi_objective: bool) -> dict[str, Any]:
    """Return the row of ``trial`` with the columns of :func:`trial_columns`."""
    row: dict[str, Any] = {"number": trial.number}
    if multi_objective:
        row["values"] = None if trial.values is None else list(trial.values)
    else:
        row["value"] = trial.value
    duration = trial.duration
    row["datetime_start"] = iso(trial.datetime_start)
    row["datetime_complete"] = iso(trial.datetime_complete)
    row["duration"] = None if duration is None else duration.total_seconds()
    row["params"] = _sorted(trial.params)
    row["user_attrs"] = _sorted(trial.user_attrs)
    row["state"] = trial.state.name
    return row


def ask_row(trial_number: int, params: dict[str, Any]) -> dict[str, Any]:
    """Return the row the ``ask`` command prints: the trial number and its parameters.

    Examples
    --------
    >>> ask_row(4, {"y": 1, "x": 0.5})
    {'number': 4, 'params': {'x': 0.5, 'y': 1}}
    """
    return {"number": trial_number, "params": _sorted(params)}


def study_row(summary: StudySummary) -> dict[str, Any]:
    """Return the row of one study with the columns of ``STUDY_COLUMNS``."""
    return {
        "name": summary.study_name,
        "direction": [direction.name for direction in summary.directions],
        "n_trials": summary.n_trials,
        "datetime_start": iso(summary.datetime_start),
        "user_attrs": _sorted(summary.user_attrs),
    }
