"""The ``hpo`` command line.

Commands are grouped by subject (``hpo storage upgrade``); each command is one function that
receives the parsed arguments and returns an exit code. Exit codes: 0 success, 1 the command
failed (e.g. the database cannot be upgraded), 2 wrong usage (argparse's convention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from hpo.exceptions import HpoError
from hpo.version import __version__

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace], int]


def _storage_upgrade(args: argparse.Namespace) -> int:
    from hpo.storages._rdb._migrations import upgrade

    before, after = upgrade(args.storage)
    if before == after:
        print(f"The storage is up to date (revision {after}).")
    elif before is None:
        print(f"Created the schema at revision {after}.")
    else:
        print(f"Upgraded the storage from revision {before} to {after}.")
    return EXIT_OK


def _add_storage_commands(subparsers: argparse._SubParsersAction) -> None:
    storage = subparsers.add_parser("storage", help="Manage a database storage.")
    storage_commands = storage.add_subparsers(dest="storage_command", metavar="COMMAND")
    storage_commands.required = True
    upgrade = storage_commands.add_parser(
        "upgrade",
        help="Upgrade a database's schema to the one this hpo uses.",
        description="Apply the schema migrations shipped with hpo to a database (back it up "
        "first). An empty database gets the whole schema.",
    )
    upgrade.add_argument(
        "--storage",
        required=True,
        metavar="URL",
        help="Database URL, e.g. sqlite:///study.db or postgresql+psycopg://user@host/db.",
    )
    upgrade.set_defaults(command=_storage_upgrade)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``hpo`` command, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="hpo", description="hpo: hyperparameter optimization, from the command line."
    )
    parser.add_argument("--version", action="version", version=f"hpo {__version__}")
    subparsers = parser.add_subparsers(dest="subject", metavar="SUBJECT")
    subparsers.required = True
    _add_storage_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hpo`` command line and return its exit code.

    Parameters
    ----------
    argv:
        The arguments without the program name; ``sys.argv[1:]`` when ``None``.

    Returns
    -------
    int
        0 on success, 1 if the command failed, 2 for wrong usage.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help, --version and usage errors
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    command: Command = args.command
    try:
        return command(args)
    except (HpoError, ValueError, TypeError, ImportError, OSError) as e:
        print(f"hpo: error: {e}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
