"""The write statements of RDBStorage, built once per SQL dialect.

Each write of a trial's parameter, intermediate value or attribute is a single conditional
upsert ``INSERT ... SELECT ... FROM trials WHERE trial_id = ? AND state IN (RUNNING, WAITING)
ON CONFLICT DO UPDATE``: one statement, one round trip, and nothing is written to a finished
trial. On PostgreSQL the trial row is locked (``FOR NO KEY UPDATE``) so that a concurrent
``set_trial_state_values`` cannot finish the trial between the check and the insert.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hpo.storages._rdb import _schema as s
from hpo.trial import TrialState

UPDATABLE = (int(TrialState.RUNNING), int(TrialState.WAITING))


def bp(name: str, type_: Any = None) -> Any:
    """A bound parameter; prefixed because SQLAlchemy reserves column names in DML."""
    return sa.bindparam("b_" + name, type_=type_, required=False)


def args(params: dict[str, Any]) -> dict[str, Any]:
    """Name the values of ``params`` for the statements of this module."""
    return {"b_" + key: value for key, value in params.items()}


RUNNING = int(TrialState.RUNNING)
WAITING = int(TrialState.WAITING)


def _insert(dialect: str, table: sa.Table) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _conditional_upsert(
    dialect: str,
    table: sa.Table,
    columns: dict[str, Any],
    key: list[str],
    owner: sa.Table,
    owner_where: sa.ColumnElement[bool],
) -> Any:
    source = sa.select(*[bp(name, type_) for name, type_ in columns.items()])
    source = source.select_from(owner).where(owner_where)
    if dialect == "postgresql" and owner is s.trials:
        source = source.with_for_update(key_share=True)
    insert = _insert(dialect, table).from_select(list(columns), source)
    updates = {name: insert.excluded[name] for name in columns if name not in key}
    # SQLAlchemy keeps an INSERT's rowcount only when asked; it tells whether the check passed.
    return insert.on_conflict_do_update(index_elements=key, set_=updates).execution_options(
        preserve_rowcount=True
    )


def _trial_is_updatable() -> sa.ColumnElement[bool]:
    return sa.and_(
        s.trials.c.trial_id == bp("trial_id", sa.Integer),
        s.trials.c.state.in_(UPDATABLE),
    )


class Statements:
    """Prepared Core statements for one dialect (``sqlite`` or ``postgresql``)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        trial_owner = _trial_is_updatable()
        self.upsert_param = _conditional_upsert(
            dialect,
            s.trial_params,
            {
                "trial_id": sa.Integer,
                "param_name": sa.String,
                "param_value": sa.Double,
                "distribution_json": sa.Text,
            },
            ["trial_id", "param_name"],
            s.trials,
            trial_owner,
        )
        self.upsert_intermediate = _conditional_upsert(
            dialect,
            s.trial_intermediate_values,
            {
                "trial_id": sa.Integer,
                "step": sa.BigInteger,
                "value": sa.Double,
                "value_type": sa.SmallInteger,
            },
            ["trial_id", "step"],
            s.trials,
            trial_owner,
        )
        attr_columns = {"trial_id": sa.Integer, "key": sa.String, "value_json": sa.Text}
        self.upsert_trial_attr = {
            table.name: _conditional_upsert(
                dialect, table, attr_columns, ["trial_id", "key"], s.trials, trial_owner
            )
            for table in (s.trial_user_attrs, s.trial_system_attrs)
        }
        study_owner = s.studies.c.study_id == bp("study_id", sa.Integer)
        study_attr_columns = {"study_id": sa.Integer, "key": sa.String, "value_json": sa.Text}
        self.upsert_study_attr = {
            table.name: _conditional_upsert(
                dialect, table, study_attr_columns, ["study_id", "key"], s.studies, study_owner
            )
            for table in (s.study_user_attrs, s.study_system_attrs)
        }
        running_owner = sa.and_(
            s.trials.c.trial_id == bp("trial_id", sa.Integer),
            s.trials.c.state == RUNNING,
        )
        heartbeat = _insert(dialect, s.trial_heartbeats).from_select(
            ["trial_id", "heartbeat"],
            sa.select(bp("trial_id", sa.Integer), self.now())
            .select_from(s.trials)
            .where(running_owner),
        )
        self.upsert_heartbeat = heartbeat.on_conflict_do_update(
            index_elements=["trial_id"], set_={"heartbeat": heartbeat.excluded.heartbeat}
        )
        self.insert_anchor = (
            _insert(dialect, s.study_param_distributions)
            .values(
                study_id=bp("study_id"),
                param_name=bp("param_name"),
                distribution_json=bp("distribution_json"),
            )
            .on_conflict_do_nothing(index_elements=["study_id", "param_name"])
        )
        self.select_anchor = sa.select(s.study_param_distributions.c.distribution_json).where(
            s.study_param_distributions.c.study_id == bp("study_id"),
            s.study_param_distributions.c.param_name == bp("param_name"),
        )
        self.bump_counter = (
            sa.update(s.studies)
            .where(s.studies.c.study_id == bp("study_id", sa.Integer))
            .values(next_trial_number=s.studies.c.next_trial_number + 1)
            .returning(s.studies.c.next_trial_number)
        )
        self.insert_trial = (
            sa.insert(s.trials)
            .values(
                study_id=bp("study_id"),
                number=bp("number"),
                state=bp("state"),
                datetime_start=bp("datetime_start"),
                datetime_complete=bp("datetime_complete"),
            )
            .returning(s.trials.c.trial_id)
        )
        if dialect == "postgresql":
            # Counter and insert in one statement: one round trip, same atomicity.
            counter = (
                sa.update(s.studies)
                .where(s.studies.c.study_id == bp("study_id", sa.Integer))
                .values(next_trial_number=s.studies.c.next_trial_number + 1)
                .returning(
                    s.studies.c.study_id,
                    (s.studies.c.next_trial_number - 1).label("number"),
                )
                .cte("counter")
            )
            self.create_running_trial: Any = (
                sa.insert(s.trials)
                .from_select(
                    ["study_id", "number", "state", "datetime_start"],
                    sa.select(
                        counter.c.study_id,
                        counter.c.number,
                        sa.literal_column(str(RUNNING), sa.SmallInteger),
                        bp("datetime_start", sa.DateTime),
                    ),
                )
                .returning(s.trials.c.trial_id, s.trials.c.number)
            )
        else:
            self.create_running_trial = None
        self.finish_trial = (
            sa.update(s.trials)
            .where(
                s.trials.c.trial_id == bp("trial_id", sa.Integer),
                s.trials.c.state.in_(UPDATABLE),
            )
            .values(
                state=bp("state", sa.SmallInteger),
                datetime_complete=bp("datetime_complete", sa.DateTime),
            )
        )
        values_insert = _insert(dialect, s.trial_values)
        self.upsert_value = values_insert.values(
            trial_id=bp("trial_id"),
            objective=bp("objective"),
            value=bp("value"),
            value_type=bp("value_type"),
        ).on_conflict_do_update(
            index_elements=["trial_id", "objective"],
            set_={
                "value": values_insert.excluded.value,
                "value_type": values_insert.excluded.value_type,
            },
        )
        self.finish_with_values: Any = None
        if dialect == "postgresql":
            # Finish the trial and insert its values in one statement; the insert takes its
            # rows from the UPDATE, so no values are written unless the trial was unfinished.
            updated = self.finish_trial.returning(s.trials.c.trial_id).cte("updated")
            unnested = (
                sa.func.unnest(
                    bp("objectives", postgresql.ARRAY(sa.Integer)),
                    bp("values", postgresql.ARRAY(sa.Double)),
                    bp("value_types", postgresql.ARRAY(sa.SmallInteger)),
                )
                .table_valued("objective", "value", "value_type")
                .render_derived(name="v")
            )
            finish = postgresql.insert(s.trial_values).from_select(
                ["trial_id", "objective", "value", "value_type"],
                sa.select(
                    updated.c.trial_id,
                    unnested.c.objective,
                    unnested.c.value,
                    unnested.c.value_type,
                ).select_from(updated.join(unnested, sa.true())),
            )
            self.finish_with_values = finish.on_conflict_do_update(
                index_elements=["trial_id", "objective"],
                set_={"value": finish.excluded.value, "value_type": finish.excluded.value_type},
            )
        self.start_waiting_trial = (
            sa.update(s.trials)
            .where(
                s.trials.c.trial_id == bp("trial_id", sa.Integer),
                s.trials.c.state == WAITING,
            )
            .values(
                state=RUNNING,
                datetime_start=bp("datetime_start", sa.DateTime),
            )
        )
        self.requeue_trial = (
            sa.update(s.trials)
            .where(
                s.trials.c.trial_id == bp("trial_id", sa.Integer),
                s.trials.c.state.in_(UPDATABLE),
            )
            .values(state=WAITING)
        )
        self.trial_state = sa.select(
            s.trials.c.study_id, s.trials.c.number, s.trials.c.state
        ).where(s.trials.c.trial_id == bp("trial_id"))
        self.waiting_trial_ids = (
            sa.select(s.trials.c.trial_id)
            .where(s.trials.c.study_id == bp("study_id"), s.trials.c.state == WAITING)
            .order_by(s.trials.c.number)
            .limit(16)
        )
        self.study_counter = sa.select(s.studies.c.next_trial_number).where(
            s.studies.c.study_id == bp("study_id")
        )

    def now(self) -> Any:
        """The database's current time as naive UTC (PostgreSQL), else a bound parameter.

        Heartbeats compare times written by different machines; on PostgreSQL the server's
        clock is the one clock they share. SQLite is a local file: the local clock is its clock.
        """
        if self.dialect == "postgresql":
            return sa.func.timezone("UTC", sa.func.statement_timestamp())
        return bp("now", sa.DateTime)


@functools.cache
def statements_for(dialect: str) -> Statements:
    """Return the statements of ``dialect``, built on first use."""
    return Statements(dialect)
