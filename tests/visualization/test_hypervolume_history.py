from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hpo
from hpo._hypervolume import compute_hypervolume
from hpo._keys import CONSTRAINTS_KEY
from hpo.exceptions import HpoWarning
from hpo.trial import TrialState
from hpo.visualization._data._hypervolume_history import hypervolume_history_data
from hpo.visualization._hypervolume_history import plot_hypervolume_history


def _study(rows: Any, directions: Any = ("minimize", "minimize")) -> hpo.Study:
    study = hpo.create_study(directions=list(directions))
    for row in rows:
        study.add_trial(hpo.create_trial(values=list(row)))
    return study


def test_hand_computed_two_objective_history() -> None:
    # Reference (4, 4). (2, 2) -> 4; (1, 3) adds 1x1 -> 5; (3, 3) dominated -> 5;
    # (5, 0) is outside the box -> 5; (0, 0) dominates all -> 16.
    study = _study([[2.0, 2.0], [1.0, 3.0], [3.0, 3.0], [5.0, 0.0], [0.0, 0.0]])
    study.add_trial(hpo.create_trial(state=TrialState.FAIL))
    figure = plot_hypervolume_history(study, [4.0, 4.0])
    (trace,) = figure.data
    assert list(trace.x) == [0, 1, 2, 3, 4]
    assert list(trace.y) == [4.0, 5.0, 5.0, 5.0, 16.0]
    assert figure.layout.yaxis.title.text == "Hypervolume"


def test_maximized_objectives_use_the_objective_space() -> None:
    # Maximizing both with reference (0, 0): (2, 2) -> 4, (3, 1) adds 1 -> 5.
    study = _study([[2.0, 2.0], [3.0, 1.0]], ("maximize", "maximize"))
    data = hypervolume_history_data(study, [0.0, 0.0])
    assert data.hypervolumes.tolist() == [4.0, 5.0]


def test_matches_a_full_recomputation_in_three_objectives() -> None:
    rng = np.random.default_rng(1)
    values = rng.uniform(size=(40, 3))
    study = _study(values, ("minimize", "maximize", "minimize"))
    reference = [1.0, 0.0, 1.0]
    data = hypervolume_history_data(study, reference)
    signs = np.array([1.0, -1.0, 1.0])
    expected = [
        compute_hypervolume(values[: i + 1] * signs, np.array(reference) * signs)
        for i in range(len(values))
    ]
    np.testing.assert_allclose(data.hypervolumes, expected)
    assert np.all(np.diff(data.hypervolumes) >= 0)


def test_infeasible_trials_add_nothing() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    study.add_trial(hpo.create_trial(values=[2.0, 2.0], system_attrs={CONSTRAINTS_KEY: [-1.0]}))
    study.add_trial(hpo.create_trial(values=[0.0, 0.0], system_attrs={CONSTRAINTS_KEY: [1.0]}))
    assert hypervolume_history_data(study, [4.0, 4.0]).hypervolumes.tolist() == [4.0, 4.0]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="single objective"):
        plot_hypervolume_history(hpo.create_study(), [1.0])
    study = _study([[1.0, 1.0]])
    with pytest.raises(ValueError, match="one value per objective"):
        plot_hypervolume_history(study, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        plot_hypervolume_history(study, [1.0, float("nan")])


def test_empty_study_warns() -> None:
    study = hpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(HpoWarning, match="no COMPLETE trial"):
        figure = plot_hypervolume_history(study, [1.0, 1.0])
    assert len(figure.data[0].x) == 0


def test_long_history_matches_a_full_recomputation() -> None:
    # Several blocks of trials, most of them dominated by the front of the earlier ones.
    rng = np.random.default_rng(2)
    x = rng.uniform(size=700)
    values = np.c_[x, 1.0 - np.sqrt(x) + rng.uniform(0.0, 0.3, size=700)]
    study = _study(values)
    data = hypervolume_history_data(study, [2.0, 2.0])
    for i in (0, 255, 256, 300, 511, 699):
        expected = compute_hypervolume(values[: i + 1], np.array([2.0, 2.0]))
        assert data.hypervolumes[i] == pytest.approx(expected)
