import itertools

import numpy as np
import pytest

from hpo._hypervolume import compute_hypervolume, hypervolume_contributions


def _inclusion_exclusion(points: np.ndarray, reference: np.ndarray) -> float:
    # The volume of a union of boxes [p, reference], by inclusion-exclusion over all subsets.
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), size):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (size + 1) * np.prod(np.clip(reference - corner, 0.0, None))
    return total


def test_two_points_in_2d_by_hand() -> None:
    # Boxes [1,3]x[2,3] (area 2) and [2,3]x[1,3] (area 2) overlap in [2,3]x[2,3] (area 1).
    points = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert compute_hypervolume(points, np.array([3.0, 3.0])) == pytest.approx(3.0)


def test_single_point_is_its_box() -> None:
    assert compute_hypervolume(np.array([[1.0, 2.0, 3.0]]), np.array([2.0, 4.0, 6.0])) == 6.0


def test_one_objective_is_distance_from_best_to_reference() -> None:
    assert compute_hypervolume(np.array([[3.0], [1.0]]), np.array([5.0])) == 4.0


@pytest.mark.parametrize("n_objectives", [2, 3, 4, 5])
def test_matches_inclusion_exclusion(n_objectives: int) -> None:
    rng = np.random.default_rng(n_objectives)
    for _ in range(25):
        n_points = int(rng.integers(1, 9))
        points = rng.random((n_points, n_objectives))
        points[rng.random(n_points) < 0.2] = points[0]  # duplicates
        reference = np.full(n_objectives, rng.choice([0.7, 1.1]))
        expected = _inclusion_exclusion(points, reference)
        assert compute_hypervolume(points, reference) == pytest.approx(expected, abs=1e-12)


def test_points_outside_the_reference_box_add_nothing() -> None:
    points = np.array([[1.0, 1.0], [5.0, 0.0], [2.0, 2.0]])
    assert compute_hypervolume(points, np.array([3.0, 3.0])) == pytest.approx(4.0)


def test_dominated_points_do_not_change_the_volume() -> None:
    front = np.array([[0.1, 0.9, 0.5], [0.5, 0.2, 0.4], [0.9, 0.1, 0.1]])
    dominated = front + 0.05
    reference = np.ones(3)
    with_dominated = compute_hypervolume(np.vstack([front, dominated]), reference)
    assert with_dominated == pytest.approx(compute_hypervolume(front, reference))


def test_infinite_values() -> None:
    reference = np.array([1.0, 1.0])
    assert compute_hypervolume(np.array([[-np.inf, 0.5]]), reference) == np.inf
    assert compute_hypervolume(np.array([[np.inf, 0.5]]), reference) == 0.0


@pytest.mark.parametrize("n_objectives", [1, 2, 3, 4])
def test_contributions_match_leave_one_out(n_objectives: int) -> None:
    rng = np.random.default_rng(10 + n_objectives)
    for _ in range(25):
        n_points = int(rng.integers(1, 9))
        points = rng.random((n_points, n_objectives))
        points[rng.random(n_points) < 0.2] = points[0]
        reference = np.full(n_objectives, 1.1)
        total = _inclusion_exclusion(points, reference)
        expected = [
            total - _inclusion_exclusion(np.delete(points, i, axis=0), reference)
            for i in range(n_points)
        ]
        assert hypervolume_contributions(points, reference) == pytest.approx(expected, abs=1e-12)


def test_contributions_by_hand_with_an_exposed_point() -> None:
    # Both cover 3 x 3 = 9 against (4, 4); without (1, 1) the exposed (2, 2) still covers
    # 2 x 2 = 4, so (1, 1) contributes 5 (not its whole box) and the dominated (2, 2) nothing.
    points = np.array([[1.0, 1.0], [2.0, 2.0]])
    contributions = hypervolume_contributions(points, np.array([4.0, 4.0]))
    assert contributions.tolist() == [5.0, 0.0]


def test_duplicates_contribute_nothing() -> None:
    points = np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.8]])
    contributions = hypervolume_contributions(points, np.array([1.0, 1.0]))
    assert contributions[:2].tolist() == [0.0, 0.0]
    assert contributions[2] == pytest.approx(0.3 * 0.2)


@pytest.mark.parametrize(
    ("points", "reference", "message"),
    [
        (np.array([1.0, 2.0]), np.array([3.0, 3.0]), "2-dimensional"),
        (np.array([[1.0, 2.0]]), np.array([3.0]), "shape"),
        (np.array([[np.nan, 2.0]]), np.array([3.0, 3.0]), "NaN"),
    ],
)
def test_bad_input(points: np.ndarray, reference: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_hypervolume(points, reference)
    with pytest.raises(ValueError, match=message):
        hypervolume_contributions(points, reference)


def test_contributions_need_finite_values() -> None:
    with pytest.raises(ValueError, match="finite"):
        hypervolume_contributions(np.array([[-np.inf, 0.0]]), np.array([1.0, 1.0]))
