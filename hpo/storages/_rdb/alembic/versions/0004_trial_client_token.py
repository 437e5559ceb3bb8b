"""Record the token of the worker that created a trial or moved it to RUNNING.

Revision ID: 0004_trial_client_token
Revises: 0003_trial_foreign_writes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_trial_client_token"
down_revision = "0003_trial_foreign_writes"
branch_labels = None
depends_on = None

_version_info = sa.table("version_info", sa.column("schema_version", sa.Integer))


def upgrade() -> None:
    op.add_column("trials", sa.Column("client_token", sa.BigInteger, nullable=True))
    op.execute(_version_info.update().values(schema_version=4))


def downgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("client_token")
    op.execute(_version_info.update().values(schema_version=3))
