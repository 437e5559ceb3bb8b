"""Serving: a background server for notebooks, argument checks, and the hpo dashboard command."""

from __future__ import annotations

import json
import socket
import urllib.request
from typing import Any

import pytest

from hpo.cli import main
from hpo.dashboard import create_app, start_in_background
from hpo.storages import InMemoryStorage
from hpo.storages.journal import JournalFileBackend, JournalStorage
from tests.dashboard.conftest import fill_study


def test_background_server_serves_until_stopped() -> None:
    storage = InMemoryStorage()
    fill_study(storage)
    with start_in_background(storage) as handle:
        assert handle.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(handle.url + "api/studies", timeout=10) as response:
            assert json.load(response)["studies"][0]["name"] == "demo"
    with pytest.raises(OSError):
        urllib.request.urlopen(handle.url, timeout=2)


def test_background_server_opens_a_journal_file_or_url(tmp_path: Any) -> None:
    path = tmp_path / "study.log"
    storage = JournalStorage(JournalFileBackend(str(path)))
    fill_study(storage)
    handle = start_in_background(str(path))
    try:
        with urllib.request.urlopen(handle.url + "studies/0/trials", timeout=10) as response:
            assert b"demo" in response.read()
    finally:
        handle.stop()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"port": -1}, "port=-1"),
        ({"port": "80"}, "port='80'"),
        ({"host": ""}, "host=''"),
        ({"stale_after": 0}, "stale_after=0"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        start_in_background(InMemoryStorage(), **kwargs)


def test_bad_storage_type_and_taken_port() -> None:
    with pytest.raises(TypeError, match="storage=42"):
        start_in_background(42)  # type: ignore[arg-type]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"Cannot listen on 127.0.0.1:{port}"):
            start_in_background(InMemoryStorage(), port=port)


def test_create_app_checks_stale_after() -> None:
    with pytest.raises(ValueError, match="stale_after=True"):
        create_app(InMemoryStorage(), stale_after=True)


def test_cli_refuses_bad_options_before_opening_anything(capsys: Any) -> None:
    assert main(["dashboard", "sqlite:///x.db", "--port", "70000"]) == 2
    assert "--port must be from 0 to 65535" in capsys.readouterr().err
    assert main(["dashboard", "sqlite:///x.db", "--stale-after", "0"]) == 2
    assert main(["dashboard", "no-such-file.log"]) == 2
    assert "cannot tell what storage" in capsys.readouterr().err


def test_cli_refuses_a_sqlite_file_that_does_not_exist(tmp_path: Any, capsys: Any) -> None:
    missing = tmp_path / "typo.db"
    assert main(["dashboard", f"sqlite:///{missing}"]) == 2
    assert "no SQLite database at" in capsys.readouterr().err
    assert not missing.exists()  # nothing was created


def test_cli_serves_the_storage_it_is_given(tmp_path: Any, monkeypatch: Any) -> None:
    from hpo._cli import _dashboard_command

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    fill_study(url)
    served: dict[str, Any] = {}

    def fake_run_server(storage: Any, **kwargs: Any) -> None:
        served.update(kwargs, storage=storage)

    monkeypatch.setattr("hpo.dashboard.run_server", fake_run_server)
    assert _dashboard_command.DEFAULT_HOST == "127.0.0.1"
    assert main(["dashboard", url, "--port", "0", "--read-only"]) == 0
    assert served["host"] == "127.0.0.1" and served["port"] == 0 and served["read_only"]
    assert served["storage"].get_all_studies()[0].study_name == "demo"


def test_dashboard_serves_a_postgresql_storage(postgres_database_url: str) -> None:
    from hpo.storages import RDBStorage

    fill_study(RDBStorage(postgres_database_url))
    handle = start_in_background(postgres_database_url)
    try:
        with urllib.request.urlopen(handle.url + "api/studies", timeout=30) as response:
            (study,) = json.load(response)["studies"]
        assert study["name"] == "demo" and study["counts"]["COMPLETE"] == 10
        with urllib.request.urlopen(handle.url + "api/studies/1/plots/history", timeout=30) as r:
            assert json.load(r)["figure"]["data"]
    finally:
        handle.stop()
