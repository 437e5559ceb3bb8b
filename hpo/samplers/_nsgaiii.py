"""NSGAIIISampler: NSGA-II's generations with reference-point niching (Deb and Jain, 2014).

Elite selection keeps whole non-dominated fronts while they fit, as NSGA-II does. The front
that does not fit is cut by niching instead of crowding distance: the kept trials and that
front are normalized (ideal point, extreme points and the hyperplane through them), each trial
is associated with the nearest reference line, and trials are taken one at a time from the
reference lines that have the fewest trials so far.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.samplers.nsgaii._crossovers import BaseCrossover
from hpo.samplers.nsgaii._ga import (
    AfterTrialStrategy,
    ChildStrategy,
    EliteStrategy,
    _GeneticSampler,
)
from hpo.samplers.nsgaii._mutations import BaseMutation
from hpo.samplers.nsgaii._selection import constrained_ranks, losses_of, violations_of
from hpo.trial import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

# Weight of the other objectives in the achievement scalarizing function that finds extremes.
_ASF_EPSILON = 1e-6


def das_dennis_points(n_objectives: int, dividing_parameter: int) -> np.ndarray:
    """Return the Das and Dennis reference points on the unit simplex.

    Every point has coordinates ``k / dividing_parameter`` summing to one; there are
    ``comb(n_objectives + dividing_parameter - 1, dividing_parameter)`` of them.

    Parameters
    ----------
    n_objectives:
        Dimension of the points.
    dividing_parameter:
        Number of divisions of each axis.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n_points, n_objectives)``.

    Examples
    --------
    >>> das_dennis_points(2, 2).tolist()
    [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
    """
    # Stars and bars: choose where the n_objectives - 1 bars go among p + M - 1 slots.
    if n_objectives == 1:
        return np.ones((1, 1))
    slots = dividing_parameter + n_objectives - 1
    bars = np.array(list(itertools.combinations(range(slots), n_objectives - 1)), dtype=int)
    edges = np.column_stack([np.full(len(bars), -1), bars, np.full(len(bars), slots)])
    counts = np.diff(edges, axis=1) - 1
    return counts / dividing_parameter


def normalize(losses: np.ndarray) -> np.ndarray:
    """Normalize ``losses`` by the ideal point and the intercepts of the extreme hyperplane.

    Falls back to the per-objective maximum when the extreme points are degenerate (the
    hyperplane does not exist or has a non-positive intercept).

    Parameters
    ----------
    losses:
        Array of shape ``(n, n_objectives)``.

    Returns
    -------
    numpy.ndarray
        The normalized losses, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> normalize(np.array([[1.0, 3.0], [3.0, 1.0], [2.0, 2.0]])).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    """
    losses = np.asarray(losses, dtype=float)
    n_objectives = losses.shape[1]
    clipped = losses.copy()
    for j in range(n_objectives):
        finite = np.isfinite(losses[:, j])
        if finite.any():
            clipped[:, j] = np.clip(losses[:, j], losses[finite, j].min(), losses[finite, j].max())
        else:
            clipped[:, j] = 0.0
    translated = clipped - clipped.min(axis=0)
    weights = np.full((n_objectives, n_objectives), _ASF_EPSILON)
    np.fill_diagonal(weights, 1.0)
    # asf[i, j]: the scalarized loss of row i for axis j.
    asf = np.max(translated[:, None, :] / weights[None, :, :], axis=2)
    extremes = translated[np.argmin(asf, axis=0)]
    nadir = translated.max(axis=0)
    intercepts = nadir
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            plane = np.linalg.solve(extremes, np.ones(n_objectives))
            candidate = 1.0 / plane
        if np.all(np.isfinite(candidate)) and np.all(candidate > 1e-10):
            intercepts = candidate
    except np.linalg.LinAlgError:
        pass
    intercepts = np.where(intercepts > 1e-10, intercepts, 1.0)
    return translated / intercepts


def associate(
    normalized: np.ndarray, reference_points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each row, the nearest reference line and its perpendicular distance.

    The reference line of a reference point runs from the origin through it.

    Parameters
    ----------
    normalized:
        Normalized losses, shape ``(n, n_objectives)``.
    reference_points:
        Shape ``(n_references, n_objectives)``.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        Index of the nearest reference point and distance to its line, both of shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> index, distance = associate(np.array([[1.0, 0.1]]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> index.tolist(), distance.round(3).tolist()
    ([0], [0.1])
    """
    directions = reference_points / np.maximum(
        np.linalg.norm(reference_points, axis=1, keepdims=True), 1e-300
    )
    projection = normalized @ directions.T
    squared = np.sum(normalized**2, axis=1, keepdims=True) - projection**2
    distance = np.sqrt(np.maximum(squared, 0.0))
    index = np.argmin(distance, axis=1)
    return index, distance[np.arange(len(normalized)), index]


def niching_select(
    n_select: int,
    niche_of: np.ndarray,
    distance: np.ndarray,
    in_last_front: np.ndarray,
    n_references: int,
    rng: np.random.RandomState,
) -> np.ndarray:
    """Pick ``n_select`` members of the last front by reference-point niching.

    Parameters
    ----------
    n_select:
        Number of members of the last front to keep.
    niche_of, distance:
        Associated reference point and distance of every member of the candidate set (the
        kept fronts followed by the last front).
    in_last_front:
        Boolean mask of the members of the last front.
    n_references:
        Number of reference points.
    rng:
        Random state for tie-breaking.

    Returns
    -------
    numpy.ndarray
        Indices (into the candidate set) of the chosen members of the last front.

    Examples
    --------
    >>> import numpy as np
    >>> niching_select(
    ...     1, np.array([0, 0, 1]), np.array([0.0, 0.1, 0.2]),
    ...     np.array([False, True, True]), 2, np.random.RandomState(0),
    ... ).tolist()
    [2]
    """
    niche_count = np.bincount(niche_of[~in_last_front], minlength=n_references).tolist()
    # Members of the last front per reference point, nearest first. A reference point with
    # no member left can never be picked again, so only those with members compete.
    last = np.flatnonzero(in_last_front)
    last = last[np.lexsort((distance[last], niche_of[last]))]
    members: dict[int, list[int]] = {}
    for index, reference in zip(last.tolist(), niche_of[last].tolist()):
        members.setdefault(reference, []).append(index)
    chosen: list[int] = []
    while len(chosen) < n_select and members:
        smallest = min(niche_count[r] for r in members)
        tied = [r for r in members if niche_count[r] == smallest]
        reference = tied[min(int(rng.rand() * len(tied)), len(tied) - 1)]
        candidates = members[reference]
        if niche_count[reference] == 0:
            pick = candidates.pop(0)  # the one nearest to the reference line
        else:
            pick = candidates.pop(min(int(rng.rand() * len(candidates)), len(candidates) - 1))
        if not candidates:
            del members[reference]
        chosen.append(pick)
        niche_count[reference] += 1
    return np.array(chosen, dtype=int)


class NSGAIIIElitePopulationSelection:
    """The default elite selection of :class:`NSGAIIISampler`, as a strategy callable.

    Parameters
    ----------
    population_size:
        Number of trials to keep.
    reference_points:
        Reference points in normalized objective space, or ``None`` for the Das and Dennis
        points with ``dividing_parameter`` divisions.
    dividing_parameter:
        Divisions of each axis for the default reference points.
    rng:
        Random state for tie-breaking.
    constraints_func:
        When given, rank with constrained domination.

    Examples
    --------
    >>> import numpy as np
    >>> strategy = NSGAIIIElitePopulationSelection(10, None, 3, np.random.RandomState(0))
    """

    def __init__(
        self,
        population_size: int,
        reference_points: np.ndarray | None,
        dividing_parameter: int,
        rng: np.random.RandomState,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        self.population_size = population_size
        self._reference_points = reference_points
        self._dividing_parameter = dividing_parameter
        self._rng = rng
        self._constrained = constraints_func is not None

    def _references(self, n_objectives: int) -> np.ndarray:
        if self._reference_points is None:
            return das_dennis_points(n_objectives, self._dividing_parameter)
        if self._reference_points.shape[1] != n_objectives:
            raise ValueError(
                f"reference_points have {self._reference_points.shape[1]} columns, but the "
                f"study has {n_objectives} objectives."
            )
        return self._reference_points

    def select(self, losses: np.ndarray, violations: np.ndarray | None) -> np.ndarray:
        """Return the indices of the elite rows of ``losses``."""
        n_rows = len(losses)
        if n_rows <= self.population_size:
            return np.argsort(constrained_ranks(losses, violations), kind="stable")
        ranks = constrained_ranks(losses, violations, n_below=self.population_size)
        order = np.argsort(ranks, kind="stable")
        sorted_ranks = ranks[order]
        last_rank = sorted_ranks[self.population_size - 1]
        kept = order[sorted_ranks < last_rank]
        last_front = order[sorted_ranks == last_rank]
        n_select = self.population_size - len(kept)
        if n_select == len(last_front):
            return np.concatenate([kept, last_front])
        candidates = np.concatenate([kept, last_front])
        normalized = normalize(losses[candidates])
        references = self._references(losses.shape[1])
        niche_of, distance = associate(normalized, references)
        in_last = np.zeros(len(candidates), dtype=bool)
        in_last[len(kept) :] = True
        chosen = niching_select(n_select, niche_of, distance, in_last, len(references), self._rng)
        return np.concatenate([kept, candidates[chosen]])

    def __call__(self, study: StudyView, population: list[FrozenTrial]) -> list[FrozenTrial]:
        losses = losses_of(population, study.directions)
        violations = violations_of(population) if self._constrained else None
        return [population[i] for i in self.select(losses, violations).tolist()]


def _check_reference_points(reference_points: Any) -> np.ndarray | None:
    if reference_points is None:
        return None
    try:
        points = np.asarray(reference_points, dtype=float)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"reference_points must be a 2-dimensional array of floats, got {reference_points!r}."
        ) from e
    if points.ndim != 2 or points.shape[0] == 0 or points.shape[1] == 0:
        raise ValueError(
            f"reference_points must be a non-empty 2-dimensional array, got shape {points.shape}."
        )
    if not np.all(np.isfinite(points)):
        raise ValueError("reference_points must be finite.")
    return points


class NSGAIIISampler(_GeneticSampler):
    """Genetic sampler NSGA-III (Deb and Jain, 2014) for many objectives.

    Generations, parents, child generation, constraints and shared state work as in
    :class:`~hpo.samplers.NSGAIISampler`. Elite selection differs in the front that does not
    fit whole: instead of crowding distance it is cut by niching around reference points, which
    keeps the parents spread over the Pareto front when there are three or more objectives.

    Parameters
    ----------
    population_size:
        Number of trials per generation, at least 2 and at least ``crossover.n_parents``.
    mutation:
        Mutation of numerical parameters; ``None`` resamples a mutated parameter uniformly.
    mutation_prob:
        Probability of mutating each parameter; ``None`` for one over the number of
        parameters of the (first) parent.
    crossover:
        Crossover of the numerical parameters; uniform crossover by default.
    crossover_prob:
        Probability that a child is a crossover rather than a copy of one parent.
    swapping_prob:
        Probability of taking a parameter from the second parent in a uniform swap.
    seed:
        Seed of the random numbers.
    constraints_func:
        Function of a COMPLETE trial returning its constraint values (``> 0`` is a violation).
    reference_points:
        Array of shape ``(n_points, n_objectives)`` of reference points in normalized
        objective space (trials near them are preferred); ``None`` for the Das and Dennis
        points on the unit simplex.
    dividing_parameter:
        Number of divisions of each axis for the default reference points (positive);
        unused when ``reference_points`` is given.
    elite_population_selection_strategy:
        Replaces the elite selection: ``f(study, population) -> parents``.
    child_generation_strategy:
        Replaces child generation: ``f(study, search_space, parents) -> params``.
    after_trial_strategy:
        Replaces the after-trial step: ``f(study, trial, state, values)``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> import hpo
    >>> sampler = NSGAIIISampler(population_size=10, seed=0)
    >>> study = hpo.create_study(directions=["minimize"] * 3, sampler=sampler)
    >>> def objective(trial):
    ...     x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
    ...     return x, y, 2 - x - y
    >>> study.optimize(objective, n_trials=30)
    >>> len(study.best_trials) > 0
    True
    """

    _key_prefix = "nsga3"

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
        if isinstance(dividing_parameter, bool) or not isinstance(
            dividing_parameter, (int, np.integer)
        ):
            raise TypeError(f"dividing_parameter must be an int, got {dividing_parameter!r}.")
        if dividing_parameter < 1:
            raise ValueError(f"dividing_parameter must be positive, got {dividing_parameter}.")
        self._reference_points = _check_reference_points(reference_points)
        self._dividing_parameter = int(dividing_parameter)
        super().__init__(
            population_size=population_size,
            mutation=mutation,
            mutation_prob=mutation_prob,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )

    def _default_elite_strategy(
        self,
        population_size: int,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
    ) -> EliteStrategy:
        return NSGAIIIElitePopulationSelection(
            population_size,
            self._reference_points,
            self._dividing_parameter,
            self._rng,
            constraints_func,
        )
