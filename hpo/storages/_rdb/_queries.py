"""Reading trials: one UNION ALL statement returns trial rows and all their children.

A trial's own row carries ``foreign_writes`` in the ``number`` column, which its children use.

One statement means one round trip and, on every backend, one consistent snapshot: a trial
read as finished comes with everything it will ever hold.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hpo.distributions import cached_json_to_distribution
from hpo.storages._rdb import _schema as s
from hpo.storages._rdb._prepared import Raw
from hpo.storages._rdb._schema import decode_float
from hpo.trial import FrozenTrial, TrialState

_TRIAL, _PARAM, _VALUE, _INTERMEDIATE, _USER_ATTR, _SYSTEM_ATTR, _VECTOR = range(7)

_UTC = datetime.timezone.utc
_STATES = {int(state): state for state in TrialState}


def state_of(code: int) -> TrialState:
    """The trial state stored as ``code``."""
    return _STATES[int(code)]


def _columns(
    kind: int,
    trial_id: Any,
    name: Any = None,
    integer: Any = None,
    code: Any = None,
    number: Any = None,
    text: Any = None,
    start: Any = None,
    complete: Any = None,
    study: Any = None,
) -> list[Any]:
    def null(value: Any, type_: Any) -> Any:
        return sa.cast(sa.null(), type_) if value is None else value

    return [
        sa.literal_column(str(kind), sa.Integer).label("kind"),
        trial_id.label("trial_id"),
        null(name, sa.String).label("name"),
        null(integer, sa.BigInteger).label("integer"),
        null(code, sa.Integer).label("code"),
        null(number, sa.Double).label("number"),
        null(text, sa.Text).label("text"),
        null(start, sa.DateTime).label("start"),
        null(complete, sa.DateTime).label("complete"),
        null(study, sa.Integer).label("study"),
    ]


_CHILDREN: list[tuple[sa.Table, int, dict[str, str]]] = [
    (
        s.trial_params,
        _PARAM,
        {"name": "param_name", "number": "param_value", "text": "distribution_json"},
    ),
    (s.trial_values, _VALUE, {"integer": "objective", "number": "value", "code": "value_type"}),
    (
        s.trial_intermediate_values,
        _INTERMEDIATE,
        {"integer": "step", "number": "value", "code": "value_type"},
    ),
    (s.trial_user_attrs, _USER_ATTR, {"name": "key", "text": "value_json"}),
    (s.trial_system_attrs, _SYSTEM_ATTR, {"name": "key", "text": "value_json"}),
    (s.trial_intermediate_vectors, _VECTOR, {"integer": "step", "text": "values_json"}),
]


def child_rows(restrict: Callable[[sa.Select[Any], sa.Table], sa.Select[Any]]) -> list[Any]:
    """One SELECT per child table of ``trials``, in the row shape of a trials union.

    ``restrict(select, table)`` limits each to the children of the trials wanted.
    """
    parts = []
    for table, kind, spec in _CHILDREN:
        columns = {key: table.c[name] for key, name in spec.items()}
        parts.append(restrict(sa.select(*_columns(kind, table.c.trial_id, **columns)), table))
    return parts


def trial_head(
    trial_id: Any, number: Any, state: Any, foreign_writes: Any, start: Any, study: Any
) -> list[Any]:
    """The columns of a trial's own row in a trials union (not finished: no completion)."""
    return _columns(
        _TRIAL,
        trial_id,
        integer=number,
        code=state,
        number=foreign_writes,
        start=start,
        study=study,
    )


def _trials_union(where: sa.ColumnElement[bool], by_trial_id: bool) -> sa.CompoundSelect:
    """All rows of the trials matching ``where`` (a condition on ``trials``)."""
    t = s.trials
    head = sa.select(
        *_columns(
            _TRIAL,
            t.c.trial_id,
            integer=t.c.number,
            code=t.c.state,
            number=t.c.foreign_writes,
            start=t.c.datetime_start,
            complete=t.c.datetime_complete,
            study=t.c.study_id,
        )
    ).where(where)

    def restrict(select: sa.Select[Any], table: sa.Table) -> sa.Select[Any]:
        if by_trial_id:
            # ``where`` names trials.trial_id only: filter the child table directly.
            return select.where(table.c.trial_id == sa.bindparam("trial_id", required=False))
        return select.join_from(table, t, table.c.trial_id == t.c.trial_id).where(where)

    return sa.union_all(head, *child_rows(restrict))


# Statements are built once; SQLAlchemy caches their compiled form.
ONE_TRIAL = _trials_union(
    s.trials.c.trial_id == sa.bindparam("trial_id", required=False), by_trial_id=True
)
NEW_TRIALS = _trials_union(
    sa.and_(
        s.trials.c.study_id == sa.bindparam("study_id", required=False),
        s.trials.c.number > sa.bindparam("after_number", required=False),
    ),
    by_trial_id=False,
)
RANGE_TRIALS = _trials_union(
    sa.and_(
        s.trials.c.study_id == sa.bindparam("study_id", required=False),
        s.trials.c.number > sa.bindparam("after_number", required=False),
        s.trials.c.number < sa.bindparam("stop_number", required=False),
    ),
    by_trial_id=False,
)


def _new_or_listed(sqlite: bool) -> sa.ColumnElement[bool]:
    """``trials.trial_id`` is of a trial of the study numbered above ``after_number``, or
    listed in ``unfinished_ids`` (PostgreSQL: an array; SQLite: a JSON array).

    Written as one id list (a union of two indexed lookups) rather than ``new OR listed``:
    with the OR, SQLite scans every trial of the study and every child row joined to them.
    The study is checked as ``study_id + 0``, which SQLite cannot answer from the study's
    index, so it does not scan the study through it either.
    """
    t = s.trials
    study_id: Any = sa.bindparam("study_id", required=False)
    new_ids = sa.select(t.c.trial_id).where(
        t.c.study_id == study_id,
        t.c.number > sa.bindparam("after_number", required=False),
    )
    ids: Any = sa.bindparam("unfinished_ids", required=False)
    if sqlite:
        listed = sa.func.json_each(ids).table_valued("value")
        listed_ids: Any = sa.select(listed.c.value)
    else:
        listed_ids = sa.select(t.c.trial_id).where(
            t.c.trial_id == sa.any_(sa.cast(ids, postgresql.ARRAY(sa.Integer)))
        )
    return sa.and_(
        t.c.trial_id.in_(sa.union_all(new_ids, listed_ids)), (t.c.study_id + 0) == study_id
    )


NEW_AND_UNFINISHED_TRIALS = {
    sqlite: _trials_union(_new_or_listed(sqlite), by_trial_id=False) for sqlite in (False, True)
}

# A stored distribution is parsed once per distinct text, in the package's one cache.
distribution_from_json = cached_json_to_distribution


def utc(value: datetime.datetime | None) -> datetime.datetime | None:
    """Attach UTC to a naive datetime read from the database."""
    if value is None:
        return None
    if isinstance(value, str):  # defensive: a driver that returns text
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)


def to_naive_utc(value: datetime.datetime | None) -> datetime.datetime | None:
    """Convert a datetime to naive UTC for storage; naive input is taken as UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(_UTC).replace(tzinfo=None)


def build_trials(rows: Sequence[Any]) -> list[FrozenTrial]:
    """Assemble FrozenTrials from the rows of a trials union, in number order."""
    trials: dict[int, FrozenTrial] = {}
    values: dict[int, dict[int, float]] = {}
    children: list[Any] = []
    for row in rows:
        if row[0] == _TRIAL:
            trial = FrozenTrial.__new__(FrozenTrial)
            trial._trial_id = row[1]
            trial._number = row[3]
            trial._state = _STATES[row[4]]
            trial._values = None
            trial._datetime_start = utc(row[7])
            trial._datetime_complete = utc(row[8])
            trial._params = {}
            trial._distributions = {}
            trial._user_attrs = {}
            trial._system_attrs = {}
            trial._intermediate_values = {}
            trial._intermediate_vectors = {}
            trials[row[1]] = trial
        else:
            children.append(row)
    for kind, trial_id, name, integer, code, number, text, _start, _complete, _study in children:
        owner = trials.get(trial_id)
        if owner is None:
            continue  # a trial created after the trial rows were read
        trial = owner
        if kind == _PARAM:
            dist = distribution_from_json(text)
            trial._params[name] = dist.to_external_repr(number)
            trial._distributions[name] = dist
        elif kind == _VALUE:
            values.setdefault(trial_id, {})[integer] = decode_float(number, code)
        elif kind == _INTERMEDIATE:
            trial._intermediate_values[integer] = decode_float(number, code)
        elif kind == _USER_ATTR:
            trial._user_attrs[name] = json.loads(text)
        elif kind == _SYSTEM_ATTR:
            trial._system_attrs[name] = json.loads(text)
        else:
            trial._intermediate_vectors[integer] = s.decode_vector(text)
    for trial_id, by_objective in values.items():
        trials[trial_id]._values = [by_objective[k] for k in sorted(by_objective)]
    for trial in trials.values():
        if len(trial._intermediate_values) > 1:
            trial._intermediate_values = dict(sorted(trial._intermediate_values.items()))
        if len(trial._intermediate_vectors) > 1:
            trial._intermediate_vectors = dict(sorted(trial._intermediate_vectors.items()))
    return sorted(trials.values(), key=lambda t: t._number)


def load_one(raw: Raw, trial_id: int) -> tuple[FrozenTrial, int, int] | None:
    """Read one trial, its study id and its ``foreign_writes``, or ``None`` if it is unknown."""
    return one_trial(raw.execute(ONE_TRIAL, {"trial_id": trial_id}).fetchall())


def one_trial(rows: Sequence[Any]) -> tuple[FrozenTrial, int, int] | None:
    """Assemble the one trial of a trials union, with its study id and ``foreign_writes``."""
    heads = [row for row in rows if row[0] == _TRIAL]
    found = build_trials(rows)
    return (found[0], int(heads[0][9]), int(heads[0][5])) if found else None


def load_changes(
    raw: Raw, study_id: int, after_number: int, unfinished_ids: Sequence[int]
) -> list[FrozenTrial]:
    """Read the trials of a study numbered above ``after_number`` or in ``unfinished_ids``."""
    params: dict[str, Any] = {"study_id": study_id, "after_number": after_number}
    if not unfinished_ids:
        return build_trials(raw.execute(NEW_TRIALS, params).fetchall())
    ids = [int(i) for i in unfinished_ids]
    params["unfinished_ids"] = json.dumps(ids) if raw.sqlite else ids
    return build_trials(raw.execute(NEW_AND_UNFINISHED_TRIALS[raw.sqlite], params).fetchall())


def load_range(raw: Raw, study_id: int, after_number: int, stop_number: int) -> list[FrozenTrial]:
    """Read the trials of a study numbered above ``after_number`` and below ``stop_number``."""
    params = {"study_id": study_id, "after_number": after_number, "stop_number": stop_number}
    return build_trials(raw.execute(RANGE_TRIALS, params).fetchall())
