"""Core statements compiled once per database, and run on a driver cursor directly.

The hot path of RDBStorage skips SQLAlchemy's per-execution work (compiled-cache lookup,
parameter processing, result wrapping): each statement is compiled once for the database's
dialect, with positional parameters, and executed by the driver's cursor.
"""

from __future__ import annotations

import datetime
from typing import Any


class Prepared:
    """A Core statement compiled once: its SQL text and how to bind its parameters."""

    __slots__ = ("defaults", "names", "sql", "sqlite")

    def __init__(self, statement: Any, dialect: Any, sqlite: bool) -> None:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        self.sql: str = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        # Values fixed in the statement itself (e.g. the states of an IN list).
        self.defaults: dict[str, Any] = {
            key: value for key, value in compiled.params.items() if value is not None
        }
        self.sqlite = sqlite

    def bind(self, params: dict[str, Any]) -> tuple[Any, ...]:
        """Return the positional parameters of one execution."""
        if self.defaults:
            params = {**self.defaults, **params}
        if self.sqlite:
            return tuple([_sqlite_value(params[name]) for name in self.names])
        return tuple([params[name] for name in self.names])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        # The text format SQLAlchemy uses for SQLite DateTime columns.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


class PreparedStatements:
    """The statements one database has run, each compiled once for its dialect.

    Keyed by the statement object itself, which the cache keeps alive: a statement built
    later can never be mistaken for one that was garbage-collected.
    """

    def __init__(self, dialect: Any) -> None:
        # Positional parameters: cheaper for the driver to bind than named ones.
        self._dialect = dialect if dialect.positional else type(dialect)(paramstyle="format")
        self.sqlite = dialect.name == "sqlite"
        self._compiled: dict[Any, Prepared] = {}

    def __getitem__(self, statement: Any) -> Prepared:
        prepared = self._compiled.get(statement)
        if prepared is None:
            prepared = Prepared(statement, self._dialect, self.sqlite)
            self._compiled[statement] = prepared
        return prepared


class Raw:
    """A driver cursor that runs prepared Core statements.

    Each call's result must be read before the next statement runs.
    """

    __slots__ = ("_cursor", "_prepared", "sqlite")

    def __init__(self, cursor: Any, prepared: PreparedStatements) -> None:
        self._cursor = cursor
        self._prepared = prepared
        self.sqlite = prepared.sqlite

    def execute(self, statement: Any, params: dict[str, Any]) -> Any:
        """Execute a Core ``statement`` (compiled on first use) and return the cursor."""
        prepared = self._prepared[statement]
        return self._cursor.execute(prepared.sql, prepared.bind(params))

    def executemany(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        """Execute a Core ``statement`` once per row of parameters."""
        prepared = self._prepared[statement]
        self._cursor.executemany(prepared.sql, [prepared.bind(row) for row in rows])
