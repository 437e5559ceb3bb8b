"""Index trials by (study_id, state) for the waiting-trial queue and stale-heartbeat checks.

Revision ID: 0002_trial_state_index
Revises: 0001_initial_schema
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_trial_state_index"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None

_version_info = sa.table("version_info", sa.column("schema_version", sa.Integer))


def upgrade() -> None:
    op.create_index("ix_trials_study_id_state", "trials", ["study_id", "state", "number"])
    op.execute(_version_info.update().values(schema_version=2))


def downgrade() -> None:
    op.drop_index("ix_trials_study_id_state", table_name="trials")
    op.execute(_version_info.update().values(schema_version=1))
