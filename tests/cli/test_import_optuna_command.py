"""``hpo storage import-optuna``: copies studies of an Optuna database, reads it only, and
fails with one line (and nothing copied) for a foreign or too new database, a missing or an
existing study."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

import hpo
from tests.cli.conftest import Run
from tests.storages.data import write_optuna_db as writer

DUMP = sorted((Path(__file__).parents[1] / "storages" / "data").glob("optuna_4.*.sql"))[-1]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """An Optuna database (written by Optuna 4) with the studies single, multi and empty."""
    path = tmp_path / "optuna.db"
    connection = sqlite3.connect(path)
    connection.executescript(DUMP.read_text())
    connection.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_imports_every_study_and_reads_the_source_only(cli: Run, source: Path, url: str) -> None:
    before = digest(source)
    result = cli("storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", url)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Imported study 'single' with 7 trials.",
        "Imported study 'multi' with 5 trials.",
        "Imported study 'empty' with 0 trials.",
    ]
    assert digest(source) == before
    expected = json.loads(DUMP.with_suffix(".json").read_text())
    for study in expected:
        copied = hpo.load_study(study_name=study["name"], storage=url)
        trials = [writer.describe_trial(t) for t in copied.trials]
        assert json.loads(json.dumps(trials)) == study["trials"]
    listed = cli("study-names", "--storage", url)
    assert sorted(listed.out.split()) == ["empty", "multi", "single"]


def test_study_options_choose_the_studies(cli: Run, source: Path, url: str) -> None:
    result = cli(
        "storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", url,
        "--study", "multi", "--study", "empty",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Imported study 'multi' with 5 trials.",
        "Imported study 'empty' with 0 trials.",
    ]
    assert sorted(hpo.get_all_study_names(url)) == ["empty", "multi"]


def test_an_existing_study_stops_the_import_before_anything_is_copied(
    cli: Run, source: Path, url: str
) -> None:
    hpo.create_study(study_name="empty", storage=url)
    result = cli("storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", url)
    assert result.code == 1
    assert "A study named 'empty' already exists in the destination" in result.error_line()
    assert hpo.get_all_study_names(url) == ["empty"]


def test_a_missing_study_is_named(cli: Run, source: Path, url: str) -> None:
    result = cli(
        "storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", url,
        "--study", "single", "--study", "nope",
    )  # fmt: skip
    assert result.code == 1
    assert "has no study named 'nope'; it has ['single', 'multi', 'empty']" in result.error_line()
    assert hpo.get_all_study_names(url) == []


def test_a_database_that_is_not_optuna_s_is_refused_and_nothing_is_created(
    cli: Run, tmp_path: Path, url: str
) -> None:
    hpo_url = f"sqlite:///{tmp_path / 'hpo.db'}"
    hpo.create_study(study_name="s", storage=hpo_url)
    result = cli("storage", "import-optuna", "--from", hpo_url, "--to", url)
    assert result.code == 1
    assert "is not an Optuna database" in result.error_line()
    assert "It is an hpo database" in result.error_line()
    missing = cli("storage", "import-optuna", "--from", "sqlite:///nope.db", "--to", url)
    assert "no database file" in missing.error_line()
    assert not (tmp_path / "study.db").exists()


def test_a_newer_optuna_schema_is_named(cli: Run, source: Path, url: str) -> None:
    with sqlite3.connect(source) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'v7.0.0.a'")
        connection.execute("UPDATE version_info SET library_version = '7.0.0'")
    connection.close()
    result = cli("storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", url)
    assert result.code == 1
    line = result.error_line()
    assert "schema revision 'v7.0.0.a' (written by Optuna 7.0.0" in line
    assert "Upgrade hpo" in line


def test_from_and_to_are_required(cli: Run, url: str) -> None:
    assert cli("storage", "import-optuna", "--to", url).code == 2
    assert cli("storage", "import-optuna", "--from", url).code == 2


def test_the_program_imports_into_a_journal_file(
    program: Run, source: Path, tmp_path: Path
) -> None:
    journal = tmp_path / "studies.log"
    journal.touch()
    result = program(
        "storage", "import-optuna", "--from", f"sqlite:///{source}", "--to", str(journal),
        "--study", "single",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == "Imported study 'single' with 7 trials."
    shown = program("trials", "--storage", str(journal), "--study-name", "single", "-f", "json")
    assert [t["state"] for t in json.loads(shown.out)] == [
        "COMPLETE", "PRUNED", "FAIL", "COMPLETE", "COMPLETE", "RUNNING", "WAITING",
    ]  # fmt: skip
