"""The library logger and its verbosity controls.

hpo logs through the standard :mod:`logging` module under the ``"hpo"`` logger. By default the
root of that tree prints INFO and above to standard error, like the rest of the Python
hyperparameter-tuning ecosystem.
"""

from __future__ import annotations

import logging
import sys
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

_LIBRARY_NAME = "hpo"
_lock = threading.Lock()
_default_handler: logging.Handler | None = None


def _root_logger() -> logging.Logger:
    return logging.getLogger(_LIBRARY_NAME)


def _configure_root_logger() -> None:
    global _default_handler
    with _lock:
        if _default_handler is not None:
            return
        _default_handler = logging.StreamHandler(sys.stderr)
        _default_handler.setFormatter(
            logging.Formatter("[%(levelname)1.1s %(asctime)s] %(message)s")
        )
        root = _root_logger()
        root.addHandler(_default_handler)
        root.setLevel(logging.INFO)
        root.propagate = False


def get_logger(name: str) -> logging.Logger:
    """Return a logger below hpo's library logger.

    Parameters
    ----------
    name:
        Usually the ``__name__`` of the calling module.

    Returns
    -------
    logging.Logger
        The logger; it inherits hpo's verbosity.
    """
    _configure_root_logger()
    return logging.getLogger(name)


def get_verbosity() -> int:
    """Return the current verbosity level of hpo's logger (e.g. ``hpo.logging.INFO``)."""
    _configure_root_logger()
    return _root_logger().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the verbosity of hpo's logger.

    Parameters
    ----------
    verbosity:
        A level from :mod:`logging`, e.g. ``hpo.logging.WARNING`` to silence per-trial messages.

    Raises
    ------
    ValueError
        If ``verbosity`` is not a known logging level.
    """
    if not isinstance(verbosity, int) or isinstance(verbosity, bool):
        raise ValueError(f"verbosity must be a logging level (int), got {verbosity!r}")
    if verbosity not in (DEBUG, INFO, WARNING, ERROR, CRITICAL):
        raise ValueError(
            f"verbosity={verbosity} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
        )
    _configure_root_logger()
    _root_logger().setLevel(verbosity)


def disable_default_handler() -> None:
    """Stop hpo's own handler from printing to standard error."""
    _configure_root_logger()
    assert _default_handler is not None
    _root_logger().removeHandler(_default_handler)


def enable_default_handler() -> None:
    """Let hpo's own handler print to standard error again."""
    _configure_root_logger()
    assert _default_handler is not None
    _root_logger().addHandler(_default_handler)


def disable_propagation() -> None:
    """Stop hpo's log records from reaching the root logger's handlers."""
    _configure_root_logger()
    _root_logger().propagate = False


def enable_propagation() -> None:
    """Let hpo's log records reach the root logger's handlers (e.g. for pytest's caplog)."""
    _configure_root_logger()
    _root_logger().propagate = True
