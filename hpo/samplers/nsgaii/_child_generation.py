"""Child generation of the genetic samplers: tournament, crossover and mutation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.samplers.nsgaii._crossovers import BaseCrossover
from hpo.samplers.nsgaii._mutations import BaseMutation
from hpo.samplers.nsgaii._selection import losses_of, ranks_and_crowding, violations_of
from hpo.samplers.nsgaii._transform import bounds_array, from_transformed, to_transformed
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

# A crossover whose children keep leaving the bounds gets this many draws before its last
# child is clipped into them.
_MAX_CROSSOVER_DRAWS = 100


def tournament(
    rng: np.random.RandomState, ranks: np.ndarray, crowding: np.ndarray, n_winners: int
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
    winners: list[int] = []
    available = np.ones(size, dtype=bool)
    while len(winners) < n_winners:
        candidates = np.flatnonzero(available)
        if len(candidates) == 1:
            winners.append(int(candidates[0]))
            break
        a, b = rng.choice(candidates, size=2, replace=False)
        if ranks[a] != ranks[b]:
            winner = a if ranks[a] < ranks[b] else b
        elif crowding[a] != crowding[b]:
            winner = a if crowding[a] > crowding[b] else b
        else:
            winner = a
        winners.append(int(winner))
        available[winner] = False
    return winners


def perform_crossover(
    crossover: BaseCrossover,
    rng: np.random.RandomState,
    study: StudyView,
    parents_params: np.ndarray,
    bounds: np.ndarray,
) -> np.ndarray:
    """Return a child of ``parents_params`` inside ``bounds`` (redrawn until it is)."""
    child = np.asarray(parents_params[0], dtype=float)
    for _ in range(_MAX_CROSSOVER_DRAWS):
        child = np.asarray(crossover.crossover(parents_params, rng, study, bounds), dtype=float)
        if np.all((bounds[:, 0] <= child) & (child <= bounds[:, 1])):
            return child
    return np.clip(child, bounds[:, 0], bounds[:, 1])


class NSGAIIChildGeneration:
    """The default child generation of the genetic samplers, as a strategy callable.

    Called with the study, the search space and the parent population, it returns the child's
    parameters. With probability ``crossover_prob`` the child is a crossover of parents chosen
    by binary tournament (``crossover`` on the numerical parameters, uniform swapping with
    ``swapping_prob`` on the categorical ones); otherwise it copies one tournament winner. Then
    each parameter is mutated with probability ``mutation_prob`` (default ``1 / n_params``):
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
        Probability of mutating each parameter; ``None`` for ``1 / n_params``.
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
        self._scores: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))

    def _population_scores(
        self, study: StudyView, population: list[FrozenTrial]
    ) -> tuple[np.ndarray, np.ndarray]:
        key = tuple(t.number for t in population)
        if key != self._scores_key:
            losses = losses_of(population, study.directions)
            violations = violations_of(population) if self._constrained else None
            self._scores = ranks_and_crowding(losses, violations)
            self._scores_key = key
        return self._scores

    def __call__(
        self,
        study: StudyView,
        search_space: dict[str, BaseDistribution],
        parent_population: list[FrozenTrial],
    ) -> dict[str, Any]:
        rng = self._rng
        ranks, crowding = self._population_scores(study, parent_population)
        numerical = [
            name
            for name, dist in search_space.items()
            if not isinstance(dist, CategoricalDistribution)
        ]
        categorical = [
            name
            for name, dist in search_space.items()
            if isinstance(dist, CategoricalDistribution)
        ]
        n_parents = self._crossover.n_parents
        if rng.rand() < self._crossover_prob and len(parent_population) >= n_parents:
            chosen = [parent_population[i] for i in tournament(rng, ranks, crowding, n_parents)]
            child: dict[str, Any] = {}
            if numerical:
                dists = [search_space[n] for n in numerical]
                parents_params = np.array(
                    [
                        [to_transformed(d, p.params[n]) for n, d in zip(numerical, dists)]
                        for p in chosen
                    ]
                )
                bounds = bounds_array(dists)
                values = perform_crossover(self._crossover, rng, study, parents_params, bounds)
                for name, dist, value in zip(numerical, dists, values.tolist()):
                    child[name] = from_transformed(dist, value)
            swap = rng.rand(len(categorical)) < self._swapping_prob
            for name, take_second in zip(categorical, swap.tolist()):
                child[name] = chosen[1 if take_second else 0].params[name]
        else:
            (winner,) = tournament(rng, ranks, crowding, 1)
            child = {name: parent_population[winner].params[name] for name in search_space}

        mutation_prob = self._mutation_prob
        if mutation_prob is None:
            mutation_prob = 1.0 / max(1, len(child))
        names = list(search_space)
        mutate = rng.rand(len(names)) < mutation_prob
        for name, mutated in zip(names, mutate.tolist()):
            if not mutated:
                continue
            dist = search_space[name]
            if self._mutation is not None and not isinstance(dist, CategoricalDistribution):
                low, high = bounds_array([dist])[0]
                moved = self._mutation.mutation(
                    to_transformed(dist, child[name]), rng, study, np.array([low, high])
                )
                child[name] = from_transformed(dist, moved)
            else:
                del child[name]
        return child
