"""matplotlib is optional: the package imports without it, the plots say what to install."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import hpo
import hpo.visualization.matplotlib as hpo_mpl
from hpo.visualization.matplotlib._common import INSTALL_HINT
from tests.visualization.helpers import mixed_study, multi_objective_study

PLOTS: dict[str, Callable[[], Any]] = {
    "plot_optimization_history": lambda: hpo_mpl.plot_optimization_history(mixed_study()),
    "plot_intermediate_values": lambda: hpo_mpl.plot_intermediate_values(mixed_study()),
    "plot_parallel_coordinate": lambda: hpo_mpl.plot_parallel_coordinate(mixed_study()),
    "plot_contour": lambda: hpo_mpl.plot_contour(mixed_study()),
    "plot_slice": lambda: hpo_mpl.plot_slice(mixed_study()),
    "plot_param_importances": lambda: hpo_mpl.plot_param_importances(mixed_study()),
    "plot_pareto_front": lambda: hpo_mpl.plot_pareto_front(multi_objective_study()),
    "plot_edf": lambda: hpo_mpl.plot_edf(mixed_study()),
    "plot_rank": lambda: hpo_mpl.plot_rank(mixed_study()),
    "plot_timeline": lambda: hpo_mpl.plot_timeline(mixed_study()),
    "plot_hypervolume_history": lambda: hpo_mpl.plot_hypervolume_history(
        multi_objective_study(), [1.0, -2.0]
    ),
    "plot_terminator_improvement": lambda: hpo_mpl.plot_terminator_improvement(mixed_study()),
}


@pytest.fixture
def without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``import matplotlib...`` fail, as on an install without the extra."""
    for name in [n for n in sys.modules if n == "matplotlib" or n.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_exports_the_twelve_plots_of_the_plotly_module() -> None:
    import hpo.visualization as plotly_plots

    assert set(hpo_mpl.__all__) == set(plotly_plots.__all__)
    assert all(callable(getattr(hpo_mpl, name)) for name in hpo_mpl.__all__)


def test_is_available_with_and_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    assert hpo_mpl.is_available() is True
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert hpo_mpl.is_available() is False


@pytest.mark.parametrize("name", sorted(PLOTS))
@pytest.mark.usefixtures("without_matplotlib")
def test_every_plot_without_matplotlib_raises_import_error_with_the_hint(name: str) -> None:
    with pytest.raises(ImportError, match=r"pip install hpo\[matplotlib\]"):
        PLOTS[name]()


def test_a_fresh_interpreter_without_matplotlib_imports_the_package() -> None:
    code = """
import sys
sys.modules["matplotlib"] = None  # as if the extra were not installed
import hpo
import hpo.visualization.matplotlib as plots
print(plots.is_available())
try:
    plots.plot_edf(hpo.create_study())
except ImportError as error:
    print(error)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    available, message = result.stdout.strip().splitlines()
    assert available == "False" and message == INSTALL_HINT


def test_reachable_as_an_attribute_after_import_hpo_only() -> None:
    # Optuna code writes optuna.visualization.matplotlib.plot_slice(...) after `import optuna`.
    code = """
import sys
import hpo
plot = hpo.visualization.matplotlib.plot_slice
print(plot.__module__, "matplotlib" in sys.modules)
try:
    hpo.visualization.no_such_plot
except AttributeError as error:
    print(error)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    found, missing = result.stdout.strip().splitlines()
    assert found == "hpo.visualization.matplotlib._slice False"
    assert "no_such_plot" in missing


def test_plots_register_their_figure_with_pyplot() -> None:
    import matplotlib.pyplot as plt

    study = hpo.create_study()
    study.add_trial(hpo.create_trial(value=1.0))
    ax = hpo_mpl.plot_optimization_history(study)
    assert plt.gcf() is ax.figure  # so plt.show() and plt.savefig() work as with Optuna
