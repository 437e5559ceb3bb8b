"""Child generation of the genetic samplers: tournament, crossover and mutation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.samplers.nsgaii._crossovers import (
    BaseCrossover,
    SBXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from hpo.samplers.nsgaii._mutations import BaseMutation
from hpo.samplers.nsgaii._selection import losses_of, ranks_and_crowding, violations_of
from hpo.samplers.nsgaii._transform import (
    NumericalPlan,
    from_transformed,
    to_transformed,
    transformed_bounds,
)
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

# A crossover whose children keep leaving the bounds gets this many draws before its last
# child is clipped into them.
_MAX_CROSSOVER_DRAWS = 100

# Crossovers whose children never leave the bounds: uniform crossover copies parents'
# coordinates, and SBX and vSBX clip their children.
_INSIDE_BY_CONSTRUCTION = (UniformCrossover, SBXCrossover, VSBXCrossover)


def tournament(
    rng: np.random.RandomState,
    ranks: Sequence[float],
    crowding: Sequence[float],
    n_winners: int,
) -> list[int]:
    """Pick ``n_winners`` distinct indices by binary tournaments.

    Two distinct candidates are drawn; the one in the better front wins, and within one front
    the one with the larger crowding distance.

    Parameters
    ----------
    rng:
        Random state.
    ranks, crowding:
        Front index and crowding distance of each individual.
    n_winners:
        Number of distinct winners, at most the number of individuals.

    Returns
    -------
    list[int]
        Indices of the winners.

    Examples
    --------
    >>> import numpy as np
    >>> tournament(np.random.RandomState(0), np.array([0, 1]), np.zeros(2), 1)
    [0]
    """
    size = len(ranks)
    n_winners = min(n_winners, size)
    uniforms = rng.rand(2 * n_winners).tolist()
    winners: list[int] = []
    for k in range(n_winners):
        left = size - k  # members not yet chosen
        if left == 1:
            winners.append(_nth_unchosen(0, winners))
            break
        # Two distinct members among the unchosen ones, drawn without building a permutation.
        first = min(int(uniforms[2 * k] * left), left - 1)
        second = min(int(uniforms[2 * k + 1] * (left - 1)), left - 2)
        if second >= first:
            second += 1
        a, b = _nth_unchosen(first, winners), _nth_unchosen(second, winners)
        if ranks[a] != ranks[b]:
            winner = a if ranks[a] < ranks[b] else b
        elif crowding[a] != crowding[b]:
            winner = a if crowding[a] > crowding[b] else b
        else:
            winner = a
        winners.append(winner)
    return winners


def _nth_unchosen(index: int, chosen: list[int]) -> int:
    """Return the ``index``-th integer (from 0) that is not in ``chosen``."""
    for taken in sorted(chosen):
        if taken <= index:
            index += 1
    return index


def perform_crossover(
    crossover: BaseCrossover,
    rng: np.random.RandomState,
    study: StudyView,
    parents_params: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray:
    """Return a child of ``parents_params`` inside ``bounds`` (redrawn until it is).

    After 100 draws outside the bounds the last child is clipped into them.

    Raises
    ------
    ValueError
        If the crossover keeps returning non-finite values.
    """
    if type(crossover) in _INSIDE_BY_CONSTRUCTION:
        return np.asarray(crossover.crossover(parents_params, rng, study, bounds), dtype=float)
    low, high = bounds[:, 0], bounds[:, 1]
    child = np.asarray(parents_params[0], dtype=float)
    for _ in range(_MAX_CROSSOVER_DRAWS):
        child = np.asarray(crossover.crossover(parents_params, rng, study, bounds), dtype=float)
        if ((low <= child) & (child <= high)).all():
            return child
    if not np.all(np.isfinite(child)):
        raise ValueError(f"{crossover} returned a child with non-finite values: {child}.")
    return np.minimum(np.maximum(child, low), high)


class NSGAIIChildGeneration:
    """The default child generation of the genetic samplers, as a strategy callable.

    Called with the study, the search space and the parent population, it returns the child's
    parameters. With probability ``crossover_prob`` the child is a crossover of parents chosen
    by binary tournament (``crossover`` on the numerical parameters, uniform swapping with
    ``swapping_prob`` on the categorical ones); otherwise it copies one tournament winner. Then
    each parameter is mutated with probability ``mutation_prob`` (default: one over the
    number of parameters of the first parent):
    moved by ``mutation`` if given and numerical, else left out so that it is sampled at
    random.

    Parameters
    ----------
    crossover:
        Crossover for the numerical parameters.
    crossover_prob:
        Probability of a crossover.
    swapping_prob:
        Probability of taking a categorical parameter from the second parent.
    mutation:
        Mutation for numerical parameters, or ``None`` to resample mutated parameters.
    mutation_prob:
        Probability of mutating each parameter; ``None`` for one over the number of
        parameters of the (first) parent.
    constraints_func:
        When given, tournaments use constrained domination.
    rng:
        Random state shared with the sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from hpo.samplers.nsgaii import UniformCrossover
    >>> strategy = NSGAIIChildGeneration(
    ...     crossover=UniformCrossover(), crossover_prob=0.9, swapping_prob=0.5,
    ...     rng=np.random.RandomState(0),
    ... )
    """

    def __init__(
        self,
        *,
        crossover: BaseCrossover,
        crossover_prob: float,
        swapping_prob: float,
        rng: np.random.RandomState,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        self._crossover = crossover
        self._crossover_prob = crossover_prob
        self._swapping_prob = swapping_prob
        self._mutation = mutation
        self._mutation_prob = mutation_prob
        self._constrained = constraints_func is not None
        self._rng = rng
        self._scores_key: tuple[int, ...] | None = None
        self._scores_population: list[FrozenTrial] | None = None
        self._scores: tuple[list[float], list[float]] = ([], [])
        self._plan_key: tuple[Any, ...] | None = None
        self._plan = _SpacePlan({})

    def _population_scores(
        self, study: StudyView, population: list[FrozenTrial]
    ) -> tuple[list[float], list[float]]:
        if population is self._scores_population:
            return self._scores
        key = tuple(t.number for t in population)
        if key != self._scores_key:
            losses = losses_of(population, study.directions)
            violations = violations_of(population) if self._constrained else None
            ranks, crowding = ranks_and_crowding(losses, violations)
            self._scores = (ranks.tolist(), crowding.tolist())
            self._scores_key = key
        self._scores_population = population
        return self._scores

    def _space_plan(
        self, study: StudyView, search_space: dict[str, BaseDistribution]
    ) -> _SpacePlan:
        # Distribution objects are shared between trials, so their ids identify a space; the
        # plan caches vectors by trial number, so it belongs to one study.
        key = (study._identity, *search_space, *map(id, search_space.values()))
        if key != self._plan_key:
            self._plan = _SpacePlan(search_space)
            self._plan_key = key
        return self._plan

    def __call__(
        self,
        study: StudyView,
        search_space: dict[str, BaseDistribution],
        parent_population: list[FrozenTrial],
    ) -> dict[str, Any]:
        rng = self._rng
        ranks, crowding = self._population_scores(study, parent_population)
        plan = self._space_plan(study, search_space)
        numerical = plan.numerical
        n_parents = self._crossover.n_parents
        # One draw for the crossover decision and one per parameter for mutation.
        uniforms = rng.rand(1 + len(plan.names)).tolist()
        if uniforms[0] < self._crossover_prob and len(parent_population) >= n_parents:
            chosen = [parent_population[i] for i in tournament(rng, ranks, crowding, n_parents)]
            first_parent = chosen[0]
            child: dict[str, Any] = {}
            if numerical is not None:
                parents_params = np.array([plan.vector(p) for p in chosen])
                values = perform_crossover(
                    self._crossover, rng, study, parents_params, numerical.bounds
                )
                child.update(zip(numerical.names, numerical.decode(values)))
            if plan.categorical:
                swap = rng.rand(len(plan.categorical)) < self._swapping_prob
                for name, take_second in zip(plan.categorical, swap.tolist()):
                    child[name] = chosen[1 if take_second else 0].params[name]
        else:
            (winner,) = tournament(rng, ranks, crowding, 1)
            first_parent = parent_population[winner]
            params = first_parent.params
            child = {name: params[name] for name in search_space}

        mutation_prob = self._mutation_prob
        if mutation_prob is None:
            mutation_prob = 1.0 / max(1, len(first_parent.params))
        for name, draw in zip(plan.names, uniforms[1:]):
            if draw >= mutation_prob:
                continue
            dist = search_space[name]
            if self._mutation is not None and not isinstance(dist, CategoricalDistribution):
                bounds = np.array(transformed_bounds(dist))
                moved = self._mutation.mutation(
                    to_transformed(dist, child[name]), rng, study, bounds
                )
                child[name] = from_transformed(dist, moved)
            else:
                del child[name]
        return child


class _SpacePlan:
    """A search space split into numerical and categorical parameters, with parent vectors."""

    def __init__(self, search_space: dict[str, BaseDistribution]) -> None:
        # Holding the distributions keeps their ids (the cache key) from being reused.
        self.search_space = dict(search_space)
        self.names = list(search_space)
        numerical = [
            name
            for name, dist in search_space.items()
            if not isinstance(dist, CategoricalDistribution)
        ]
        self.categorical = [
            name
            for name, dist in search_space.items()
            if isinstance(dist, CategoricalDistribution)
        ]
        self.numerical = (
            NumericalPlan(numerical, [search_space[n] for n in numerical]) if numerical else None
        )
        self._vectors: dict[int, np.ndarray] = {}

    def vector(self, trial: FrozenTrial) -> np.ndarray:
        """Return the transformed numerical parameters of a finished ``trial`` (cached)."""
        vector = self._vectors.get(trial.number)
        if vector is None:
            assert self.numerical is not None
            vector = self._vectors[trial.number] = self.numerical.encode(trial.params)
        return vector
