"""The generation bookkeeping shared by the genetic samplers (NSGA-II and NSGA-III).

Each trial records its generation in a trial system attribute. A generation is complete once
``population_size`` of its trials are COMPLETE; new trials then belong to the next one. The
parents of generation ``g`` are chosen by elite selection from the parents of ``g - 1`` and
the COMPLETE trials of ``g - 1``; they are written, as trial numbers, to a study system
attribute so that every worker sharing the storage breeds from the same parents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import BaseDistribution
from hpo.samplers._base import BaseSampler
from hpo.samplers._random import RandomSampler
from hpo.samplers.nsgaii._after_trial import NSGAIIAfterTrial
from hpo.samplers.nsgaii._child_generation import NSGAIIChildGeneration
from hpo.samplers.nsgaii._crossovers import BaseCrossover, UniformCrossover, _check_probability
from hpo.samplers.nsgaii._mutations import BaseMutation
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.search_space._intersection import _intersect
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

EliteStrategy = Callable[[Any, list[FrozenTrial]], list[FrozenTrial]]
ChildStrategy = Callable[[Any, dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
AfterTrialStrategy = Callable[[Any, FrozenTrial, TrialState, Sequence[float] | None], None]


def _check_callable(name: str, value: Any) -> Any:
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable or None, got {value!r}.")
    return value


class _StudyState:
    """What one sampler object knows of one study's generations."""

    def __init__(self) -> None:
        self.cursor = FinishedTrialCursor()
        self.complete_by_generation: dict[int, list[int]] = {}
        self.parents: dict[int, list[int]] = {0: []}
        # Finished trials never change, so the parent trials of a generation can be kept.
        self.parent_trials: dict[int, list[FrozenTrial]] = {}
        # The intersection search space of the COMPLETE trials, single-valued ones left out.
        self.space: dict[str, BaseDistribution] | None = None
        self.relative_space: dict[str, BaseDistribution] = {}


class _GeneticSampler(BaseSampler):
    """Common base of NSGAIISampler and NSGAIIISampler (see their documentation)."""

    _key_prefix = "ga"

    def __init__(
        self,
        *,
        population_size: int,
        mutation: BaseMutation | None,
        mutation_prob: float | None,
        crossover: BaseCrossover | None,
        crossover_prob: float,
        swapping_prob: float,
        seed: int | None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
        elite_population_selection_strategy: EliteStrategy | None,
        child_generation_strategy: ChildStrategy | None,
        after_trial_strategy: AfterTrialStrategy | None,
    ) -> None:
        if isinstance(population_size, bool) or not isinstance(population_size, (int, np.integer)):
            raise TypeError(f"population_size must be an int, got {population_size!r}.")
        if population_size < 2:
            raise ValueError(f"population_size must be at least 2, got {population_size}.")
        if mutation is not None and not isinstance(mutation, BaseMutation):
            raise TypeError(f"mutation must be a BaseMutation or None, got {mutation!r}.")
        if mutation_prob is not None:
            mutation_prob = _check_probability("mutation_prob", mutation_prob)
        if crossover is None:
            crossover = UniformCrossover(swapping_prob)
        if not isinstance(crossover, BaseCrossover):
            raise TypeError(f"crossover must be a BaseCrossover or None, got {crossover!r}.")
        if crossover.n_parents > population_size:
            raise ValueError(
                f"population_size ({population_size}) must be at least the number of parents "
                f"of {crossover} ({crossover.n_parents})."
            )
        crossover_prob = _check_probability("crossover_prob", crossover_prob)
        swapping_prob = _check_probability("swapping_prob", swapping_prob)
        if seed is not None and (
            isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer))
        ):
            raise TypeError(f"seed must be an int or None, got {seed!r}.")
        if seed is not None and not 0 <= seed < 2**32:
            raise ValueError(f"seed must be in [0, 2**32 - 1], got {seed}.")
        _check_callable("constraints_func", constraints_func)
        _check_callable("elite_population_selection_strategy", elite_population_selection_strategy)
        _check_callable("child_generation_strategy", child_generation_strategy)
        _check_callable("after_trial_strategy", after_trial_strategy)

        self._population_size = int(population_size)
        self._generation_key = f"{self._key_prefix}:generation"
        self._rng = np.random.RandomState(seed)
        self._random_sampler = RandomSampler(seed=seed)
        self._constraints_func = constraints_func
        self._elite_strategy: EliteStrategy = (
            elite_population_selection_strategy
            or self._default_elite_strategy(self._population_size, constraints_func)
        )
        self._child_strategy: ChildStrategy = child_generation_strategy or NSGAIIChildGeneration(
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            mutation=mutation,
            mutation_prob=mutation_prob,
            constraints_func=constraints_func,
            rng=self._rng,
        )
        self._after_trial_strategy: AfterTrialStrategy = after_trial_strategy or NSGAIIAfterTrial(
            constraints_func
        )
        self._lock = threading.RLock()
        self._states: dict[Hashable, _StudyState] = {}

    def _default_elite_strategy(
        self,
        population_size: int,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
    ) -> EliteStrategy:
        raise NotImplementedError

    @property
    def population_size(self) -> int:
        """Number of trials in each generation."""
        return self._population_size

    def _parents_key(self, generation: int) -> str:
        return f"{self._key_prefix}:parents:{generation}"

    def reseed_rng(self) -> None:
        # The child strategy holds the same RandomState object: reseed it in place.
        self._rng.seed()
        self._random_sampler.reseed_rng()

    # -- generations ---------------------------------------------------------------------------
    def _state(self, study: StudyView) -> _StudyState:
        key = study._identity
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = _StudyState()
        return state

    def _sync(self, study: StudyView, trials: list[FrozenTrial]) -> _StudyState:
        """Read the trials that finished since the last call (each is read once)."""
        state = self._state(study)
        key = self._generation_key
        space_changed = False
        for trial in state.cursor.new_finished(trials):
            if trial.state != TrialState.COMPLETE:
                continue
            generation = trial.system_attrs.get(key)
            if generation is not None:
                state.complete_by_generation.setdefault(int(generation), []).append(trial.number)
            kept = _intersect(state.space, trial.distributions)
            # The intersection only shrinks: an equal size means an unchanged space.
            if state.space is None or len(kept) != len(state.space):
                state.space = kept
                space_changed = True
        if space_changed and state.space is not None:
            state.relative_space = {
                name: dist for name, dist in sorted(state.space.items()) if not dist.single()
            }
        return state

    def _current_generation(self, study: StudyView, trials: list[FrozenTrial]) -> int:
        state = self._sync(study, trials)
        generation = 0
        while len(state.complete_by_generation.get(generation, ())) >= self._population_size:
            generation += 1
        return generation

    @staticmethod
    def _lookup(trials: list[FrozenTrial], numbers: list[int]) -> list[FrozenTrial | None]:
        if all(n < len(trials) and trials[n].number == n for n in numbers):
            return [trials[n] for n in numbers]
        index = {t.number: t for t in trials}
        return [index.get(n) for n in numbers]

    def _complete(
        self, study: StudyView, trials: list[FrozenTrial], numbers: list[int]
    ) -> tuple[list[FrozenTrial], bool]:
        """Return the COMPLETE trials among ``numbers`` and whether all of them are.

        Another worker may have stored parents that finished after ``trials`` was read: the
        trials are read again once before a missing or unfinished one is left out.
        """
        found = self._lookup(trials, numbers)
        if any(t is None or t.state != TrialState.COMPLETE for t in found):
            found = self._lookup(study.get_trials(deepcopy=False), numbers)
        complete = [t for t in found if t is not None and t.state == TrialState.COMPLETE]
        return complete, len(complete) == len(numbers)

    def get_parent_population(self, study: StudyView, generation: int) -> list[FrozenTrial]:
        """Return the parent population of ``generation`` (empty for generation 0).

        Parameters
        ----------
        study:
            The study.
        generation:
            A generation whose predecessor is complete.

        Returns
        -------
        list[FrozenTrial]
            The parents, best first.
        """
        with self._lock:
            return list(self._parent_trials(study, generation))

    def _known_parents(self, study: StudyView, generation: int) -> list[int] | None:
        state = self._state(study)
        if generation in state.parents:
            return state.parents[generation]
        stored = study.system_attrs.get(self._parents_key(generation))
        if stored is None:
            return None
        state.parents[generation] = [int(n) for n in stored]
        return state.parents[generation]

    def _select(
        self, study: StudyView, generation: int, previous: list[int], trials: list[FrozenTrial]
    ) -> list[int]:
        state = self._state(study)
        candidates = list(
            dict.fromkeys(previous + state.complete_by_generation.get(generation - 1, []))
        )
        elite = self._elite_strategy(study, self._complete(study, trials, candidates)[0])
        return [t.number for t in elite]

    def _parent_numbers(
        self, study: StudyView, generation: int, trials: list[FrozenTrial]
    ) -> list[int]:
        # Walk down to the latest generation whose parents are known, then select upwards.
        known = generation
        parents = self._known_parents(study, known)
        while parents is None:
            known -= 1
            parents = self._known_parents(study, known)
        state = self._state(study)
        for next_generation in range(known + 1, generation + 1):
            key = self._parents_key(next_generation)
            parents = self._select(study, next_generation, parents, trials)
            study.set_system_attr(key, parents)
            # Two workers may select at once from slightly different trials; reading the
            # stored value back makes them agree on the last one written.
            stored = study.system_attrs.get(key)
            if stored is not None:
                parents = [int(n) for n in stored]
            state.parents[next_generation] = parents
        return parents

    def select_parent(self, study: StudyView, generation: int) -> list[FrozenTrial]:
        """Select, without storing them, the parents of ``generation`` (at least 1).

        They are the elite of the parents of ``generation - 1`` and of the COMPLETE trials of
        ``generation - 1``.

        Parameters
        ----------
        study:
            The study.
        generation:
            The generation to select parents for.

        Returns
        -------
        list[FrozenTrial]
            The selected parents.
        """
        with self._lock:
            trials = study.get_trials(deepcopy=False)
            self._sync(study, trials)
            previous = self._parent_numbers(study, generation - 1, trials)
            numbers = self._select(study, generation, previous, trials)
            return self._complete(study, trials, numbers)[0]

    def get_population(self, study: StudyView, generation: int) -> list[FrozenTrial]:
        """Return the COMPLETE trials of ``generation``.

        Parameters
        ----------
        study:
            The study.
        generation:
            The generation.

        Returns
        -------
        list[FrozenTrial]
            In trial number order.
        """
        with self._lock:
            trials = study.get_trials(deepcopy=False)
            state = self._sync(study, trials)
            numbers = sorted(state.complete_by_generation.get(generation, []))
            return self._complete(study, trials, numbers)[0]

    def get_trial_generation(self, study: StudyView, trial: FrozenTrial) -> int:
        """Return the generation of ``trial``; a RUNNING trial without one gets it recorded.

        Parameters
        ----------
        study:
            The study of the trial.
        trial:
            The trial.

        Returns
        -------
        int
            The generation number.
        """
        generation = trial.system_attrs.get(self._generation_key)
        if generation is not None:
            return int(generation)
        if trial.state == TrialState.RUNNING:
            self.before_trial(study, trial)
            generation = trial.system_attrs.get(self._generation_key)
        if generation is None:  # finished trials cannot take a new attribute
            with self._lock:
                generation = self._current_generation(study, study.get_trials(deepcopy=False))
        return int(generation)

    # -- sampler hooks -------------------------------------------------------------------------
    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:
        """Record the generation of ``trial`` in its system attributes."""
        if self._generation_key in trial.system_attrs:
            return
        with self._lock:
            generation = self._current_generation(study, study.get_trials(deepcopy=False))
        study._set_trial_system_attr(trial, self._generation_key, generation)

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the intersection search space of the study (single-valued ones left out)."""
        with self._lock:
            state = self._sync(study, study.get_trials(deepcopy=False))
            return dict(state.relative_space)

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Breed a child from the parent population of the trial's generation."""
        generation = trial.system_attrs.get(self._generation_key)
        if not search_space or not generation:
            return {}
        with self._lock:
            parents = self._parent_trials(study, int(generation))
            if not parents:
                return {}
            return self._child_strategy(study, search_space, parents)

    def _parent_trials(self, study: StudyView, generation: int) -> list[FrozenTrial]:
        state = self._state(study)
        parents = state.parent_trials.get(generation)
        if parents is None:
            trials = study.get_trials(deepcopy=False)
            self._current_generation(study, trials)
            numbers = self._parent_numbers(study, generation, trials)
            parents, all_complete = self._complete(study, trials, numbers)
            if all_complete:  # finished trials never change: keep them
                state.parent_trials[generation] = parents
        return parents

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample one parameter uniformly at random."""
        return self._random_sampler.sample_independent(
            study, trial, param_name, param_distribution
        )

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Run the after-trial strategy (by default: record the constraint values)."""
        self._after_trial_strategy(study, trial, state, values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(population_size={self._population_size})"
