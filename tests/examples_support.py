"""Run an example of ``examples/`` as a user runs it: as a script, in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_example(script: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``examples/<script>`` with ``args`` in ``cwd`` and return its standard output.

    The process sees only hpo's source tree on ``PYTHONPATH``, the system ``PATH`` and the
    variables in ``env``.

    Raises
    ------
    AssertionError
        If the script exits with an error (the message is its standard error).
    subprocess.TimeoutExpired
        If it runs longer than 5 minutes.
    """
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
