"""The initial schema: studies, trials, their values, parameters and attributes.

Revision ID: 0001_initial_schema
Revises:
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001_initial_schema"
down_revision = None
branch_labels = None
depends_on = None


def _fk(column: str) -> sa.ForeignKey:
    return sa.ForeignKey(column, ondelete="CASCADE")


def _attr_table(name: str, owner: str, owner_fk: str) -> None:
    op.create_table(
        name,
        sa.Column(owner, sa.Integer, _fk(owner_fk), primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value_json", sa.Text, nullable=False),
    )


def upgrade() -> None:
    version_info = op.create_table(
        "version_info",
        sa.Column("version_info_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("library_version", sa.String(64), nullable=False),
        sa.Column("database_uuid", sa.String(36), nullable=False),
    )
    op.create_table(
        "studies",
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("study_name", sa.String(512), nullable=False, unique=True),
        sa.Column("next_trial_number", sa.Integer, nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "study_directions",
        sa.Column("study_id", sa.Integer, _fk("studies.study_id"), primary_key=True),
        sa.Column("objective", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("direction", sa.SmallInteger, nullable=False),
    )
    _attr_table("study_user_attrs", "study_id", "studies.study_id")
    _attr_table("study_system_attrs", "study_id", "studies.study_id")
    op.create_table(
        "study_param_distributions",
        sa.Column("study_id", sa.Integer, _fk("studies.study_id"), primary_key=True),
        sa.Column("param_name", sa.String(512), primary_key=True),
        sa.Column("distribution_json", sa.Text, nullable=False),
    )
    op.create_table(
        "trials",
        sa.Column("trial_id", sa.Integer, primary_key=True),
        sa.Column("study_id", sa.Integer, _fk("studies.study_id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.SmallInteger, nullable=False),
        sa.Column("datetime_start", sa.DateTime, nullable=True),
        sa.Column("datetime_complete", sa.DateTime, nullable=True),
        sa.UniqueConstraint("study_id", "number", name="uq_trials_study_id_number"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "trial_values",
        sa.Column("trial_id", sa.Integer, _fk("trials.trial_id"), primary_key=True),
        sa.Column("objective", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("value_type", sa.SmallInteger, nullable=False),
    )
    op.create_table(
        "trial_params",
        sa.Column("trial_id", sa.Integer, _fk("trials.trial_id"), primary_key=True),
        sa.Column("param_name", sa.String(512), primary_key=True),
        sa.Column("param_value", sa.Double, nullable=False),
        sa.Column("distribution_json", sa.Text, nullable=False),
    )
    op.create_table(
        "trial_intermediate_values",
        sa.Column("trial_id", sa.Integer, _fk("trials.trial_id"), primary_key=True),
        sa.Column("step", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("value_type", sa.SmallInteger, nullable=False),
    )
    _attr_table("trial_user_attrs", "trial_id", "trials.trial_id")
    _attr_table("trial_system_attrs", "trial_id", "trials.trial_id")
    op.create_table(
        "trial_heartbeats",
        sa.Column("trial_id", sa.Integer, _fk("trials.trial_id"), primary_key=True),
        sa.Column("heartbeat", sa.DateTime, nullable=False),
    )
    op.bulk_insert(
        version_info,
        [
            {
                "version_info_id": 1,
                "schema_version": 1,
                "library_version": "0.1.0",
                "database_uuid": str(uuid.uuid4()),
            }
        ],
    )


def downgrade() -> None:
    for table in (
        "trial_heartbeats",
        "trial_system_attrs",
        "trial_user_attrs",
        "trial_intermediate_values",
        "trial_params",
        "trial_values",
        "trials",
        "study_param_distributions",
        "study_system_attrs",
        "study_user_attrs",
        "study_directions",
        "studies",
        "version_info",
    ):
        op.drop_table(table)
