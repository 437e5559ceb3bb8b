"""A real headless Chromium for tests of what users open in a browser.

Pages are loaded with every network request sent to a closed local port, so a page that
needs the internet (a CDN script, a web font) renders as it would offline. Without a
Chromium binary the tests skip with a loud reason, except under ``CI``, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

import pytest

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

# The flags of every headless Chromium that tests and benchmarks start; the caller adds the
# profile directory (``--user-data-dir``) and what its use needs.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # WebGL plots (parallel coordinates, 3-D scatter) draw with the software renderer, which
    # Chromium no longer falls back to without this flag.
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_binary() -> str:
    """Return the path of a Chromium binary, or skip (fail under CI) when there is none."""
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path is not None:
            return path
    reason = "no Chromium binary on PATH (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"SKIPPING BROWSER TESTS: {reason}")
    raise AssertionError("unreachable")


def _run_chromium(url: str, budget_ms: int, extra: list[str]) -> subprocess.CompletedProcess[str]:
    binary = chromium_binary()
    with tempfile.TemporaryDirectory(prefix="hpo-chromium-") as profile:
        result = subprocess.run(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                # Any request for the network goes to a closed port: the page is offline.
                "--proxy-server=127.0.0.1:9",
                f"--virtual-time-budget={budget_ms}",
                *extra,
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def render_offline(url: str, budget_ms: int = 5000) -> str:
    """Load ``url`` in headless Chromium with no network and return the DOM after scripts ran.

    Raises
    ------
    AssertionError
        If Chromium exits with an error.
    """
    return _run_chromium(url, budget_ms, []).stdout


# Chromium logs each console message (console.log/warn/error, uncaught exceptions and
# rejected promises) on standard error as: [...:INFO:CONSOLE:LINE] "TEXT", source: URL (LINE)
_CONSOLE_LINE = re.compile(r':CONSOLE(?::\d+)?\] "(?P<text>.*)", source: (?P<source>.*)$')


def render_offline_with_console(url: str, budget_ms: int = 5000) -> tuple[str, list[str]]:
    """Like :func:`render_offline`, and also return the page's console messages, in order.

    Uncaught exceptions appear as ``"Uncaught TypeError: ..."`` and rejected promises as
    ``"Uncaught (in promise) ..."``; see :func:`javascript_errors`.
    """
    result = _run_chromium(url, budget_ms, ["--enable-logging=stderr", "--v=0"])
    messages = [
        match.group("text")
        for line in result.stderr.splitlines()
        if (match := _CONSOLE_LINE.search(line)) is not None
    ]
    return result.stdout, messages


def javascript_errors(messages: list[str]) -> list[str]:
    """Return the console messages that are uncaught errors (exceptions, rejected promises)."""
    return [message for message in messages if message.startswith("Uncaught")]
