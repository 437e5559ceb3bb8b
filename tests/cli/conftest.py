"""Running the ``hpo`` command: in this process (fast) or as a real program (subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hpo.cli import main

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def error_line(self) -> str:
        """The single line a failure prints on standard error."""
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert "Traceback" not in self.err
        assert lines[0].startswith("hpo: error: "), self.err
        return lines[0]


Run = Callable[..., Result]


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'study.db'}"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run ``hpo ARGS`` through :func:`hpo.cli.main` in this process."""
    for name in ("HPO_STORAGE", "OPTUNA_STORAGE"):
        monkeypatch.delenv(name, raising=False)
    capsys.readouterr()

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def program(tmp_path: Path) -> Run:
    """Run ``python -m hpo.cli ARGS`` as a separate process; ``env=`` adds variables."""
    base = {k: v for k, v in os.environ.items() if k not in ("HPO_STORAGE", "OPTUNA_STORAGE")}
    base["PYTHONPATH"] = str(REPO)

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "hpo.cli", *args],
            capture_output=True,
            text=True,
            env={**base, **(env or {})},
            cwd=tmp_path,
            check=False,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
