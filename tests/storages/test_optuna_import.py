"""Importing studies from databases written by Optuna: every field arrives, nothing is written
to the source, and a failed import leaves nothing behind.

Databases are written during the test by the installed Optuna (SQLite and PostgreSQL), or
loaded from text dumps written by older Optuna versions (tests/storages/data/, made by
write_optuna_db.py there, with the studies as that Optuna read them back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import optuna
import pytest

import hpo
from hpo.exceptions import DuplicatedStudyError, StorageVersionError
from hpo.storages._optuna._reader import OptunaDatabase, _read_only_connection, is_optuna_database
from hpo.study._management import import_optuna_studies
from tests.postgres_server import PostgresServer
from tests.storages.data import write_optuna_db as writer

DATA = Path(__file__).parent / "data"
DUMPS = sorted(DATA.glob("optuna_*.sql"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_dump(dump: Path, path: Path) -> str:
    """Load a text dump into a new SQLite file and return its URL."""
    connection = sqlite3.connect(path)
    connection.executescript(dump.read_text())
    connection.close()
    return f"sqlite:///{path}"


def describe_hpo(storage: Any) -> list[dict[str, Any]]:
    described = []
    for name in writer.STUDY_NAMES:
        study = hpo.load_study(study_name=name, storage=storage)
        described.append(
            writer.describe_study(
                name, study.directions, study.user_attrs, study.system_attrs, study.trials
            )
        )
    return json.loads(json.dumps(described))  # as the expected files: tuples become lists


@pytest.fixture(scope="module")
def optuna_sqlite_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("optuna") / "optuna.db"
    writer.write_studies(f"sqlite:///{path}")
    return path


@pytest.fixture
def optuna_sqlite(optuna_sqlite_original: Path, tmp_path: Path) -> Path:
    """A database written by the installed Optuna (a copy of one written once per module)."""
    path = tmp_path / "optuna.db"
    shutil.copyfile(optuna_sqlite_original, path)
    return path


def test_the_written_studies_hold_every_kind_of_trial(optuna_sqlite: Path) -> None:
    # The databases below must exercise what the import converts; check they do.
    single, multi, _ = writer.describe_optuna(f"sqlite:///{optuna_sqlite}")
    states = {t["state"] for t in single["trials"]} | {t["state"] for t in multi["trials"]}
    assert states == {"COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"}
    assert {"'inf'", "'nan'", "'-inf'"} <= {
        repr(v) for t in single["trials"] for v in t["intermediate_values"].values()
    }
    kinds = {json.dumps(d, sort_keys=True) for d in single["trials"][0]["distributions"].values()}
    assert len(kinds) == 6
    assert any("constraints" in t["system_attrs"] for t in multi["trials"])


def test_sqlite_import_reproduces_every_field_and_leaves_the_source_untouched(
    optuna_sqlite: Path, tmp_path: Path
) -> None:
    source_url = f"sqlite:///{optuna_sqlite}"
    expected = writer.describe_optuna(source_url)
    before = digest(optuna_sqlite)
    target = f"sqlite:///{tmp_path / 'hpo.db'}"
    for name in writer.STUDY_NAMES:
        hpo.copy_study(from_study_name=name, from_storage=source_url, to_storage=target)
    assert describe_hpo(target) == json.loads(json.dumps(expected))
    assert digest(optuna_sqlite) == before
    # No journal, WAL or shared-memory file was created next to the source.
    assert [p.name for p in tmp_path.glob("optuna.db*")] == ["optuna.db"]


@pytest.fixture(scope="module")
def optuna_postgres(postgres_server: PostgresServer) -> Iterator[str]:
    """A PostgreSQL database written by the installed Optuna, shared by the module's tests."""
    name = f"optuna_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    writer.write_studies(url)
    yield url
    postgres_server.drop_database(name)


def test_postgresql_import_reproduces_every_field(optuna_postgres: str) -> None:
    expected = writer.describe_optuna(optuna_postgres)
    target = hpo.storages.InMemoryStorage()
    assert import_optuna_studies(optuna_postgres, target) == [
        ("single", 7),
        ("multi", 5),
        ("empty", 0),
    ]
    assert describe_hpo(target) == json.loads(json.dumps(expected))


def test_postgresql_is_read_in_read_only_transactions(optuna_postgres: str) -> None:
    # Optuna's URLs often name psycopg2: hpo reads them with its own driver, psycopg 3.
    psycopg2_url = optuna_postgres.replace("postgresql+psycopg://", "postgresql+psycopg2://")
    with OptunaDatabase(psycopg2_url) as database:
        with _read_only_connection(database.engine) as conn, pytest.raises(Exception) as error:
            conn.exec_driver_sql("DELETE FROM trial_values")
        assert "read-only" in str(error.value)
        assert len(database.read_study("single").trials) == 7


def test_sqlite_is_opened_read_only(optuna_sqlite: Path) -> None:
    with OptunaDatabase(f"sqlite:///{optuna_sqlite}") as database:
        with _read_only_connection(database.engine) as conn, pytest.raises(Exception) as error:
            conn.exec_driver_sql("DELETE FROM trial_values")
        assert "readonly" in str(error.value)


@pytest.mark.parametrize("dump", DUMPS, ids=[d.stem for d in DUMPS])
def test_databases_of_older_optuna_versions_import_exactly(dump: Path, tmp_path: Path) -> None:
    source = tmp_path / "optuna.db"
    url = load_dump(dump, source)
    before = digest(source)
    target = f"sqlite:///{tmp_path / 'hpo.db'}"
    hpo.storages.get_storage(target)
    copied = import_optuna_studies(url, target)
    assert [name for name, _ in copied] == list(writer.STUDY_NAMES)
    expected = json.loads(dump.with_suffix(".json").read_text())
    assert describe_hpo(target) == expected
    assert digest(source) == before


def test_dumps_cover_both_schema_revisions() -> None:
    headers = {d.read_text().splitlines()[0] for d in DUMPS}
    assert any("v3.0.0.d" in h for h in headers)
    assert any("v3.2.0.a" in h for h in headers)


def test_imported_study_continues_in_hpo(optuna_sqlite: Path) -> None:
    target = hpo.storages.InMemoryStorage()
    hpo.copy_study(
        from_study_name="single",
        from_storage=f"sqlite:///{optuna_sqlite}",
        to_storage=target,
        to_study_name="renamed",
    )
    study = hpo.load_study(study_name="renamed", storage=target)
    # The enqueued (WAITING) trial runs first, then a new one, numbered after the copies.
    study.optimize(lambda t: t.suggest_float("lr", 1e-5, 1e-1, log=True), n_trials=2)
    assert [t.number for t in study.trials[-2:]] == [6, 7]
    assert study.trials[6].params["lr"] == 1e-3
    # Trial 4 has the lowest value but violates a constraint: hpo reads constraints from there.
    assert study.trials[4].value == -1.5
    assert study.best_trial.number != 4


def test_sqlite_destination_continues_numbering(optuna_sqlite: Path, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'hpo.db'}"
    hpo.copy_study(
        from_study_name="multi", from_storage=f"sqlite:///{optuna_sqlite}", to_storage=target
    )
    study = hpo.load_study(study_name="multi", storage=target)
    assert study.ask().number == 5
    constraints = [t.system_attrs["constraints"] for t in study.trials[:3]]
    assert constraints == [[-1.0], [0.0], [1.0]]


def test_named_constraints_of_optuna_5_join_the_constraints_list(tmp_path: Path) -> None:
    if not hasattr(optuna.trial.Trial, "set_constraint"):
        pytest.skip("this Optuna has no named constraints")
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    study = optuna.create_study(storage=url, study_name="c")
    trial = study.ask()
    trial.set_constraint("memory", 2.0)
    trial.set_constraint("latency", -1.0)
    study.tell(trial, 1.0)
    target = hpo.storages.InMemoryStorage()
    hpo.copy_study(from_study_name="c", from_storage=url, to_storage=target)
    imported = hpo.load_study(study_name="c", storage=target).trials[0]
    assert imported.system_attrs == {
        "constraints:memory": 2.0,
        "constraints:latency": -1.0,
        "constraints": [-1.0, 2.0],
    }


# -- failures -----------------------------------------------------------------------------------
def test_existing_destination_study_is_refused_and_left_alone(
    optuna_sqlite: Path, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'hpo.db'}"
    existing = hpo.create_study(study_name="multi", storage=target)
    existing.optimize(lambda t: t.suggest_float("y", 0, 1), n_trials=2)
    with pytest.raises(DuplicatedStudyError, match="'multi' already exists"):
        import_optuna_studies(f"sqlite:///{optuna_sqlite}", target)
    # Names are checked before anything is copied: not even 'single' arrived.
    assert hpo.get_all_study_names(target) == ["multi"]
    assert len(hpo.load_study(study_name="multi", storage=target).trials) == 2
    with pytest.raises(DuplicatedStudyError, match="'multi' already exists"):
        hpo.copy_study(
            from_study_name="multi", from_storage=f"sqlite:///{optuna_sqlite}", to_storage=target
        )


def test_missing_study_is_named(optuna_sqlite: Path) -> None:
    url = f"sqlite:///{optuna_sqlite}"
    target = hpo.storages.InMemoryStorage()
    with pytest.raises(KeyError, match="no study named 'nope'"):
        import_optuna_studies(url, target, ["single", "nope"])
    with pytest.raises(KeyError, match="no study named 'nope'"):
        hpo.copy_study(from_study_name="nope", from_storage=url, to_storage=target)
    assert hpo.get_all_study_names(target) == []


def test_a_study_that_cannot_be_imported_leaves_nothing(tmp_path: Path) -> None:
    url = load_dump(DUMPS[-1], tmp_path / "optuna.db")
    with sqlite3.connect(tmp_path / "optuna.db") as connection:  # a unit count off its grid
        connection.execute("UPDATE trial_params SET param_value = 4 WHERE param_name = 'layers'")
    connection.close()
    target = f"sqlite:///{tmp_path / 'hpo.db'}"
    with pytest.raises(ValueError, match=r"Study 'single', trial 0: Parameter 'layers'=4"):
        import_optuna_studies(url, target, ["empty", "single"])
    assert hpo.get_all_study_names(target) == ["empty"]  # copied before, in its own transaction


def test_gaps_in_optuna_trial_numbers_are_closed_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = load_dump(DUMPS[-1], tmp_path / "optuna.db")
    with sqlite3.connect(tmp_path / "optuna.db") as connection:
        connection.execute("UPDATE trials SET number = number * 2")
    connection.close()
    with caplog.at_level(logging.WARNING, logger="hpo"):
        trials = OptunaDatabase(url).read_study("multi").trials
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert "4 trials get new numbers (first: 2 becomes 1)" in caplog.text


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("v2.6.0.a", "older than Optuna 3.0"),
        ("v9.9.9.a", r"revision 'v9.9.9.a' \(written by Optuna 9.1.0, schema version 12\)"),
    ],
)
def test_unknown_schema_revisions_are_refused(revision: str, message: str, tmp_path: Path) -> None:
    url = load_dump(DUMPS[-1], tmp_path / "optuna.db")
    with sqlite3.connect(tmp_path / "optuna.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.execute("UPDATE version_info SET library_version = '9.1.0'")
    connection.close()
    with pytest.raises(StorageVersionError, match=message):
        OptunaDatabase(url)
    with pytest.raises(StorageVersionError, match=message):
        hpo.copy_study(
            from_study_name="single", from_storage=url, to_storage=hpo.storages.InMemoryStorage()
        )


def test_databases_that_are_not_optuna_s_are_refused(tmp_path: Path) -> None:
    hpo_url = f"sqlite:///{tmp_path / 'hpo.db'}"
    hpo.create_study(study_name="s", storage=hpo_url)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE things (x)").connection.close()
    for url in (hpo_url, f"sqlite:///{other}"):
        assert not is_optuna_database(url)
        with pytest.raises(StorageVersionError, match="is not an Optuna database"):
            OptunaDatabase(url)
    with pytest.raises(ValueError, match="no database file"):
        OptunaDatabase(f"sqlite:///{tmp_path / 'missing.db'}")
    with pytest.raises(ValueError, match="memory database"):
        OptunaDatabase("sqlite://")
    assert not is_optuna_database(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()
    # copy_study between hpo databases is unchanged.
    hpo.copy_study(from_study_name="s", from_storage=hpo_url, to_storage=f"sqlite:///{other}x")


def test_optuna_database_is_still_refused_as_an_hpo_storage(optuna_sqlite: Path) -> None:
    with pytest.raises(StorageVersionError, match="Optuna database"):
        hpo.load_study(study_name="single", storage=f"sqlite:///{optuna_sqlite}")
