"""``hpo storage import-optuna``: copy studies from an Optuna database into an hpo storage.

The Optuna database is only read (SQLite opened read-only, PostgreSQL in read-only
transactions). Every name is checked before anything is copied; each study is then written
in one transaction, so a failure never leaves a half-copied study behind.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from hpo._cli._storage import RDB_CLASS, open_storage, storage_class

if TYPE_CHECKING:
    from hpo.storages import BaseStorage


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``storage import-optuna`` to its parser."""
    parser.add_argument(
        "--from",
        dest="from_url",
        required=True,
        metavar="URL",
        help="The Optuna database (written by Optuna 3.0 to 5.x), e.g. sqlite:///optuna.db.",
    )
    parser.add_argument(
        "--to",
        dest="to_storage",
        required=True,
        metavar="URL",
        help="The hpo storage to copy into: a database URL or a journal file.",
    )
    parser.add_argument(
        "--study",
        dest="studies",
        action="append",
        metavar="NAME",
        help="A study to copy; repeat for several. All studies when omitted.",
    )


def import_optuna(args: argparse.Namespace) -> int:
    """Copy the named studies (or all) of an Optuna database and say what was copied."""
    from hpo.study._management import import_optuna_studies

    # A database URL is opened after the source, so that a bad source creates nothing.
    destination: str | BaseStorage = args.to_storage
    if storage_class(args.to_storage, None) != RDB_CLASS:
        destination = open_storage(argparse.Namespace(storage=args.to_storage))
    copied = import_optuna_studies(args.from_url, destination, args.studies)
    if not copied:
        print("The Optuna database holds no study; nothing was copied.")
    for name, n_trials in copied:
        print(f"Imported study {name!r} with {n_trials} trial{'' if n_trials == 1 else 's'}.")
    return 0
