"""Which storage a command uses: ``--storage``, else ``HPO_STORAGE``, else ``OPTUNA_STORAGE``.

A value with ``://`` is a database URL (``RDBStorage``); an existing file without it is a
journal file (``JournalStorage`` over a ``JournalFileBackend``). ``--storage-class`` says which
one explicitly, and is needed to start a new journal file.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from hpo._cli._errors import usage_error

if TYPE_CHECKING:
    from hpo.storages import BaseStorage

STORAGE_ENV_VARS = ("HPO_STORAGE", "OPTUNA_STORAGE")
RDB_CLASS = "RDBStorage"
JOURNAL_FILE_CLASS = "JournalFileBackend"
JOURNAL_REDIS_CLASS = "JournalRedisBackend"
STORAGE_CLASSES = (RDB_CLASS, JOURNAL_FILE_CLASS, JOURNAL_REDIS_CLASS)


def storage_location(args: argparse.Namespace) -> str:
    """Return the storage given by ``--storage`` or, failing that, by the environment.

    Raises
    ------
    CLIUsageError
        If neither the option nor ``HPO_STORAGE`` nor ``OPTUNA_STORAGE`` gives one.
    """
    given = getattr(args, "storage", None)
    if given:
        return str(given)
    for name in STORAGE_ENV_VARS:
        value = os.environ.get(name)
        if value:
            return value
    raise usage_error(
        "no storage given: use --storage URL (e.g. sqlite:///study.db) "
        "or set the HPO_STORAGE environment variable."
    )


def storage_class(location: str, hint: str | None) -> str:
    """Return the storage class for ``location``: ``hint`` if given, else guessed.

    Examples
    --------
    >>> storage_class("sqlite:///study.db", None)
    'RDBStorage'
    >>> storage_class("study.log", "JournalFileBackend")
    'JournalFileBackend'
    """
    if hint is not None:
        return hint
    if "://" in location:
        return RDB_CLASS
    if os.path.isfile(location):
        return JOURNAL_FILE_CLASS
    raise usage_error(
        f"cannot tell what storage {location!r} is: give a database URL such as "
        "sqlite:///study.db, an existing journal file, or --storage-class JournalFileBackend "
        "to start a new journal file."
    )


def open_storage(args: argparse.Namespace) -> BaseStorage:
    """Open the storage the command line names (see the module docstring).

    Raises
    ------
    CLIUsageError
        If no storage is given, its kind cannot be told, or it is a Redis journal (hpo has no
        Redis backend).
    ValueError
        If the database URL is invalid.
    """
    location = storage_location(args)
    kind = storage_class(location, getattr(args, "storage_class", None))
    if kind == RDB_CLASS:
        from hpo.storages import get_storage

        return get_storage(location)
    if kind == JOURNAL_FILE_CLASS:
        from hpo.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(location))
    raise usage_error(
        f"--storage-class {kind} is not supported: hpo keeps journals in files "
        f"({JOURNAL_FILE_CLASS}) or studies in databases ({RDB_CLASS})."
    )
