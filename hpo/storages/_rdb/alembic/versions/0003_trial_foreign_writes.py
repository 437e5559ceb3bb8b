"""Count the writes to a trial made by storage objects other than the one running it.

Revision ID: 0003_trial_foreign_writes
Revises: 0002_trial_state_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_trial_foreign_writes"
down_revision = "0002_trial_state_index"
branch_labels = None
depends_on = None

_version_info = sa.table("version_info", sa.column("schema_version", sa.Integer))


def upgrade() -> None:
    op.add_column(
        "trials",
        sa.Column("foreign_writes", sa.Integer, nullable=False, server_default="0"),
    )
    op.execute(_version_info.update().values(schema_version=3))


def downgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("foreign_writes")
    op.execute(_version_info.update().values(schema_version=2))
