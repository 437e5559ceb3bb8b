"""The examples in hpo's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import hpo

# Alembic's environment script runs only inside an Alembic command.
_NOT_IMPORTABLE = {"hpo.storages._rdb.alembic.env"}


def _module_names() -> list[str]:
    names = ["hpo"]
    for info in pkgutil.walk_packages(hpo.__path__, prefix="hpo."):
        if info.name not in _NOT_IMPORTABLE and ".alembic.versions." not in info.name:
            names.append(info.name)
    return names


def _examples(module_name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(module_name)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, module_name)
    return [t for t in tests if t.examples]


MODULES_WITH_EXAMPLES = [name for name in _module_names() if _examples(name)]


def test_the_package_documents_examples() -> None:
    assert len(MODULES_WITH_EXAMPLES) >= 20


@pytest.mark.parametrize("module_name", MODULES_WITH_EXAMPLES)
def test_docstring_examples_run(
    module_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in _examples(module_name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module_name} failed"
