"""TPESampler: the Tree-structured Parzen Estimator.

For each suggestion, past trials are split into a good group and a bad group
(:mod:`hpo.samplers._tpe._split`); a Parzen estimator is fitted to each, ``l(x)`` to the good
and ``g(x)`` to the bad; candidates are drawn from ``l`` and the one maximizing
``log l(x) - log g(x)`` is proposed (Bergstra et al., 2011). With ``multivariate=True``
the parameters shared by all trials are modelled jointly (Falkner et al., 2018); with
several objectives the split uses non-dominated sorting and hypervolume (Ozaki et al., 2022).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo import logging
from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.samplers._base import BaseSampler
from hpo.samplers._constraints import store_constraints
from hpo.samplers._random import sample_uniform
from hpo.samplers._tpe import _duplicates, _split, _summary
from hpo.samplers._tpe._kernels import CategoricalDistanceFunc, categorical_distance_matrix
from hpo.samplers._tpe._liars import PROPOSAL_KEY, Liars, find_liars, proposal_text
from hpo.samplers._tpe._observations import COMPLETE
from hpo.samplers._tpe._parzen_estimator import ParzenEstimator, ParzenEstimatorParameters
from hpo.samplers._tpe._study_state import StudyState, default_weights_cached
from hpo.samplers._tpe._summary import ages, summarized_bad_group
from hpo.samplers._tpe._weights import (
    default_gamma,
    default_gamma_multiobjective,
    default_weights,
    hyperopt_default_gamma,
)
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

_logger = logging.get_logger(__name__)


def _check_flag(name: str, value: object) -> None:
    if value is not None and not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a bool or None, got {value!r}.")


class TPESampler(BaseSampler):
    """Sample with the Tree-structured Parzen Estimator (TPE).

    Until ``n_startup_trials`` trials are COMPLETE or PRUNED, parameters are sampled uniformly
    at random. Then, for each suggestion, the trials are ranked and split: the best
    ``gamma(n)`` form the good group, the others the bad group. A Parzen estimator
    (a kernel mixture) is fitted to each, ``n_ei_candidates`` points are drawn from the good
    one ``l(x)``, and the point with the largest ``l(x) / g(x)`` is proposed. When the
    parameters proposed together are all discrete (ints, stepped floats, categoricals), a
    proposal that repeats the configuration of a finished or running trial with exactly these
    parameters is replaced by the best new one among the candidates, if any (Optuna proposes
    repeats; in a small grid they waste a large share of the trials). In a long study, beyond
    1,000 bad trials the older ones are summarized by a weighted subset, so a suggestion costs
    the same at 20,000 trials as at 2,000 (see ``docs/tpe.md``).

    Arguments given as ``None`` take their default.

    Parameters
    ----------
    consider_prior:
        Add a wide prior kernel to both estimators, so no region becomes unreachable.
        Default True.
    prior_weight:
        The prior kernel's weight relative to one observation. Default 1.0.
    consider_magic_clip:
        Keep each numeric kernel's bandwidth at least ``1 / min(100, 1 + n)`` of the domain.
        Default True.
    consider_endpoints:
        In the univariate bandwidth rule, count the domain bounds as neighbors.
        Default False.
    n_startup_trials:
        Trials sampled at random before TPE starts.
    n_ei_candidates:
        Candidates drawn from ``l(x)`` per proposal.
    gamma:
        ``gamma(n_trials) -> n_good``. Default ``min(ceil(0.1 * n), 25)``
        (``ceil(0.1 * n)`` with several objectives).
    weights:
        ``weights(n) -> array of n weights``, oldest trial first, for the observations of a
        group. Default: equal weights for the newest 25 trials, a ramp for older ones. With
        several objectives the good trials weigh alike and ``weights`` applies to the bad
        group only.
    seed:
        Seed of the random number generator; the same seed gives the same proposals.
    multivariate:
        Model the parameters shared by all trials jointly. Default True, also with several
        objectives (where Optuna defaults to False): it measured better on both kinds of
        study (see ``docs/tpe.md``).
    group:
        With ``multivariate``, split a conditional search space into groups of parameters
        that always appear together, and model each group jointly. Default True when
        ``multivariate`` (Optuna defaults to False): on a conditional benchmark it found far
        better values, and it changes nothing when every trial has the same parameters.
    warn_independent_sampling:
        With ``multivariate``, log a warning when a parameter has to be sampled on its own.
        Default True.
    constant_liar:
        Count RUNNING trials as bad, so parallel workers do not propose the same point.
        Default True. The relative proposal of a trial is then stored with it (trial system
        attribute ``"tpe:proposal"``, JSON), so that a RUNNING trial counts from its first
        suggestion on, in every worker, not only once it has recorded all its parameters.
    constraints_func:
        ``constraints_func(trial) -> sequence of floats``, evaluated when a trial completes;
        the trial is feasible when all values are ``<= 0``. Infeasible trials are ranked
        after feasible ones, by their total violation. The values are stored in the trial's
        system attribute ``"constraints"``, which is what the split reads (so trials
        evaluated by other workers count too).
    categorical_distance_func:
        Parameter name to ``distance(choice_a, choice_b) -> float``: the kernels of that
        categorical parameter favor choices close to the observed one.

    Raises
    ------
    ValueError
        For ``n_startup_trials < 0``, ``n_ei_candidates < 1``, ``prior_weight <= 0``,
        ``group=True`` with ``multivariate=False``, or arguments of the wrong type.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(sampler=TPESampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=30)
    >>> abs(study.best_params["x"] - 2) < 1
    True
    """

    _per_study_caches = ("_states",)

    def __init__(
        self,
        *,
        consider_prior: bool | None = None,
        prior_weight: float | None = None,
        consider_magic_clip: bool | None = None,
        consider_endpoints: bool | None = None,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] | None = None,
        weights: Callable[[int], np.ndarray] | None = None,
        seed: int | None = None,
        multivariate: bool | None = None,
        group: bool | None = None,
        warn_independent_sampling: bool | None = None,
        constant_liar: bool | None = True,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        categorical_distance_func: Mapping[str, CategoricalDistanceFunc] | None = None,
    ) -> None:
        for flag_name, flag in (
            ("consider_prior", consider_prior),
            ("consider_magic_clip", consider_magic_clip),
            ("consider_endpoints", consider_endpoints),
            ("multivariate", multivariate),
            ("group", group),
            ("warn_independent_sampling", warn_independent_sampling),
            ("constant_liar", constant_liar),
        ):
            _check_flag(flag_name, flag)
        if isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int):
            raise ValueError(f"n_startup_trials must be an int, got {n_startup_trials!r}.")
        if n_startup_trials < 0:
            raise ValueError(f"n_startup_trials must be >= 0, got {n_startup_trials}.")
        if isinstance(n_ei_candidates, bool) or not isinstance(n_ei_candidates, int):
            raise ValueError(f"n_ei_candidates must be an int, got {n_ei_candidates!r}.")
        if n_ei_candidates < 1:
            raise ValueError(f"n_ei_candidates must be >= 1, got {n_ei_candidates}.")
        if prior_weight is not None:
            if isinstance(prior_weight, bool) or not isinstance(prior_weight, (int, float)):
                raise ValueError(f"prior_weight must be a number, got {prior_weight!r}.")
            if not (math.isfinite(prior_weight) and prior_weight > 0):
                raise ValueError(f"prior_weight must be finite and > 0, got {prior_weight}.")
        for func_name, func in (
            ("gamma", gamma),
            ("weights", weights),
            ("constraints_func", constraints_func),
        ):
            if func is not None and not callable(func):
                raise ValueError(f"{func_name} must be callable or None, got {func!r}.")
        if group is True and multivariate is False:
            raise ValueError(
                "group=True needs multivariate=True (or None), got multivariate=False."
            )
        if categorical_distance_func is not None and not isinstance(
            categorical_distance_func, Mapping
        ):
            raise ValueError(
                "categorical_distance_func must map parameter names to callables, got "
                f"{categorical_distance_func!r}."
            )
        distance_funcs = dict(categorical_distance_func or {})
        for name, distance_func in distance_funcs.items():
            if not callable(distance_func):
                raise ValueError(
                    f"categorical_distance_func[{name!r}] must be callable, got {distance_func!r}."
                )
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
        ):
            raise ValueError(f"seed must be an int or None, got {seed!r}.")

        self._parameters = ParzenEstimatorParameters(
            consider_prior=True if consider_prior is None else bool(consider_prior),
            prior_weight=1.0 if prior_weight is None else float(prior_weight),
            consider_magic_clip=True if consider_magic_clip is None else bool(consider_magic_clip),
            consider_endpoints=bool(consider_endpoints),
            multivariate=False,
            categorical_distance_func=distance_funcs,
        )
        self._multivariate_parameters = ParzenEstimatorParameters(
            consider_prior=self._parameters.consider_prior,
            prior_weight=self._parameters.prior_weight,
            consider_magic_clip=self._parameters.consider_magic_clip,
            consider_endpoints=self._parameters.consider_endpoints,
            multivariate=True,
            categorical_distance_func=distance_funcs,
        )
        self._n_startup_trials = n_startup_trials
        self._n_ei_candidates = n_ei_candidates
        self._gamma = gamma
        self._weights = weights
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._multivariate = None if multivariate is None else bool(multivariate)
        self._group = group
        self._warn_independent_sampling = (
            True if warn_independent_sampling is None else bool(warn_independent_sampling)
        )
        self._constant_liar = True if constant_liar is None else bool(constant_liar)
        self._constraints_func = constraints_func
        # In a discrete space, skip candidates that repeat an evaluated configuration.
        self._avoid_repeats = True
        self._lock = threading.RLock()
        self._states: dict[Hashable, StudyState] = {}

    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """Return the arguments that make this sampler behave like Hyperopt's TPE.

        Returns
        -------
        dict[str, Any]
            Keyword arguments for :class:`TPESampler`.

        Examples
        --------
        >>> sampler = TPESampler(**TPESampler.hyperopt_parameters())
        """
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_default_gamma,
            "weights": default_weights,
        }

    def reseed_rng(self) -> None:
        """Draw a fresh random seed."""
        self._rng = np.random.default_rng()

    # -- study state -------------------------------------------------------------------------
    def _is_multivariate(self, study: StudyView) -> bool:
        # Joint modelling won on both single- and multi-objective benchmarks (docs/tpe.md).
        return True if self._multivariate is None else self._multivariate

    def _is_grouped(self, study: StudyView) -> bool:
        if not self._is_multivariate(study):
            return False
        return True if self._group is None else self._group

    def _study_state(
        self, study: StudyView, trial: FrozenTrial, reuse: bool = False
    ) -> tuple[StudyState, list[FrozenTrial]]:
        """Read the study (its finished trials only once) and return the RUNNING trials.

        With ``reuse``, the reading made for the same trial by the call just before is used
        again: a trial's start infers its search space and proposes it back to back, and in
        a long study each reading costs a list of all its trials. Later suggestions of a
        trial read again, to see the trials that finished meanwhile.
        """
        key = study._identity
        state = self._states.get(key)
        if state is None:
            state = StudyState(len(study.directions))
            self._states[key] = state
        if not (reuse and state.read_for == trial.number):
            state.trials = study.get_trials(deepcopy=False)
            state.running = state.table.sync(state.trials)
        state.read_for = None if reuse else trial.number
        return state, state.running

    # -- BaseSampler ---------------------------------------------------------------------------
    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the parameters proposed when the trial starts: those all finished trials
        share (with ``group``, the union of the groups).

        Without ``multivariate`` they are still proposed together, but each on its own, exactly
        as independent sampling would: one batch costs less than one call per parameter.
        """
        with self._lock:
            state, _ = self._study_state(study, trial)
            if self._is_grouped(study):
                space: dict[str, BaseDistribution] = {}
                for sub_space in state.groups.calculate(study, state.trials).search_spaces:
                    space.update(sub_space)
            else:
                space = state.intersection.calculate(study, state.trials)
        return {name: dist for name, dist in space.items() if not dist.single()}

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Propose values for ``search_space`` jointly; empty during the startup trials."""
        if not search_space:
            return {}
        with self._lock:
            state, running = self._study_state(study, trial, reuse=True)
            if state.table.size < self._n_startup_trials:
                return {}
            multivariate = self._is_multivariate(study)
            if multivariate and self._is_grouped(study):
                sub_spaces = [
                    {name: search_space[name] for name in sub if name in search_space}
                    for sub in state.groups.calculate(study, state.trials).search_spaces
                ]
            else:
                sub_spaces = [search_space]
            internal: dict[str, float] = {}
            for sub_space in sub_spaces:
                if sub_space:
                    internal.update(
                        self._sample(study, trial, state, running, sub_space, multivariate)
                    )
        if self._constant_liar:
            # Other workers count this trial as a liar before it records its parameters.
            text = proposal_text(trial, internal, search_space)
            if text is not None:
                study._set_trial_system_attr(trial, PROPOSAL_KEY, text)
        return {
            name: search_space[name].to_external_repr(value) for name, value in internal.items()
        }

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Propose a value for one parameter from the trials that have it."""
        with self._lock:
            state, running = self._study_state(study, trial)
            if state.table.size < self._n_startup_trials:
                return sample_uniform(self._rng, param_distribution)
            if self._should_warn_independent(study, trial, param_name, param_distribution):
                hint = (
                    ""
                    if self._is_grouped(study)
                    else " With a conditional search space, group=True models such "
                    "parameters jointly too."
                )
                _logger.warning(
                    "Parameter %r of trial %d is sampled on its own, not jointly with the "
                    "others: the finished trials do not share it with this distribution.%s",
                    param_name,
                    trial.number,
                    hint,
                )
            space = {param_name: param_distribution}
            internal = self._sample(study, trial, state, running, space, multivariate=False)
        return param_distribution.to_external_repr(internal[param_name])

    def _should_warn_independent(
        self, study: StudyView, trial: FrozenTrial, name: str, distribution: BaseDistribution
    ) -> bool:
        if not (self._warn_independent_sampling and self._is_multivariate(study)):
            return False
        # A parameter of the relative space lands here only when its trial started during the
        # startup trials (its relative proposal was empty): nothing to warn about.
        return self.infer_relative_search_space(study, trial).get(name) != distribution

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Evaluate ``constraints_func`` on a completed trial and store its values.

        Raises
        ------
        ValueError
            If ``constraints_func`` returns something that is not a sequence of numbers, or
            contains NaN.
        """
        store_constraints(study, trial, state, self._constraints_func)

    # -- TPE -----------------------------------------------------------------------------------
    def _gamma_of(self, study: StudyView, n_ranked: int) -> int:
        if self._gamma is not None:
            gamma = self._gamma
        elif len(study.directions) > 1:
            gamma = default_gamma_multiobjective
        else:
            gamma = default_gamma
        n_below = gamma(n_ranked)
        try:
            n_below = int(n_below)
        except (TypeError, ValueError) as e:
            raise ValueError(f"gamma({n_ranked}) must return an int, got {n_below!r}.") from e
        return min(max(n_below, 0), n_ranked)

    def _weights_of(self, n: int) -> np.ndarray:
        if self._weights is None:
            return default_weights_cached(n)
        weights = np.asarray(self._weights(n), dtype=float)
        if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError(f"weights({n}) must return {n} finite weights >= 0, got {weights!r}.")
        return weights

    def _by_number(self, numbers: np.ndarray) -> np.ndarray:
        # Weight functions list weights oldest trial first.
        return self._weights_of(len(numbers))[ages(numbers)]

    def _split_rows(
        self, study: StudyView, state: StudyState, rows: np.ndarray, n_below: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (good rows, bad rows, good-row weights or None for the default)."""
        table = state.table
        directions = study.directions
        if len(directions) == 1:
            sign = -1.0 if directions[0] == StudyDirection.MAXIMIZE else 1.0
            ordered = state.ranking(sign)
            if len(rows) < len(ordered):
                selected = np.zeros(len(ordered), dtype=bool)
                selected[rows] = True
                ordered = ordered[selected[ordered]]
            return ordered[:n_below], ordered[n_below:], None
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
        with np.errstate(invalid="ignore"):
            feasible = (table.states[rows] == COMPLETE) & ~(table.violations[rows] > 0)
        front_rows = rows[feasible]
        other_rows = rows[~feasible]
        losses = table.values[front_rows] * signs
        if n_below <= len(front_rows):
            chosen = _split.select_below_multi_objective(losses, n_below)
            mask = np.zeros(len(front_rows), dtype=bool)
            mask[chosen] = True
            below = front_rows[mask]
            above = np.concatenate([front_rows[~mask], other_rows])
            # Good trials weigh alike: hypervolume-contribution weights (MOTPE) measured worse.
            return below, above, np.ones(len(below))
        order = _split.rank_single_objective(
            table.states[other_rows],
            np.zeros(len(other_rows)),
            table.last_steps[other_rows],
            table.last_values[other_rows],
            table.violations[other_rows],
            1.0,
        )
        ordered_other = other_rows[order]
        n_other = n_below - len(front_rows)
        below = np.concatenate([front_rows, ordered_other[:n_other]])
        return below, ordered_other[n_other:], np.ones(len(below))

    def _split_and_weigh(
        self,
        study: StudyView,
        state: StudyState,
        rows: np.ndarray,
        liar_numbers: tuple[int, ...],
        key: Hashable,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return good rows, bad rows and the weights of both (bad ones followed by liars).

        ``key`` names the row set (it only grows), for the bad group's summary. The parameters
        of one trial usually share the same rows, so the result is cached.
        """
        cached = state.split_cache
        if (
            cached is not None
            and cached[0] == state.table.version
            and cached[1] == liar_numbers
            and np.array_equal(cached[2], rows)
        ):
            return cached[3]
        n_below = self._gamma_of(study, len(rows))
        below, above, below_weights = self._split_rows(study, state, rows, n_below)
        numbers = state.table.numbers
        if below_weights is None:
            below_weights = self._by_number(numbers[below])
        liar_weights = np.ones(len(liar_numbers))
        if len(above) > _summary.MAX_BAD_KERNELS:
            # A long study's bad group is summarized, so a suggestion's cost stops growing;
            # RUNNING trials are the newest, at full weight.
            above, above_weights, state.summaries[key] = summarized_bad_group(
                rows, below, numbers, self._weights_of, state.summaries.get(key)
            )
            above_weights = np.concatenate([above_weights, liar_weights])
        else:
            above_numbers = np.concatenate([numbers[above], np.array(liar_numbers, np.int64)])
            above_weights = self._by_number(above_numbers)
        result = (below, above, below_weights, above_weights)
        state.split_cache = (state.table.version, liar_numbers, rows, result)
        return result

    def _sample(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: StudyState,
        running: list[FrozenTrial],
        search_space: dict[str, BaseDistribution],
        multivariate: bool,
    ) -> dict[str, float]:
        table = state.table
        names = list(search_space)
        rows = table.rows_with(names)
        # Under the constant liar, RUNNING trials join the bad group (_liars.py).
        liars = find_liars(running if self._constant_liar else [], trial, search_space)
        bracket = study.pruner.bracket_id(study, trial)
        if bracket is not None:
            rows = rows[table.brackets(study)[rows] == bracket]
            liars = liars.select(
                [study.pruner.bracket_id(study, t) == bracket for t in liars.trials]
            )

        below, above, below_weights, above_weights = self._split_and_weigh(
            study, state, rows, liars.numbers, (tuple(names), bracket)
        )

        below_obs: dict[str, np.ndarray] = {}
        above_obs: dict[str, np.ndarray] = {}
        for name in names:
            column = table.column(name)
            assert column is not None or len(rows) == 0
            below_obs[name] = column[below] if column is not None else np.zeros(0)
            above_values = column[above] if column is not None else np.zeros(0)
            above_obs[name] = np.concatenate([above_values, liars.values[name]])

        parameters = self._multivariate_parameters if multivariate else self._parameters
        distances = self._distances(state, search_space)
        below_estimator = ParzenEstimator(
            below_obs, search_space, parameters, below_weights, distances
        )
        above_estimator = ParzenEstimator(
            above_obs, search_space, parameters, above_weights, distances
        )
        candidates = below_estimator.sample(self._rng, self._n_ei_candidates)
        if multivariate:
            scores = below_estimator.log_pdf(candidates) - above_estimator.log_pdf(candidates)
            scores = np.where(np.isnan(scores), -np.inf, scores)
            if self._avoid_repeats and _duplicates.grid_shape(search_space) is not None:
                evaluated = self._evaluated(state, names, liars)
                _duplicates.pass_over_repeats(scores, candidates, evaluated, search_space)
            best = int(np.argmax(scores))
            return {name: float(candidates[name][best]) for name in names}
        # Independent parameters: the best candidate of each parameter on its own.
        per_parameter = below_estimator.log_pdf_per_parameter(
            candidates
        ) - above_estimator.log_pdf_per_parameter(candidates)
        per_parameter = np.where(np.isnan(per_parameter), -np.inf, per_parameter)
        if self._avoid_repeats and _duplicates.grid_shape(search_space) is not None:
            evaluated = self._evaluated(state, names, liars)
            best_rows = _duplicates.independent_choice_without_repeat(
                per_parameter, candidates, evaluated, search_space
            )
        else:
            best_rows = np.argmax(per_parameter, axis=0)
        return {
            name: float(candidates[name][best_rows[column]]) for column, name in enumerate(names)
        }

    @staticmethod
    def _evaluated(state: StudyState, names: list[str], liars: Liars) -> dict[str, np.ndarray]:
        """The configurations of the finished and running trials whose parameters are exactly
        ``names`` (a trial with more parameters is not repeated by a proposal for ``names``)."""
        table = state.table
        rows = table.rows_with_exactly(names)
        running = liars.with_exactly(names)
        evaluated = {}
        for name in names:
            column = table.column(name)
            values = column[rows] if column is not None else np.zeros(0)
            evaluated[name] = np.concatenate([values, running[name]])
        return evaluated

    def _distances(
        self, state: StudyState, search_space: dict[str, BaseDistribution]
    ) -> dict[str, np.ndarray]:
        funcs = self._parameters.categorical_distance_func
        distances: dict[str, np.ndarray] = {}
        for name, dist in search_space.items():
            if name in funcs and isinstance(dist, CategoricalDistribution):
                key = (name, dist)
                matrix = state.distances.get(key)
                if matrix is None:
                    matrix = categorical_distance_matrix(dist, funcs[name], name)
                    state.distances[key] = matrix
                distances[name] = matrix
        return distances
