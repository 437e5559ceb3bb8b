"""COMPLETE trials of a study as arrays: the input every importance evaluator shares.

Numerical parameters are mapped to the unit interval of their search space (in log space for
log-scale parameters; an integer or stepped parameter owns a cell of width ``step`` around
each value), categorical ones to the index of their choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpo.logging import get_logger
from hpo.search_space import intersection_search_space
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo.study import Study

_logger = get_logger(__name__)


@dataclass(frozen=True)
class ImportanceData:
    """The trials to explain, one row per trial.

    Attributes
    ----------
    names:
        Parameter names, one per column of ``unit``.
    distributions:
        The distribution of each parameter.
    unit:
        ``(n_trials, n_params)``: numerical values mapped to [0, 1] over the search space;
        for a categorical parameter, the index of the choice.
    n_choices:
        Number of choices of each categorical parameter, 0 for a numerical one.
    values:
        ``(n_trials,)`` the target value of each trial.
    """

    names: list[str]
    distributions: list[BaseDistribution]
    unit: np.ndarray
    n_choices: np.ndarray
    values: np.ndarray

    @property
    def is_categorical(self) -> np.ndarray:
        """Whether each parameter is categorical."""
        return self.n_choices > 0


def _domain(dist: FloatDistribution | IntDistribution) -> tuple[float, float, bool]:
    """Return the (transformed) bounds of a numerical distribution and whether it is log."""
    low, high = float(dist.low), float(dist.high)
    step = dist.step
    if step is not None:
        low, high = low - step / 2, high + step / 2
    if dist.log:
        # A log-scale integer parameter starts at 1, so low - 0.5 stays positive.
        return math.log(low), math.log(high), True
    return low, high, False


def _merge(name: str, dists: Sequence[BaseDistribution]) -> BaseDistribution:
    """One distribution for a parameter whose trials may have used different ones."""
    first = dists[0]
    if all(d is first or d == first for d in dists):
        return first
    if all(isinstance(d, CategoricalDistribution) for d in dists):
        raise ValueError(
            f"Parameter {name!r} has different categorical choices in different trials; "
            "its importance cannot be evaluated."
        )
    if all(isinstance(d, (FloatDistribution, IntDistribution)) for d in dists):
        logs = {bool(d.log) for d in dists}  # type: ignore[attr-defined]
        if len(logs) == 1:
            low = min(float(d.low) for d in dists)  # type: ignore[attr-defined]
            high = max(float(d.high) for d in dists)  # type: ignore[attr-defined]
            return FloatDistribution(low, high, log=logs.pop())
    raise ValueError(
        f"Parameter {name!r} has incompatible distributions in different trials; "
        "its importance cannot be evaluated."
    )


def _check_target(study: Study, target: Callable[[FrozenTrial], float] | None) -> None:
    if target is None and len(study.directions) > 1:
        raise ValueError(
            "The study has several objectives: pass target= (for example "
            "target=lambda t: t.values[0]) to say which value to explain."
        )


def read_trials(
    study: Study,
    params: list[str] | None,
    target: Callable[[FrozenTrial], float] | None,
) -> ImportanceData:
    """Read the COMPLETE trials of ``study`` that have all evaluated parameters.

    Parameters
    ----------
    study:
        The study.
    params:
        Parameter names; ``None`` means the intersection search space of the COMPLETE trials.
    target:
        Value to explain; ``None`` means the objective value (single-objective studies only).

    Returns
    -------
    ImportanceData
        Trials with a finite target value, as arrays.

    Raises
    ------
    ValueError
        If the study is multi-objective and ``target`` is ``None``, has no COMPLETE trial,
        fewer than two COMPLETE trials with all ``params`` and a finite target value, or a
        parameter with incompatible distributions.
    """
    _check_target(study, target)
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        raise ValueError("Cannot evaluate parameter importances: the study has no COMPLETE trial.")
    if params is None:
        space = intersection_search_space(trials)
        names = list(space)
        distributions = list(space.values())
    else:
        names = list(params)
        trials = [t for t in trials if all(name in t.params for name in names)]
        if not trials:
            raise ValueError(
                f"Cannot evaluate parameter importances: no COMPLETE trial has all of the "
                f"parameters {names}."
            )
        distributions = [_merge(name, [t.distributions[name] for t in trials]) for name in names]
    if target is None:
        values = np.fromiter((t.value for t in trials), dtype=float, count=len(trials))
    else:
        values = np.fromiter((target(t) for t in trials), dtype=float, count=len(trials))
    finite = np.isfinite(values)
    if not finite.all():
        _logger.warning(
            "%d trials with a non-finite target value are left out of the importance evaluation.",
            int((~finite).sum()),
        )
        trials = [t for t, keep in zip(trials, finite) if keep]
        values = values[finite]
    if len(trials) < 2:
        raise ValueError(
            "Cannot evaluate parameter importances with fewer than 2 COMPLETE trials "
            f"(with all parameters and a finite target); found {len(trials)}."
        )
    unit = np.empty((len(trials), len(names)))
    n_choices = np.zeros(len(names), dtype=int)
    for column, (name, dist) in enumerate(zip(names, distributions)):
        if isinstance(dist, CategoricalDistribution):
            to_index = dist.to_internal_repr
            unit[:, column] = [to_index(t.params[name]) for t in trials]
            n_choices[column] = len(dist.choices)
            continue
        assert isinstance(dist, (FloatDistribution, IntDistribution))
        raw = np.fromiter((t.params[name] for t in trials), dtype=float, count=len(trials))
        low, high, log = _domain(dist)
        if log:
            raw = np.log(raw)
        width = high - low
        unit[:, column] = (raw - low) / width if width > 0 else 0.5
    return ImportanceData(names, distributions, unit, n_choices, values)


def one_hot(data: ImportanceData) -> tuple[np.ndarray, np.ndarray]:
    """Return the feature matrix for tree models and the parameter index of each column.

    A numerical parameter is one column in [0, 1]; a categorical one with ``k`` choices is
    ``k`` indicator columns.
    """
    columns: list[np.ndarray] = []
    owner: list[int] = []
    for index, k in enumerate(data.n_choices):
        if k == 0:
            columns.append(data.unit[:, index : index + 1])
            owner.append(index)
        else:
            codes = data.unit[:, index].astype(int)
            columns.append((codes[:, None] == np.arange(k)[None, :]).astype(float))
            owner.extend([index] * int(k))
    if not columns:
        return np.empty((len(data.values), 0)), np.empty(0, dtype=int)
    return np.hstack(columns), np.asarray(owner, dtype=int)
