"""CmaEsSampler: CMA-ES over the numerical parameters every finished trial shares."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.distributions import BaseDistribution, CategoricalDistribution
from hpo.logging import get_logger
from hpo.samplers._base import BaseSampler, _check_bool, _check_independent_sampler
from hpo.samplers._cmaes._es import CmaEs, default_popsize
from hpo.samplers._cmaes._margin import Margin
from hpo.samplers._cmaes._restart import RESTART_STRATEGIES, initial_book, next_run
from hpo.samplers._cmaes._space import UnitSpace, space_hash
from hpo.samplers._cmaes._warm_start import warm_start_distribution
from hpo.samplers._random import RandomSampler
from hpo.search_space import IntersectionSearchSpace
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

_logger = get_logger(__name__)

_KEY_PREFIX = "cma:"
_GENERATION_SUFFIX = ":generation"
_POINT_SUFFIX = ":x"
_DEFAULT_INC_POPSIZE = 2


def _check_int(name: str, value: object, minimum: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int{' or None' if allow_none else ''}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")
    return int(value)


def _trial_value(trial: FrozenTrial, consider_pruned: bool) -> float | None:
    """The value CMA-ES ranks a finished trial by, or None if it has none."""
    if trial.state == TrialState.COMPLETE:
        values = trial.values
        return None if not values else float(values[0])
    if consider_pruned and trial.state == TrialState.PRUNED and trial.intermediate_values:
        return float(trial.intermediate_values[max(trial.intermediate_values)])
    return None


class CmaEsSampler(BaseSampler):
    """Sample with the covariance matrix adaptation evolution strategy (CMA-ES).

    The search space is the intersection of the parameters of the finished trials, without
    categorical parameters and parameters with a single possible value; it needs at least two
    parameters. Each parameter maps to ``[0, 1]`` (log-scale ones in log space; integers and
    stepped floats as cells of equal width), where CMA-ES starts from ``x0`` (the centre by
    default) with step size ``sigma0`` (``1 / 6`` of the cube, which is ``min_range / 6`` of
    the scaled ranges, by default). Each trial draws one candidate of the current generation;
    when ``popsize`` trials of a generation have finished, the worker that notices updates the
    distribution. The state (mean, step size, covariance, evolution paths, restart and margin
    bookkeeping) is kept as JSON in a study system attribute, so workers that share a storage
    share one search; each trial records its generation and its point in the unit cube in its
    system attributes.

    Parameters outside the search space (for example categorical ones), and all parameters
    before ``n_startup_trials`` trials have finished, come from ``independent_sampler``.
    Single-objective studies only.

    Parameters
    ----------
    x0:
        Initial mean, parameter name to value; parameters not given start at the centre.
    sigma0:
        Initial step size, in the units of the parameters (log units for log-scale ones); it
        is divided by the smallest range to act in the unit cube. ``min_range / 6`` if None.
    n_startup_trials:
        Number of finished trials before CMA-ES takes over from ``independent_sampler``.
    independent_sampler:
        Sampler for parameters outside the search space; ``RandomSampler(seed)`` if None.
    warn_independent_sampling:
        Log a warning when a parameter is sampled by ``independent_sampler`` after the
        startup trials.
    seed:
        Seed of the candidates and of the default independent sampler.
    consider_pruned_trials:
        Count PRUNED trials, ranked by their last intermediate value.
    restart_strategy:
        ``None`` (no restart), ``"ipop"`` (restart with a population ``inc_popsize`` times
        larger when a run stops) or ``"bipop"`` (alternate large and small populations).
        Restarts start from a uniformly random mean.
    popsize:
        Population size; ``4 + floor(3 ln n)`` if None.
    inc_popsize:
        Factor by which restarts grow the population; ``-1`` (default) means 2.
    use_separable_cma:
        Keep the covariance diagonal (faster learning on separable problems).
    with_margin:
        CMA-ES with Margin: keep integer and stepped parameters from freezing on one value.
    lr_adapt:
        Adapt the learning rates (for multimodal and noisy problems).
    source_trials:
        Finished trials of a similar task: the initial distribution is estimated from their
        best solutions (warm starting).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If an argument is out of range, or arguments are combined that cannot be:
        ``source_trials`` with ``x0``, ``sigma0`` or ``use_separable_cma``;
        ``use_separable_cma`` with ``with_margin``; ``lr_adapt`` with ``use_separable_cma``
        or ``with_margin``.

    Examples
    --------
    >>> import hpo
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -1, 1)
    ...     y = trial.suggest_int("y", -1, 1)
    ...     return x**2 + y
    >>> study = hpo.create_study(sampler=CmaEsSampler(seed=0))
    >>> study.optimize(objective, n_trials=20)
    """

    def __init__(
        self,
        *,
        x0: dict[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int = -1,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: list[FrozenTrial] | None = None,
    ) -> None:
        if x0 is not None and not isinstance(x0, dict):
            raise TypeError(f"x0 must be a dict or None, got {x0!r}.")
        if sigma0 is not None:
            if isinstance(sigma0, (bool, np.bool_)) or not isinstance(
                sigma0, (int, float, np.integer, np.floating)
            ):
                raise TypeError(f"sigma0 must be a float or None, got {sigma0!r}.")
            if not (math.isfinite(sigma0) and sigma0 > 0):
                raise ValueError(f"sigma0 must be a finite number > 0, got {sigma0!r}.")
        self._n_startup_trials: int = _check_int("n_startup_trials", n_startup_trials, 0) or 0
        _check_independent_sampler(independent_sampler)
        self._warn_independent_sampling = _check_bool(
            "warn_independent_sampling", warn_independent_sampling
        )
        _check_int("seed", seed, -(2**63), allow_none=True)
        self._consider_pruned_trials = _check_bool(
            "consider_pruned_trials", consider_pruned_trials
        )
        if restart_strategy is not None and restart_strategy not in RESTART_STRATEGIES:
            raise ValueError(
                f"restart_strategy must be None, 'ipop' or 'bipop', got {restart_strategy!r}."
            )
        self._popsize = _check_int("popsize", popsize, 2, allow_none=True)
        if isinstance(inc_popsize, (bool, np.bool_)) or not isinstance(
            inc_popsize, (int, np.integer)
        ):
            raise TypeError(f"inc_popsize must be an int, got {inc_popsize!r}.")
        if inc_popsize != -1 and inc_popsize < 1:
            raise ValueError(f"inc_popsize must be -1 (default) or >= 1, got {inc_popsize!r}.")
        self._use_separable_cma = _check_bool("use_separable_cma", use_separable_cma)
        self._with_margin = _check_bool("with_margin", with_margin)
        self._lr_adapt = _check_bool("lr_adapt", lr_adapt)
        if source_trials is not None:
            if not isinstance(source_trials, (list, tuple)) or not all(
                isinstance(t, FrozenTrial) for t in source_trials
            ):
                raise TypeError("source_trials must be a list of FrozenTrial or None.")
            if x0 is not None or sigma0 is not None:
                raise ValueError("source_trials cannot be combined with x0 or sigma0.")
            if use_separable_cma:
                raise ValueError("source_trials cannot be combined with use_separable_cma=True.")
        if use_separable_cma and with_margin:
            raise ValueError("use_separable_cma=True cannot be combined with with_margin=True.")
        if lr_adapt and (use_separable_cma or with_margin):
            raise ValueError(
                "lr_adapt=True cannot be combined with use_separable_cma=True or with_margin=True."
            )
        self._x0 = None if x0 is None else dict(x0)
        self._sigma0 = None if sigma0 is None else float(sigma0)
        self._seed = seed
        self._restart_strategy = restart_strategy
        self._inc_popsize = _DEFAULT_INC_POPSIZE if inc_popsize == -1 else int(inc_popsize)
        self._source_trials = None if source_trials is None else list(source_trials)
        self._rng = np.random.default_rng(seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._search_space = IntersectionSearchSpace(include_pruned=consider_pruned_trials)
        self._lock = threading.Lock()
        self._study_key: Hashable = None
        self._reset_study_cache()

    def _reset_study_cache(self) -> None:
        self._cursor = FinishedTrialCursor()
        self._n_finished = 0
        # (state key, run, generation) -> finished trials with a value, in arrival order.
        self._generations: dict[tuple[str, int, int], list[tuple[FrozenTrial, float]]] = {}
        self._spaces: dict[str, UnitSpace] = {}
        # state key -> (stored text, parsed state, search distribution)
        self._loaded: dict[str, tuple[str, dict[str, Any], CmaEs]] = {}
        self._last_space: tuple[dict[str, BaseDistribution], str, UnitSpace] | None = None
        self._warned_one_dimensional = False

    def reseed_rng(self) -> None:
        """Draw a fresh seed for the candidates and the independent sampler."""
        self._rng = np.random.default_rng()
        self._independent_sampler.reseed_rng()

    # -- search space ---------------------------------------------------------------------

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the numerical parameters all finished trials share (at least two)."""
        self._raise_error_if_multi_objective(study)
        space = {
            name: dist
            for name, dist in self._search_space.calculate(study).items()
            if not dist.single() and not isinstance(dist, CategoricalDistribution)
        }
        if len(space) == 1:
            if self._warn_independent_sampling and not self._warned_one_dimensional:
                self._warned_one_dimensional = True
                _logger.warning(
                    "CmaEsSampler needs at least two numerical parameters; the only one, "
                    f"{next(iter(space))!r}, is sampled by the independent sampler."
                )
            return {}
        return space

    # -- trial bookkeeping ----------------------------------------------------------------

    def _sync(self, study: StudyView) -> None:
        """Read the trials that finished since the last call into the generation buckets."""
        if self._study_key != study._identity:
            self._study_key = study._identity
            self._reset_study_cache()
        counted = (
            (TrialState.COMPLETE, TrialState.PRUNED)
            if self._consider_pruned_trials
            else (TrialState.COMPLETE,)
        )
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        for trial in self._cursor.new_finished(study.get_trials(deepcopy=False)):
            if trial.state in counted:
                self._n_finished += 1
            value = _trial_value(trial, self._consider_pruned_trials)
            if value is None or math.isnan(value):
                continue
            for key, tag in trial.system_attrs.items():
                if key.startswith(_KEY_PREFIX) and key.endswith(_GENERATION_SUFFIX):
                    state_key = key[: -len(_GENERATION_SUFFIX)]
                    bucket = (state_key, int(tag[0]), int(tag[1]))
                    self._generations.setdefault(bucket, []).append((trial, sign * value))

    def _unit_space(self, search_space: dict[str, BaseDistribution]) -> tuple[str, UnitSpace]:
        last = self._last_space
        if last is not None and last[0] == search_space:
            return last[1], last[2]
        space_id = space_hash(search_space)
        unit = self._spaces.get(space_id)
        if unit is None:
            unit = self._spaces[space_id] = UnitSpace(search_space)
        self._last_space = (dict(search_space), space_id, unit)
        return space_id, unit

    # -- the search state -----------------------------------------------------------------

    def _new_es(
        self, unit: UnitSpace, mean: np.ndarray, sigma: float, popsize: int, cov: Any = None
    ) -> CmaEs:
        es = CmaEs(
            mean,
            sigma,
            popsize=popsize,
            cov=cov,
            separable=self._use_separable_cma,
            lr_adapt=self._lr_adapt,
        )
        self._attach_margin(es, unit)
        return es

    def _attach_margin(self, es: CmaEs, unit: UnitSpace) -> None:
        if self._with_margin and unit.discrete.any():
            es.margin = Margin(unit, alpha=1.0 / (unit.dim * es.popsize))

    def _initial_state(self, unit: UnitSpace, study: StudyView) -> dict[str, Any]:
        popsize = self._popsize or default_popsize(unit.dim)
        cov = None
        if self._source_trials is not None:
            mean, sigma, cov = self._warm_start(unit, study)
        else:
            center = (unit.low + unit.high) / 2
            values = np.array(
                [
                    float(self._x0[name]) if self._x0 and name in self._x0 else np.nan
                    for name in unit.names
                ]
            )
            mean = unit.encode(np.where(np.isnan(values), center, values)[None])[0]
            mean = np.where(np.isnan(values), 0.5, mean)
            sigma = 1 / 6 if self._sigma0 is None else self._sigma0 / unit.raw_range_min()
        es = self._new_es(unit, mean, sigma, popsize, cov)
        return {
            "run": 0,
            "seed": int(self._rng.integers(2**31)),
            "sigma0": es.sigma,
            "popsize0": popsize,
            "book": initial_book(),
            "es": es.to_json(),
        }

    def _warm_start(
        self, unit: UnitSpace, study: StudyView
    ) -> tuple[np.ndarray, float, np.ndarray]:
        assert self._source_trials is not None
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        usable = [
            t
            for t in self._source_trials
            if t.state == TrialState.COMPLETE
            and t.values
            and all(name in t.params for name in unit.names)
        ]
        if not usable:
            raise ValueError(
                "source_trials has no COMPLETE trial with every parameter of the search space "
                f"{unit.names}."
            )
        points = unit.encode(unit.params_matrix([t.params for t in usable]))
        values = sign * np.array([float(t.values[0]) for t in usable if t.values])
        return warm_start_distribution(points, values)

    def _load(self, key: str, text: str, unit: UnitSpace) -> tuple[dict[str, Any], CmaEs]:
        """Parse a stored state, reusing the last parsed one while the text is unchanged."""
        cached = self._loaded.get(key)
        if cached is not None and cached[0] == text:
            return cached[1], cached[2]
        state = json.loads(text)
        es = CmaEs.from_json(state["es"])
        self._attach_margin(es, unit)
        self._loaded[key] = (text, state, es)
        return state, es

    def _store(
        self, study: StudyView, key: str, state: dict[str, Any], es: CmaEs
    ) -> dict[str, Any]:
        text = json.dumps(state, separators=(",", ":"), allow_nan=False)
        study.set_system_attr(key, text)
        self._loaded[key] = (text, state, es)
        return state

    def _generation_points(
        self, key: str, unit: UnitSpace, trials: list[FrozenTrial]
    ) -> np.ndarray:
        """The trials' points in the unit cube: the recorded ones, unless params differ."""
        from_params = unit.encode(unit.params_matrix([t.params for t in trials]))
        point_key = key + _POINT_SUFFIX
        recorded = np.array(
            [t.system_attrs.get(point_key) or [np.nan] * unit.dim for t in trials], dtype=float
        ).reshape(len(trials), unit.dim)
        lower, upper = unit.cells(from_params)
        tolerance = 1e-9
        same_cell = (recorded >= lower - tolerance) & (recorded <= upper + tolerance)
        return np.where(same_cell, recorded, from_params)

    def _advance(
        self, study: StudyView, key: str, text: str, unit: UnitSpace
    ) -> tuple[CmaEs, int]:
        """Update the distribution if the current generation is complete; return it and its run."""
        state, es = self._load(key, text, unit)
        run = int(state["run"])
        bucket = self._generations.get((key, run, es.generation))
        if bucket is None or len(bucket) < es.popsize:
            return es, run
        chosen = sorted(bucket, key=lambda item: item[0].number)[: es.popsize]
        points = self._generation_points(key, unit, [trial for trial, _ in chosen])
        # The parsed object is this process's own copy: it is updated in place, and parsed
        # again from the stored text if storing the update fails.
        del self._loaded[key]
        told = es.generation
        es.tell(points, np.array([value for _, value in chosen]))
        new_state = dict(state)
        if self._restart_strategy is not None and es.should_stop():
            restart_rng = np.random.default_rng([int(state["seed"]), run + 1])
            popsize, sigma, book = next_run(
                self._restart_strategy,
                state["book"],
                es.generation * es.popsize,
                int(state["popsize0"]),
                self._inc_popsize,
                float(state["sigma0"]),
                restart_rng,
            )
            es = self._new_es(unit, restart_rng.random(unit.dim), sigma, popsize)
            new_state.update(run=run + 1, book=book)
        new_state["es"] = es.to_json()
        self._store(study, key, new_state, es)
        # Forget this generation and any earlier one (late trials of a told generation).
        for bucket_key in [k for k in self._generations if k[0] == key and k[1:] <= (run, told)]:
            del self._generations[bucket_key]
        return es, int(new_state["run"])

    # -- sampling -------------------------------------------------------------------------

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Draw a candidate of the current generation for ``search_space``."""
        self._raise_error_if_multi_objective(study)
        if not search_space:
            return {}
        with self._lock:
            self._sync(study)
            if self._n_finished < self._n_startup_trials:
                return {}
            space_id, unit = self._unit_space(search_space)
            key = _KEY_PREFIX + space_id
            text = study.system_attrs.get(key)
            if text is None:
                state = self._initial_state(unit, study)
                es = CmaEs.from_json(state["es"])
                self._attach_margin(es, unit)
                self._store(study, key, state, es)
                text = self._loaded[key][0]
            es, run = self._advance(study, key, text, unit)
            point = es.ask(self._rng)
        study._set_trial_system_attr(trial, key + _GENERATION_SUFFIX, [run, es.generation])
        study._set_trial_system_attr(trial, key + _POINT_SUFFIX, point.tolist())
        return unit.decode_one(point)

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample one parameter outside the search space with ``independent_sampler``."""
        self._raise_error_if_multi_objective(study)
        if (
            self._warn_independent_sampling
            and self._n_finished >= max(1, self._n_startup_trials)
            and not param_distribution.single()
        ):
            _logger.warning(
                f"CmaEsSampler samples parameter {param_name!r} of trial {trial.number} with "
                f"{type(self._independent_sampler).__name__}: it is not in the relative search "
                "space (categorical, or not in every finished trial)."
            )
        return self._independent_sampler.sample_independent(
            study, trial, param_name, param_distribution
        )

    def __repr__(self) -> str:
        return (
            f"CmaEsSampler(seed={self._seed}, restart_strategy={self._restart_strategy!r}, "
            f"use_separable_cma={self._use_separable_cma}, with_margin={self._with_margin}, "
            f"lr_adapt={self._lr_adapt})"
        )
