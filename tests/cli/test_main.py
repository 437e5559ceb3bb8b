"""The ``hpo`` program: options common to every command, usage errors, ``storage upgrade``."""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from hpo._cli._logging_setup import configured_logging
from hpo.storages import RDBStorage
from hpo.storages._rdb import _schema
from hpo.storages._rdb._migrations import upgrade
from hpo.study import create_study, get_all_study_names, load_study
from hpo.version import __version__
from tests.cli.conftest import Run


def test_upgrade_creates_an_empty_database(cli: Run, url: str) -> None:
    result = cli("storage", "upgrade", "--storage", url)
    assert result.code == 0
    assert _schema.HEAD_REVISION in result.out
    assert RDBStorage(url).get_all_studies() == []


def test_upgrade_of_a_current_database_says_so(cli: Run, url: str) -> None:
    RDBStorage(url)
    assert "up to date" in cli("storage", "upgrade", "--storage", url).out


def test_upgrade_of_an_older_database(cli: Run, url: str) -> None:
    upgrade(url, "0001_initial_schema")
    result = cli("storage", "upgrade", "--storage", url)
    assert result.code == 0
    assert "from revision 0001_initial_schema to " + _schema.HEAD_REVISION in result.out
    RDBStorage(url)


def test_upgrade_on_postgresql(cli: Run, postgres_database_url: str) -> None:
    upgrade(postgres_database_url, "0001_initial_schema")
    assert cli("storage", "upgrade", "--storage", postgres_database_url).code == 0
    RDBStorage(postgres_database_url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("this is not a url", "Malformed database URL"),
        ("oracle://u@h/db", "Unknown database 'oracle'"),
        ("sqlite:////no/such/directory/x.db", "does not exist"),
    ],
)
def test_bad_url_fails_with_one_line(cli: Run, url: str, message: str) -> None:
    result = cli("storage", "upgrade", "--storage", url)
    assert result.code == 1
    assert message in result.error_line()
    assert cli("study-names", "--storage", url).code in (1, 2)


def test_database_of_another_program_is_not_upgraded(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE things (id INTEGER)"))
    engine.dispose()
    result = cli("storage", "upgrade", "--storage", f"sqlite:///{path}")
    assert result.code == 1
    assert "not written by hpo" in result.error_line()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["storage"],
        ["study"],
        ["storage", "downgrade", "--storage", "x"],
        ["no-such-command"],
        ["trials", "--storage", "sqlite://"],
        ["tell", "--storage", "sqlite://", "--trial-number", "one", "--values", "1"],
        ["tell", "--storage", "sqlite://", "--trial-number", "0", "--values", "abc"],
        ["tell", "--storage", "sqlite://", "--trial-number", "0", "--state", "running"],
        ["create-study", "--storage", "sqlite://", "--direction", "max"],
        [
            "create-study",
            "--storage",
            "sqlite://",
            "--direction",
            "minimize",
            "--directions",
            "minimize",
        ],
        ["studies", "--storage", "sqlite://", "-f", "xml"],
        ["studies", "-v", "-q"],
        ["study", "set-user-attr", "--storage", "sqlite://", "--study-name", "s", "--key", "k"],
    ],
)
def test_usage_errors_exit_with_2(cli: Run, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert "usage: hpo" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "argv", [["storage", "upgrade"], ["study-names"], ["trials", "--study-name", "s"]]
)
def test_a_missing_storage_is_one_line_naming_the_option_and_variable(
    cli: Run, argv: list[str]
) -> None:
    result = cli(*argv)
    assert result.code == 2
    line = result.error_line()
    assert "--storage" in line and "HPO_STORAGE" in line


def test_version_and_help_exit_with_0(cli: Run) -> None:
    result = cli("--version")
    assert (result.code, result.out) == (0, f"hpo {__version__}\n")
    top = cli("--help")
    assert top.code == 0
    commands = "create-study delete-study study-names studies trials best-trial best-trials"
    for command in [*commands.split(), "ask", "tell", "storage", "study", "help"]:
        assert command in top.out
    assert "--storage URL" in cli("storage", "upgrade", "--help").out
    assert cli("help").out == top.out
    attr_help = cli("help", "study", "set-user-attr")
    assert attr_help.code == 0 and "--key" in attr_help.out
    trials_help = cli("trials", "--help").out
    assert "--flatten" in trials_help and "{table,json,yaml,value}" in trials_help
    assert cli("help", "nope").code == 2


def test_storage_comes_from_the_option_before_or_after_the_command_then_the_environment(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = [f"sqlite:///{tmp_path / name}.db" for name in ("a", "b", "c")]
    for url, name in zip(urls, ("in-a", "in-b", "in-c")):
        create_study(storage=url, study_name=name)
    assert cli("--storage", urls[0], "study-names").out == "in-a\n"
    assert cli("study-names", "--storage", urls[0]).out == "in-a\n"
    assert cli("--storage", urls[1], "study-names", "--storage", urls[0]).out == "in-a\n"
    monkeypatch.setenv("OPTUNA_STORAGE", urls[2])
    assert cli("study-names").out == "in-c\n"
    monkeypatch.setenv("HPO_STORAGE", urls[1])
    assert cli("study-names").out == "in-b\n"
    assert cli("study-names", "--storage", urls[0]).out == "in-a\n"


def test_journal_files_are_guessed_or_named(cli: Run, tmp_path: Path) -> None:
    path = str(tmp_path / "study.log")
    new = cli("create-study", "--storage", path, "--study-name", "j")
    assert new.code == 2 and "--storage-class JournalFileBackend" in new.error_line()
    assert not Path(path).exists()
    made = cli("create-study", "--storage", path, "--storage-class", "JournalFileBackend",
               "--study-name", "j")  # fmt: skip
    assert (made.code, made.out) == (0, "j\n")
    assert cli("study-names", "--storage", path).out == "j\n"
    redis = cli("study-names", "--storage", "redis://h", "--storage-class", "JournalRedisBackend")
    assert redis.code == 2 and "JournalRedisBackend is not supported" in redis.error_line()
    journal_upgrade = cli("storage", "upgrade", "--storage", path, "--storage-class",
                          "JournalFileBackend")  # fmt: skip
    assert journal_upgrade.code == 2 and "databases only" in journal_upgrade.error_line()


def test_verbosity_and_log_file(cli: Run, url: str, tmp_path: Path) -> None:
    create_study(storage=url, study_name="s")
    log = tmp_path / "hpo.log"
    args = ["--storage", url, "--log-file", str(log), "study", "set-user-attr",
            "--study-name", "s", "--key", "k", "--value", "v"]  # fmt: skip
    assert cli("-q", *args).code == 0
    assert log.read_text() == ""
    assert cli(*args, "-v").code == 0
    assert "Set the user attribute 'k' of the study 's'." in log.read_text()
    assert logging.getLogger("hpo").getEffectiveLevel() == logging.WARNING  # restored
    handlers = logging.getLogger("hpo").handlers
    assert not [h for h in handlers if getattr(h, "baseFilename", None) == str(log)]


def test_debug_shows_the_traceback(cli: Run, url: str) -> None:
    plain = cli("trials", "--storage", url, "--study-name", "nope")
    assert plain.code == 1 and plain.error_line() == "hpo: error: No study named 'nope'."
    debug = cli("trials", "--storage", url, "--study-name", "nope", "--debug")
    assert debug.code == 1
    assert "Traceback" in debug.err
    assert debug.err.splitlines()[-1] == "hpo: error: No study named 'nope'."


def test_warnings_print_one_line_unless_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    for quiet, expected in ((False, "hpo: warning: step 0.3 does not divide the range\n"),
                            (True, "")):  # fmt: skip
        args = argparse.Namespace(verbose=0, quiet=quiet, log_file=None)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            with configured_logging(args):
                warnings.warn("step 0.3 does not divide\n the range", UserWarning, stacklevel=1)
        assert capsys.readouterr().err == expected


def test_the_console_script_runs(url: str) -> None:
    script = shutil.which("hpo", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the hpo console script is not installed next to this Python")
    done = subprocess.run(
        [script, "create-study", "--storage", url, "--study-name", "from-script"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, "from-script\n"), done.stderr
    assert get_all_study_names(url) == ["from-script"]
    assert load_study(study_name="from-script", storage=url).trials == []
