"""BruteForceSampler: every combination of a finite define-by-run space, conditional included."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.samplers._base import BaseSampler
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView


def _candidates(name: str, distribution: BaseDistribution) -> list[float]:
    """Every value of ``distribution`` in internal representation, in increasing order."""
    if isinstance(distribution, CategoricalDistribution):
        return [float(i) for i in range(len(distribution.choices))]
    if isinstance(distribution, IntDistribution):
        if distribution.log:
            return [float(v) for v in range(distribution.low, distribution.high + 1)]
        return [
            float(v) for v in range(distribution.low, distribution.high + 1, distribution.step)
        ]
    if isinstance(distribution, FloatDistribution):
        if distribution.step is None:
            if distribution.low == distribution.high:
                return [float(distribution.low)]
            raise ValueError(
                f"BruteForceSampler cannot enumerate parameter {name!r}: {distribution} is "
                "continuous; give it a step, or use a categorical or int distribution."
            )
        n = round((distribution.high - distribution.low) / distribution.step) + 1
        return [
            float(min(distribution.high, distribution.low + i * distribution.step))
            for i in range(n)
        ]
    raise ValueError(
        f"BruteForceSampler cannot enumerate parameter {name!r} of distribution {distribution}."
    )


class _Node:
    """A point of the search tree: unexpanded, a leaf, or a parameter with one child per value.

    ``children is None`` means nothing is known past this point yet (it must be explored);
    ``leaf`` means a trial ended here; ``running_leaf`` that only running trials did.
    """

    __slots__ = ("children", "distribution", "leaf", "name", "running_leaf")

    def __init__(self) -> None:
        self.name: str | None = None
        self.distribution: BaseDistribution | None = None
        self.children: dict[float, _Node] | None = None
        self.leaf = False
        self.running_leaf = False

    def expand(self, name: str, distribution: BaseDistribution) -> dict[float, _Node]:
        if self.children is None:
            self.name = name
            self.distribution = distribution
            self.children = {c: _Node() for c in _candidates(name, distribution)}
        elif self.distribution is not distribution and (
            self.name != name or self.distribution != distribution
        ):
            raise ValueError(
                f"BruteForceSampler needs a fixed search tree: parameter {name!r} with "
                f"{distribution} follows a point where earlier trials had {self.name!r} with "
                f"{self.distribution}."
            )
        return self.children

    def add_path(self, steps: Iterable[tuple[str, BaseDistribution, Any]]) -> _Node | None:
        node = self
        for name, distribution, value in steps:
            child = node.expand(name, distribution).get(distribution.to_internal_repr(value))
            if child is None:
                return None  # A value from outside the distribution (e.g. an enqueued one).
            node = child
        return node

    def count_unexplored(self, running_counts: bool) -> int:
        """Number of leaves still to explore; running leaves count when ``running_counts``."""
        if self.leaf:
            return 0
        if self.children is None:
            return 1 if (not self.running_leaf or running_counts) else 0
        if not self.children:
            return 0
        return sum(c.count_unexplored(running_counts) for c in self.children.values())


def _build_tree(
    trials: Iterable[FrozenTrial], prefix: dict[str, Any], finished: dict[int, bool]
) -> _Node:
    """The tree of the parameters after ``prefix``, from trials that agree with ``prefix``."""
    root = _Node()
    running_leaves = []
    for t in trials:
        if any(name not in t.params or t.params[name] != v for name, v in prefix.items()):
            continue
        leaf = root.add_path(
            (name, dist, t.params[name])
            for name, dist in t.distributions.items()
            if name not in prefix
        )
        if leaf is None:
            continue
        if finished.get(t.number, t.state.is_finished()):
            leaf.leaf = True
        else:
            running_leaves.append(leaf)
    for leaf in running_leaves:
        if leaf.children is None and not leaf.leaf:
            leaf.running_leaf = True
    return root


class BruteForceSampler(BaseSampler):
    """Try every combination of a finite search space, then stop the study.

    The space is discovered as the objective runs (define-by-run), conditional parameters
    included: the sampler keeps a tree of the parameters seen so far and, for each suggestion,
    picks at random a value whose branch still has unexplored combinations. Every
    distribution must be finite: categorical, int, or float with a ``step``.

    When a trial ends and the whole tree is explored, the running
    :meth:`~hpo.study.Study.optimize` stops.

    Parameters
    ----------
    seed:
        Seed of the random choice among unexplored branches.
    avoid_premature_stop:
        If ``False`` (default), a branch being run by a RUNNING trial counts as explored, so
        the study can stop while the last trials still run. If ``True``, the study stops only
        once every branch was explored by a finished (COMPLETE, PRUNED or FAIL) trial, since a
        running trial might still reveal new conditional parameters.

    Raises
    ------
    TypeError
        If ``avoid_premature_stop`` is not a bool.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(sampler=BruteForceSampler(seed=0))
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        if not isinstance(avoid_premature_stop, bool):
            raise TypeError(f"avoid_premature_stop must be a bool, got {avoid_premature_stop!r}.")
        self._rng = np.random.default_rng(seed)
        self._avoid_premature_stop = avoid_premature_stop

    def __repr__(self) -> str:
        return f"BruteForceSampler(avoid_premature_stop={self._avoid_premature_stop})"

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        others = (t for t in study.get_trials(deepcopy=False) if t.number != trial.number)
        tree = _build_tree(others, dict(trial.params), {})
        # The children are keyed by every value of the distribution, in increasing order.
        expanded = tree.expand(param_name, param_distribution)
        candidates, children = list(expanded), list(expanded.values())
        weights = np.array([c.count_unexplored(False) for c in children], dtype=float)
        if weights.sum() == 0:
            # Only branches that running trials explore are left: repeat one of those.
            weights = np.array([c.count_unexplored(True) for c in children], dtype=float)
        if weights.sum() == 0:
            weights = np.ones(len(candidates))  # All explored already: any value will do.
        choice = candidates[int(self._rng.choice(len(candidates), p=weights / weights.sum()))]
        return param_distribution.to_external_repr(choice)

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        # The finishing trial is still RUNNING in the storage; it counts as finished here.
        trials = study.get_trials(deepcopy=False)
        tree = _build_tree(trials, {}, {trial.number: True})
        if tree.count_unexplored(self._avoid_premature_stop) > 0:
            return
        stop = getattr(study, "stop", None)
        if callable(stop) and getattr(study, "_in_optimize", False):
            stop()
