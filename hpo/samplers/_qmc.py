"""QMCSampler: quasi-Monte Carlo points (Sobol' or Halton) shared by every worker of a study."""

from __future__ import annotations

import functools
import inspect
import math
import threading
import warnings
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.exceptions import HpoWarning
from hpo.samplers._base import (
    BaseSampler,
    _check_bool,
    _check_independent_sampler,
    _WrappingSampler,
)
from hpo.samplers._random import RandomSampler
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

_QMC_TYPES = ("sobol", "halton")
_SAMPLE_ID_PREFIX = "qmc:sample_id:"


@functools.cache
def _seed_keyword() -> str:
    # scipy 1.15 renamed the generator argument of the QMC engines from ``seed`` to ``rng``.
    from scipy.stats import qmc

    return "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


def qmc_points(
    qmc_type: str,
    dimension: int,
    start: int,
    n: int,
    scramble: bool,
    seed: int | None,
    engines: dict[Hashable, Any] | None = None,
) -> np.ndarray:
    """Return points ``start`` to ``start + n - 1`` of a QMC sequence in the unit cube.

    Parameters
    ----------
    qmc_type:
        ``"sobol"`` or ``"halton"``.
    dimension:
        Number of coordinates of each point.
    start:
        Index of the first point (the engine is fast-forwarded to it).
    n:
        Number of points.
    scramble:
        Scramble the sequence (with ``seed``); an unscrambled sequence ignores ``seed``.
    seed:
        Seed of the scrambling.
    engines:
        A cache of engines to continue from (filled by this function): drawing the next
        point of a sequence then costs one point, not a new engine and a fast-forward.
        The caller serializes calls that share one cache.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, dimension)`` with values in ``[0, 1)``.
    """
    from scipy.stats import qmc

    key = (qmc_type, dimension, scramble, seed)
    engine = None if engines is None else engines.get(key)
    if engine is None or engine.num_generated > start:
        engine_class = qmc.Sobol if qmc_type == "sobol" else qmc.Halton
        kwargs: dict[str, Any] = {"scramble": scramble}
        if scramble:
            kwargs[_seed_keyword()] = seed
        engine = engine_class(dimension, **kwargs)
        if engines is not None:
            engines[key] = engine
    if start > engine.num_generated:
        engine.fast_forward(start - engine.num_generated)
    with warnings.catch_warnings():
        # Sobol' notes that balance needs a power-of-two sample size; single points are
        # drawn on purpose, one per trial.
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(engine.random(n), dtype=float)


def unit_to_values(
    points: np.ndarray, search_space: dict[str, BaseDistribution]
) -> list[dict[str, Any]]:
    """Map unit-cube points to parameter values (external representation).

    Column ``j`` of ``points`` gives the ``j``-th parameter of ``search_space``. Floats are
    uniform on their scale (log scale with ``log=True``) and put on their step grid; integers
    and categories split ``[0, 1)`` into equal cells, one per value (cells of equal width in
    log space for log integers).

    Parameters
    ----------
    points:
        Array of shape ``(n, len(search_space))`` with values in ``[0, 1]``.
    search_space:
        Parameter name to distribution.

    Returns
    -------
    list[dict[str, Any]]
        One parameter dictionary per point.
    """
    points = np.clip(np.asarray(points, dtype=float), 0.0, 1.0)
    columns: dict[str, list[Any]] = {}
    for j, (name, dist) in enumerate(search_space.items()):
        u = points[:, j]
        if isinstance(dist, CategoricalDistribution):
            k = len(dist.choices)
            index = np.minimum(np.floor(u * k).astype(np.int64), k - 1)
            columns[name] = [dist.choices[i] for i in index.tolist()]
        elif isinstance(dist, FloatDistribution):
            low, high = dist.low, dist.high
            if dist.log:
                lo, hi = math.log(low), math.log(high)
                values = np.clip(np.exp(lo + u * (hi - lo)), low, high)
            elif dist.step is None:
                values = np.clip(low + u * (high - low), low, high)
            else:
                n_points = round((high - low) / dist.step) + 1
                index = np.minimum(np.floor(u * n_points), n_points - 1)
                values = np.minimum(low + index * dist.step, high)
            columns[name] = [float(v) for v in values.tolist()]
        elif isinstance(dist, IntDistribution):
            low_i, high_i, step = dist.low, dist.high, dist.step
            if dist.log:
                lo, hi = math.log(low_i - 0.5), math.log(high_i + 0.5)
                values = np.clip(np.rint(np.exp(lo + u * (hi - lo))), low_i, high_i)
            else:
                n_points = (high_i - low_i) // step + 1
                index = np.minimum(np.floor(u * n_points), n_points - 1)
                values = low_i + index * step
            columns[name] = [int(v) for v in values.tolist()]
        else:
            raise TypeError(f"Unsupported distribution {dist!r}.")
    return [{name: column[i] for name, column in columns.items()} for i in range(points.shape[0])]


class QMCSampler(_WrappingSampler):
    """Sample with a quasi-Monte Carlo sequence (Sobol' or Halton, from ``scipy.stats.qmc``).

    The search space is the one of the first COMPLETE trial of the study (parameters whose
    distribution has a single value are left out); it does not change afterwards. Each trial
    takes the next point of the sequence. The index of the last point taken is kept in the
    study's system attributes, so workers that share a storage continue one sequence.
    Parameters outside that search space, and every parameter of the trials that start before
    a trial completed, come from ``independent_sampler``.

    Taking a point reads the index, adds one and writes it back; two workers doing so at the
    same instant can take the same point. Every point is still taken at least once.

    Parameters
    ----------
    qmc_type:
        ``"sobol"`` or ``"halton"``.
    scramble:
        Scramble the sequence (randomized QMC). Without scrambling the sequence is fixed and
        ``seed`` does not change it.
    seed:
        Seed of the scrambling and of the default independent sampler. With ``scramble=True``
        and no seed, each sampler object draws its own seed, so workers follow different
        sequences.
    independent_sampler:
        Sampler for parameters outside the search space; ``RandomSampler(seed)`` by default.
    warn_asynchronous_seeding:
        Warn when ``scramble=True`` and ``seed`` is ``None``.
    warn_independent_sampling:
        Warn when a parameter outside the search space is sampled by ``independent_sampler``.

    Examples
    --------
    >>> import hpo
    >>> study = hpo.create_study(sampler=QMCSampler(qmc_type="halton", scramble=True, seed=0))
    """

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = False,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_asynchronous_seeding: bool = True,
        warn_independent_sampling: bool = True,
    ) -> None:
        if qmc_type not in _QMC_TYPES:
            raise ValueError(f"qmc_type must be 'sobol' or 'halton', got {qmc_type!r}.")
        scramble = _check_bool("scramble", scramble)
        warn_asynchronous_seeding = _check_bool(
            "warn_asynchronous_seeding", warn_asynchronous_seeding
        )
        self._warn_independent_sampling = _check_bool(
            "warn_independent_sampling", warn_independent_sampling
        )
        if seed is not None and (
            isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer))
        ):
            raise TypeError(f"seed must be an int or None, got {seed!r}.")
        _check_independent_sampler(independent_sampler)
        if seed is None and scramble:
            if warn_asynchronous_seeding:
                warnings.warn(
                    "QMCSampler has scramble=True and no seed: each worker draws its own seed "
                    "and follows its own scrambled sequence. Pass the same seed to every "
                    "worker to share one sequence.",
                    HpoWarning,
                    stacklevel=2,
                )
            seed = int(np.random.default_rng().integers(2**31))
        self._qmc_type = qmc_type
        self._scramble = scramble
        self._seed = None if seed is None else int(seed)
        # reseed_rng reseeds this sampler only; the QMC seed stays: it defines the sequence
        # that workers share.
        self._wrapped = independent_sampler or RandomSampler(seed=self._seed)
        self._lock = threading.Lock()
        self._space_key: Hashable = None
        self._initial_space: dict[str, BaseDistribution] | None = None
        self._engines: dict[Hashable, Any] = {}

    @property
    def _sample_id_key(self) -> str:
        if self._scramble:
            return f"{_SAMPLE_ID_PREFIX}{self._qmc_type}:scrambled:{self._seed}"
        return f"{_SAMPLE_ID_PREFIX}{self._qmc_type}"

    def _space(self, study: StudyView) -> dict[str, BaseDistribution] | None:
        with self._lock:
            if self._space_key != study._identity:
                self._space_key = study._identity
                self._initial_space = None
            if self._initial_space is None:
                complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                if complete:
                    first = min(complete, key=lambda t: t.number)
                    self._initial_space = {
                        name: dist
                        for name, dist in sorted(first.distributions.items())
                        if not dist.single()
                    }
            return self._initial_space

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the search space of the first COMPLETE trial (empty before there is one)."""
        space = self._space(study)
        return {} if space is None else dict(space)

    def _next_sample_id(self, study: StudyView) -> int:
        key = self._sample_id_key
        with self._lock:
            last = study.system_attrs.get(key)
            sample_id = 0 if last is None else int(last) + 1
            study.set_system_attr(key, sample_id)
        return sample_id

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Take the next point of the shared sequence and map it to ``search_space``."""
        if not search_space:
            return {}
        sample_id = self._next_sample_id(study)
        with self._lock:
            point = qmc_points(
                self._qmc_type,
                len(search_space),
                sample_id,
                1,
                self._scramble,
                self._seed,
                self._engines,
            )
        return unit_to_values(point, search_space)[0]

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample one parameter outside the search space with ``independent_sampler``."""
        if self._warn_independent_sampling and not param_distribution.single():
            space = self._space(study)
            if space is not None and space.get(param_name) != param_distribution:
                warnings.warn(
                    f"QMCSampler samples parameter {param_name!r} of trial {trial.number} with "
                    f"its independent sampler {type(self._wrapped).__name__}: it is "
                    "not in the search space of the first completed trial.",
                    HpoWarning,
                    stacklevel=2,
                )
        return self._wrapped.sample_independent(study, trial, param_name, param_distribution)

    def __repr__(self) -> str:
        return (
            f"QMCSampler(qmc_type={self._qmc_type!r}, scramble={self._scramble}, "
            f"seed={self._seed})"
        )
