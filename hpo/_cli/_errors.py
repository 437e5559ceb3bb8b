"""How a command reports a problem: the exception types and the one-line message."""

from __future__ import annotations

from hpo.exceptions import CLIUsageError


def usage_error(message: str) -> CLIUsageError:
    """Return the error for an argument whose value cannot be used (exit code 2)."""
    return CLIUsageError(message)


def one_line(error: BaseException) -> str:
    """Return the message of ``error`` as a single line.

    A ``KeyError`` keeps its text without the quotes ``str()`` adds; a message of several lines
    (database drivers write the SQL on later lines) keeps its first non-empty line; an
    exception without a message is named by its type.

    Examples
    --------
    >>> one_line(KeyError("No study named 'x'."))
    "No study named 'x'."
    >>> one_line(RuntimeError("first line\\nsecond line"))
    'first line'
    """
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        text = error.args[0]
    else:
        text = str(error)
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__
