"""Time to draw each matplotlib plot of a large SQLite study, hpo against Optuna.

The matplotlib counterpart of bench_plots.py, on the same study (its ``build_study``): each
library writes its own SQLite study, then every ``*.visualization.matplotlib`` function is
called once on a freshly loaded study in a child process and its figure drawn once on the
Agg canvas (matplotlib lays out and rasterizes only when a figure is drawn, so a figure that
is built but never drawn hides most of the cost). Study loading is not timed; a call that
passes the time cap is stopped and reported as "> cap" (a lower bound).  Usage:
python benchmarks/bench_plots_matplotlib.py [--trials N] [--cap SECONDS] [--quick] [--plots a,b]
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import load_libraries, markdown_table, time_in_child, write_result
from bench_plots import N_STEPS, measure, parse_args


def _mpl(lib: Any) -> Any:
    import importlib

    return importlib.import_module(f"{lib.__name__}.visualization.matplotlib")


PLOTS: dict[str, Callable[[Any, Any], Any]] = {
    "plot_optimization_history": lambda lib, s: _mpl(lib).plot_optimization_history(s),
    "plot_intermediate_values": lambda lib, s: _mpl(lib).plot_intermediate_values(s),
    "plot_slice": lambda lib, s: _mpl(lib).plot_slice(s),
    "plot_contour (10 params)": lambda lib, s: _mpl(lib).plot_contour(s),
    "plot_contour (2 params)": lambda lib, s: _mpl(lib).plot_contour(s, params=["u0", "log0"]),
    "plot_parallel_coordinate": lambda lib, s: _mpl(lib).plot_parallel_coordinate(s),
    "plot_param_importances (PED-ANOVA)": lambda lib, s: _mpl(lib).plot_param_importances(
        s, evaluator=lib.importance.PedAnovaImportanceEvaluator()
    ),
    "plot_edf": lambda lib, s: _mpl(lib).plot_edf(s),
    "plot_rank": lambda lib, s: _mpl(lib).plot_rank(s),
    "plot_timeline": lambda lib, s: _mpl(lib).plot_timeline(s),
}


def _figure_of(result: Any) -> Any:
    import numpy as np

    ax = result.flat[0] if isinstance(result, np.ndarray) else result
    return ax.figure


def _child(name: str, url: str, plot: str, pipe: Any) -> None:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Fonts and the text layout engine load on the first draw: warm them up for both.
    figure, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="warm-up")
    ax.legend()
    figure.canvas.draw()
    plt.close(figure)

    lib = load_libraries([name])[name]
    warnings.simplefilter("ignore")  # Optuna's experimental-feature warnings
    study = lib.load_study(study_name="plots", storage=url)
    study.trials  # noqa: B018 - warm the storage's caches before timing
    start = time.perf_counter()
    _figure_of(PLOTS[plot](lib, study)).canvas.draw()
    pipe.send(time.perf_counter() - start)


def time_plot(name: str, url: str, plot: str, cap: float) -> float | None:
    """Seconds one call and draw took in a fresh process, or ``None`` if over ``cap``."""
    return time_in_child(_child, (name, url, plot), cap)


def main() -> None:
    n_trials, cap, plots = parse_args(__doc__.splitlines()[0], list(PLOTS))
    rows = measure(plots, time_plot, n_trials, cap)
    table = markdown_table(["plot", "hpo (s)", "Optuna (s)", "Optuna / hpo"], rows)
    summary = (
        f"# matplotlib plots: time to build and draw the figure\n\n{n_trials:,} complete "
        f"trials, 10 parameters (3 uniform, 3 log, 3 int, 1 categorical), {N_STEPS} "
        f"intermediate values each, SQLite; one call plus one Agg draw per cell in a fresh "
        f"process, study loading excluded; '> {cap:.0f}' = stopped at the time cap (a lower "
        f"bound).\nPython {platform.python_version()}, {platform.machine()}.\n\n{table}"
    )
    print("\n" + table)
    print(f"\n(written to {write_result('plots_matplotlib.md', summary)})")


if __name__ == "__main__":
    main()
