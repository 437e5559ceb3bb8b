"""What the MPI, torch.distributed and Dask tests share."""

from __future__ import annotations

import fcntl
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

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


def run_once_per_session(
    tmp_path_factory: pytest.TempPathFactory, name: str, produce: Callable[[Path], None]
) -> Path:
    """Return a folder filled by ``produce`` once per test session, shared by xdist workers.

    Module fixtures run once per xdist worker; starting an MPI job or a process group twice
    costs seconds, so the first worker runs it and the others read its files.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, above each worker's own
    out_dir = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (out_dir / "done").exists():
            out_dir.mkdir(exist_ok=True)
            produce(out_dir)
            (out_dir / "done").touch()
    return out_dir
