"""RDBStorage behaviour beyond the shared contract: URLs, floats, caches, names, attributes."""

from __future__ import annotations

import math
import multiprocessing
import pickle
import re
import sqlite3
from pathlib import Path

import pytest

from hpo._study_direction import StudyDirection
from hpo.distributions import FloatDistribution
from hpo.exceptions import (
    DuplicatedStudyError,
    StorageInternalError,
    StorageVersionError,
    UpdateFinishedTrialError,
)
from hpo.storages import RDBStorage, get_storage
from hpo.storages._rdb._cache import DatabaseCache
from hpo.trial import TrialState, create_trial

MIN = [StudyDirection.MINIMIZE]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rdb.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


# -- URLs and drivers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad_url", "message"),
    [
        ("not a url", "Malformed database URL"),
        ("oracle://scott@host/db", "Unknown database 'oracle'"),
        ("sqlite+nosuchdriver:///x.db", "Unknown database driver 'sqlite\\+nosuchdriver'"),
        ("postgresql+nosuchdriver://u@h/db", "Unknown database driver"),
        ("mysql://u@h/db", "MySQL"),
    ],
)
def test_bad_urls_are_refused_with_the_problem_named(bad_url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RDBStorage(bad_url)


def test_url_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="must be a string"):
        RDBStorage(123)  # type: ignore[arg-type]


def test_missing_sqlite_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(ValueError, match="does not exist") as info:
        RDBStorage(f"sqlite:///{missing / 'study.db'}")
    assert str(missing) in str(info.value)
    assert not missing.exists()


def test_postgresql_url_without_driver_uses_psycopg(postgres_database_url: str) -> None:
    plain = postgres_database_url.replace("postgresql+psycopg://", "postgresql://")
    storage = RDBStorage(plain)
    assert storage._db.engine.dialect.driver == "psycopg"
    study_id = storage.create_new_study(MIN, "plain-url")
    assert RDBStorage(postgres_database_url).get_study_id_from_name("plain-url") == study_id


def test_get_storage_builds_rdb_storage_from_url(tmp_path: Path) -> None:
    storage = get_storage(f"sqlite:///{tmp_path / 'x.db'}")
    assert isinstance(storage, RDBStorage)


def test_one_engine_per_process_and_url(url: str) -> None:
    first, second = RDBStorage(url), RDBStorage(url)
    assert first._db is second._db
    assert first._db.engine is second._db.engine


def test_heartbeat_settings_are_validated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hb.db'}"
    with pytest.raises(ValueError, match="heartbeat_interval"):
        RDBStorage(url, heartbeat_interval=0)
    with pytest.raises(ValueError, match="heartbeat_interval"):
        RDBStorage(url, heartbeat_interval=-1)
    with pytest.raises(ValueError, match="grace_period"):
        RDBStorage(url, heartbeat_interval=1, grace_period=0)
    with pytest.raises(ValueError, match="grace_period"):
        RDBStorage(url, grace_period=5)


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.execute("CREATE TABLE studies (study_id INTEGER)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageVersionError, match="not written by hpo"):
        RDBStorage(f"sqlite:///{path}")
    # Not even its journal mode (a setting kept in the file) was changed.
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert not (tmp_path / "other.db-wal").exists()


def test_hpo_databases_use_the_wal_journal(tmp_path: Path) -> None:
    path = tmp_path / "hpo.db"
    RDBStorage(f"sqlite:///{path}").create_new_study(MIN, "s")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_an_optuna_database_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    # Optuna's schema has a version_info table too, with other columns than hpo's.
    path = tmp_path / "optuna.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE version_info (version_info_id INTEGER PRIMARY KEY, "
            "schema_version INTEGER, library_version VARCHAR(256))"
        )
        conn.execute("INSERT INTO version_info VALUES (1, 12, '5.0.0')")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.execute("CREATE TABLE studies (study_id INTEGER)")
    with pytest.raises(StorageVersionError, match="Optuna database") as raised:
        RDBStorage(f"sqlite:///{path}")
    assert "version_info" in str(raised.value) and "new database" in str(raised.value)
    with sqlite3.connect(path) as conn:  # nothing was written, the journal mode kept
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert tables == {"version_info", "alembic_version", "studies"}


def test_an_optuna_database_on_postgresql_is_refused(postgres_database_url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE version_info (version_info_id INTEGER PRIMARY KEY, "
                "schema_version INTEGER, library_version VARCHAR(256))"
            )
        )
        conn.execute(sa.text("INSERT INTO version_info VALUES (1, 12, '5.0.0')"))
    engine.dispose()
    with pytest.raises(StorageVersionError, match="Optuna database"):
        RDBStorage(postgres_database_url)


def test_unexpected_database_errors_are_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    storage = RDBStorage(f"sqlite:///{path}")
    study_id = storage.create_new_study(MIN, "s")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE trial_user_attrs")
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(StorageInternalError) as info:
        storage.set_trial_user_attr(trial_id, "k", 1)
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)


# -- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [math.inf, -math.inf, 0.0, -1.5e-310, 1.7976931348623157e308])
def test_objective_values_round_trip_exactly(url: str, value: float) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN * 2, "values")
    finished = storage.create_new_trial(study_id)
    storage.set_trial_state_values(finished, TrialState.COMPLETE, [value, -value])
    added = storage.create_new_trial(study_id, create_trial(values=[value, 1.0]))
    pruned = storage.create_new_trial(study_id)
    storage.set_trial_state_values(pruned, TrialState.PRUNED, [value])
    fresh = RDBStorage(url)  # same process: served from the cache, checked below cold too
    for reader in (storage, fresh):
        assert reader.get_trial(finished).values == [value, -value]
        assert reader.get_trial(added).values == [value, 1.0]
        assert reader.get_trial(pruned).values == [value]
    reread = _read_values_in_new_process(url, [finished, added, pruned])
    assert reread == [[value, -value], [value, 1.0], [value]]


def test_intermediate_nan_and_inf_round_trip(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "intermediate")
    trial_id = storage.create_new_trial(study_id)
    reported = {0: math.nan, 1: math.inf, 2: -math.inf, 3: 0.25}
    for step, value in reported.items():
        storage.set_trial_intermediate_value(trial_id, step, value)
    storage.set_trial_state_values(trial_id, TrialState.FAIL)
    template = create_trial(state=TrialState.PRUNED, intermediate_values=reported)
    copied = storage.create_new_trial(study_id, template)
    for trial_id_ in (trial_id, copied):
        values = storage.get_trial(trial_id_).intermediate_values
        assert list(values) == [0, 1, 2, 3]
        assert math.isnan(values[0])
        assert [values[1], values[2], values[3]] == [math.inf, -math.inf, 0.25]


def _values_worker(url: str, trial_ids: list[int], queue: multiprocessing.Queue) -> None:
    storage = RDBStorage(url)
    queue.put([storage.get_trial(t).values for t in trial_ids])


def _read_values_in_new_process(url: str, trial_ids: list[int]) -> list[list[float] | None]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_values_worker, args=(url, trial_ids, queue))
    process.start()
    result = queue.get(timeout=120)
    process.join(timeout=60)
    assert process.exitcode == 0
    return result


# -- cache ------------------------------------------------------------------------------------


def _finish_in_new_process(url: str, trial_ids: list[int]) -> None:
    storage = RDBStorage(url)
    for index, trial_id in enumerate(trial_ids):
        storage.set_trial_param(trial_id, "x", float(index), FloatDistribution(0, 100))
        storage.set_trial_user_attr(trial_id, "by", "other process")
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(index)])
    study_id = storage.get_study_id_from_name("cache")
    late = storage.create_new_trial(study_id)
    storage.set_trial_state_values(late, TrialState.COMPLETE, [-1.0])


def test_cache_sees_trials_finished_and_created_by_another_process(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "cache")
    running = [storage.create_new_trial(study_id) for _ in range(3)]
    done = storage.create_new_trial(study_id)
    storage.set_trial_state_values(done, TrialState.COMPLETE, [5.0])
    cached = storage.get_all_trials(study_id, deepcopy=False)
    assert [t.state for t in cached] == [TrialState.RUNNING] * 3 + [TrialState.COMPLETE]

    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_finish_in_new_process, args=(url, running))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0

    trials = storage.get_all_trials(study_id, deepcopy=False)
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert [t.params for t in trials[:3]] == [{"x": 0.0}, {"x": 1.0}, {"x": 2.0}]
    assert all(t.user_attrs == {"by": "other process"} for t in trials[:3])
    assert trials[3] is cached[3]  # a finished trial is never read again
    assert storage.get_best_trial(study_id).number == 4
    assert storage.get_n_trials(study_id, TrialState.COMPLETE) == 5
    assert storage.get_n_trials(study_id, TrialState.RUNNING) == 0


def test_second_storage_object_sees_the_first_ones_trials(url: str) -> None:
    first = RDBStorage(url)
    study_id = first.create_new_study(MIN, "two-objects")
    trial_id = first.create_new_trial(study_id)
    second = RDBStorage(url)
    assert second.get_all_trials(study_id)[0].state == TrialState.RUNNING
    first.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    assert second.get_all_trials(study_id)[0].state == TrialState.COMPLETE
    assert second.get_trial(trial_id).values == [1.0]


def test_returned_copies_do_not_change_the_cache(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "copies")
    trial_id = storage.create_new_trial(study_id, create_trial(value=1.0, user_attrs={"a": [1]}))
    storage.get_trial(trial_id).user_attrs["a"].append(2)
    storage.get_all_trials(study_id)[0].user_attrs["a"].append(3)
    assert storage.get_trial(trial_id).user_attrs == {"a": [1]}


def test_deleted_study_is_gone_from_the_cache(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "doomed")
    trial_id = storage.create_new_trial(study_id, create_trial(value=1.0))
    assert storage.get_trial(trial_id).value == 1.0  # now cached
    storage.delete_study(study_id)
    with pytest.raises(KeyError):
        storage.get_trial(trial_id)
    with pytest.raises(KeyError):
        storage.get_all_trials(study_id)
    new_id = storage.create_new_study(MIN, "doomed")
    assert new_id != study_id
    assert storage.get_all_trials(new_id) == []


def test_finishing_is_conditional(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "race")
    trial_id = storage.create_new_trial(study_id)
    assert storage.set_trial_state_values(trial_id, TrialState.FAIL)
    with pytest.raises(UpdateFinishedTrialError, match="already finished"):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    trial = RDBStorage(url).get_trial(trial_id)
    assert trial.state == TrialState.FAIL and trial.values is None


def test_storage_survives_pickling(url: str) -> None:
    storage = RDBStorage(url, heartbeat_interval=5)
    study_id = storage.create_new_study(MIN, "pickled")
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.get_study_id_from_name("pickled") == study_id
    assert clone.get_heartbeat_interval() == 5


# -- names and attributes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["it's", 'a "quoted" name', "名前-ünï-🚀", "x'; DROP TABLE studies; --", "%s %(x)s ?"]
)
def test_study_names_with_quotes_and_unicode(url: str, name: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, name)
    assert RDBStorage(url).get_study_id_from_name(name) == study_id
    assert storage.get_study_name_from_id(study_id) == name
    with pytest.raises(DuplicatedStudyError):
        storage.create_new_study(MIN, name)
    assert [s.study_name for s in storage.get_all_studies()] == [name]


def test_unknown_study_name_is_a_key_error(url: str) -> None:
    with pytest.raises(KeyError, match="nope"):
        RDBStorage(url).get_study_id_from_name("nope")


def test_too_long_study_name_is_refused(url: str) -> None:
    storage = RDBStorage(url)
    with pytest.raises(ValueError, match="longer than 512"):
        storage.create_new_study(MIN, "x" * 513)
    assert storage.get_all_studies() == []


@pytest.mark.parametrize("bad_value", [object(), {1, 2}, b"bytes"])
def test_attributes_must_be_json_and_nothing_is_written(url: str, bad_value: object) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "attrs")
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(TypeError, match="'bad_key'"):
        storage.set_study_user_attr(study_id, "bad_key", bad_value)
    with pytest.raises(TypeError, match="'bad_key'"):
        storage.set_trial_user_attr(trial_id, "bad_key", bad_value)
    with pytest.raises(TypeError, match="'bad_key'"):
        storage.set_trial_system_attr(trial_id, "bad_key", bad_value)
    with pytest.raises(TypeError, match="'bad_key'"):
        storage.create_new_trial(
            study_id, create_trial(value=1.0, user_attrs={"bad_key": bad_value})
        )
    assert storage.get_study_user_attrs(study_id) == {}
    assert storage.get_trial(trial_id).user_attrs == {}
    assert storage.get_n_trials(study_id) == 1


def test_attribute_keys_must_be_strings(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "keys")
    with pytest.raises(TypeError, match="keys must be strings"):
        storage.set_study_user_attr(study_id, 1, "v")  # type: ignore[arg-type]


def test_writes_to_unknown_ids_raise_key_error(url: str) -> None:
    storage = RDBStorage(url)
    with pytest.raises(KeyError):
        storage.set_study_user_attr(999, "k", 1)
    with pytest.raises(KeyError):
        storage.set_trial_user_attr(999, "k", 1)
    with pytest.raises(KeyError):
        storage.set_trial_intermediate_value(999, 0, 1.0)
    with pytest.raises(KeyError):
        storage.set_trial_param(999, "x", 0.5, FloatDistribution(0, 1))
    with pytest.raises(KeyError):
        storage.set_trial_state_values(999, TrialState.COMPLETE, [1.0])
    with pytest.raises(KeyError):
        storage.get_trial_number_from_id(999)


def test_many_unfinished_trials_are_synced_in_one_read(url: str) -> None:
    storage = RDBStorage(url)
    study_id = storage.create_new_study(MIN, "many-running")
    trial_ids = [storage.create_new_trial(study_id) for _ in range(1100)]
    assert len(storage.get_all_trials(study_id, deepcopy=False)) == 1100  # all unfinished
    other = RDBStorage(url)
    other._cache = DatabaseCache()
    finished = trial_ids[::100]
    for trial_id in finished:
        other.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(trial_id)])
    trials = storage.get_all_trials(study_id, deepcopy=False)
    done = {t._trial_id: t.values for t in trials if t.state == TrialState.COMPLETE}
    assert done == {trial_id: [float(trial_id)] for trial_id in finished}


def test_reading_new_and_unfinished_trials_looks_them_up_by_index(tmp_path: Path) -> None:
    # A worker's sync reads the trials added since its last read plus the unfinished ones it
    # knows. On SQLite the query must find them by index, not scan the study's trials (and
    # every parameter and value row joined to them): at 100,000 trials that scan took 145 ms
    # per sync, against about 1 ms.
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from hpo.storages._rdb import _queries

    path = tmp_path / "plan.db"
    RDBStorage(f"sqlite:///{path}").create_new_study(MIN, "s")
    compiled = _queries.NEW_AND_UNFINISHED_TRIALS[True].compile(
        dialect=sqlite_dialect.dialect(), compile_kwargs={"render_postcompile": True}
    )
    parameters = {"study_id": 1, "after_number": 10, "unfinished_ids": "[1, 2]"}
    # A parameter bound twice is numbered (study_id_1); each takes its base name's value.
    arguments = [parameters[re.sub(r"_\d+$", "", n)] for n in compiled.positiontup or []]
    with sqlite3.connect(path) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {compiled}", arguments)]
    conn.close()
    # The old form searched the study's index by study alone: "(study_id=?)", every trial.
    trial_steps = {step for step in plan if step.startswith(("SCAN trials", "SEARCH trials"))}
    assert trial_steps == {
        "SEARCH trials USING COVERING INDEX sqlite_autoindex_trials_1 (study_id=? AND number>?)",
        "SEARCH trials USING INTEGER PRIMARY KEY (rowid=?)",
    }, plan
    scans = [step for step in plan if step.startswith("SCAN") and "VIRTUAL TABLE" not in step]
    assert scans == [], plan
