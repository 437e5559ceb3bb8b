"""RDBStorage: studies in SQLite or PostgreSQL through SQLAlchemy, with Alembic migrations."""

from __future__ import annotations

from hpo.storages._rdb._storage import RDBStorage

__all__ = ["RDBStorage"]
