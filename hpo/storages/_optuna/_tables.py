"""The tables of an Optuna database, as far as hpo reads them, and the schema revisions.

Declared here only to build SELECT statements: nothing is ever created from this metadata.
Optuna 3.0 and 3.1 leave a database at Alembic revision ``v3.0.0.d``; Optuna 3.2 to 5.x at
``v3.2.0.a``, which only adds an index. Both have the columns below. Enumerations (states,
directions, value types) are stored by member name: text on SQLite, native enum types on
PostgreSQL, which the driver returns as text too.
"""

from __future__ import annotations

import sqlalchemy as sa

#: Revisions whose tables hpo reads, oldest first, with the Optuna versions that write them.
SUPPORTED_REVISIONS = {"v3.0.0.d": "Optuna 3.0-3.1", "v3.2.0.a": "Optuna 3.2-5.x"}

#: Revisions of Optuna before 3.0 (or a 3.0 upgrade that stopped halfway).
OLDER_REVISIONS = (
    "v0.9.0.a",
    "v1.2.0.a",
    "v1.3.0.a",
    "v2.4.0.a",
    "v2.6.0.a",
    "v3.0.0.a",
    "v3.0.0.b",
    "v3.0.0.c",
)

#: Tables every Optuna database has; the first check that a database is Optuna's.
REQUIRED_TABLES = frozenset(
    {
        "alembic_version",
        "version_info",
        "studies",
        "study_directions",
        "study_user_attributes",
        "study_system_attributes",
        "trials",
        "trial_params",
        "trial_values",
        "trial_intermediate_values",
        "trial_user_attributes",
        "trial_system_attributes",
    }
)

metadata = sa.MetaData()

alembic_version = sa.Table("alembic_version", metadata, sa.Column("version_num", sa.String))

version_info = sa.Table(
    "version_info",
    metadata,
    sa.Column("version_info_id", sa.Integer),
    sa.Column("schema_version", sa.Integer),
    sa.Column("library_version", sa.String),
)

studies = sa.Table(
    "studies",
    metadata,
    sa.Column("study_id", sa.Integer),
    sa.Column("study_name", sa.String),
)

study_directions = sa.Table(
    "study_directions",
    metadata,
    sa.Column("study_id", sa.Integer),
    sa.Column("objective", sa.Integer),
    sa.Column("direction", sa.String),
)


def _attr_table(name: str, owner: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column(owner, sa.Integer),
        sa.Column("key", sa.String),
        sa.Column("value_json", sa.Text),
    )


study_user_attributes = _attr_table("study_user_attributes", "study_id")
study_system_attributes = _attr_table("study_system_attributes", "study_id")
trial_user_attributes = _attr_table("trial_user_attributes", "trial_id")
trial_system_attributes = _attr_table("trial_system_attributes", "trial_id")

trials = sa.Table(
    "trials",
    metadata,
    sa.Column("trial_id", sa.Integer),
    sa.Column("number", sa.Integer),
    sa.Column("study_id", sa.Integer),
    sa.Column("state", sa.String),
    sa.Column("datetime_start", sa.DateTime),
    sa.Column("datetime_complete", sa.DateTime),
)

trial_params = sa.Table(
    "trial_params",
    metadata,
    sa.Column("param_id", sa.Integer),
    sa.Column("trial_id", sa.Integer),
    sa.Column("param_name", sa.String),
    sa.Column("param_value", sa.Double),
    sa.Column("distribution_json", sa.Text),
)

trial_values = sa.Table(
    "trial_values",
    metadata,
    sa.Column("trial_id", sa.Integer),
    sa.Column("objective", sa.Integer),
    sa.Column("value", sa.Double),
    sa.Column("value_type", sa.String),
)

trial_intermediate_values = sa.Table(
    "trial_intermediate_values",
    metadata,
    sa.Column("trial_id", sa.Integer),
    sa.Column("step", sa.Integer),
    sa.Column("intermediate_value", sa.Double),
    sa.Column("intermediate_value_type", sa.String),
)
