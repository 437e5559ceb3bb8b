"""BruteForceSampler: every combination of a finite define-by-run space, conditional included."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    cached_json_to_distribution,
    distribution_to_json,
)
from hpo.samplers._base import BaseSampler
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

# The branch a trial is choosing, written before its parameter is set: the number of
# parameters the trial had, and the name, distribution (JSON) and internal value being taken.
_CLAIM_KEY = "brute_force:claim"
_MAX_CLAIM_ATTEMPTS = 8


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
    ``leaf`` means a finished trial ended here. ``unexplored`` is the number of unexpanded,
    non-leaf nodes below (1 for an unexpanded node, 0 for a leaf), kept up to date on every
    change so that no suggestion walks the whole tree.
    """

    __slots__ = ("children", "distribution", "leaf", "name", "parent", "unexplored")

    def __init__(self, parent: _Node | None = None) -> None:
        self.name: str | None = None
        self.distribution: BaseDistribution | None = None
        self.children: dict[float, _Node] | None = None
        self.leaf = False
        self.parent = parent
        self.unexplored = 1

    def _propagate(self, delta: int) -> None:
        node: _Node | None = self
        while node is not None and delta:
            node.unexplored += delta
            node = node.parent
            if node is not None and node.leaf:
                break  # a leaf counts 0 whatever lies below it

    def expand(self, name: str, distribution: BaseDistribution) -> dict[float, _Node]:
        if self.children is None:
            self.name = name
            self.distribution = distribution
            self.children = {c: _Node(self) for c in _candidates(name, distribution)}
            if not self.leaf:
                self._propagate(len(self.children) - 1)
        elif self.distribution is not distribution and (
            self.name != name or self.distribution != distribution
        ):
            raise ValueError(
                f"BruteForceSampler needs a fixed search tree: parameter {name!r} with "
                f"{distribution} follows a point where earlier trials had {self.name!r} with "
                f"{self.distribution}."
            )
        return self.children

    def mark_leaf(self) -> None:
        if not self.leaf:
            self._propagate(-self.unexplored)
            self.leaf = True

    def is_open(self) -> bool:
        """Whether this node is still to explore and counts 1 in its ancestors' totals."""
        return self.children is None and self.is_counted()

    def is_counted(self) -> bool:
        """Whether this node counts in its ancestors' totals: no leaf at or above it."""
        if self.leaf:
            return False
        node = self.parent
        while node is not None:
            if node.leaf:
                return False
            node = node.parent
        return True


def _path(trial: FrozenTrial) -> list[tuple[str, BaseDistribution, float]]:
    """The trial's (name, distribution, internal value) steps, its claimed next step included.

    The claimed step is the one being chosen, written before the parameter is set.
    """
    steps = _path_without_claim(trial)
    claim = trial.system_attrs.get(_CLAIM_KEY)
    if isinstance(claim, list) and len(claim) == 4 and claim[0] == len(steps):
        _, name, distribution_json, value = claim
        steps.append((name, cached_json_to_distribution(distribution_json), float(value)))
    return steps


class _StudyTree:
    """The search tree of one study, grown incrementally from its trials."""

    def __init__(self) -> None:
        self.root = _Node()
        self.cursor = FinishedTrialCursor()
        self.lock = threading.Lock()
        self.error: ValueError | None = None

    def walk(self, steps: Iterable[tuple[str, BaseDistribution, float]]) -> _Node | None:
        """Follow ``steps`` from the root, expanding the tree; None off the tree."""
        node = self.root
        for name, distribution, value in steps:
            child = node.expand(name, distribution).get(value)
            if child is None:
                return None  # a value from outside the distribution (e.g. an enqueued one)
            node = child
        return node

    def update(self, trials: Sequence[FrozenTrial], exclude: int | None) -> list[_Node]:
        """Add newly finished trials; return where the running trials stand.

        Each running trial (but ``exclude``) that stands at a node still counted will take
        one unexplored leaf at or below it; several trials at one open node take one leaf.
        """
        if self.error is not None:
            raise self.error
        finished, running = self.cursor.scan(trials)
        try:
            for trial in finished:
                leaf = self.walk(_path(trial))
                if leaf is not None:
                    leaf.mark_leaf()
            positions: list[_Node] = []
            open_nodes: set[_Node] = set()
            for trial in running:
                if trial.number == exclude:
                    continue
                node = self.walk(_path(trial))
                if node is None or not node.is_counted() or node in open_nodes:
                    continue
                if node.children is None:
                    open_nodes.add(node)
                positions.append(node)
        except ValueError as error:
            self.error = error
            raise
        return positions


def _path_without_claim(trial: FrozenTrial) -> list[tuple[str, BaseDistribution, float]]:
    return [
        (name, dist, dist.to_internal_repr(trial.params[name]))
        for name, dist in trial.distributions.items()
    ]


def _taken_below(children: Sequence[_Node], positions: Sequence[_Node]) -> np.ndarray:
    """For each of ``children`` (siblings), how many of ``positions`` lie at or below it."""
    index = {id(child): i for i, child in enumerate(children)}
    parent = children[0].parent if children else None
    counts = np.zeros(len(children))
    for position in positions:
        node = position
        while node.parent is not None and node.parent is not parent:
            node = node.parent
        i = index.get(id(node))
        if i is not None:
            counts[i] += 1
    return counts


class BruteForceSampler(BaseSampler):
    """Try every combination of a finite search space, then stop the study.

    The space is discovered as the objective runs (define-by-run), conditional parameters
    included: the sampler keeps a tree of the parameters seen so far and, for each suggestion,
    picks at random a value whose branch still has unexplored combinations. Every
    distribution must be finite: categorical, int, or float with a ``step``.

    When a trial ends and the whole tree is explored, the running
    :meth:`~hpo.study.Study.optimize` stops.

    Workers sharing a storage coordinate through the trials: before a value is set, the trial
    writes the branch it takes to its system attribute ``brute_force:claim`` (JSON), reads
    the other running trials, and chooses again if the branch was just taken by another one.
    A branch nobody has entered yet counts as one leaf until a trial shows what lies below it.
    The tree is kept per study and grown from new trials only, so a suggestion costs the same
    at the 10,000th trial as at the 10th.

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

    _per_study_caches = ("_trees",)

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        if not isinstance(avoid_premature_stop, bool):
            raise TypeError(f"avoid_premature_stop must be a bool, got {avoid_premature_stop!r}.")
        self._rng = np.random.default_rng(seed)
        self._avoid_premature_stop = avoid_premature_stop
        self._trees: dict[Hashable, _StudyTree] = {}
        self._trees_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"BruteForceSampler(avoid_premature_stop={self._avoid_premature_stop})"

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def _tree(self, study: StudyView) -> _StudyTree:
        key = study._identity
        with self._trees_lock:
            tree = self._trees.get(key)
            if tree is None:
                tree = self._trees[key] = _StudyTree()
            return tree

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        tree = self._tree(study)
        excluded: set[float] = set()
        for attempt in range(_MAX_CLAIM_ATTEMPTS):
            with tree.lock:
                positions = tree.update(study.get_trials(deepcopy=False), trial.number)
                node = tree.walk(_path_without_claim(trial))
                if node is None:
                    # The trial's own values lie outside the tree (enqueued values): any
                    # value of the distribution will do.
                    candidates = _candidates(param_name, param_distribution)
                    choice = candidates[int(self._rng.integers(len(candidates)))]
                    return param_distribution.to_external_repr(choice)
                children = node.expand(param_name, param_distribution)
                rng = self._rng
                if attempt:
                    # Workers seeded alike would clash again on a retry: mix in the trial.
                    rng = np.random.default_rng(
                        [int(self._rng.integers(2**32)), trial.number, attempt]
                    )
                choice, free = self._choose(rng, children, positions, excluded)
            if not free or attempt == _MAX_CLAIM_ATTEMPTS - 1:
                break
            # Another worker may choose the same open branch at the same instant: each writes
            # its choice, then reads the others'; whoever sees a clash chooses again.
            claim_json = distribution_to_json(param_distribution)
            claim = [len(trial.params), param_name, claim_json, choice]
            study._set_trial_system_attr(trial, _CLAIM_KEY, claim)
            with tree.lock:
                positions = tree.update(study.get_trials(deepcopy=False), trial.number)
                chosen = children[choice]
                if chosen.unexplored - _taken_below([chosen], positions)[0] >= 1:
                    break
            excluded.add(choice)
        return param_distribution.to_external_repr(choice)

    @staticmethod
    def _choose(
        rng: np.random.Generator,
        children: dict[float, _Node],
        positions: Sequence[_Node],
        excluded: set[float],
    ) -> tuple[float, bool]:
        """Pick a child value, weighted by the unexplored leaves no running trial will take.

        Returns the value and whether it leads to such a free leaf.
        """
        candidates = list(children)
        nodes = list(children.values())
        totals = np.array([c.unexplored for c in nodes], dtype=float)
        weights = np.maximum(totals - _taken_below(nodes, positions), 0.0)
        if excluded:
            weights[[i for i, c in enumerate(candidates) if c in excluded]] = 0.0
        free = bool(weights.sum() > 0)
        if not free:
            # Only branches that running trials explore are left: repeat one of those.
            weights = totals
        if weights.sum() <= 0:
            weights = np.ones(len(candidates))  # All explored already: any value will do.
        index = int(rng.choice(len(candidates), p=weights / weights.sum()))
        return candidates[index], free

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        tree = self._tree(study)
        with tree.lock:
            positions = tree.update(study.get_trials(deepcopy=False), trial.number)
            # The finishing trial is still RUNNING in the storage; it counts as finished here.
            leaf = tree.walk(_path_without_claim(trial))
            if leaf is not None:
                leaf.mark_leaf()
            remaining = tree.root.unexplored
            if not self._avoid_premature_stop:
                # Each running trial takes an unexplored leaf below where it stands, if any.
                remaining -= sum(min(node.unexplored, 1) for node in positions)
        if remaining > 0:
            return
        stop = getattr(study, "stop", None)
        if callable(stop) and getattr(study, "_in_optimize", False):
            stop()
