"""ParetoSuccessiveHalvingPruner: asynchronous successive halving on non-dominated rank."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from hpo.pruners._pareto_median import check_multi_objective
from hpo.pruners._pareto_rules import direction_signs, is_pareto_promotable
from hpo.pruners._rules import rung_step
from hpo.pruners._successive_halving import _HalvingSettings, completed_rungs, rung_key
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

RUNG_KEY_PREFIX = "pareto_completed_rung_"
MIN_RESOURCE_KEY = "pruner:pareto_successive_halving:min_resource"
_COMPLETE = (TrialState.COMPLETE,)
_SPECIAL = {"inf": math.inf, "-inf": -math.inf}


def encode_rung_values(values: Sequence[float]) -> list[float | str]:
    """Return values as JSON-safe attribute values (infinities as ``"inf"``/``"-inf"``)."""
    return [v if math.isfinite(v) else repr(float(v)) for v in values]


def decode_rung_values(stored: Sequence[float | str]) -> list[float]:
    """Read values written by :func:`encode_rung_values`."""
    return [_SPECIAL[v] if isinstance(v, str) else float(v) for v in stored]


class ParetoSuccessiveHalvingPruner(_HalvingSettings):
    """Asynchronous successive halving for several objectives, on non-dominated rank.

    The rungs of :class:`SuccessiveHalvingPruner` (Li et al., 2020): rung ``k`` is completed at
    step ``min_resource * reduction_factor ** (min_early_stopping_rate + k)``. When a trial
    first reports a step at or past a rung, its latest values are recorded in its system
    attribute ``pareto_completed_rung_k`` and compared with every vector recorded at that rung
    so far, by any trial of the study. Vectors are ordered by non-dominated rank and, within a
    rank, by crowding distance, the more isolated first (NSGA-II's order, Deb et al., 2002; the
    promotion rule of multi-objective ASHA, Schmucker et al., 2021). The trial continues if it
    is among the best ``max(1, n // reduction_factor)`` of the ``n`` vectors (ties with the
    last one included), and is stopped otherwise. So a trial that is alone on the rung's
    Pareto front, or at one of its ends, always continues. A NaN in the values at a rung stops
    the trial.

    Trials report with ``trial.report([value_1, value_2, ...], step)``.

    Parameters
    ----------
    min_resource:
        The step scale of the first rung, a number ``>= 1``, or ``"auto"``: the largest last
        step of the COMPLETE trials when one first exists, divided by 100 (at least 1); no
        trial is stopped before then. The estimate is stored in the study so that every worker
        uses the same one.
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
        2``, or ``min_early_stopping_rate`` or ``bootstrap_count`` is negative; from
        :meth:`prune`, if the study has one objective.
    TypeError
        If a count is not an integer.

    Examples
    --------
    >>> import hpo
    >>> pruner = hpo.pruners.ParetoSuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    >>> study = hpo.create_study(directions=["minimize", "maximize"], pruner=pruner)
    """

    _supports_multi_objective = True
    _min_resource_key = MIN_RESOURCE_KEY

    def _last_complete_step(self, study: StudyView) -> int | None:
        steps = [
            max(t.intermediate_vectors)
            for t in study.get_trials(deepcopy=False, states=_COMPLETE)
            if t.intermediate_vectors
        ]
        return max(steps) if steps else None

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

        Raises
        ------
        ValueError
            If the study has one objective.
        """
        check_multi_objective(study, self, "SuccessiveHalvingPruner")
        vectors = trial.intermediate_vectors
        if not vectors:
            return False
        min_resource = self._resolve_min_resource(study)
        if min_resource is None:
            return False
        step = max(vectors)
        rate, factor = self._min_early_stopping_rate, self._reduction_factor
        rung = completed_rungs(trial.system_attrs, RUNG_KEY_PREFIX)
        if step < rung_step(min_resource, factor, rate, rung):
            return False
        values = vectors[step]
        if any(math.isnan(v) for v in values):
            return True
        signs = direction_signs(study.directions)
        own = np.array(values, dtype=float) * signs
        peers = [t for t in study.get_trials(deepcopy=False) if t.number != trial.number]
        while step >= rung_step(min_resource, factor, rate, rung):
            key = rung_key(rung, RUNG_KEY_PREFIX)
            study._set_trial_system_attr(trial, key, encode_rung_values(values))
            recorded = [
                decode_rung_values(stored)
                for t in peers
                if (stored := t.system_attrs.get(key)) is not None
            ]
            if len(recorded) < self._bootstrap_count:
                return True
            rung_losses = np.vstack(
                [np.array(recorded, dtype=float).reshape(-1, len(own)) * signs, own]
            )
            if not is_pareto_promotable(rung_losses, factor):
                return True
            rung += 1
        return False
