"""Logging for one run of the command: verbosity, ``--log-file``, and one-line warnings.

Standard error is kept for problems: by default only warnings and errors are logged, ``-v``
adds information, ``-vv`` debugging detail and ``-q`` keeps errors only. Python warnings
(e.g. a range adjusted to its step) print as one ``hpo: warning:`` line each. Everything is
restored when the run ends, so :func:`hpo.cli.main` can be called repeatedly in one process.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hpo.logging as hpo_logging


def verbosity_level(verbose: int, quiet: bool) -> int:
    """Return the logging level for ``-v`` given ``verbose`` times, or ``-q``.

    Examples
    --------
    >>> import logging
    >>> [logging.getLevelName(verbosity_level(v, False)) for v in (0, 1, 2)]
    ['WARNING', 'INFO', 'DEBUG']
    >>> logging.getLevelName(verbosity_level(0, True))
    'ERROR'
    """
    if quiet:
        return logging.ERROR
    if verbose >= 2:
        return logging.DEBUG
    if verbose == 1:
        return logging.INFO
    return logging.WARNING


@contextmanager
def configured_logging(args: argparse.Namespace) -> Iterator[None]:
    """Apply the verbosity and log file of ``args`` while the block runs."""
    level = verbosity_level(getattr(args, "verbose", 0) or 0, bool(getattr(args, "quiet", False)))
    previous_level = hpo_logging.get_verbosity()
    hpo_logging.set_verbosity(level)
    library_logger = logging.getLogger("hpo")
    file_handler: logging.Handler | None = None
    log_file = getattr(args, "log_file", None)
    if log_file:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(
            logging.Formatter("[%(levelname)1.1s %(asctime)s] %(name)s: %(message)s")
        )
        library_logger.addHandler(file_handler)
    previous_showwarning = warnings.showwarning

    def show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        if level <= logging.WARNING:
            text = " ".join(str(message).split())
            print(f"hpo: warning: {text}", file=sys.stderr)

    warnings.showwarning = show_warning
    try:
        yield
    finally:
        warnings.showwarning = previous_showwarning
        if file_handler is not None:
            library_logger.removeHandler(file_handler)
            file_handler.close()
        hpo_logging.set_verbosity(previous_level)
