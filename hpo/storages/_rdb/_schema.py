"""The tables of an RDBStorage database, declared once with SQLAlchemy Core.

The Alembic migrations in ``alembic/versions`` produce exactly this schema; a test compares
the two. ``SCHEMA_VERSION`` and ``HEAD_REVISION`` name the schema this code reads and writes.

Floats that may be infinite or NaN (objective and intermediate values) are stored as a
nullable ``value`` plus a ``value_type`` (:data:`FINITE`, :data:`POS_INF`, :data:`NEG_INF`,
:data:`NAN`), which every backend keeps exactly. Datetimes are naive UTC in the database and
made timezone-aware when read. Attribute values are JSON text; nothing is pickled. What a
trial of a multi-objective study reports at a step is one row of ``trial_intermediate_vectors``
whatever the number of objectives, so a report costs one statement.

``trials.foreign_writes`` counts the writes to an unfinished trial made by storage objects
other than the one that created or started it (e.g. another worker failing a stale trial).
The owner compares it when it finishes the trial: unchanged means the record it kept of its
own writes is exactly what the database holds, so it is cached without being read back.

``trials.client_token`` is a random number chosen by the worker whose statement created the
trial or moved it to RUNNING. When the connection is lost while that statement commits, the
worker cannot know whether it took effect; after reconnecting it looks for its token instead
of creating (or taking) a second trial.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import sqlalchemy as sa

SCHEMA_VERSION = 5
HEAD_REVISION = "0005_trial_intermediate_vectors"

MAX_NAME_LENGTH = 512

FINITE, POS_INF, NEG_INF, NAN = 0, 1, 2, 3

metadata = sa.MetaData()


def _cascade_fk(column: str) -> sa.ForeignKey:
    return sa.ForeignKey(column, ondelete="CASCADE")


version_info = sa.Table(
    "version_info",
    metadata,
    sa.Column("version_info_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("library_version", sa.String(64), nullable=False),
    # Identifies this database in per-process caches, even if a file is replaced.
    sa.Column("database_uuid", sa.String(36), nullable=False),
)

studies = sa.Table(
    "studies",
    metadata,
    sa.Column("study_id", sa.Integer, primary_key=True),
    sa.Column("study_name", sa.String(MAX_NAME_LENGTH), nullable=False, unique=True),
    sa.Column("next_trial_number", sa.Integer, nullable=False, server_default="0"),
    sqlite_autoincrement=True,  # ids are never reused, so caches keyed by id stay valid
)

study_directions = sa.Table(
    "study_directions",
    metadata,
    sa.Column("study_id", sa.Integer, _cascade_fk("studies.study_id"), primary_key=True),
    sa.Column("objective", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("direction", sa.SmallInteger, nullable=False),
)


def _attr_table(name: str, owner: str, owner_fk: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column(owner, sa.Integer, _cascade_fk(owner_fk), primary_key=True),
        sa.Column("key", sa.String(MAX_NAME_LENGTH), primary_key=True),
        sa.Column("value_json", sa.Text, nullable=False),
    )


study_user_attrs = _attr_table("study_user_attrs", "study_id", "studies.study_id")
study_system_attrs = _attr_table("study_system_attrs", "study_id", "studies.study_id")

# The first distribution used for each parameter name of a study: every later distribution
# of that name must be compatible with it.
study_param_distributions = sa.Table(
    "study_param_distributions",
    metadata,
    sa.Column("study_id", sa.Integer, _cascade_fk("studies.study_id"), primary_key=True),
    sa.Column("param_name", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("distribution_json", sa.Text, nullable=False),
)

trials = sa.Table(
    "trials",
    metadata,
    sa.Column("trial_id", sa.Integer, primary_key=True),
    sa.Column("study_id", sa.Integer, _cascade_fk("studies.study_id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("state", sa.SmallInteger, nullable=False),
    sa.Column("datetime_start", sa.DateTime, nullable=True),
    sa.Column("datetime_complete", sa.DateTime, nullable=True),
    sa.Column("foreign_writes", sa.Integer, nullable=False, server_default="0"),
    sa.Column("client_token", sa.BigInteger, nullable=True),
    sa.UniqueConstraint("study_id", "number", name="uq_trials_study_id_number"),
    sa.Index("ix_trials_study_id_state", "study_id", "state", "number"),
    sqlite_autoincrement=True,
)

trial_values = sa.Table(
    "trial_values",
    metadata,
    sa.Column("trial_id", sa.Integer, _cascade_fk("trials.trial_id"), primary_key=True),
    sa.Column("objective", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("value_type", sa.SmallInteger, nullable=False),
)

trial_params = sa.Table(
    "trial_params",
    metadata,
    sa.Column("trial_id", sa.Integer, _cascade_fk("trials.trial_id"), primary_key=True),
    sa.Column("param_name", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("param_value", sa.Double, nullable=False),
    sa.Column("distribution_json", sa.Text, nullable=False),
)

trial_intermediate_values = sa.Table(
    "trial_intermediate_values",
    metadata,
    sa.Column("trial_id", sa.Integer, _cascade_fk("trials.trial_id"), primary_key=True),
    sa.Column("step", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("value_type", sa.SmallInteger, nullable=False),
)

# What a trial of a multi-objective study reported at a step: one row per report, the values
# (one per objective) as a JSON list written by :func:`encode_vector`.
trial_intermediate_vectors = sa.Table(
    "trial_intermediate_vectors",
    metadata,
    sa.Column("trial_id", sa.Integer, _cascade_fk("trials.trial_id"), primary_key=True),
    sa.Column("step", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("values_json", sa.Text, nullable=False),
)

trial_user_attrs = _attr_table("trial_user_attrs", "trial_id", "trials.trial_id")
trial_system_attrs = _attr_table("trial_system_attrs", "trial_id", "trials.trial_id")

trial_heartbeats = sa.Table(
    "trial_heartbeats",
    metadata,
    sa.Column("trial_id", sa.Integer, _cascade_fk("trials.trial_id"), primary_key=True),
    sa.Column("heartbeat", sa.DateTime, nullable=False),
)


def encode_float(value: float) -> tuple[float | None, int]:
    """Split a float into the ``(value, value_type)`` columns."""
    if math.isfinite(value):
        return value, FINITE
    if math.isnan(value):
        return None, NAN
    return None, POS_INF if value > 0 else NEG_INF


_SPECIAL_FLOATS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def encode_vector(values: Sequence[float]) -> str:
    """Write intermediate values as a JSON list; infinities and NaN as ``"inf"``, ``"-inf"``,
    ``"nan"`` (strict JSON, readable by any tool)."""
    return json.dumps([v if math.isfinite(v) else repr(float(v)) for v in values])


def decode_vector(text: str) -> tuple[float, ...]:
    """Read intermediate values written by :func:`encode_vector`."""
    return tuple(_SPECIAL_FLOATS[v] if isinstance(v, str) else float(v) for v in json.loads(text))


def decode_float(value: float | None, value_type: int) -> float:
    """Rebuild a float from its ``(value, value_type)`` columns."""
    if value_type == FINITE:
        return float(value)  # type: ignore[arg-type]
    if value_type == POS_INF:
        return math.inf
    if value_type == NEG_INF:
        return -math.inf
    return math.nan
