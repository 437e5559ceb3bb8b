"""create-study, delete-study, study set-user-attr, study-names and studies."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from hpo.study import (
    StudyDirection,
    create_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from tests.cli.conftest import Run


def test_create_study_prints_the_name_and_keeps_the_directions(cli: Run, url: str) -> None:
    made = cli("create-study", "--storage", url, "--study-name", "s", "--direction", "maximize")
    assert (made.code, made.out, made.err) == (0, "s\n", "")
    multi = cli("create-study", "--storage", url, "--study-name", "m", "--directions",
                "minimize", "maximize", "minimize")  # fmt: skip
    assert multi.out == "m\n"
    generated = cli("create-study", "--storage", url)
    name = generated.out.strip()
    assert generated.code == 0 and name and "\n" not in name
    assert get_all_study_names(url) == ["s", "m", name]
    assert load_study(study_name="s", storage=url).directions == [StudyDirection.MAXIMIZE]
    assert load_study(study_name="m", storage=url).directions == [
        StudyDirection.MINIMIZE,
        StudyDirection.MAXIMIZE,
        StudyDirection.MINIMIZE,
    ]
    assert load_study(study_name=name, storage=url).directions == [StudyDirection.MINIMIZE]


def test_an_existing_name_fails_unless_skipped(cli: Run, url: str) -> None:
    cli("create-study", "--storage", url, "--study-name", "s", "--direction", "maximize")
    again = cli("create-study", "--storage", url, "--study-name", "s")
    assert again.code == 1
    assert again.error_line() == (
        "hpo: error: A study named 's' already exists; use --skip-if-exists to keep it, "
        "or another --study-name."
    )
    kept = cli("create-study", "--storage", url, "--study-name", "s", "--skip-if-exists")
    assert (kept.code, kept.out) == (0, "s\n")
    other = cli("create-study", "--storage", url, "--study-name", "s", "--skip-if-exists",
                "--direction", "minimize")  # fmt: skip
    assert other.code == 1 and "exists with directions ['maximize']" in other.error_line()
    assert get_all_study_names(url) == ["s"]


def test_delete_study_and_set_user_attr(cli: Run, url: str) -> None:
    create_study(storage=url, study_name="keep")
    create_study(storage=url, study_name="drop").optimize(lambda t: 1.0, n_trials=2)
    deleted = cli("delete-study", "--storage", url, "--study-name", "drop")
    assert (deleted.code, deleted.out, deleted.err) == (0, "", "")
    assert get_all_study_names(url) == ["keep"]
    for value in ("v", "2"):
        result = cli("study", "set-user-attr", "--storage", url, "--study-name", "keep",
                     "-k", "key", "--value", value)  # fmt: skip
        assert (result.code, result.out) == (0, "")
    assert load_study(study_name="keep", storage=url).user_attrs == {"key": "2"}
    for argv in (
        ["delete-study", "--study-name", "drop"],
        ["study", "set-user-attr", "--study-name", "drop", "--key", "k", "--value", "v"],
    ):
        missing = cli(*argv, "--storage", url)
        assert missing.code == 1
        assert missing.error_line() == "hpo: error: No study named 'drop'."


def test_study_names_in_every_format(cli: Run, url: str) -> None:
    names = ["a b", "c", "é"]
    for name in names:
        create_study(storage=url, study_name=name)
    assert cli("study-names", "--storage", url).out == "a b\nc\né\n"
    assert cli("study-names", "--storage", url, "-f", "value").out == "a b\nc\né\n"
    as_json = json.loads(cli("study-names", "--storage", url, "-f", "json").out)
    assert as_json == [{"name": name} for name in names]
    table = cli("study-names", "--storage", url, "-f", "table").out.splitlines()
    assert [line.strip("| ") for line in table[3:-1]] == names
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(cli("study-names", "--storage", url, "-f", "yaml").out) == as_json


def test_studies_match_the_summaries(cli: Run, url: str) -> None:
    empty = cli("studies", "--storage", url, "-f", "json")
    assert (empty.code, empty.out) == (0, "[]\n")
    single = create_study(storage=url, study_name="single", direction="maximize")
    single.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    single.set_user_attr("owner", {"team": ["a", "b"]})
    create_study(storage=url, study_name="multi", directions=["minimize", "maximize"])
    rows = json.loads(cli("studies", "--storage", url, "-f", "json").out)
    summaries = get_all_study_summaries(url)
    assert [row["name"] for row in rows] == [s.study_name for s in summaries]
    assert rows[0] == {
        "name": "single",
        "direction": ["MAXIMIZE"],
        "n_trials": 3,
        "datetime_start": summaries[0].datetime_start.isoformat(),
        "user_attrs": {"owner": {"team": ["a", "b"]}},
    }
    assert datetime.fromisoformat(rows[0]["datetime_start"]) == summaries[0].datetime_start
    assert rows[1] == {
        "name": "multi",
        "direction": ["MINIMIZE", "MAXIMIZE"],
        "n_trials": 0,
        "datetime_start": None,
        "user_attrs": {},
    }
    flat = json.loads(cli("studies", "--storage", url, "-f", "json", "--flatten").out)
    assert flat[0]["direction_0"] == "MAXIMIZE" and "direction" not in flat[0]
    assert flat[0]["user_attrs_owner"] == {"team": ["a", "b"]}
    assert (flat[1]["direction_0"], flat[1]["direction_1"]) == ("MINIMIZE", "MAXIMIZE")
    table = cli("studies", "--storage", url).out.splitlines()
    header = [cell.strip() for cell in table[1].strip("|").split("|")]
    assert header == ["name", "direction", "n_trials", "datetime_start", "user_attrs"]
    assert '["MINIMIZE", "MAXIMIZE"]' in table[4]
    flat_header = cli("studies", "--storage", url, "--flatten").out.splitlines()[1]
    assert [cell.strip() for cell in flat_header.strip("|").split("|")] == [
        "name", "direction_0", "direction_1", "n_trials", "datetime_start", "user_attrs_owner"
    ]  # fmt: skip
    values = cli("studies", "--storage", url, "-f", "value").out.splitlines()
    assert values[1] == 'multi ["MINIMIZE", "MAXIMIZE"] 0  {}'
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(cli("studies", "--storage", url, "-f", "yaml").out) == rows
