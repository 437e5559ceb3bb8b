"""Checks of HpoSearchCV's arguments, all made in ``fit`` before the first trial starts.

scikit-learn's contract keeps ``__init__`` free of validation (``clone`` and ``set_params``
must store values as given), so every argument is checked here, with a message that names
the argument and the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np

from hpo.distributions import BaseDistribution
from hpo.study import Study, StudyDirection


def check_flag(name: str, value: Any) -> bool:
    """Return ``value`` as a bool; raise TypeError unless it is one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def check_int(name: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int ``>= minimum``."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}.")
    return int(value)


def check_n_trials(value: Any) -> int | None:
    """Return the number of trials: a positive int, or ``None`` for no limit."""
    if value is None:
        return None
    if not _is_int(value):
        raise TypeError(f"n_trials must be an integer or None, got {value!r}.")
    return check_int("n_trials", value, 1)


def check_n_jobs(value: Any) -> int:
    """Return the number of threads: ``None`` means 1, ``-1`` one per CPU."""
    if value is None:
        return 1
    if not _is_int(value):
        raise TypeError(f"n_jobs must be an integer or None, got {value!r}.")
    if value != -1 and value < 1:
        raise ValueError(f"n_jobs must be -1 or >= 1, got {value!r}.")
    return int(value)


def check_timeout(value: Any) -> float | None:
    """Return the time limit in seconds (``None``: no limit)."""
    if value is None:
        return None
    if not isinstance(value, Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"timeout must be a number of seconds or None, got {value!r}.")
    if not float(value) > 0:
        raise ValueError(f"timeout must be > 0, got {value!r}.")
    return float(value)


def check_error_score(value: Any) -> float | str:
    """Return ``"raise"`` or the numeric score of a failing fold."""
    if isinstance(value, str) and value == "raise":
        return value
    if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    raise ValueError(f"error_score must be 'raise' or a number, got {value!r}.")


def check_param_distributions(
    value: Any, estimator_params: Mapping[str, Any]
) -> dict[str, BaseDistribution]:
    """Return the search space; every key must be a parameter of the estimator."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"param_distributions must be a dict of parameter name to distribution, got {value!r}."
        )
    for name, distribution in value.items():
        if not isinstance(name, str):
            raise TypeError(f"param_distributions keys must be strings, got {name!r}.")
        if not isinstance(distribution, BaseDistribution):
            raise ValueError(
                f"param_distributions[{name!r}] must be an hpo distribution "
                f"(hpo.distributions.FloatDistribution, IntDistribution or "
                f"CategoricalDistribution), got {distribution!r}."
            )
        if name not in estimator_params:
            raise ValueError(
                f"param_distributions[{name!r}]: the estimator has no parameter {name!r}; "
                f"valid parameters are {sorted(estimator_params)}."
            )
    return dict(value)


def check_subsample(value: Any, n_samples: int) -> int:
    """Return how many samples the search uses: an int count or a float fraction."""
    if _is_int(value):
        if not 1 <= value <= n_samples:
            raise ValueError(
                f"subsample={value!r} samples: must be between 1 and the {n_samples} samples of X."
            )
        return int(value)
    if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)):
        if not 0.0 < float(value) <= 1.0:
            raise ValueError(f"subsample={value!r} as a fraction must be in (0, 1].")
        return max(1, round(float(value) * n_samples))
    raise TypeError(f"subsample must be an int or a float, got {value!r}.")


def check_study(value: Any) -> Study | None:
    """Return the given study, which must be single-objective and maximize."""
    if value is None:
        return None
    if not isinstance(value, Study):
        raise TypeError(f"study must be an hpo Study or None, got {value!r}.")
    if len(value.directions) != 1 or value.direction != StudyDirection.MAXIMIZE:
        raise ValueError(
            f"study must have one objective with direction 'maximize' (scikit-learn scores "
            f"are higher-is-better), got directions {value.directions!r}."
        )
    return value
