"""What the MPI, torch.distributed and Dask tests share."""

from __future__ import annotations

import importlib
import sys

import pytest


def assert_import_names_extra(
    monkeypatch: pytest.MonkeyPatch, module: str, library: str, extra: str
) -> None:
    """Importing ``module`` without ``library`` fails naming the extra to install."""
    monkeypatch.setitem(sys.modules, library, None)  # makes `import library` fail
    for name in list(sys.modules):
        if name == module or name.startswith(f"{library}."):
            monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=rf'pip install "hpo\[{extra}\]"'):
        importlib.import_module(module)
