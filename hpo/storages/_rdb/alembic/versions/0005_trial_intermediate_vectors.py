"""Keep what trials of multi-objective studies report: one row per report and step.

Revision ID: 0005_trial_intermediate_vectors
Revises: 0004_trial_client_token
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_trial_intermediate_vectors"
down_revision = "0004_trial_client_token"
branch_labels = None
depends_on = None

_version_info = sa.table("version_info", sa.column("schema_version", sa.Integer))


def upgrade() -> None:
    op.create_table(
        "trial_intermediate_vectors",
        sa.Column(
            "trial_id",
            sa.Integer,
            sa.ForeignKey("trials.trial_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("step", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("values_json", sa.Text, nullable=False),
    )
    op.execute(_version_info.update().values(schema_version=5))


def downgrade() -> None:
    op.drop_table("trial_intermediate_vectors")
    op.execute(_version_info.update().values(schema_version=4))
