"""Studies with known answers, built directly from arrays (no optimization loop)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import hpo
from hpo.distributions import BaseDistribution


def study_from(
    distributions: dict[str, BaseDistribution],
    columns: dict[str, Sequence[Any]],
    values: Sequence[float] | Sequence[Sequence[float]],
    directions: Sequence[str] = ("minimize",),
    storage: str | None = None,
) -> hpo.Study:
    """A study whose k-th COMPLETE trial has ``columns[name][k]`` and ``values[k]``."""
    study = hpo.create_study(directions=list(directions), storage=storage)
    trials = []
    for k in range(len(values)):
        params = {name: _plain(column[k]) for name, column in columns.items()}
        value = values[k]
        kwargs: dict[str, Any] = (
            {"values": [float(v) for v in value]}  # type: ignore[union-attr]
            if len(directions) > 1
            else {"value": float(value)}  # type: ignore[arg-type]
        )
        trials.append(
            hpo.create_trial(
                params=params,
                distributions={name: distributions[name] for name in params},
                **kwargs,
            )
        )
    study.add_trials(trials)
    return study


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def uniform_study(
    n_trials: int,
    n_params: int,
    objective: Callable[[np.ndarray], np.ndarray],
    seed: int = 0,
) -> hpo.Study:
    """Parameters x0.. uniform on [0, 1]; the value is ``objective(X)``."""
    rng = np.random.default_rng(seed)
    features = rng.uniform(0, 1, (n_trials, n_params))
    names = [f"x{i}" for i in range(n_params)]
    distributions: dict[str, BaseDistribution] = {
        name: hpo.distributions.FloatDistribution(0, 1) for name in names
    }
    return study_from(
        distributions,
        {name: features[:, i] for i, name in enumerate(names)},
        objective(features),
    )
