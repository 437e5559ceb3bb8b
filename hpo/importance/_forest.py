"""A random forest of regression trees, grown level by level for all trees at once.

Each tree is grown on a bootstrap sample (a row drawn ``k`` times carries weight ``k``) by
exact CART splits on squared error over every feature. Instead of recursing node by node,
every level of every tree is one set of array operations: for each feature the rows are kept
sorted by (node, feature value), so the best threshold of every node is found with cumulative
sums, and the order of the next level is a stable partition of the current one.

The result is what importance evaluators need, not a predictor: each leaf's box (the bounds
of the features in [0, 1]) and value, and the squared-error decrease each feature brought.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Forest:
    """Leaves of all trees and the impurity decrease of each feature in each tree.

    Attributes
    ----------
    leaf_tree:
        ``(n_leaves,)`` tree index of each leaf.
    leaf_low, leaf_high:
        ``(n_leaves, n_features)`` bounds of each leaf's box (the root box is [0, 1]).
    leaf_value:
        ``(n_leaves,)`` mean target of each leaf's training rows.
    impurity_decrease:
        ``(n_trees, n_features)`` weighted squared-error decrease summed over each tree's
        splits on each feature.
    """

    leaf_tree: np.ndarray
    leaf_low: np.ndarray
    leaf_high: np.ndarray
    leaf_value: np.ndarray
    impurity_decrease: np.ndarray


def _bootstrap(n_rows: int, n_trees: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    draws = rng.integers(0, n_rows, size=(n_trees, n_draws))
    offsets = np.arange(n_trees)[:, None] * n_rows
    return np.bincount((draws + offsets).ravel(), minlength=n_trees * n_rows)


def fit_forest(
    features: np.ndarray,
    targets: np.ndarray,
    *,
    n_trees: int,
    max_depth: int,
    rng: np.random.Generator,
    min_samples_split: int = 2,
    min_samples_leaf: int = 1,
    max_samples: int | None = None,
) -> Forest:
    """Grow a bootstrapped forest of exact regression trees.

    Parameters
    ----------
    features:
        ``(n_rows, n_features)`` values in [0, 1].
    targets:
        ``(n_rows,)`` values to predict.
    n_trees, max_depth:
        Number of trees; depth limit (the root has depth 0).
    rng:
        Source of the bootstrap samples and of the order features are tried in (which breaks
        ties between equally good splits).
    min_samples_split, min_samples_leaf:
        A node splits only if it holds at least ``min_samples_split`` rows (with bootstrap
        multiplicity) and each child keeps ``min_samples_leaf``.
    max_samples:
        Rows drawn (with replacement) for each tree; ``None`` draws as many as there are rows.

    Returns
    -------
    Forest
        The leaves and impurity decreases.
    """
    n_rows, n_features = features.shape
    if n_features == 0 or n_rows == 0:
        raise ValueError("fit_forest needs at least one row and one feature.")
    center = float(np.mean(targets))
    scale = float(np.std(targets)) or 1.0
    targets = (targets - center) / scale
    n_draws = n_rows if max_samples is None else min(n_rows, max_samples)
    counts = _bootstrap(n_rows, n_trees, n_draws, rng)
    keys = np.flatnonzero(counts)
    sample_row = keys % n_rows
    sample_weight = counts[keys].astype(float)
    sample_wy = sample_weight * targets[sample_row]
    sample_wyy = sample_wy * targets[sample_row]
    sample_id = np.full(n_trees * n_rows, -1, dtype=np.int64)
    sample_id[keys] = np.arange(keys.size)
    # values[f, s]: feature f of sample s; orders[f]: samples sorted by (node, feature f).
    values = np.ascontiguousarray(features[sample_row].T)
    orders = []
    for f in range(n_features):
        by_value = np.argsort(features[:, f], kind="stable")
        flat = (np.arange(n_trees)[:, None] * n_rows + by_value[None, :]).ravel()
        ids = sample_id[flat]
        orders.append(ids[ids >= 0])
    node_of = (keys // n_rows).astype(np.int64)  # The roots are nodes 0..n_trees-1.
    n_nodes = n_trees
    node_tree = np.arange(n_trees)
    low = np.zeros((n_trees, n_features))
    high = np.ones((n_trees, n_features))
    decrease = np.zeros((n_trees, n_features))
    leaves: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    alive = np.ones(keys.size, dtype=bool)
    depth = 0
    while n_nodes:
        active = orders[0]
        node_sorted = node_of[active]
        node_weight = np.bincount(node_sorted, sample_weight[active], minlength=n_nodes)
        node_sum = np.bincount(node_sorted, sample_wy[active], minlength=n_nodes)
        node_sq = np.bincount(node_sorted, sample_wyy[active], minlength=n_nodes)
        node_count = np.bincount(node_sorted, minlength=n_nodes)
        node_start = np.cumsum(node_count) - node_count
        base = node_sum**2 / node_weight
        best_score = np.full(n_nodes, -np.inf)
        best_feature = np.zeros(n_nodes, dtype=np.int64)
        best_threshold = np.zeros(n_nodes)
        can_split = (node_weight >= min_samples_split) & (depth < max_depth)
        # Squared error left in the node; a (numerically) pure node is a leaf.
        can_split &= node_sq - base > 1e-12 * np.maximum(node_sq, 1e-300)
        if can_split.any() and n_features:
            size = active.size
            nodes = node_sorted  # Every order is sorted by node first, so this is shared.
            same_node = nodes[:-1] == nodes[1:]
            # Weight and sum of the nodes before each row's node (row order within a node varies
            # by feature, the nodes' totals do not).
            level = _Level(
                nodes=nodes,
                first=node_start,
                before_w=(np.cumsum(node_weight) - node_weight)[nodes],
                before_s=(np.cumsum(node_sum) - node_sum)[nodes],
                total_w=node_weight[nodes],
                total_s=node_sum[nodes],
                min_samples_leaf=min_samples_leaf,
            )
            for f in rng.permutation(n_features):
                order = orders[f]
                x = values[f, order]
                # A split after row i needs a larger value in row i + 1 of the same node.
                valid = np.zeros(size, dtype=bool)
                np.less(x[:-1], x[1:], out=valid[:-1])
                valid[:-1] &= same_node
                n_valid = np.count_nonzero(valid)
                if n_valid == 0:
                    continue
                cum_w = np.cumsum(sample_weight[order])
                cum_s = np.cumsum(sample_wy[order])
                # Few candidate thresholds (a feature with few distinct values): score only those.
                search = level.sparse if 3 * n_valid < size else level.dense
                node_ids, scores, chosen = search(valid, cum_w, cum_s)
                better = scores > best_score[node_ids]
                node_ids, chosen = node_ids[better], chosen[better]
                best_score[node_ids] = scores[better]
                best_feature[node_ids] = f
                below, above = x[chosen], x[chosen + 1]
                middle = 0.5 * (below + above)
                # Between adjacent floats the midpoint can round up to the upper value.
                best_threshold[node_ids] = np.where(middle < above, middle, below)
        gain = best_score - base
        splits = can_split & np.isfinite(best_score) & (gain > 1e-12 * np.abs(base))
        is_leaf = ~splits
        if is_leaf.any():
            leaves.append(
                (
                    node_tree[is_leaf],
                    low[is_leaf],
                    high[is_leaf],
                    node_sum[is_leaf] / node_weight[is_leaf],
                )
            )
        if not splits.any():
            break
        np.add.at(decrease, (node_tree[splits], best_feature[splits]), gain[splits])
        # Children of the r-th splitting node are nodes 2r (left) and 2r+1 (right).
        rank = np.cumsum(splits) - 1
        parent = np.flatnonzero(splits)
        n_children = 2 * parent.size
        feature_of = best_feature[parent]
        threshold_of = best_threshold[parent]
        alive[active] = splits[node_of[active]]
        kept = active[alive[active]]
        parent_node = node_of[kept]
        goes_right = values[best_feature[parent_node], kept] > best_threshold[parent_node]
        node_of[kept] = 2 * rank[parent_node] + goes_right
        child_count = np.bincount(node_of[kept], minlength=n_children)
        partition = _Partition(child_count)
        if not splits.all():
            orders = [order[alive[order]] for order in orders]
        orders = [partition.apply(order, node_of) for order in orders]
        child_low = np.repeat(low[parent], 2, axis=0)
        child_high = np.repeat(high[parent], 2, axis=0)
        child_high[0::2][np.arange(parent.size), feature_of] = threshold_of
        child_low[1::2][np.arange(parent.size), feature_of] = threshold_of
        low, high = child_low, child_high
        node_tree = np.repeat(node_tree[parent], 2)
        n_nodes = n_children
        depth += 1
    leaf_tree, leaf_low, leaf_high, leaf_value = (np.concatenate(part) for part in zip(*leaves))
    return Forest(leaf_tree, leaf_low, leaf_high, center + scale * leaf_value, decrease * scale**2)


@dataclass(frozen=True)
class _Level:
    """The nodes of one level, and the best split of each node along one feature.

    Both searches take the rows of the level sorted by (node, feature value), a mask of the
    positions after which a split is possible, and cumulative weights and weighted sums in
    that order. They return the nodes that have a split, its score (larger is better: the sum
    over both children of squared sum over weight) and the position of the last row going
    left.
    """

    nodes: np.ndarray
    first: np.ndarray
    before_w: np.ndarray
    before_s: np.ndarray
    total_w: np.ndarray
    total_s: np.ndarray
    min_samples_leaf: int

    def dense(
        self, valid: np.ndarray, cum_w: np.ndarray, cum_s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Search every position at once; best when most positions are candidates."""
        left_w = cum_w - self.before_w
        left_s = cum_s - self.before_s
        right_w = self.total_w - left_w
        right_s = self.total_s - left_s
        if self.min_samples_leaf > 1:
            valid = valid & (left_w >= self.min_samples_leaf) & (right_w >= self.min_samples_leaf)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = left_s * left_s / left_w + right_s * right_s / right_w
        score[~valid] = -np.inf
        node_best = np.maximum.reduceat(score, self.first)
        hit = score == node_best[self.nodes]
        hit &= valid
        size = valid.size
        position = np.minimum.reduceat(np.where(hit, np.arange(size), size), self.first)
        found = position < size
        return np.flatnonzero(found), node_best[found], position[found]

    def sparse(
        self, valid: np.ndarray, cum_w: np.ndarray, cum_s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Search only the candidate positions; best when they are few."""
        at = np.flatnonzero(valid)
        left_w = cum_w[at] - self.before_w[at]
        left_s = cum_s[at] - self.before_s[at]
        right_w = self.total_w[at] - left_w
        right_s = self.total_s[at] - left_s
        if self.min_samples_leaf > 1:
            keep = (left_w >= self.min_samples_leaf) & (right_w >= self.min_samples_leaf)
            at, left_w, left_s = at[keep], left_w[keep], left_s[keep]
            right_w, right_s = right_w[keep], right_s[keep]
        if at.size == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, np.empty(0), empty
        score = left_s * left_s / left_w + right_s * right_s / right_w
        node = self.nodes[at]
        new_node = np.ones(at.size, dtype=bool)
        np.not_equal(node[1:], node[:-1], out=new_node[1:])
        starts = np.flatnonzero(new_node)
        node_best = np.maximum.reduceat(score, starts)
        segment = np.cumsum(new_node) - 1
        hits = np.flatnonzero(score == node_best[segment])
        hit_segment = segment[hits]
        first_hit = np.ones(hits.size, dtype=bool)
        np.not_equal(hit_segment[1:], hit_segment[:-1], out=first_hit[1:])
        return node[starts], node_best, at[hits[first_hit]]


class _Partition:
    """Reorder rows sorted by (parent, value) into (child, value) order in linear time.

    Within each parent's run the rows of its left child (an even node) keep their order and
    go first, then those of its right child.
    """

    def __init__(self, child_count: np.ndarray) -> None:
        child_start = np.cumsum(child_count) - child_count
        right = child_count[1::2]
        right_before = np.cumsum(right) - right
        # A left child's rows land at (rows before them) - (rights before them) + the rights of
        # earlier parents; a right child's at its start + its rights seen so far.
        self.offset = np.empty(child_count.size, dtype=np.int64)
        self.offset[0::2] = right_before
        self.offset[1::2] = child_start[1::2] - right_before

    def apply(self, order: np.ndarray, node_of: np.ndarray) -> np.ndarray:
        child = node_of[order]
        is_right = (child & 1).astype(bool)
        # Rights strictly before each row; a left row's rank among lefts is i minus that.
        rights_before = np.cumsum(is_right) - is_right
        position = np.where(is_right, rights_before, np.arange(order.size) - rights_before)
        position += self.offset[child]
        result = np.empty_like(order)
        result[position] = order
        return result
