"""Helpers shared by the benchmark scripts: timing, library loading and result tables."""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load_libraries(names: Sequence[str] = ("hpo", "optuna")) -> dict[str, ModuleType]:
    """Import each library and silence its per-trial logging.

    Raises
    ------
    SystemExit
        If a library is missing, with the command that installs it.
    """
    libraries = {}
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise SystemExit(f"{name} is not installed: pip install -e '.[bench]'") from None
        module.logging.set_verbosity(module.logging.WARNING)
        libraries[name] = module
    return libraries


def best_of(repeats: int, run: Callable[[], float]) -> tuple[float, list[float]]:
    """Run ``run`` (which returns a rate) several times; return the best rate and all rates."""
    rates = [run() for _ in range(repeats)]
    return max(rates), rates


def timed(func: Callable[[], Any]) -> float:
    """Return the wall time of ``func()`` in seconds."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Format a markdown table."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name: str, text: str) -> Path:
    """Write a result file under benchmarks/results/ and return its path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(text + "\n")
    return path


def spread(rates: Sequence[float]) -> str:
    """Describe the spread of repeated measurements."""
    if len(rates) < 2:
        return "-"
    return f"±{statistics.stdev(rates) / statistics.mean(rates) * 100:.0f}%"


def time_in_child(target: Callable[..., None], args: tuple[Any, ...], cap: float) -> float | None:
    """Run ``target(*args, pipe)`` in a forked process; return the seconds it sends back.

    The child times its own work and sends the seconds through ``pipe``. ``None`` when it
    took longer than ``cap`` (it is then killed; its set-up gets a minute more, untimed).
    """
    import multiprocessing as mp

    receiver, sender = mp.Pipe(duplex=False)
    process = mp.get_context("fork").Process(target=target, args=(*args, sender))
    process.start()
    deadline = time.monotonic() + cap + 60
    while time.monotonic() < deadline and process.is_alive() and not receiver.poll(0.2):
        pass
    elapsed = receiver.recv() if receiver.poll(0) else None
    if elapsed is None or elapsed > cap:
        process.kill()
    process.join()
    if elapsed is not None and elapsed > cap:
        return None
    return float(elapsed)


def capped_row(label: str, times: dict[str, float | None], cap: float) -> list[str]:
    """A table row: hpo's and Optuna's seconds ('> cap' when stopped) and Optuna / hpo."""
    hpo_time, optuna_time = times["hpo"], times["optuna"]
    shown = {name: f"{t:.3f}" if t is not None else f"> {cap:.0f}" for name, t in times.items()}
    if hpo_time is None:
        ratio = "-"
    elif optuna_time is None:
        ratio = f"> {cap / hpo_time:.1f}x"
    else:
        ratio = f"{optuna_time / hpo_time:.1f}x"
    return [label, shown["hpo"], shown["optuna"], ratio]
