"""plot_contour: both renderers draw the panels of contour_panels."""

from __future__ import annotations

import numpy as np
import pytest

import hpo
from hpo.distributions import FloatDistribution
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_contour as plotly_contour
from hpo.visualization._data._contour import contour_panel
from hpo.visualization._data._trials import read_table
from hpo.visualization.matplotlib import plot_contour
from hpo.visualization.matplotlib._contour import fill_gaps
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study
from tests.visualization.matplotlib.helpers import colorbar_axes, is_empty, points, tick_labels


def _contour_set(ax):  # type: ignore[no-untyped-def]
    (contours,) = [c for c in ax.collections if type(c).__name__ == "QuadContourSet"]
    return contours


def test_two_params_one_axes_with_the_same_points_and_values() -> None:
    study = mixed_study()
    panel = contour_panel(read_table(study), "x", "k")
    figure = plotly_contour(study, params=["x", "k"])
    ax = plot_contour(study, params=["x", "k"])
    assert not isinstance(ax, np.ndarray)
    assert points(ax)[:, 0].tolist() == list(figure.data[1].x) == panel.x.tolist()
    assert points(ax)[:, 1].tolist() == list(figure.data[1].y) == panel.y.tolist()
    contours = _contour_set(ax)
    # The filled grid keeps the data's cells: its extremes are the data's extremes.
    assert contours.zmin == np.nanmin(panel.z) == 0.1
    assert contours.zmax == np.nanmax(panel.z) == 0.9
    assert contours.levels[0] == 0.1 and contours.levels[-1] == 0.9
    assert ax.get_xscale() == "log" and figure.layout.xaxis.type == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "k")
    assert ax.get_title() == "Contour Plot"
    (colorbar,) = colorbar_axes(ax.figure)
    assert colorbar.get_ylabel() == "Objective Value"


def test_minimize_darkens_the_best_values() -> None:
    low = plot_contour(mixed_study(), params=["x", "k"])
    high = plot_contour(mixed_study("maximize"), params=["x", "k"])
    low_cmap, high_cmap = _contour_set(low).get_cmap(), _contour_set(high).get_cmap()
    assert sum(low_cmap(0.0)[:3]) < sum(low_cmap(1.0)[:3])  # lowest value darkest
    assert sum(high_cmap(1.0)[:3]) < sum(high_cmap(0.0)[:3])


def test_categorical_axis_and_conditional_parameter() -> None:
    ax = plot_contour(mixed_study(), params=["c", "k"])
    assert points(ax).tolist() == [[0.0, 1.0], [2.0, 0.0]]  # trials 0 and 2 have c
    assert tick_labels(ax) == ["a", "b", "c"]


def test_three_params_make_a_matrix_with_empty_diagonal() -> None:
    study = mixed_study()
    figure = plotly_contour(study)
    axes = plot_contour(study)
    assert isinstance(axes, np.ndarray) and axes.shape == (3, 3)
    assert all(is_empty(axes[i, i]) for i in range(3))
    # row 0 (y = c), column 1 (x = k): the same points as plotly's panel there
    assert points(axes[0, 1])[:, 0].tolist() == list(figure.data[1].x) == [1, 0]
    assert list(figure.data[1].y) == ["a", "c"]
    assert points(axes[0, 1])[:, 1].tolist() == [0.0, 2.0]  # their choice indices
    assert axes[2, 2].get_xlabel() == "x" and axes[2, 2].get_xscale() == "log"
    assert axes[2, 0].get_ylabel() == "x" and axes[2, 0].get_yscale() == "log"
    assert axes[0, 1].get_xlabel() == "" and axes[0, 1].get_ylabel() == ""  # inner panel
    assert axes[0, 0].figure.get_suptitle() == "Contour Plot"
    assert len(colorbar_axes(axes[0, 0].figure)) == 1


def test_constant_parameter_draws_points_without_contours() -> None:
    study = hpo.create_study()
    dist = FloatDistribution(0.0, 1.0)
    for value, x in [(1.0, 0.2), (2.0, 0.6)]:
        study.add_trial(
            hpo.create_trial(
                value=value, params={"x": x, "y": 0.5}, distributions={"x": dist, "y": dist}
            )
        )
    ax = plot_contour(study)
    assert points(ax).tolist() == [[0.2, 0.5], [0.6, 0.5]]
    assert not [c for c in ax.collections if type(c).__name__ == "QuadContourSet"]


def test_fill_gaps_keeps_known_cells_and_fills_every_other() -> None:
    z = np.full((4, 4), np.nan)
    z[0, 0], z[3, 3], z[0, 3] = 1.0, 3.0, 2.0
    filled = fill_gaps(z)
    assert not np.isnan(filled).any()
    assert filled[0, 0] == 1.0 and filled[3, 3] == 3.0 and filled[0, 3] == 2.0
    assert filled.min() >= 1.0 and filled.max() <= 3.0
    one = np.full((3, 3), np.nan)
    one[1, 1] = 5.0
    assert (fill_gaps(one) == 5.0).all()  # a single cell: nearest value everywhere
    empty = np.full((2, 2), np.nan)
    assert np.isnan(fill_gaps(empty)).all()


def test_target_and_multi_objective() -> None:
    study = multi_objective_study()
    with pytest.raises(ValueError, match="target"):
        plot_contour(study)
    with pytest.warns(HpoWarning, match="two parameters"):
        ax = plot_contour(study, target=lambda t: t.values[0])
    assert is_empty(ax)


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_nothing_to_show_warns_and_returns_an_empty_axes(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        ax = plot_contour(make(), params=params)
    assert not isinstance(ax, np.ndarray) and is_empty(ax)


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_contour(mixed_study(), params=["x", "nope"])
