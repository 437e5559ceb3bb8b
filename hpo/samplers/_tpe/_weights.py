"""Defaults for how many trials count as "good" (gamma) and how much each trial weighs.

``gamma(n)`` maps the number of ranked trials to the size of the good ("below") group;
``weights(n)`` maps a group size to one weight per trial, oldest trial first.
"""

from __future__ import annotations

import math

import numpy as np


def default_gamma(n: int) -> int:
    """Return ``min(ceil(0.1 * n), 25)``: the top 10%, at most 25 trials.

    Parameters
    ----------
    n:
        The number of ranked trials.

    Returns
    -------
    int
        The size of the good group.

    Examples
    --------
    >>> default_gamma(100), default_gamma(1000)
    (10, 25)
    """
    return min(math.ceil(0.1 * n), 25)


def hyperopt_default_gamma(n: int) -> int:
    """Return ``min(ceil(0.25 * sqrt(n)), 25)``, the rule of Hyperopt.

    Examples
    --------
    >>> hyperopt_default_gamma(100)
    3
    """
    return min(math.ceil(0.25 * math.sqrt(n)), 25)


def default_gamma_multiobjective(n: int) -> int:
    """Return ``ceil(0.1 * n)``: with several objectives the good group keeps growing.

    Examples
    --------
    >>> default_gamma_multiobjective(300)
    30
    """
    return math.ceil(0.1 * n)


def default_weights(n: int) -> np.ndarray:
    """Return equal weights for the newest 25 trials and a linear ramp for older ones.

    The ramp rises from ``1 / n`` for the oldest trial to 1, so that stale observations
    matter less (Bergstra et al., 2013).

    Parameters
    ----------
    n:
        The number of trials in the group.

    Returns
    -------
    numpy.ndarray
        Weights of shape ``(n,)``, oldest trial first.

    Examples
    --------
    >>> default_weights(3).tolist()
    [1.0, 1.0, 1.0]
    """
    if n < 25:
        return np.ones(n)
    ramp = np.linspace(1.0 / n, 1.0, num=n - 25)
    return np.concatenate([ramp, np.ones(25)])


def uniform_weights(n: int) -> np.ndarray:
    """Return ``n`` equal weights.

    Examples
    --------
    >>> uniform_weights(2).tolist()
    [1.0, 1.0]
    """
    return np.ones(n)
