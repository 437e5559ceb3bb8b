"""Printing rows as ``table``, ``json``, ``yaml`` or ``value`` (the ``-f/--format`` option).

A row is a dict from column name to a JSON-ready value (None, bool, int, float, str, or lists
and dicts of them); the commands build rows, this module only lays them out:

- ``json``: one line of JSON, an array of objects (an object for commands that show one
  record). Floats that JSON cannot hold are the strings ``"Infinity"``, ``"-Infinity"`` and
  ``"NaN"``, so any JSON parser reads the output.
- ``yaml``: the same data as YAML (needs the optional PyYAML package); infinities are ``.inf``.
- ``table``: a bordered text table; numbers align right, nested values are JSON.
- ``value``: one line per row, the cells separated by single spaces, nothing else.

``flatten`` turns nested columns into one column per key (``params_x``) or per index
(``values_0``); a row without that key has no such entry.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "yaml", "value")
Row = dict[str, Any]


def _load_yaml() -> Any:
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise ImportError(
            "--format yaml needs the PyYAML package, which is not installed "
            "(pip install pyyaml); use --format json instead."
        ) from None


def check_format(output_format: str) -> None:
    """Raise before a command runs if ``output_format`` cannot be printed here.

    Raises
    ------
    ValueError
        If the format is unknown.
    ImportError
        If it is ``yaml`` and PyYAML is not installed.
    """
    if output_format not in FORMATS:
        raise ValueError(f"Unknown output format {output_format!r}; choose from {FORMATS}.")
    if output_format == "yaml":
        _load_yaml()


def flatten(rows: Sequence[Row]) -> list[Row]:
    """Split every dict or list value into one entry per key or index, one level deep.

    Examples
    --------
    >>> flatten([{"number": 0, "params": {"x": 1.5}, "values": [1.0, 2.0]}])
    [{'number': 0, 'params_x': 1.5, 'values_0': 1.0, 'values_1': 2.0}]
    """
    flat_rows = []
    for row in rows:
        flat: Row = {}
        for column, value in row.items():
            if isinstance(value, dict):
                for key, item in value.items():
                    flat[f"{column}_{key}"] = item
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    flat[f"{column}_{index}"] = item
            else:
                flat[column] = value
        flat_rows.append(flat)
    return flat_rows


def flat_columns(rows: Sequence[Row], columns: Sequence[str]) -> list[str]:
    """Return the columns of flattened ``rows``: each base column replaced by its parts.

    The parts of a column appear where the column was, in order of first appearance; a
    column that was split in some row is left out where it was None (e.g. the ``values`` of
    a trial without values), as there is nothing to show.

    Examples
    --------
    >>> flat_columns([{"n": 1, "p_b": 2}, {"n": 2, "p_a": 3, "p": None}], ["n", "p"])
    ['n', 'p_b', 'p_a']
    """
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    ordered: list[str] = []
    for column in columns:
        parts = [key for key in seen if key.startswith(f"{column}_") and key not in columns]
        if column in seen and not parts:
            ordered.append(column)
        ordered.extend(parts)
    ordered.extend(key for key in seen if key not in ordered and key not in columns)
    return list(dict.fromkeys(ordered))


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def cell_text(value: Any) -> str:
    """Return how one value reads in a table or ``value`` line.

    Examples
    --------
    >>> [cell_text(v) for v in (None, 1, 0.5, float("inf"), True, "a b", {"k": [1]})]
    ['', '1', '0.5', 'Infinity', 'true', 'a b', '{"k": [1]}']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return str(_json_safe(value))
    return json.dumps(_json_safe(value), ensure_ascii=False)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def render_table(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """Return ``rows`` as a bordered table with a header row.

    Numbers align right, other values left; a column of numbers has its name on the right.
    """
    texts = [[cell_text(row.get(column)) for column in columns] for row in rows]
    widths = [len(column) for column in columns]
    for line in texts:
        widths = [max(width, len(text)) for width, text in zip(widths, line)]
    border = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

    def line_of(cells: Sequence[str], right: Sequence[bool]) -> str:
        padded = [
            text.rjust(width) if align_right else text.ljust(width)
            for text, width, align_right in zip(cells, widths, right)
        ]
        return "| " + " | ".join(padded) + " |"

    numeric = [
        any(row.get(column) is not None for row in rows)
        and all(row.get(column) is None or _is_number(row.get(column)) for row in rows)
        for column in columns
    ]
    lines = [border, line_of(columns, numeric), border]
    for row, line in zip(rows, texts):
        lines.append(line_of(line, [_is_number(row.get(column)) for column in columns]))
    lines.append(border)
    return "\n".join(lines)


def render(
    rows: Sequence[Row],
    columns: Sequence[str],
    output_format: str,
    *,
    flat: bool = False,
    single: bool = False,
) -> str:
    """Return ``rows`` in ``output_format``, with a final newline unless there is nothing.

    Parameters
    ----------
    rows:
        The records, JSON-ready values by column.
    columns:
        The columns in display order (before flattening).
    output_format:
        One of ``table``, ``json``, ``yaml``, ``value``.
    flat:
        Split nested columns (``--flatten``).
    single:
        The command shows one record: ``json`` and ``yaml`` print an object, not a list.

    Raises
    ------
    ValueError, ImportError
        As :func:`check_format`.

    Examples
    --------
    >>> print(render([{"number": 3, "params": {"x": 0.5}}], ["number", "params"], "json",
    ...              single=True), end="")
    {"number": 3, "params": {"x": 0.5}}
    >>> print(render([{"name": "a"}, {"name": "b"}], ["name"], "value"), end="")
    a
    b
    """
    check_format(output_format)
    if flat:
        rows = flatten(rows)
        columns = flat_columns(rows, columns)
    ordered = [{c: row[c] for c in columns if c in row} for row in rows]
    if output_format == "json":
        data: Any = ordered[0] if single else ordered
        return json.dumps(_json_safe(data), ensure_ascii=False, allow_nan=False) + "\n"
    if output_format == "yaml":
        yaml = _load_yaml()
        data = ordered[0] if single else ordered
        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        return text
    if output_format == "table":
        return render_table(ordered, columns) + "\n"
    lines = [" ".join(cell_text(row.get(column)) for column in columns) for row in ordered]
    return "".join(line + "\n" for line in lines)
