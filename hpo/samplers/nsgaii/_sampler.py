"""NSGAIISampler: the non-dominated sorting genetic algorithm II."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hpo.samplers.nsgaii._crossovers import BaseCrossover
from hpo.samplers.nsgaii._ga import (
    AfterTrialStrategy,
    ChildStrategy,
    EliteStrategy,
    _GeneticSampler,
)
from hpo.samplers.nsgaii._mutations import BaseMutation
from hpo.samplers.nsgaii._selection import NSGAIIElitePopulationSelection
from hpo.trial import FrozenTrial


class NSGAIISampler(_GeneticSampler):
    """Genetic sampler NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002).

    Trials are grouped in generations of ``population_size`` COMPLETE trials. The first
    generation is sampled at random. The parents of each later generation are the elite of the
    previous generation's trials together with the previous parents: whole non-dominated
    fronts while they fit, the last one cut by crowding distance. Each child comes from parents
    picked by binary tournament (front first, then crowding distance): with probability
    ``crossover_prob`` a crossover of their numerical parameters (in the intersection search
    space) and a uniform swap of their categorical ones, otherwise a copy of one parent. Each
    parameter is then mutated with probability ``mutation_prob``. Parameters outside the
    intersection search space, and mutated ones without ``mutation``, are sampled at random.

    The generation of each trial is kept in its system attributes and the parents of each
    generation (trial numbers) in the study's, so workers sharing a storage breed from the
    same parents. Works with one objective too.

    Parameters
    ----------
    population_size:
        Number of trials per generation, at least 2 and at least ``crossover.n_parents``.
    mutation:
        Mutation of numerical parameters (e.g.
        :class:`~hpo.samplers.nsgaii.PolynomialMutation`); ``None`` resamples a mutated
        parameter uniformly.
    mutation_prob:
        Probability of mutating each parameter; ``None`` for one over the number of
        parameters of the (first) parent.
    crossover:
        Crossover of the numerical parameters;
        :class:`~hpo.samplers.nsgaii.UniformCrossover` by default. Categorical parameters
        always use uniform swapping.
    crossover_prob:
        Probability that a child is a crossover rather than a copy of one parent.
    swapping_prob:
        Probability of taking a parameter from the second parent in a uniform swap.
    seed:
        Seed of the random numbers.
    constraints_func:
        Function of a COMPLETE trial returning a sequence of constraint values (``> 0`` is a
        violation); stored on the trial. Feasible trials then rank before infeasible ones,
        which rank by total violation.
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
        If ``population_size`` is below 2 or below ``crossover.n_parents``, or a probability
        is outside ``[0, 1]``.

    Examples
    --------
    >>> import hpo
    >>> sampler = NSGAIISampler(population_size=10, seed=0)
    >>> study = hpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)), 30)
    >>> len(study.best_trials) > 0
    True
    """

    _key_prefix = "nsga2"

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
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
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
        return NSGAIIElitePopulationSelection(population_size, constraints_func)
