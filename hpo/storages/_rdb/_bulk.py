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
    json_of: dict[int, str] = {}  # by id(): distributions are shared, immutable objects
    params: list[tuple[Any, ...]] = []
    values: list[tuple[Any, ...]] = []
    intermediate: list[tuple[Any, ...]] = []
    vectors: list[tuple[Any, ...]] = []
    user: list[tuple[Any, ...]] = []
    system: list[tuple[Any, ...]] = []
    beats: list[dict[str, Any]] = []
    encode = s.encode_float
    for number, trial in enumerate(trials):
        trial_id = ids[number]
        trial_params = trial.params
        for name, distribution in trial.distributions.items():
            text = json_of.get(id(distribution))
            if text is None:
                text = json_of[id(distribution)] = distribution_to_json(distribution)
            internal = distribution.to_internal_repr(trial_params[name])
            params.append((trial_id, name, internal, text))
        if trial._values is not None:
            values.extend((trial_id, i, *encode(float(v))) for i, v in enumerate(trial._values))
        intermediate.extend(
            (trial_id, step, *encode(float(v))) for step, v in trial.intermediate_values.items()
        )
        vectors.extend(
            (trial_id, step, s.encode_vector(v)) for step, v in trial.intermediate_vectors.items()
        )
        user.extend((trial_id, k, attr_to_json(k, v)) for k, v in trial.user_attrs.items())
        system.extend((trial_id, k, attr_to_json(k, v)) for k, v in trial.system_attrs.items())
        if heartbeat_now is not None and trial.state == TrialState.RUNNING:
            beats.append({"trial_id": trial_id, "heartbeat": heartbeat_now})
    float_columns = ("value", "value_type")
    _insert_rows(conn, s.trial_params, _PARAM_COLUMNS, params)
    _insert_rows(conn, s.trial_values, ("trial_id", "objective", *float_columns), values)
    _insert_rows(
        conn, s.trial_intermediate_values, ("trial_id", "step", *float_columns), intermediate
    )
    _insert_rows(conn, s.trial_intermediate_vectors, ("trial_id", "step", "values_json"), vectors)
    _insert_rows(conn, s.trial_user_attrs, _ATTR_COLUMNS, user)
    _insert_rows(conn, s.trial_system_attrs, _ATTR_COLUMNS, system)
    if beats:
        conn.execute(sa.insert(s.trial_heartbeats), beats)


_PARAM_COLUMNS = ("trial_id", "param_name", "param_value", "distribution_json")
_ATTR_COLUMNS = ("trial_id", "key", "value_json")


def _insert_rows(
    conn: Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT ``rows``, tuples of ``columns`` of ``table``, with the driver's executemany.

    Only for columns of numbers and text, which need no conversion: SQLAlchemy's per-row
    parameter processing would cost more than the database's work on 100,000 rows.
    """
    if not rows:
        return
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(table.c[column].name) for column in columns)
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    markers = ", ".join([marker] * len(columns))
    conn.exec_driver_sql(
        f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({markers})", rows
    )
