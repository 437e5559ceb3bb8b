"""The transformed space in which the genetic operators move numerical parameters.

Log parameters live on the log scale; integers and stepped floats are widened to cells of
one step around each grid point, so every grid point owns an equal share of the interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hpo.distributions import BaseDistribution, FloatDistribution, IntDistribution


def transformed_bounds(distribution: BaseDistribution) -> tuple[float, float]:
    """Return the interval of ``distribution`` in transformed space.

    Examples
    --------
    >>> transformed_bounds(IntDistribution(0, 3))
    (-0.5, 3.5)
    """
    if isinstance(distribution, FloatDistribution):
        if distribution.log:
            return math.log(distribution.low), math.log(distribution.high)
        if distribution.step is not None:
            half = 0.5 * distribution.step
            return distribution.low - half, distribution.high + half
        return distribution.low, distribution.high
    if isinstance(distribution, IntDistribution):
        if distribution.log:
            return math.log(distribution.low - 0.5), math.log(distribution.high + 0.5)
        half = 0.5 * distribution.step
        return distribution.low - half, distribution.high + half
    raise TypeError(f"{distribution!r} is not numerical.")


def to_transformed(distribution: BaseDistribution, value: Any) -> float:
    """Return the transformed value of an external numerical ``value``."""
    if getattr(distribution, "log", False):
        return math.log(float(value))
    return float(value)


def from_transformed(distribution: BaseDistribution, value: float) -> Any:
    """Return the external value of ``distribution`` nearest to the transformed ``value``.

    Examples
    --------
    >>> from_transformed(FloatDistribution(0.0, 1.0, step=0.25), 0.6)
    0.5
    """
    if isinstance(distribution, FloatDistribution):
        low, high = distribution.low, distribution.high
        number = math.exp(value) if distribution.log else float(value)
        if distribution.step is not None:
            step = distribution.step
            number = low + round((number - low) / step) * step
        return float(min(max(number, low), high))
    if isinstance(distribution, IntDistribution):
        number = math.exp(value) if distribution.log else float(value)
        low_i, high_i, step_i = distribution.low, distribution.high, distribution.step
        index = round((number - low_i) / step_i)
        return int(min(max(low_i + index * step_i, low_i), high_i))
    raise TypeError(f"{distribution!r} is not numerical.")


def bounds_array(distributions: list[BaseDistribution]) -> np.ndarray:
    """Return the ``(n, 2)`` array of transformed bounds of numerical ``distributions``."""
    if not distributions:
        return np.zeros((0, 2))
    return np.array([transformed_bounds(d) for d in distributions], dtype=float)


class NumericalPlan:
    """The numerical parameters of one search space, encoded and decoded in one call.

    Parameters
    ----------
    names:
        Parameter names, in order.
    distributions:
        Their (numerical) distributions.

    Examples
    --------
    >>> plan = NumericalPlan(["x", "n"], [FloatDistribution(1.0, 100.0, log=True),
    ...                                   IntDistribution(0, 10, step=2)])
    >>> plan.decode(plan.encode({"x": 1.0, "n": 4}) + [0.0, 1.1])
    [1.0, 6]
    """

    def __init__(self, names: list[str], distributions: list[BaseDistribution]) -> None:
        self.names = names
        self.distributions = distributions
        self.bounds = bounds_array(distributions)
        self._log = np.array([bool(getattr(d, "log", False)) for d in distributions], dtype=bool)
        self._is_int = [isinstance(d, IntDistribution) for d in distributions]
        self._low = np.array([float(d.low) for d in distributions])  # type: ignore[attr-defined]
        self._high = np.array([float(d.high) for d in distributions])  # type: ignore[attr-defined]
        steps = [getattr(d, "step", None) for d in distributions]
        self._any_log = bool(self._log.any())
        self._log_list = self._log.tolist()
        self._low_list = self._low.tolist()
        self._high_list = self._high.tolist()
        self._step_list = [None if s is None else float(s) for s in steps]

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        """Return the transformed vector of the numerical values in ``params``."""
        values = np.array([float(params[name]) for name in self.names])
        if self._any_log:
            values[self._log] = np.log(values[self._log])
        return values

    def decode(self, values: np.ndarray) -> list[Any]:
        """Return the external values nearest to the transformed ``values``."""
        # A handful of scalars: plain Python is faster than numpy's per-call overhead.
        out: list[Any] = []
        for value, log, low, high, step, is_int in zip(
            np.asarray(values, dtype=float).tolist(),
            self._log_list,
            self._low_list,
            self._high_list,
            self._step_list,
            self._is_int,
        ):
            number = math.exp(value) if log else value
            if step is not None:
                number = low + round((number - low) / step) * step
            number = min(max(number, low), high)
            out.append(round(number) if is_int else number)
        return out
