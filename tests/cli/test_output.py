"""Formatting rows: table, json, yaml and value, with and without --flatten."""

from __future__ import annotations

import json
import sys

import pytest

from hpo._cli._output import cell_text, check_format, flat_columns, flatten, render

ROWS = [
    {"number": 0, "values": [1.5, float("inf")], "params": {"a": "x y", "b": 2}, "state": "OK"},
    {"number": 1, "values": None, "params": {"c": None}, "state": "FAIL"},
]
COLUMNS = ["number", "values", "params", "state"]


def test_json_is_valid_json_with_json_types() -> None:
    loaded = json.loads(render(ROWS, COLUMNS, "json"))
    assert loaded[0] == {
        "number": 0,
        "values": [1.5, "Infinity"],
        "params": {"a": "x y", "b": 2},
        "state": "OK",
    }
    assert loaded[1]["values"] is None and loaded[1]["params"] == {"c": None}
    single = json.loads(render(ROWS[:1], COLUMNS, "json", single=True))
    assert isinstance(single, dict) and single["number"] == 0
    assert json.loads(render([], COLUMNS, "json")) == []
    text = render([{"v": float("-inf")}, {"v": float("nan")}], ["v"], "json")
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == [
        {"v": "-Infinity"},
        {"v": "NaN"},
    ]


def test_json_keeps_the_column_order() -> None:
    text = render([{"state": "OK", "number": 3}], ["number", "state"], "json")
    assert text == '[{"number": 3, "state": "OK"}]\n'


def test_flatten_splits_dicts_and_lists_one_level() -> None:
    flat = flatten(ROWS)
    assert flat[0] == {
        "number": 0,
        "values_0": 1.5,
        "values_1": float("inf"),
        "params_a": "x y",
        "params_b": 2,
        "state": "OK",
    }
    assert flat[1] == {"number": 1, "values": None, "params_c": None, "state": "FAIL"}
    assert flatten([{"u": {"k": [1, 2]}}]) == [{"u_k": [1, 2]}]
    columns = flat_columns(flat, COLUMNS)
    assert columns == ["number", "values_0", "values_1", "params_a", "params_b", "params_c",
                       "state"]  # fmt: skip
    loaded = json.loads(render(ROWS, COLUMNS, "json", flat=True))
    assert "params_c" not in loaded[0] and loaded[1]["params_c"] is None
    assert loaded[1] == {"number": 1, "params_c": None, "state": "FAIL"}


def test_table_has_borders_a_header_and_aligned_cells() -> None:
    text = render(ROWS, COLUMNS, "table")
    lines = text.splitlines()
    assert lines[0] == lines[2] == lines[-1]
    assert set(lines[0]) == {"+", "-"}
    assert [c.strip() for c in lines[1].strip("|").split("|")] == COLUMNS
    assert lines[1].startswith("| number | values ")  # a column of numbers, its name fits
    first = [c.strip() for c in lines[3].strip("|").split("|")]
    assert first == ["0", '[1.5, "Infinity"]', '{"a": "x y", "b": 2}', "OK"]
    assert lines[3].startswith("| " + " " * (len("number") - 1) + "0 |")  # numbers right
    assert len({len(line) for line in lines}) == 1
    numbers = render([{"v": 1.25}, {"v": None}, {"v": 3}], ["v"], "table").splitlines()
    assert numbers[1:5] == ["|    v |", "+------+", "| 1.25 |", "|      |"]
    mixed = render([{"v": 1.25}, {"v": "a"}], ["v"], "table").splitlines()
    assert mixed[1] == "| v    |" and mixed[3] == "| 1.25 |" and mixed[4] == "| a    |"
    empty = render([], ["name"], "table").splitlines()
    assert empty == ["+------+", "| name |", "+------+", "+------+"]


def test_value_prints_cells_separated_by_spaces() -> None:
    text = render(ROWS, COLUMNS, "value")
    assert text.splitlines() == [
        '0 [1.5, "Infinity"] {"a": "x y", "b": 2} OK',
        '1  {"c": null} FAIL',
    ]
    assert render([], ["name"], "value") == ""
    assert render([{"v": float("inf")}], ["v"], "value", flat=True) == "Infinity\n"


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(False) == "false"
    assert cell_text(float("-inf")) == "-Infinity"
    assert cell_text("é") == "é"
    assert cell_text({"é": 1}) == '{"é": 1}'


def test_yaml_reads_back_as_the_same_data() -> None:
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(render(ROWS, COLUMNS, "yaml"))
    assert loaded == [dict(row) for row in ROWS]
    assert yaml.safe_load(render(ROWS[:1], COLUMNS, "yaml", single=True))["number"] == 0


def test_yaml_without_pyyaml_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ImportError, match="PyYAML"):
        check_format("yaml")
    check_format("json")
    with pytest.raises(ValueError, match="xml"):
        check_format("xml")
