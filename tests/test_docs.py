"""The documentation site builds without a warning, and the tutorial's code runs.

Every ```python block of a tutorial page (and of the landing page) runs, in order, in one
fresh namespace per page, in a fresh process and an empty directory. Between them, the
``$ hpo ...`` command lines of the ```console blocks run in the same directory and must exit
with 0 (their output is not compared). A block preceded by the line ``<!-- no-run -->`` (it
needs a database server) is not run: Python is only compiled, commands are skipped. A Python
block preceded by ``<!-- write: NAME -->`` is a script the page runs later: it is saved as
NAME. A Python warning or a warning logged by hpo fails the page, as a warning fails the test
suite.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The modules of the API reference; every class and function in their __all__ is documented.
API_MODULES = [
    "hpo",
    "hpo.study",
    "hpo.trial",
    "hpo.samplers",
    "hpo.samplers.nsgaii",
    "hpo.pruners",
    "hpo.storages",
    "hpo.storages.journal",
    "hpo.distributions",
    "hpo.search_space",
    "hpo.importance",
    "hpo.visualization",
    "hpo.visualization.matplotlib",
    "hpo.report",
    "hpo.dashboard",
    "hpo.terminator",
    "hpo.integration.mpi",
    "hpo.integration.pytorch_distributed",
    "hpo.integration.dask",
    "hpo.integration.sklearn",
    "hpo.integration.lightgbm",
    "hpo.integration.xgboost",
    "hpo.integration.catboost",
    "hpo.artifacts",
    "hpo.logging",
    "hpo.exceptions",
]
DOCS = ROOT / "docs"
TUTORIAL_PAGES = sorted((DOCS / "tutorial").glob("[0-9]*.md"))
RUNNABLE_PAGES = [DOCS / "index.md", *TUTORIAL_PAGES]  # the landing page's example runs too
NO_RUN_MARKER = "<!-- no-run -->"
_WRITE_MARKER = re.compile(r"<!-- write: ([\w./-]+) -->")  # the block is a file to save

_FENCE = re.compile(r"^```(python|console)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


class CodeBlock:
    """A ```python or ```console block of a page: source, first line, what to do with it."""

    def __init__(
        self, language: str, source: str, line: int, run: bool, write_to: str | None = None
    ) -> None:
        self.language = language
        self.source = source
        self.line = line
        self.run = run
        self.write_to = write_to  # a file name: save the block there instead of running it


def code_blocks(text: str) -> list[CodeBlock]:
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        line = text.count("\n", 0, match.start()) + 2  # the block's first code line
        run = before != NO_RUN_MARKER
        write = _WRITE_MARKER.fullmatch(before)
        write_to = write.group(1) if write else None
        blocks.append(CodeBlock(match.group(1), match.group(2), line, run, write_to))
    return blocks


# Runs in the child process: exec each Python block in one namespace and run each command; a
# block that raises stops the page with a traceback that names the page and the line.
_RUNNER = """
import json, shlex, subprocess, sys, warnings
warnings.simplefilter("error")  # as in the test suite: a tutorial shows no warning
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
for block in blocks:
    if block["language"] == "python":
        code = compile("\\n" * (block["line"] - 1) + block["source"], block["path"], "exec")
        if block["write_to"]:
            with open(block["write_to"], "w", encoding="utf-8") as file:
                file.write(block["source"])
        elif block["run"]:
            exec(code, namespace)
        continue
    for offset, line in enumerate(block["source"].splitlines()):
        if not block["run"] or not line.startswith("$ "):
            continue  # output shown in the page
        where = f'{block["path"]}, line {block["line"] + offset}'
        command = shlex.split(line[2:], comments=True)
        if command[0] != "hpo":
            raise ValueError(f"{where}: only hpo commands run; mark the block no-run")
        done = subprocess.run([sys.executable, "-m", "hpo.cli", *command[1:]])
        if done.returncode != 0:
            raise RuntimeError(f"{where}: {line[2:]!r} exited with {done.returncode}")
"""


def _run_page(page: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    import json

    blocks = [
        {
            "path": str(page),
            "language": b.language,
            "line": b.line,
            "source": b.source,
            "run": b.run,
            "write_to": b.write_to,
        }
        for b in code_blocks(page.read_text(encoding="utf-8"))
    ]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    env.pop("HPO_STORAGE", None)
    env.pop("OPTUNA_STORAGE", None)
    return subprocess.run(
        [sys.executable, "-c", _RUNNER],
        input=json.dumps(blocks),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_block_extraction_honours_the_markers() -> None:
    text = (
        "Intro\n\n```python\nx = 1\n```\n\n"
        f"{NO_RUN_MARKER}\n```python\nconnect()\n```\n\n```console\n$ hpo\n```\n"
        "\n```text\nnot code\n```\n\n<!-- write: job.py -->\n```python\ny = 2\n```\n"
    )
    blocks = code_blocks(text)
    assert [(b.language, b.source, b.line, b.run, b.write_to) for b in blocks] == [
        ("python", "x = 1\n", 4, True, None),
        ("python", "connect()\n", 9, False, None),
        ("console", "$ hpo\n", 13, True, None),
        ("python", "y = 2\n", 22, True, "job.py"),
    ]


def test_a_block_marked_write_is_saved_not_run(tmp_path: Path) -> None:
    page = tmp_path / "01_file.md"
    page.write_text(
        "<!-- write: job.py -->\n```python\nraise SystemExit(3)\n```\n\n"
        "```python\nimport subprocess, sys\n"
        "assert subprocess.run([sys.executable, 'job.py']).returncode == 3\n```\n"
    )
    result = _run_page(page, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "job.py").read_text() == "raise SystemExit(3)\n"


def test_a_raising_block_fails_its_page(tmp_path: Path) -> None:
    page = tmp_path / "01_broken.md"
    page.write_text("```python\nx = 1\n```\n\n```python\nraise ValueError(x)\n```\n")
    result = _run_page(page, tmp_path)
    assert result.returncode != 0
    assert "ValueError: 1" in result.stderr
    assert f'File "{page}", line 6' in result.stderr


def test_a_warning_fails_its_page(tmp_path: Path) -> None:
    page = tmp_path / "01_warns.md"
    page.write_text("```python\nimport warnings\nwarnings.warn('old API', FutureWarning)\n```\n")
    result = _run_page(page, tmp_path)
    assert result.returncode != 0
    assert "FutureWarning: old API" in result.stderr


def test_a_failing_command_fails_its_page(tmp_path: Path) -> None:
    page = tmp_path / "01_cli.md"
    page.write_text("```console\n$ hpo --version\nhpo 1.0\n$ hpo trials --study-name nope\n```\n")
    result = _run_page(page, tmp_path)
    assert result.returncode != 0
    assert f"{page}, line 4: 'hpo trials --study-name nope' exited with 2" in result.stderr


def test_the_tutorial_has_its_pages() -> None:
    assert len(TUTORIAL_PAGES) == 7
    for page in RUNNABLE_PAGES:
        blocks = code_blocks(page.read_text(encoding="utf-8"))
        assert any(b.run and b.language == "python" for b in blocks), page


@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=lambda page: page.stem)
def test_page_code_runs(page: Path, tmp_path: Path) -> None:
    result = _run_page(page, tmp_path)
    assert result.returncode == 0, f"{page.name} failed:\n{result.stderr}"
    logged_warnings = [line for line in result.stderr.splitlines() if line.startswith("[W ")]
    assert logged_warnings == [], f"{page.name} logs warnings:\n{result.stderr}"


def test_site_builds_without_warnings(tmp_path: Path) -> None:
    # One build checks everything: under pytest-xdist, separate tests would build twice.
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS), str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output
    assert "ERROR" not in output, output

    assert (out / "index.html").is_file()
    for page in TUTORIAL_PAGES:
        assert (out / "tutorial" / f"{page.stem}.html").is_file(), page.stem
    for guide in ("differences", "storages", "samplers", "pruners", "cli"):
        assert (out / f"{guide}.html").is_file(), guide
    top_level = (out / "api" / "hpo.html").read_text(encoding="utf-8")
    assert 'id="hpo.create_study"' in top_level
    assert 'id="hpo.load_study"' in top_level
    samplers = (out / "api" / "samplers.html").read_text(encoding="utf-8")
    assert 'id="hpo.samplers.TPESampler"' in samplers
    assert 'id="hpo.samplers.TPESampler.sample_independent"' in samplers
    assert 'id="hpo.samplers.nsgaii.SBXCrossover"' in samplers
    storages = (out / "api" / "storages.html").read_text(encoding="utf-8")
    assert 'id="hpo.storages.journal.JournalFileBackend"' in storages
    _check_api_reference_is_complete(out / "api")


def _resolve(dotted: str) -> object:
    """The object an anchor names (None for attributes only an instance has)."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute, None)
        return obj
    raise ImportError(dotted)


def _check_api_reference_is_complete(api: Path) -> None:
    # A name counts as documented when the object it names has an entry on some API page,
    # under whichever public path (hpo.Study is documented as hpo.study.Study).
    anchors = set()
    for page in api.glob("*.html"):
        anchors.update(re.findall(r'<dt class="sig[^"]*" id="(hpo\.[\w.]+)"', page.read_text()))
    documented = {id(_resolve(anchor)) for anchor in anchors}
    missing = []
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None) or [
            name
            for name, obj in vars(module).items()
            if getattr(obj, "__module__", None) == module_name  # defined there
        ]
        for name in names:
            obj = getattr(module, name)
            if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # modules, constants and type aliases
            if id(obj) not in documented:
                missing.append(f"{module_name}.{name}")
    assert missing == [], f"not in the API reference: {missing}"
