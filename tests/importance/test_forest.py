"""The level-wise random forest: partitions, leaf values, depth and bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from hpo.importance._forest import fit_forest


def leaf_of(forest, tree: int, point: np.ndarray) -> int:
    inside = (
        (forest.leaf_tree == tree)
        & np.all(forest.leaf_low <= point, axis=1)
        & np.all(point < forest.leaf_high, axis=1)
    )
    assert inside.sum() == 1
    return int(np.flatnonzero(inside)[0])


def test_leaves_partition_the_unit_box_in_every_tree() -> None:
    rng = np.random.default_rng(0)
    features = rng.uniform(0, 1, (300, 3))
    targets = np.sin(5 * features[:, 0]) + features[:, 1]
    forest = fit_forest(features, targets, n_trees=5, max_depth=64, rng=rng)
    volumes = np.bincount(forest.leaf_tree, np.prod(forest.leaf_high - forest.leaf_low, axis=1))
    np.testing.assert_allclose(volumes, np.ones(5))
    for point in rng.uniform(0, 1, (20, 3)):
        for tree in range(5):
            leaf_of(forest, tree, point)


def test_deep_trees_fit_every_training_row_they_saw() -> None:
    rng = np.random.default_rng(1)
    features = rng.uniform(0, 1, (200, 2))
    targets = rng.normal(size=200)
    forest = fit_forest(features, targets, n_trees=4, max_depth=64, rng=rng)
    fitted = [
        sum(
            np.isclose(forest.leaf_value[leaf_of(forest, tree, row)], y)
            for row, y in zip(features, targets)
        )
        for tree in range(4)
    ]
    # A bootstrap sample holds about 63% of the rows; each is fitted exactly.
    assert all(100 < count < 160 for count in fitted)


def test_a_step_is_found_exactly() -> None:
    rng = np.random.default_rng(2)
    features = rng.uniform(0, 1, (500, 2))
    targets = (features[:, 0] > 0.3).astype(float)
    forest = fit_forest(features, targets, n_trees=3, max_depth=1, rng=rng)
    assert set(np.round(forest.leaf_value, 12)) == {0.0, 1.0}
    thresholds = forest.leaf_high[forest.leaf_high[:, 0] < 1, 0]
    # Between the in-bag rows closest to the step on either side.
    assert np.all((thresholds > 0.29) & (thresholds < 0.31))
    assert thresholds.size == 3
    assert forest.impurity_decrease[:, 1].sum() == 0


@pytest.mark.parametrize("max_depth", [1, 2, 3])
def test_depth_limit(max_depth: int) -> None:
    rng = np.random.default_rng(3)
    features = rng.uniform(0, 1, (300, 2))
    forest = fit_forest(features, rng.normal(size=300), n_trees=4, max_depth=max_depth, rng=rng)
    assert np.bincount(forest.leaf_tree).max() <= 2**max_depth


def test_constant_target_gives_one_leaf_per_tree() -> None:
    rng = np.random.default_rng(4)
    forest = fit_forest(
        rng.uniform(0, 1, (50, 3)), np.full(50, 2.5), n_trees=6, max_depth=8, rng=rng
    )
    assert forest.leaf_value.size == 6
    np.testing.assert_allclose(forest.leaf_value, 2.5)


def test_min_samples_leaf_and_max_samples() -> None:
    rng = np.random.default_rng(5)
    features = rng.uniform(0, 1, (400, 2))
    targets = rng.normal(size=400)
    small = fit_forest(features, targets, n_trees=3, max_depth=64, rng=rng, max_samples=50)
    big = fit_forest(features, targets, n_trees=3, max_depth=64, rng=rng, min_samples_leaf=20)
    assert np.bincount(small.leaf_tree).max() <= 50
    assert np.bincount(big.leaf_tree).max() <= 400 // 20


def test_same_generator_state_same_forest() -> None:
    rng = np.random.default_rng(6)
    features, targets = rng.uniform(0, 1, (100, 2)), rng.normal(size=100)
    a = fit_forest(features, targets, n_trees=3, max_depth=64, rng=np.random.default_rng(9))
    b = fit_forest(features, targets, n_trees=3, max_depth=64, rng=np.random.default_rng(9))
    np.testing.assert_array_equal(a.leaf_value, b.leaf_value)
    np.testing.assert_array_equal(a.leaf_low, b.leaf_low)


def test_adjacent_float_values_still_split() -> None:
    # The midpoint of two adjacent floats rounds to one of them; the split must still separate.
    low_value = 0.5
    high_value = float(np.nextafter(low_value, 1.0))
    features = np.array([[low_value], [high_value]] * 20)
    targets = np.array([0.0, 1.0] * 20)
    forest = fit_forest(features, targets, n_trees=4, max_depth=8, rng=np.random.default_rng(0))
    assert set(forest.leaf_value) <= {0.0, 1.0}
    assert forest.leaf_value.size == 8


def test_sparse_and_dense_split_searches_grow_the_same_forest(monkeypatch) -> None:
    from hpo.importance import _forest

    rng = np.random.default_rng(7)
    n = 400
    indicators = (rng.integers(0, 3, (n, 1)) == np.arange(3)).astype(float)
    features = np.c_[rng.uniform(0, 1, (n, 2)), rng.integers(0, 5, (n, 1)) / 4, indicators]
    targets = features[:, 0] + features[:, 2] + 2 * features[:, 3] + rng.normal(0, 0.1, n)

    def grow(min_samples_leaf: int):
        return fit_forest(
            features,
            targets,
            n_trees=4,
            max_depth=64,
            rng=np.random.default_rng(0),
            min_samples_leaf=min_samples_leaf,
        )

    mixed = [grow(1), grow(3)]
    monkeypatch.setattr(_forest._Level, "sparse", _forest._Level.dense)
    dense = [grow(1), grow(3)]
    for a, b in zip(mixed, dense):
        np.testing.assert_array_equal(a.leaf_value, b.leaf_value)
        np.testing.assert_array_equal(a.leaf_low, b.leaf_low)
        np.testing.assert_array_equal(a.leaf_high, b.leaf_high)
