"""The trials table: filter, sort and page the cached trials on the server.

A filter is a few conditions joined by ``and``, each ``FIELD OP VALUE``::

    state = COMPLETE and value < 0.5 and params.lr >= 1e-3 and user_attrs.fold = 2

Fields: ``number``, ``state``, ``value`` (the first objective), ``value0``, ``value1``, ...,
``duration`` (seconds), ``params.NAME`` and ``user_attrs.KEY``. Operators: ``=``, ``==``,
``!=``, ``<``, ``<=``, ``>``, ``>=``. Numbers compare as numbers, anything else as text; a
trial without the field never matches. Sorting takes the same fields; trials without the
field come last.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hpo.trial import FrozenTrial

MAX_PER_PAGE = 500
_MISSING = object()
_CONDITION = re.compile(
    r"^\s*(?P<field>[A-Za-z_][\w.\-\[\]: ]*?)\s*(?P<op>==|!=|<=|>=|=|<|>)\s*(?P<value>.+?)\s*$"
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class TableQueryError(ValueError):
    """A filter, sort or page the table cannot apply (answered with a 400)."""


def field_getter(field: str) -> Callable[[FrozenTrial], Any]:
    """Return a function reading ``field`` of a trial (``_MISSING`` when it has none).

    Raises
    ------
    TableQueryError
        For an unknown field.
    """
    if field == "number":
        return lambda t: t.number
    if field == "state":
        return lambda t: t.state.name
    if field == "duration":

        def duration(trial: FrozenTrial) -> Any:
            if trial.datetime_start is None or trial.datetime_complete is None:
                return _MISSING
            return (trial.datetime_complete - trial.datetime_start).total_seconds()

        return duration
    match = re.fullmatch(r"value(\d*)", field)
    if match:
        index = int(match.group(1) or 0)

        def value(trial: FrozenTrial) -> Any:
            values = trial.values
            return values[index] if values is not None and index < len(values) else _MISSING

        return value
    for prefix, attribute in (("params.", "params"), ("user_attrs.", "user_attrs")):
        if field.startswith(prefix) and len(field) > len(prefix):
            name = field[len(prefix) :]
            return lambda t: getattr(t, attribute).get(name, _MISSING)
    raise TableQueryError(
        f"unknown field {field!r}: use number, state, value, value0, value1, ..., duration, "
        "params.NAME or user_attrs.KEY."
    )


def _literal(text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return float(text)
    except ValueError:
        return text


def _compare(op: Callable[[Any, Any], bool], actual: Any, expected: Any) -> bool:
    if actual is _MISSING or actual is None:
        return False
    if (
        isinstance(expected, float)
        and isinstance(actual, (int, float))
        and not isinstance(actual, bool)
    ):
        return op(float(actual), expected)
    return op(str(actual), expected if isinstance(expected, str) else _number_text(expected))


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def parse_filter(text: str) -> Callable[[FrozenTrial], bool] | None:
    """Compile a filter (see the module documentation); ``None`` when it is empty.

    Raises
    ------
    TableQueryError
        For a condition that does not parse or names an unknown field.
    """
    if not text.strip():
        return None
    tests = []
    for part in _AND.split(text.strip()):
        match = _CONDITION.match(part)
        if match is None:
            raise TableQueryError(
                f"cannot read the condition {part!r}: write FIELD OP VALUE, e.g. value < 0.5."
            )
        getter = field_getter(match.group("field").strip())
        op = _OPERATORS[match.group("op")]
        expected = _literal(match.group("value"))
        if match.group("field").strip() == "state" and isinstance(expected, str):
            expected = expected.upper()
        tests.append((getter, op, expected))

    def keep(trial: FrozenTrial) -> bool:
        return all(_compare(op, getter(trial), expected) for getter, op, expected in tests)

    return keep


def _sort_key(getter: Callable[[FrozenTrial], Any]) -> Callable[[FrozenTrial], tuple[Any, ...]]:
    def key(trial: FrozenTrial) -> tuple[Any, ...]:
        value = getter(trial)
        if value is _MISSING or value is None:
            return (2, 0.0, "")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
            return (1, 0.0, "") if math.isnan(number) else (0, number, "")
        return (0, math.inf, str(value))

    return key


@dataclass
class TablePage:
    """One page of the table and what the page links need."""

    rows: list[FrozenTrial]
    page: int
    per_page: int
    n_matching: int

    @property
    def n_pages(self) -> int:
        """How many pages the matching trials fill (at least one)."""
        return max(1, -(-self.n_matching // self.per_page))


def query_table(
    trials: Sequence[FrozenTrial],
    *,
    filter_text: str = "",
    sort: str = "number",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> TablePage:
    """Filter, sort and cut one page out of ``trials`` (in number order).

    Raises
    ------
    TableQueryError
        For a bad filter, an unknown sort field, or a page or page size out of range.
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise TableQueryError(f"per_page={per_page} must be between 1 and {MAX_PER_PAGE}.")
    if page < 1:
        raise TableQueryError(f"page={page} must be 1 or more.")
    keep = parse_filter(filter_text)
    getter = field_getter(sort)
    start = (page - 1) * per_page
    if keep is None and sort == "number":  # the common case: no pass over every trial
        n = len(trials)
        if descending:
            rows = [trials[i] for i in range(n - 1 - start, max(n - 1 - start - per_page, -1), -1)]
        else:
            rows = list(trials[start : start + per_page])
        return TablePage(rows, page, per_page, n)
    selected = [t for t in trials if keep(t)] if keep is not None else list(trials)
    if sort != "number" or descending:
        key = _sort_key(getter)
        if descending:
            present = [t for t in selected if key(t)[0] < 2]
            missing = [t for t in selected if key(t)[0] == 2]
            present.sort(key=key, reverse=True)
            selected = present + missing
        else:
            selected.sort(key=key)
    return TablePage(selected[start : start + per_page], page, per_page, len(selected))
