"""The hpo command line: ``hpo storage upgrade``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from hpo.cli import main
from hpo.storages import RDBStorage
from hpo.storages._rdb import _schema
from hpo.storages._rdb._migrations import upgrade

REPO = Path(__file__).resolve().parent.parent


def test_upgrade_creates_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert _schema.HEAD_REVISION in capsys.readouterr().out
    assert RDBStorage(url).get_all_studies() == []


def test_upgrade_of_a_current_database_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    RDBStorage(url)
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_upgrade_of_an_older_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001_initial_schema")
    assert main(["storage", "upgrade", "--storage", url]) == 0
    out = capsys.readouterr().out
    assert "from revision 0001_initial_schema to " + _schema.HEAD_REVISION in out
    RDBStorage(url)


def test_upgrade_on_postgresql(postgres_database_url: str) -> None:
    upgrade(postgres_database_url, "0001_initial_schema")
    assert main(["storage", "upgrade", "--storage", postgres_database_url]) == 0
    RDBStorage(postgres_database_url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("this is not a url", "Malformed database URL"),
        ("oracle://u@h/db", "Unknown database 'oracle'"),
        ("sqlite:////no/such/directory/x.db", "does not exist"),
    ],
)
def test_bad_url_fails_with_a_message(
    url: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(["storage", "upgrade", "--storage", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hpo: error: ")
    assert message in err


def test_database_of_another_program_is_not_upgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "foreign.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE things (id INTEGER)"))
    engine.dispose()
    assert main(["storage", "upgrade", "--storage", f"sqlite:///{path}"]) == 1
    assert "not written by hpo" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [[], ["storage"], ["storage", "upgrade"], ["storage", "downgrade", "--storage", "x"]]
)
def test_usage_errors_exit_with_2(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    assert "usage: hpo" in capsys.readouterr().err


def test_version_and_help_exit_with_0(capsys: pytest.CaptureFixture) -> None:
    assert main(["--version"]) == 0
    assert "hpo " in capsys.readouterr().out
    assert main(["storage", "upgrade", "--help"]) == 0
    assert "--storage URL" in capsys.readouterr().out


def test_runs_as_a_program(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'program.db'}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ok = subprocess.run(
        [sys.executable, "-m", "hpo.cli", "storage", "upgrade", "--storage", url],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "hpo.cli", "storage", "upgrade", "--storage", "nope://"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 1
    assert "hpo: error: Unknown database 'nope'" in bad.stderr
