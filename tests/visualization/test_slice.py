from __future__ import annotations

import pytest

import hpo
from hpo.exceptions import HpoWarning
from hpo.visualization import plot_slice
from tests.visualization.helpers import failed_only_study, mixed_study, multi_objective_study


def test_slice_panels_axes_and_values() -> None:
    figure = plot_slice(mixed_study())
    assert [trace.name for trace in figure.data] == ["c", "k", "x"]
    c, k, x = figure.data
    assert list(c.x) == ["a", "c"] and list(c.y) == [0.5, 0.9]  # conditional: trials 0 and 2
    assert list(k.x) == [1, 2, 0, 3]
    assert list(x.marker.color) == [0, 1, 2, 3]
    assert figure.layout.xaxis.type == "category"
    assert list(figure.layout.xaxis.categoryarray) == ["a", "b", "c"]
    assert figure.layout.xaxis3.type == "log"
    assert figure.layout.xaxis3.title.text == "x"


def test_slice_params_and_target() -> None:
    figure = plot_slice(
        multi_objective_study(), params=["x"], target=lambda t: t.values[1], target_name="b"
    )
    assert len(figure.data) == 1 and list(figure.data[0].y) == [1.0, 0.0, -1.0]
    assert figure.layout.yaxis.title.text == "b"
    with pytest.raises(ValueError, match="target"):
        plot_slice(multi_objective_study())


@pytest.mark.parametrize(
    ("make", "params", "match"),
    [
        (hpo.create_study, None, "no completed trials"),
        (failed_only_study, None, "no completed trials"),
    ],
)
def test_slice_empty_warns(make, params, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(HpoWarning, match=match):
        figure = plot_slice(make(), params=params)
    assert len(figure.data) == 0


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        plot_slice(mixed_study(), params=["nope"])
