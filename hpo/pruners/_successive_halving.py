"""SuccessiveHalvingPruner: asynchronous successive halving (ASHA)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from hpo._study_direction import StudyDirection
from hpo.pruners._base import BasePruner
from hpo.pruners._rules import check_int, check_min_resource, is_promotable, rung_step
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

RUNG_KEY_PREFIX = "completed_rung_"
MIN_RESOURCE_KEY = "pruner:successive_halving:min_resource"
_COMPLETE = (TrialState.COMPLETE,)


def rung_key(rung: int, prefix: str = RUNG_KEY_PREFIX) -> str:
    """Return the trial system attribute that holds a trial's value at rung ``rung``."""
    return f"{prefix}{rung}"


def completed_rungs(system_attrs: dict[str, object], prefix: str = RUNG_KEY_PREFIX) -> int:
    """Return how many rungs a trial has completed, from its system attributes."""
    rung = 0
    while rung_key(rung, prefix) in system_attrs:
        rung += 1
    return rung


def shared_resource(
    study: StudyView, key: str, cache: dict[str, float], estimate: Callable[[], float | None]
) -> float | None:
    """Return a resource estimated once per study and shared by every process.

    The first estimate is kept in the study's system attribute ``key``; later calls, here or in
    other processes, use the kept value, so all workers agree on rung and bracket positions.

    Parameters
    ----------
    study:
        The study.
    key:
        The study system attribute.
    cache:
        This pruner's per-study cache.
    estimate:
        Computes the value from the study's trials, or returns ``None`` if it cannot yet.

    Returns
    -------
    float | None
        The value, or ``None`` while it cannot be estimated.
    """
    name = study.study_name
    if name in cache:
        return cache[name]
    value = estimate()
    if value is None:
        return None
    recorded = study.system_attrs.get(key)
    if recorded is None:
        study.set_system_attr(key, value)
        # Read back: of two workers writing at once, both adopt the value that was kept.
        recorded = study.system_attrs.get(key, value)
    value = float(recorded)
    cache[name] = value
    return value


def last_step_of_completed(study: StudyView) -> int | None:
    """Return the largest last step among COMPLETE trials, or ``None`` if there is none."""
    steps = [
        t.last_step
        for t in study.get_trials(deepcopy=False, states=_COMPLETE)
        if t.intermediate_values
    ]
    return max(steps) if steps else None  # type: ignore[type-var]


class _HalvingSettings(BasePruner):
    """The settings of the successive halving pruners: their checks, ``"auto"`` and repr.

    Subclasses say how to find the largest last step of the COMPLETE trials, from which an
    ``"auto"`` ``min_resource`` is estimated, and the study system attribute that keeps it.
    """

    _min_resource_key = MIN_RESOURCE_KEY

    def __init__(
        self,
        min_resource: str | float = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        self._min_resource = check_min_resource(min_resource)
        self._reduction_factor = check_int("reduction_factor", reduction_factor, 2)
        self._min_early_stopping_rate = check_int(
            "min_early_stopping_rate", min_early_stopping_rate, 0
        )
        self._bootstrap_count = check_int("bootstrap_count", bootstrap_count, 0)
        self._auto_min_resource: dict[str, float] = {}

    def _last_complete_step(self, study: StudyView) -> int | None:
        return last_step_of_completed(study)

    def _resolve_min_resource(self, study: StudyView) -> float | None:
        if self._min_resource is not None:
            return self._min_resource

        def estimate() -> float | None:
            last_step = self._last_complete_step(study)
            return None if last_step is None else float(max(last_step // 100, 1))

        return shared_resource(study, self._min_resource_key, self._auto_min_resource, estimate)

    def __repr__(self) -> str:
        resource = "'auto'" if self._min_resource is None else self._min_resource
        return (
            f"{type(self).__name__}(min_resource={resource}, "
            f"reduction_factor={self._reduction_factor}, "
            f"min_early_stopping_rate={self._min_early_stopping_rate}, "
            f"bootstrap_count={self._bootstrap_count})"
        )


class SuccessiveHalvingPruner(_HalvingSettings):
    """Asynchronous successive halving (Li et al., 2020, "A System for Massively Parallel
    Hyperparameter Tuning").

    Rung ``k`` is completed at step ``min_resource * reduction_factor ** (min_early_stopping_rate
    + k)``. When a trial first reports a step at or past a rung, its latest value is recorded in
    its system attribute ``completed_rung_k`` and compared with every value recorded at that rung
    so far, by any trial of the study: the trial continues if it is among the best ``max(1, n //
    reduction_factor)`` of the ``n`` values, and is stopped otherwise. Nobody waits for a full
    bracket, so workers never idle. A trial that passes several rungs in one report is judged at
    each of them with the same value. A NaN value at a rung stops the trial.

    Parameters
    ----------
    min_resource:
        The step scale of the first rung, a number ``>= 1``, or ``"auto"``: the largest last
        step of the COMPLETE trials when one first exists, divided by 100 (at least 1); no trial
        is stopped before then. The estimate is stored in the study so that every worker uses
        the same one.
    reduction_factor:
        The promoted share of each rung is ``1 / reduction_factor``; at least 2.
    min_early_stopping_rate:
        Shifts the first rung to ``min_resource * reduction_factor ** min_early_stopping_rate``;
        at least 0.
    bootstrap_count:
        A trial is promoted from a rung only if at least this many other trials have completed
        the rung; earlier arrivals are stopped there.

    Raises
    ------
    ValueError
        If ``min_resource`` is neither ``"auto"`` nor a number ``>= 1``, ``reduction_factor <
        2``, or ``min_early_stopping_rate`` or ``bootstrap_count`` is negative.
    TypeError
        If a count is not an integer.

    Examples
    --------
    >>> import hpo
    >>> pruner = hpo.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    >>> study = hpo.create_study(pruner=pruner)
    """

    def prune(self, study: StudyView, trial: FrozenTrial) -> bool:
        """Return whether ``trial`` should stop at its latest reported step.

        Parameters
        ----------
        study:
            The trial's study.
        trial:
            The running trial.

        Returns
        -------
        bool
            ``True`` to stop the trial.
        """
        if not trial.intermediate_values:
            return False
        min_resource = self._resolve_min_resource(study)
        if min_resource is None:
            return False
        return self._judge(
            study, trial, min_resource, lambda: study.get_trials(deepcopy=False), same_group=None
        )

    def _judge(
        self,
        study: StudyView,
        trial: FrozenTrial,
        min_resource: float,
        load_trials: Callable[[], Sequence[FrozenTrial]],
        same_group: Callable[[FrozenTrial], bool] | None,
    ) -> bool:
        # Only trials for which ``same_group`` holds compete with ``trial`` at a rung.
        intermediate = trial.intermediate_values
        step = max(intermediate)
        rate, factor = self._min_early_stopping_rate, self._reduction_factor
        if step < rung_step(min_resource, factor, rate, 0):
            return False
        rung = completed_rungs(trial.system_attrs)
        if step < rung_step(min_resource, factor, rate, rung):
            return False

        value = intermediate[step]
        if math.isnan(value):
            return True
        maximize = study.direction == StudyDirection.MAXIMIZE
        peers = [
            t
            for t in load_trials()
            if t.number != trial.number and (same_group is None or same_group(t))
        ]
        while step >= rung_step(min_resource, factor, rate, rung):
            key = rung_key(rung)
            study._set_trial_system_attr(trial, key, value)
            recorded = [v for t in peers if (v := t.system_attrs.get(key)) is not None]
            if len(recorded) < self._bootstrap_count:
                return True
            rung_values = np.array([*recorded, value], dtype=float)
            if not is_promotable(value, rung_values, factor, maximize):
                return True
            rung += 1
        return False
