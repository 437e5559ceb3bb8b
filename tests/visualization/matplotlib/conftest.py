"""matplotlib draws off screen (Agg) in these tests, and every figure is closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib
import pytest


@pytest.fixture(autouse=True)
def _agg_backend_and_no_leaked_figures() -> Iterator[None]:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
