"""Reading databases written by Optuna (3.x to 5.x), strictly read-only.

:class:`~hpo.storages._optuna._reader.OptunaDatabase` opens an Optuna RDB database without
ever writing to it (SQLite is opened read-only, PostgreSQL in read-only transactions) and
reads each study, with every trial, into a :class:`StudySnapshot`; ``hpo.copy_study`` and
``hpo storage import-optuna`` store it in an hpo storage. The reader loads SQLAlchemy, so it
is imported on first use: ``from hpo.storages._optuna._reader import OptunaDatabase``.
"""

from __future__ import annotations

from hpo.storages._optuna._snapshot import StudySnapshot

__all__ = ["StudySnapshot"]
