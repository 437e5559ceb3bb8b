"""OptunaDatabase: the studies of an Optuna RDB database, read without writing to it.

SQLite files are opened through a ``mode=ro`` URI, so SQLite itself refuses every write;
PostgreSQL sessions start with ``default_transaction_read_only`` and each study is read in one
``REPEATABLE READ, READ ONLY`` transaction. Nothing is created, altered or locked for writing.

A study is read with one query per table (its trials, their parameters, values, intermediate
values and attributes), never one per trial, and assembled into hpo's records:

* parameters: Optuna stores the internal float and the distribution as JSON, in the format
  hpo's :func:`~hpo.distributions.json_to_distribution` reads (legacy names included); the
  value is turned back into its external form (an int, a category) by the distribution;
* values and intermediate values: Optuna stores a NULL value plus a type (``INF_POS``,
  ``INF_NEG``, ``NAN``) for non-finite floats; they come back as ``inf``, ``-inf``, NaN;
* datetimes: Optuna writes its machine's local time without a zone; they are read as local
  time of this machine and converted to timezone-aware UTC;
* attributes are JSON text in both libraries. Constraints in the trial system attribute
  ``constraints`` (a list, as Optuna 3 and 4 keep them) are where hpo's samplers look for
  them. Optuna 5's named constraints (``trial.set_constraint(key, value)``, one attribute
  ``constraints:<key>`` each) are kept as they are and also joined into that list: the
  listed ones first, then the named ones in order of their keys.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hpo import logging
from hpo._keys import CONSTRAINTS_KEY
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution, cached_json_to_distribution
from hpo.exceptions import StorageVersionError
from hpo.storages._optuna import _tables as t
from hpo.storages._optuna._snapshot import StudySnapshot
from hpo.storages._rdb._engine import is_memory_sqlite, parse_url
from hpo.trial import FrozenTrial, TrialState

_logger = logging.get_logger(__name__)

_UTC = datetime.timezone.utc
_NON_FINITE = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}
# The tables by which a database is recognized as Optuna's, of any version.
_OPTUNA_MARKERS = frozenset({"studies", "trials", "version_info", "trial_params"})
_CONSTRAINTS_PREFIX = CONSTRAINTS_KEY + ":"
_OPTUNA_ONLY = frozenset({"study_user_attributes", "trial_user_attributes"})


def is_optuna_database(url: str) -> bool:
    """Return whether ``url`` names an existing database written by Optuna.

    Only reads the list of tables, read-only. An invalid URL, a SQLite file that does not
    exist or a database that cannot be reached count as "not Optuna's".
    """
    try:
        engine = _read_only_engine(url)
    except (TypeError, ValueError):
        return False
    try:
        with _read_only_connection(engine) as conn:
            return _looks_like_optuna(set(sa.inspect(conn).get_table_names()))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _looks_like_optuna(tables: set[str]) -> bool:
    return tables >= _OPTUNA_MARKERS and bool(_OPTUNA_ONLY & tables)


class OptunaDatabase:
    """An Optuna RDB database (schema of Optuna 3.0 to 5.x) opened read-only.

    Parameters
    ----------
    url:
        The database's SQLAlchemy URL, as given to Optuna (``sqlite:///optuna.db``,
        ``postgresql://user@host/db``).

    Raises
    ------
    ValueError
        For a malformed URL, a SQLite file that does not exist or a memory database.
    StorageVersionError
        If the database is not Optuna's, or its schema is older than Optuna 3.0's (upgrade it
        with Optuna first) or newer than any this hpo knows (the message names the version).
    """

    def __init__(self, url: str) -> None:
        self.engine = _read_only_engine(url)
        self.display_url = parse_url(url).render_as_string(hide_password=True)
        try:
            with _read_only_connection(self.engine) as conn:
                self.revision, self.library_version = _check_schema(conn, self.display_url)
        except BaseException:
            self.engine.dispose()
            raise

    def __enter__(self) -> OptunaDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database's connections."""
        self.engine.dispose()

    def study_names(self) -> list[str]:
        """Return the names of the database's studies, in creation order."""
        statement = sa.select(t.studies.c.study_name).order_by(t.studies.c.study_id)
        with _read_only_connection(self.engine) as conn:
            return [str(name) for name in conn.execute(statement).scalars()]

    def read_study(self, study_name: str) -> StudySnapshot:
        """Read one study with all its trials, in one read-only transaction.

        Raises
        ------
        KeyError
            If the database has no study of that name.
        ValueError
            If a stored distribution, state or direction cannot be read.
        """
        with _read_only_connection(self.engine) as conn:
            study_id = conn.execute(
                sa.select(t.studies.c.study_id).where(t.studies.c.study_name == study_name)
            ).scalar()
            if study_id is None:
                raise KeyError(
                    f"The Optuna database {self.display_url!r} has no study named {study_name!r}."
                )
            return _read_study(conn, int(study_id), study_name)


# -- opening read-only --------------------------------------------------------------------
def _read_only_engine(url: str) -> Engine:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if is_memory_sqlite(parsed):
            raise ValueError(f"{url!r} is a memory database: there is nothing to read from.")
        path = os.path.abspath(parsed.database or "")
        if not os.path.isfile(path):
            raise ValueError(f"There is no database file {path!r} to read.")
        uri = "file:" + urllib.parse.quote(path) + "?mode=ro"

        def connect() -> sqlite3.Connection:
            # isolation_level=None: the driver never begins a transaction on its own.
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)

        return sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.NullPool)
    # Optuna URLs often name psycopg2; hpo reads with psycopg 3, its PostgreSQL driver.
    parsed = parsed.set(drivername="postgresql+psycopg")
    options = "-c default_transaction_read_only=on"
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args={"options": options})


@contextlib.contextmanager
def _read_only_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one read-only transaction that sees one snapshot."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield conn
        finally:
            if sqlite:
                conn.exec_driver_sql("ROLLBACK")
            else:
                conn.rollback()


def _check_schema(conn: Connection, display_url: str) -> tuple[str, str]:
    """Return the revision and the Optuna version that wrote the database.

    Raises
    ------
    StorageVersionError
        If it is not an Optuna database or its revision is not one hpo reads.
    """
    tables = set(sa.inspect(conn).get_table_names())
    if not _looks_like_optuna(tables):
        hint = ""
        if {"study_user_attrs", "trial_user_attrs"} <= tables:
            hint = " It is an hpo database: copy its studies with hpo.copy_study."
        raise StorageVersionError(
            f"The database {display_url!r} is not an Optuna database (its tables: "
            f"{', '.join(sorted(tables)) or 'none'}); nothing to import.{hint}"
        )
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(sa.select(t.alembic_version.c.version_num)).scalar()
    info = conn.execute(
        sa.select(t.version_info.c.schema_version, t.version_info.c.library_version)
    ).first()
    library = str(info[1]) if info is not None and info[1] is not None else "unknown"
    schema = info[0] if info is not None else None
    if revision in t.SUPPORTED_REVISIONS:
        missing = t.REQUIRED_TABLES - tables
        if missing:
            raise StorageVersionError(
                f"The Optuna database {display_url!r} (revision {revision}) lacks the tables "
                f"{sorted(missing)}; it is damaged or incomplete."
            )
        return str(revision), library
    known = ", ".join(f"{r} ({who})" for r, who in t.SUPPORTED_REVISIONS.items())
    if revision is None or revision in t.OLDER_REVISIONS:
        raise StorageVersionError(
            f"The Optuna database {display_url!r} was written by Optuna {library} (schema "
            f"revision {revision}), older than Optuna 3.0. Upgrade a copy of it with Optuna "
            f"3.x first (`optuna storage upgrade --storage URL`), then import that copy."
        )
    raise StorageVersionError(
        f"The Optuna database {display_url!r} has schema revision {revision!r} (written by "
        f"Optuna {library}, schema version {schema}), newer than those this hpo reads: "
        f"{known}. Upgrade hpo to import it."
    )


# -- reading a study ----------------------------------------------------------------------
def _by_owner(rows: Iterable[Any]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for owner, key, value_json in rows:
        found.setdefault(owner, {})[key] = json.loads(value_json)
    return found


def _float(value: float | None, value_type: str) -> float:
    if value_type == "FINITE":
        return float(value)  # type: ignore[arg-type]
    try:
        return _NON_FINITE[value_type]
    except KeyError:
        raise ValueError(f"Unknown Optuna value type {value_type!r}.") from None


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """Optuna's naive local time as timezone-aware UTC."""
    # astimezone takes a naive datetime as local time.
    return None if value is None else value.astimezone(_UTC)


def _enum(kind: type[Any], name: str, what: str) -> Any:
    try:
        return kind[str(name).rsplit(".", 1)[-1]]
    except KeyError:
        raise ValueError(f"Unknown Optuna {what} {name!r}.") from None


def _join_named_constraints(system_attrs: dict[str, Any]) -> None:
    """Add Optuna 5's ``constraints:<key>`` values to the ``constraints`` list hpo reads."""
    named = sorted(
        (key[len(_CONSTRAINTS_PREFIX) :], value)
        for key, value in system_attrs.items()
        if key.startswith(_CONSTRAINTS_PREFIX)
    )
    if named:
        listed = list(system_attrs.get(CONSTRAINTS_KEY) or [])
        system_attrs[CONSTRAINTS_KEY] = listed + [value for _, value in named]


def _read_study(conn: Connection, study_id: int, study_name: str) -> StudySnapshot:
    directions = [
        _enum(StudyDirection, d, "study direction")
        for d in conn.execute(
            sa.select(t.study_directions.c.direction)
            .where(t.study_directions.c.study_id == study_id)
            .order_by(t.study_directions.c.objective)
        ).scalars()
    ]
    study_attrs = []
    for table in (t.study_user_attributes, t.study_system_attributes):
        rows = conn.execute(
            sa.select(table.c.study_id, table.c.key, table.c.value_json).where(
                table.c.study_id == study_id
            )
        )
        study_attrs.append(_by_owner(rows).get(study_id, {}))

    of_study = sa.select(t.trials.c.trial_id).where(t.trials.c.study_id == study_id)
    trial_rows = conn.execute(
        sa.select(
            t.trials.c.trial_id,
            t.trials.c.number,
            t.trials.c.state,
            t.trials.c.datetime_start,
            t.trials.c.datetime_complete,
        )
        .where(t.trials.c.study_id == study_id)
        .order_by(t.trials.c.number, t.trials.c.trial_id)
    ).all()

    params: dict[int, dict[str, Any]] = {}
    distributions: dict[int, dict[str, BaseDistribution]] = {}
    p = t.trial_params.c
    for trial_id, name, internal, distribution_json in conn.execute(
        sa.select(p.trial_id, p.param_name, p.param_value, p.distribution_json)
        .where(p.trial_id.in_(of_study))
        .order_by(p.param_id)  # the order in which the trial suggested them
    ).all():
        try:
            distribution = cached_json_to_distribution(distribution_json)
        except ValueError as e:
            raise ValueError(f"Study {study_name!r}, parameter {name!r}: {e}") from None
        params.setdefault(trial_id, {})[name] = distribution.to_external_repr(internal)
        distributions.setdefault(trial_id, {})[name] = distribution

    values: dict[int, dict[int, float]] = {}
    v = t.trial_values.c
    for trial_id, objective, value, value_type in conn.execute(
        sa.select(v.trial_id, v.objective, v.value, v.value_type).where(v.trial_id.in_(of_study))
    ).all():
        values.setdefault(trial_id, {})[objective] = _float(value, value_type)

    intermediate: dict[int, dict[int, float]] = {}
    iv = t.trial_intermediate_values.c
    for trial_id, step, value, value_type in conn.execute(
        sa.select(iv.trial_id, iv.step, iv.intermediate_value, iv.intermediate_value_type).where(
            iv.trial_id.in_(of_study)
        )
    ).all():
        intermediate.setdefault(trial_id, {})[int(step)] = _float(value, value_type)

    trial_attrs = []
    for table in (t.trial_user_attributes, t.trial_system_attributes):
        trial_attrs.append(
            _by_owner(
                conn.execute(
                    sa.select(table.c.trial_id, table.c.key, table.c.value_json).where(
                        table.c.trial_id.in_(of_study)
                    )
                ).all()
            )
        )

    for attrs in trial_attrs[1].values():
        _join_named_constraints(attrs)
    trials = []
    renumbered = []
    for index, (trial_id, number, state, start, complete) in enumerate(trial_rows):
        if number != index:
            renumbered.append((number, index))
        objective_values = values.get(trial_id)
        trials.append(
            FrozenTrial(
                index,
                _enum(TrialState, state, "trial state"),
                None,
                _aware(start),
                _aware(complete),
                params.get(trial_id, {}),
                distributions.get(trial_id, {}),
                trial_attrs[0].get(trial_id, {}),
                trial_attrs[1].get(trial_id, {}),
                dict(sorted(intermediate.get(trial_id, {}).items())),
                -1,
                values=None
                if objective_values is None
                else [objective_values[k] for k in sorted(objective_values)],
            )
        )
    if renumbered:
        # Numbers are 0, 1, 2, ... in hpo; a gap or a duplicate left by concurrent Optuna
        # workers is closed in the order of the stored numbers.
        _logger.warning(
            "Study %r: Optuna trial numbers are not 0 to %d; %d trials get new numbers "
            "(first: %d becomes %d).",
            study_name,
            len(trial_rows) - 1,
            len(renumbered),
            *renumbered[0],
        )
    return StudySnapshot(study_name, directions, study_attrs[0], study_attrs[1], trials)
