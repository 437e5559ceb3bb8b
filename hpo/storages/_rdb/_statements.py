"""The write statements of RDBStorage, built once per SQL dialect.

Each write of a trial's parameter, intermediate value or attribute is a single conditional
upsert ``INSERT ... SELECT ... FROM trials WHERE trial_id = ? AND state IN (RUNNING, WAITING)
ON CONFLICT DO UPDATE``: one statement, one round trip, and nothing is written to a finished
trial. On PostgreSQL the trial row is locked (``FOR NO KEY UPDATE``) so that a concurrent
``set_trial_state_values`` cannot finish the trial between the check and the insert.

A write by a storage object that does not own the trial also increments
``trials.foreign_writes`` (in the same statement on PostgreSQL, the same transaction on
SQLite), so that the owner knows its own record of the trial is no longer complete.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hpo.storages._rdb import _queries
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
    foreign: bool = False,
) -> Any:
    values = [bp(name, type_) for name, type_ in columns.items()]
    if foreign:
        # The UPDATE locks the trial row as FOR NO KEY UPDATE would, and counts the write.
        bumped = (
            sa.update(s.trials)
            .where(owner_where)
            .values(foreign_writes=s.trials.c.foreign_writes + 1)
            .returning(s.trials.c.trial_id)
            .cte("bumped")
        )
        source = sa.select(*values).select_from(bumped)
    else:
        source = sa.select(*values).select_from(owner).where(owner_where)
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
        trial_columns: dict[str, tuple[sa.Table, dict[str, Any], list[str]]] = {
            "param": (
                s.trial_params,
                {
                    "trial_id": sa.Integer,
                    "param_name": sa.String,
                    "param_value": sa.Double,
                    "distribution_json": sa.Text,
                },
                ["trial_id", "param_name"],
            ),
            "intermediate": (
                s.trial_intermediate_values,
                {
                    "trial_id": sa.Integer,
                    "step": sa.BigInteger,
                    "value": sa.Double,
                    "value_type": sa.SmallInteger,
                },
                ["trial_id", "step"],
            ),
            "intermediate_vector": (
                s.trial_intermediate_vectors,
                {"trial_id": sa.Integer, "step": sa.BigInteger, "values_json": sa.Text},
                ["trial_id", "step"],
            ),
        }
        attr_columns = {"trial_id": sa.Integer, "key": sa.String, "value_json": sa.Text}
        for kind, table in (
            ("user_attr", s.trial_user_attrs),
            ("system_attr", s.trial_system_attrs),
        ):
            trial_columns[kind] = (table, attr_columns, ["trial_id", "key"])
        # Writes to a trial by its owner, and (PostgreSQL) by anyone else: see the module doc.
        self.upsert: dict[str, Any] = {}
        self.foreign_upsert: dict[str, Any] = {}
        for kind, (table, columns, key) in trial_columns.items():
            self.upsert[kind] = _conditional_upsert(
                dialect, table, columns, key, s.trials, trial_owner
            )
            if dialect == "postgresql":
                self.foreign_upsert[kind] = _conditional_upsert(
                    dialect, table, columns, key, s.trials, trial_owner, foreign=True
                )
        self.bump_foreign_writes = (
            sa.update(s.trials)
            .where(trial_owner)
            .values(foreign_writes=s.trials.c.foreign_writes + 1)
        )
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
                client_token=bp("client_token"),
            )
            .returning(s.trials.c.trial_id)
        )
        # After a lost connection: the trial this client's own statement created or started.
        self.trial_by_token = sa.select(
            s.trials.c.trial_id, s.trials.c.number, s.trials.c.state
        ).where(
            s.trials.c.study_id == bp("study_id", sa.Integer),
            s.trials.c.client_token == bp("client_token", sa.BigInteger),
        )
        self.running_by_token = self.trial_by_token.where(s.trials.c.state == RUNNING)
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
            created = (
                sa.insert(s.trials)
                .from_select(
                    ["study_id", "number", "state", "datetime_start", "client_token"],
                    sa.select(
                        counter.c.study_id,
                        counter.c.number,
                        sa.literal_column(str(RUNNING), sa.SmallInteger),
                        bp("datetime_start", sa.DateTime),
                        bp("client_token", sa.BigInteger),
                    ),
                )
                .returning(s.trials.c.trial_id, s.trials.c.number, s.trials.c.study_id)
                .cte("created")
            )
            self.create_running_trial: Any = sa.select(created.c.trial_id, created.c.number)
            # With heartbeats on, the same statement records the trial's first heartbeat.
            first_beat = postgresql.insert(s.trial_heartbeats).from_select(
                ["trial_id", "heartbeat"], sa.select(created.c.trial_id, self.now())
            )
            self.create_running_trial_beating: Any = self.create_running_trial.add_cte(
                first_beat.cte("first_beat")
            )
        else:
            self.create_running_trial = None
            self.create_running_trial_beating = None
        finished = sa.and_(
            s.trials.c.trial_id == bp("trial_id", sa.Integer),
            s.trials.c.state.in_(UPDATABLE),
        )
        finish_values = {
            "state": bp("state", sa.SmallInteger),
            "datetime_complete": bp("datetime_complete", sa.DateTime),
        }
        finish_returns = (s.trials.c.study_id, s.trials.c.foreign_writes)
        # SQLite: this UPDATE, then the values, in one transaction.
        self.finish_trial = (
            sa.update(s.trials).where(finished).values(**finish_values).returning(*finish_returns)
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
        # PostgreSQL: finish the trial and insert its values (taken from the UPDATE's row, so
        # nothing is written unless the trial was unfinished) in one statement, which returns
        # no row if the trial could not be finished. By the
        # number of values: none, one (plain parameters), several (arrays).
        self.finish: dict[int, Any] = {}
        if dialect == "postgresql":
            updated = (
                sa.update(s.trials)
                .where(finished)
                .values(**finish_values)
                .returning(s.trials.c.trial_id, *finish_returns)
                .cte("updated")
            )
            unnested = (
                sa.func.unnest(
                    bp("objectives", postgresql.ARRAY(sa.Integer)),
                    bp("values", postgresql.ARRAY(sa.Double)),
                    bp("value_types", postgresql.ARRAY(sa.SmallInteger)),
                )
                .table_valued("objective", "value", "value_type")
                .render_derived(name="v")
            )
            sources = {
                1: sa.select(
                    updated.c.trial_id,
                    sa.literal_column("0", sa.Integer),
                    sa.cast(bp("value"), sa.Double),
                    sa.cast(bp("value_type"), sa.SmallInteger),
                ),
                2: sa.select(
                    updated.c.trial_id,
                    unnested.c.objective,
                    unnested.c.value,
                    unnested.c.value_type,
                ).select_from(updated.join(unnested, sa.true())),
            }
            result = sa.select(updated.c.study_id, updated.c.foreign_writes)
            self.finish[0] = result
            for count, source in sources.items():
                inserted = postgresql.insert(s.trial_values).from_select(
                    ["trial_id", "objective", "value", "value_type"], source
                )
                inserted = inserted.on_conflict_do_update(
                    index_elements=["trial_id", "objective"],
                    set_={
                        "value": inserted.excluded.value,
                        "value_type": inserted.excluded.value_type,
                    },
                )
                self.finish[count] = result.add_cte(inserted.cte("inserted"))
        self.start_waiting_trial = (
            sa.update(s.trials)
            .where(
                s.trials.c.trial_id == bp("trial_id", sa.Integer),
                s.trials.c.state == WAITING,
            )
            .values(
                state=RUNNING,
                datetime_start=bp("datetime_start", sa.DateTime),
                client_token=bp("client_token", sa.BigInteger),
            )
        )
        self.requeue_trial = (
            sa.update(s.trials)
            .where(
                s.trials.c.trial_id == bp("trial_id", sa.Integer),
                s.trials.c.state.in_(UPDATABLE),
            )
            .values(state=WAITING, foreign_writes=s.trials.c.foreign_writes + 1)
            .returning(s.trials.c.study_id)
        )
        # The lowest-numbered waiting trial becomes RUNNING; on PostgreSQL workers popping at
        # the same time skip each other's locked rows instead of queueing behind them.
        waiting = (
            sa.select(s.trials.c.trial_id)
            .where(s.trials.c.study_id == bp("study_id", sa.Integer), s.trials.c.state == WAITING)
            .order_by(s.trials.c.number)
            .limit(1)
        )
        if dialect == "postgresql":
            waiting = waiting.with_for_update(skip_locked=True)
        self.pop_waiting_trial = (
            sa.update(s.trials)
            .where(s.trials.c.trial_id == waiting.scalar_subquery(), s.trials.c.state == WAITING)
            .values(
                state=RUNNING,
                datetime_start=bp("datetime_start", sa.DateTime),
                client_token=bp("client_token", sa.BigInteger),
            )
            .returning(s.trials.c.trial_id)
        )
        # What explains a conditional write that matched no row, or shows it was this
        # client's own write repeated (its token or completion time).
        self.trial_state = sa.select(
            s.trials.c.study_id,
            s.trials.c.number,
            s.trials.c.state,
            s.trials.c.client_token,
            s.trials.c.datetime_complete,
        ).where(s.trials.c.trial_id == bp("trial_id"))
        self.study_counter = sa.select(s.studies.c.next_trial_number).where(
            s.studies.c.study_id == bp("study_id")
        )
        # PostgreSQL: pop a waiting trial or create one, by whether heartbeats are on.
        self.pop_or_create: dict[bool, Any] = {}
        if dialect == "postgresql":
            self.pop_or_create = {
                beating: pop_or_create(self, beating) for beating in (False, True)
            }

    def now(self) -> Any:
        """The database's current time as naive UTC (PostgreSQL), else a bound parameter.

        Heartbeats compare times written by different machines; on PostgreSQL the server's
        clock is the one clock they share. SQLite is a local file: the local clock is its clock.
        """
        if self.dialect == "postgresql":
            return sa.func.timezone("UTC", sa.func.statement_timestamp())
        return bp("now", sa.DateTime)


def pop_or_create(statements: Statements, beating: bool) -> Any:
    """PostgreSQL: take the lowest WAITING trial of a study or create a RUNNING one, at once.

    One statement: the waiting trial (skipping those other workers are taking) becomes
    RUNNING; if there is none, the study's counter gives the number of a new trial. It
    returns the trial as rows of a trials union (see ``_queries``): the taken trial with its
    parameters and attributes, or the new one; no row if the study does not exist. With
    ``beating`` the trial's first heartbeat is recorded too.
    """
    t = s.trials
    started = sa.cast(bp("datetime_start"), sa.DateTime)
    running = sa.literal_column(str(RUNNING), sa.Integer)
    waiting = (
        sa.select(t.c.trial_id)
        .where(t.c.study_id == bp("study_id", sa.Integer), t.c.state == WAITING)
        .order_by(t.c.number)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("waiting")
    )
    popped = (
        sa.update(t)
        .where(t.c.trial_id == waiting.c.trial_id)
        .values(
            state=RUNNING,
            datetime_start=bp("datetime_start", sa.DateTime),
            client_token=bp("client_token", sa.BigInteger),
        )
        .returning(t.c.trial_id, t.c.number, t.c.foreign_writes, t.c.study_id)
        .cte("popped")
    )
    counter = (
        sa.update(s.studies)
        .where(
            s.studies.c.study_id == bp("study_id", sa.Integer),
            ~sa.exists(sa.select(popped.c.trial_id)),
        )
        .values(next_trial_number=s.studies.c.next_trial_number + 1)
        .returning(s.studies.c.study_id, (s.studies.c.next_trial_number - 1).label("number"))
        .cte("counter")
    )
    created = (
        sa.insert(t)
        .from_select(
            ["study_id", "number", "state", "datetime_start", "client_token"],
            sa.select(
                counter.c.study_id,
                counter.c.number,
                running,
                started,
                bp("client_token", sa.BigInteger),
            ),
        )
        .returning(t.c.trial_id, t.c.number, t.c.study_id)
        .cte("created")
    )
    zero = sa.literal_column("0", sa.Integer)
    statement: Any = sa.union_all(
        sa.select(
            *_queries.trial_head(
                popped.c.trial_id,
                popped.c.number,
                running,
                popped.c.foreign_writes,
                started,
                popped.c.study_id,
            )
        ),
        sa.select(
            *_queries.trial_head(
                created.c.trial_id, created.c.number, running, zero, started, created.c.study_id
            )
        ),
        *_queries.child_rows(
            lambda select, table: select.where(table.c.trial_id.in_(sa.select(popped.c.trial_id)))
        ),
    )
    if beating:
        now = statements.now()
        beat = postgresql.insert(s.trial_heartbeats).from_select(
            ["trial_id", "heartbeat"],
            sa.union_all(sa.select(popped.c.trial_id, now), sa.select(created.c.trial_id, now)),
        )
        beat = beat.on_conflict_do_update(
            index_elements=["trial_id"], set_={"heartbeat": beat.excluded.heartbeat}
        )
        statement = statement.add_cte(beat.cte("first_beat"))
    return statement


@functools.cache
def statements_for(dialect: str) -> Statements:
    """Return the statements of ``dialect``, built on first use."""
    return Statements(dialect)
