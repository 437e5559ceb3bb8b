"""GridSampler: every point of a Cartesian grid, once, across all workers of a study."""

from __future__ import annotations

import itertools
import math
import threading
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo._keys import FIXED_PARAMS_KEY
from hpo.distributions import BaseDistribution
from hpo.samplers._base import BaseSampler, _contains_value
from hpo.search_space._cursor import FinishedTrialCursor
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

#: Trial system attribute: the index of the grid point the trial runs.
GRID_ID_KEY = "grid_id"
#: Trial system attribute: the grid (name -> values, JSON) the index refers to.
SEARCH_SPACE_KEY = "search_space"

# How many times a trial tries to claim a free point before it settles for a duplicate.
_MAX_CLAIM_ATTEMPTS = 20

GridValue = None | bool | int | float | str


def _check_search_space(search_space: Any) -> dict[str, list[GridValue]]:
    if not isinstance(search_space, Mapping):
        raise TypeError(
            f"search_space must be a dict of parameter name to a sequence of values, "
            f"got {type(search_space).__name__}."
        )
    checked: dict[str, list[GridValue]] = {}
    for name in sorted(search_space, key=str):
        if not isinstance(name, str):
            raise TypeError(f"search_space keys must be parameter names (str), got {name!r}.")
        values = search_space[name]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TypeError(
                f"search_space[{name!r}] must be a sequence of values, got {values!r}."
            )
        if len(values) == 0:
            raise ValueError(f"search_space[{name!r}] is empty; give at least one value.")
        for value in values:
            if value is not None and not isinstance(value, (bool, int, float, str)):
                raise TypeError(
                    f"search_space[{name!r}] holds {value!r} of type {type(value).__name__}; "
                    "values must be None, bool, int, float or str."
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"search_space[{name!r}] holds the non-finite value {value!r}.")
        checked[name] = [v.item() if isinstance(v, np.generic) else v for v in values]
    return checked


class _GridProgress:
    """Which grid points the finished trials of one study ran, read incrementally."""

    def __init__(self, n_grids: int) -> None:
        self.cursor = FinishedTrialCursor()
        self.finished = np.zeros(n_grids, dtype=bool)
        self.lock = threading.Lock()


class GridSampler(BaseSampler):
    """Run every point of a grid once, then stop the study.

    The grid is the Cartesian product of the values given per parameter (parameter names in
    sorted order). Each trial runs one grid point: a point neither finished nor being run by
    another trial, chosen at random. Workers sharing a storage coordinate through the trials'
    system attributes ``grid_id`` and ``search_space`` (JSON): a trial claims a point, then
    re-reads the study and gives the point up if another trial claimed it too, so two workers
    never run the same point while free points remain. When every point is taken, a trial
    runs a duplicate of a point still running (or finished) with a :class:`UserWarning`.

    Once no point is left free, :meth:`after_trial` stops the running
    :meth:`~hpo.study.Study.optimize` of this worker.

    An enqueued trial whose fixed parameters match a grid point runs (and counts as) that
    point; if they fix only some grid parameters, the trial runs a free point that agrees
    with them.

    Parameters
    ----------
    search_space:
        Parameter name to the values to try (None, bool, int, float or str).
    seed:
        Seed of the random choice among free points.

    Raises
    ------
    TypeError
        If ``search_space`` is not a dict of str to sequences of such values.
    ValueError
        If a sequence is empty or holds a non-finite float.

    Examples
    --------
    >>> import hpo
    >>> sampler = GridSampler({"x": [0, 1, 2], "y": ["a", "b"]}, seed=0)
    >>> study = hpo.create_study(sampler=sampler)
    """

    _per_study_caches = ("_progress",)

    def __init__(self, search_space: Mapping[str, Sequence[GridValue]], seed: int | None = None):
        self._search_space = _check_search_space(search_space)
        self._param_names = list(self._search_space)
        self._all_grids = list(itertools.product(*self._search_space.values()))
        self._n_grids = len(self._all_grids)
        self._rng = np.random.default_rng(seed)
        self._progress: dict[Hashable, _GridProgress] = {}
        self._progress_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GridSampler(search_space={self._search_space!r})"

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    # -- shared state ----------------------------------------------------------------------
    def _claims(
        self, study: StudyView, exclude_number: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return masks over grid ids: finished, and running (excluding ``exclude_number``)."""
        with self._progress_lock:
            progress = self._progress.get(study._identity)
            if progress is None:
                progress = self._progress[study._identity] = _GridProgress(self._n_grids)
        with progress.lock:
            finished_trials, running_trials = progress.cursor.scan(
                study.get_trials(deepcopy=False)
            )
            for t in finished_trials:
                grid_id = self._grid_id(t)
                if grid_id is not None:
                    progress.finished[grid_id] = True
            finished = progress.finished.copy()
        running = np.zeros(self._n_grids, dtype=bool)
        for t in running_trials:
            grid_id = self._grid_id(t)
            if grid_id is not None and t.number != exclude_number:
                running[grid_id] = True
        return finished, running

    def _grid_id(self, trial: FrozenTrial) -> int | None:
        """The trial's point of this grid; None for no point or a point of another grid."""
        attrs = trial.system_attrs
        grid_id = attrs.get(GRID_ID_KEY)
        if grid_id is None or attrs.get(SEARCH_SPACE_KEY) != self._search_space:
            return None
        if not isinstance(grid_id, int) or not 0 <= grid_id < self._n_grids:
            return None
        return grid_id

    def _matching(self, fixed: Mapping[str, Any]) -> np.ndarray:
        """Mask of grid ids that agree with the fixed parameter values."""
        mask = np.ones(self._n_grids, dtype=bool)
        for i, name in enumerate(self._param_names):
            if name in fixed:
                mask &= np.array([g[i] == fixed[name] for g in self._all_grids], dtype=bool)
        return mask

    def is_exhausted(self, study: StudyView) -> bool:
        """Return whether every grid point has been run by a finished trial of ``study``."""
        finished, _ = self._claims(study, None)
        return bool(finished.all())

    # -- hooks -----------------------------------------------------------------------------
    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:
        if GRID_ID_KEY in trial.system_attrs:
            return  # A retried trial keeps its point.
        fixed = trial.system_attrs.get(FIXED_PARAMS_KEY) or {}
        allowed = self._matching(fixed)
        if not allowed.any():
            # The enqueued values lie outside the grid: the trial runs them as given, and
            # sample_independent reports any grid parameter it then needs.
            return
        for _ in range(_MAX_CLAIM_ATTEMPTS):
            finished, running = self._claims(study, trial.number)
            free = np.flatnonzero(allowed & ~finished & ~running)
            if len(free) == 0:
                break
            grid_id = int(self._rng.choice(free))
            self._claim(study, trial, grid_id)
            # Another worker may have picked the same point at the same time: whoever sees
            # the conflict after writing its own claim gives the point up and picks again.
            finished_after, running_after = self._claims(study, trial.number)
            if not (finished_after[grid_id] or running_after[grid_id]):
                return
        finished, running = self._claims(study, trial.number)
        pending = np.flatnonzero(allowed & ~finished)
        candidates = pending if len(pending) else np.flatnonzero(allowed)
        grid_id = int(self._rng.choice(candidates))
        warnings.warn(
            f"GridSampler: every grid point is already run or running; trial {trial.number} "
            f"re-runs grid point {grid_id} "
            f"{dict(zip(self._param_names, self._all_grids[grid_id], strict=True))}.",
            UserWarning,
            stacklevel=2,
        )
        self._claim(study, trial, grid_id)

    def _claim(self, study: StudyView, trial: FrozenTrial, grid_id: int) -> None:
        study._set_trial_system_attr(trial, SEARCH_SPACE_KEY, self._search_space)
        study._set_trial_system_attr(trial, GRID_ID_KEY, grid_id)

    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._search_space:
            raise ValueError(
                f"Parameter {param_name!r} is not in the grid of GridSampler "
                f"(grid parameters: {self._param_names})."
            )
        grid_id = trial.system_attrs.get(GRID_ID_KEY)
        if grid_id is None:
            raise ValueError(
                f"Trial {trial.number} has no grid point (its enqueued parameters match none), "
                f"so GridSampler cannot give a value for {param_name!r}; enqueue grid values."
            )
        value = self._all_grids[grid_id][self._param_names.index(param_name)]
        if not _contains_value(param_distribution, value):
            raise ValueError(
                f"Grid value {value!r} of parameter {param_name!r} is outside the suggested "
                f"distribution {param_distribution}."
            )
        return value

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        # The finishing trial is still RUNNING in the storage: it counts as taken.
        finished, running = self._claims(study, None)
        if not (finished | running).all():
            return
        # stop() belongs to the full study (not to the view) and only works inside optimize().
        stop = getattr(study, "stop", None)
        if callable(stop) and getattr(study, "_in_optimize", False):
            stop()
