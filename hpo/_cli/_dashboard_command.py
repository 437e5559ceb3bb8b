"""The ``dashboard`` command: serve the live web dashboard of a storage (:mod:`hpo.dashboard`)."""

from __future__ import annotations

import argparse
import os

from hpo._cli._errors import usage_error
from hpo._cli._storage import open_storage, storage_location

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``hpo dashboard`` to its parser."""
    parser.add_argument(
        "storage_url",
        nargs="?",
        metavar="STORAGE_URL",
        help="Database URL (sqlite:///study.db, postgresql://...) or journal file; "
        "--storage or HPO_STORAGE when omitted.",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"Address to listen on (default: {DEFAULT_HOST}, this machine only). The "
        "dashboard has no login: other addresses are logged as a warning.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"Port (default: {DEFAULT_PORT}; 0: any free).",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="Leave out every write action (enqueue, tell, fail stale trials, delete, notes).",
    )
    parser.add_argument(
        "--stale-after",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="Flag a running trial stale after this long without a heartbeat (default: 60).",
    )


def dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until interrupted; the options are checked before the storage opens."""
    from hpo.dashboard import run_server

    if not 0 <= args.port <= 65535:
        raise usage_error(f"--port must be from 0 to 65535, got {args.port}.")
    if not args.stale_after > 0:
        raise usage_error(
            f"--stale-after must be a positive number of seconds, got {args.stale_after}."
        )
    if args.storage_url:
        args.storage = args.storage_url
    location = storage_location(args)
    if location.startswith("sqlite:///"):
        path = location.removeprefix("sqlite:///").split("?", 1)[0]
        if path and path != ":memory:" and not os.path.exists(path):
            # Opening would create an empty database: a typo would show "no study" instead.
            raise usage_error(f"no SQLite database at {path!r}: check the storage URL.")
    storage = open_storage(args)
    run_server(
        storage,
        host=args.host,
        port=args.port,
        read_only=args.read_only,
        stale_after=args.stale_after,
    )
    return 0
