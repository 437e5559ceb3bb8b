"""Creating a study together with all its trials in one transaction (copies and imports).

One INSERT per table, each with all its rows (the driver's ``executemany``), instead of a
transaction per trial: copying a study of 10,000 trials costs a dozen statements. The study's
trial counter is set to the number of trials, so trials asked for later continue the
numbering. Either all of it is committed or, on any error, none of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hpo._study_direction import StudyDirection
from hpo.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
    distribution_to_json,
)
from hpo.exceptions import DuplicatedStudyError
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._create import attr_to_json
from hpo.storages._rdb._queries import to_naive_utc
from hpo.trial import FrozenTrial, TrialState


def _anchors(trials: Sequence[FrozenTrial]) -> dict[str, tuple[BaseDistribution, str]]:
    """Each parameter's first distribution (with its JSON), checked against all later ones.

    Raises
    ------
    ValueError
        If a trial uses a name with a distribution incompatible with the first one.
    """
    anchors: dict[str, tuple[BaseDistribution, str]] = {}
    for trial in trials:
        for name, distribution in trial.distributions.items():
            known = anchors.get(name)
            if known is None:
                anchors[name] = (distribution, distribution_to_json(distribution))
            elif known[0] is not distribution and known[0] != distribution:
                try:
                    check_distribution_compatibility(known[0], distribution)
                except ValueError as e:
                    raise ValueError(f"Trial {trial.number}, parameter {name!r}: {e}") from None
    return anchors


def _float_rows(trial_id: int, key_column: str, items: Any, rows: list[dict[str, Any]]) -> None:
    for key, value in items:
        stored, value_type = s.encode_float(float(value))
        rows.append(
            {"trial_id": trial_id, key_column: key, "value": stored, "value_type": value_type}
        )


def insert_study_with_trials(
    conn: Connection,
    study_name: str,
    directions: Sequence[StudyDirection],
    user_attrs: dict[str, Any],
    system_attrs: dict[str, Any],
    trials: Sequence[FrozenTrial],
    heartbeat_now: datetime.datetime | None,
) -> int:
    """Insert a study and copies of ``trials`` (numbered 0, 1, ... in order) on ``conn``.

    The caller runs this in one write transaction. ``heartbeat_now``, when heartbeats are on,
    is the first heartbeat of the RUNNING trials.

    Returns
    -------
    int
        The study's id.

    Raises
    ------
    DuplicatedStudyError
        If a study named ``study_name`` exists.
    ValueError
        If two trials use one parameter name with incompatible distributions.
    TypeError
        If an attribute is not JSON serializable.
    """
    anchors = _anchors(trials)
    user_json = [(k, attr_to_json(k, v)) for k, v in user_attrs.items()]
    system_json = [(k, attr_to_json(k, v)) for k, v in system_attrs.items()]
    try:
        study_id = int(
            conn.execute(
                sa.insert(s.studies)
                .values(study_name=study_name, next_trial_number=len(trials))
                .returning(s.studies.c.study_id)
            ).scalar_one()
        )
    except sa.exc.IntegrityError:
        raise DuplicatedStudyError(f"A study named {study_name!r} already exists.") from None
    conn.execute(
        sa.insert(s.study_directions),
        [
            {"study_id": study_id, "objective": i, "direction": int(d)}
            for i, d in enumerate(directions)
        ],
    )
    for table, attrs in ((s.study_user_attrs, user_json), (s.study_system_attrs, system_json)):
        if attrs:
            conn.execute(
                sa.insert(table),
                [{"study_id": study_id, "key": k, "value_json": v} for k, v in attrs],
            )
    if anchors:
        conn.execute(
            sa.insert(s.study_param_distributions),
            [
                {"study_id": study_id, "param_name": name, "distribution_json": text}
                for name, (_, text) in anchors.items()
            ],
        )
    if not trials:
        return study_id
    conn.execute(
        sa.insert(s.trials),
        [
            {
                "study_id": study_id,
                "number": number,
                "state": int(trial.state),
                "datetime_start": to_naive_utc(trial.datetime_start),
                "datetime_complete": to_naive_utc(trial.datetime_complete),
            }
            for number, trial in enumerate(trials)
        ],
    )
    ids = dict(
        conn.execute(
            sa.select(s.trials.c.number, s.trials.c.trial_id).where(
                s.trials.c.study_id == study_id
            )
        ).all()
    )
    _insert_children(conn, trials, ids, heartbeat_now)
    return study_id


def _insert_children(
    conn: Connection,
    trials: Sequence[FrozenTrial],
    ids: dict[int, int],
    heartbeat_now: datetime.datetime | None,
) -> None:
    json_of: dict[BaseDistribution, str] = {}
    params: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    intermediate: list[dict[str, Any]] = []
    user: list[dict[str, Any]] = []
    system: list[dict[str, Any]] = []
    beats: list[dict[str, Any]] = []
    for number, trial in enumerate(trials):
        trial_id = ids[number]
        for name, distribution in trial.distributions.items():
            text = json_of.get(distribution)
            if text is None:
                text = json_of[distribution] = distribution_to_json(distribution)
            params.append(
                {
                    "trial_id": trial_id,
                    "param_name": name,
                    "param_value": distribution.to_internal_repr(trial.params[name]),
                    "distribution_json": text,
                }
            )
        if trial._values is not None:
            _float_rows(trial_id, "objective", enumerate(trial._values), values)
        _float_rows(trial_id, "step", trial.intermediate_values.items(), intermediate)
        for key, value in trial.user_attrs.items():
            user.append({"trial_id": trial_id, "key": key, "value_json": attr_to_json(key, value)})
        for key, value in trial.system_attrs.items():
            system.append(
                {"trial_id": trial_id, "key": key, "value_json": attr_to_json(key, value)}
            )
        if heartbeat_now is not None and trial.state == TrialState.RUNNING:
            beats.append({"trial_id": trial_id, "heartbeat": heartbeat_now})
    for table, rows in (
        (s.trial_params, params),
        (s.trial_values, values),
        (s.trial_intermediate_values, intermediate),
        (s.trial_user_attrs, user),
        (s.trial_system_attrs, system),
        (s.trial_heartbeats, beats),
    ):
        if rows:
            conn.execute(sa.insert(table), rows)
