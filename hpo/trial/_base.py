"""The interface shared by the live, fixed and frozen trials.

Every kind of trial answers ``suggest_*`` the same way from the objective's point of view; what
differs is where the value comes from. Subclasses implement :meth:`BaseTrial._suggest`.
"""

from __future__ import annotations

import abc
import datetime
import warnings
from collections.abc import Sequence
from typing import Any

from hpo.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

# Distributions are immutable, so equal definitions share one object: repeated suggests of
# the same parameter skip validation and the step-grid arithmetic.
_DISTRIBUTION_CACHE: dict[tuple[Any, ...], BaseDistribution] = {}
_DISTRIBUTION_CACHE_SIZE = 4096


def _numeric_distribution(
    name: str, cls: type[FloatDistribution] | type[IntDistribution], *args: Any
) -> Any:
    key = (cls, *args)
    try:
        return _DISTRIBUTION_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # unhashable bound; validate below without caching
        key = ()
    try:
        dist = cls(*args)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{str(e).rstrip('.')} for parameter {name!r}") from None
    if key:
        if len(_DISTRIBUTION_CACHE) >= _DISTRIBUTION_CACHE_SIZE:
            _DISTRIBUTION_CACHE.clear()
        _DISTRIBUTION_CACHE[key] = dist
    return dist


class BaseTrial(abc.ABC):
    """The objective-facing interface of a trial."""

    __slots__ = ()

    @abc.abstractmethod
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        """Return the value of parameter ``name`` drawn from ``distribution``."""

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Suggest a float in ``[low, high]``.

        Parameters
        ----------
        name:
            The parameter name; asking again for the same name returns the same value.
        low, high:
            Bounds, both included.
        step:
            Restrict the value to ``low + k * step``.
        log:
            Sample on a log scale (needs ``low > 0``; not with ``step``).

        Returns
        -------
        float
            The suggested value.

        Raises
        ------
        ValueError
            If the range is invalid, naming the parameter, or the name was used before with an
            incompatible distribution.
        """
        dist = _numeric_distribution(name, FloatDistribution, low, high, log, step)
        return self._suggest(name, dist)

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """Suggest an integer in ``[low, high]``.

        Parameters
        ----------
        name:
            The parameter name.
        low, high:
            Bounds, both included.
        step:
            Restrict the value to ``low + k * step``.
        log:
            Sample on a log scale (needs ``low >= 1`` and ``step == 1``).

        Returns
        -------
        int
            The suggested value.

        Raises
        ------
        ValueError
            If the range is invalid, naming the parameter, or the name was used before with an
            incompatible distribution.
        """
        dist = _numeric_distribution(name, IntDistribution, low, high, log, step)
        return int(self._suggest(name, dist))

    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        """Suggest one of ``choices``.

        Parameters
        ----------
        name:
            The parameter name.
        choices:
            A non-empty sequence of None, bool, int, float or str values.

        Returns
        -------
        The chosen element.

        Raises
        ------
        ValueError
            If ``choices`` is empty, naming the parameter, or the name was used before with
            other choices.
        """
        try:
            dist = CategoricalDistribution(choices)
        except ValueError as e:
            raise ValueError(f"{str(e).rstrip('.')} for parameter {name!r}") from None
        return self._suggest(name, dist)

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Deprecated spelling of ``suggest_float(name, low, high)``."""
        _warn_deprecated("suggest_uniform", "suggest_float(name, low, high)")
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Deprecated spelling of ``suggest_float(name, low, high, log=True)``."""
        _warn_deprecated("suggest_loguniform", "suggest_float(name, low, high, log=True)")
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Deprecated spelling of ``suggest_float(name, low, high, step=q)``."""
        _warn_deprecated("suggest_discrete_uniform", "suggest_float(name, low, high, step=q)")
        return self.suggest_float(name, low, high, step=q)

    @abc.abstractmethod
    def report(self, value: float, step: int) -> None:
        """Report an intermediate objective value at ``step``."""

    @abc.abstractmethod
    def should_prune(self) -> bool:
        """Return whether the pruner asks to stop this trial."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable user attribute to the trial."""

    @abc.abstractmethod
    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a system attribute (for samplers and pruners) to the trial."""

    @property
    @abc.abstractmethod
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far, in external representation."""

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distribution of each suggested parameter."""

    @property
    @abc.abstractmethod
    def user_attrs(self) -> dict[str, Any]:
        """The user attributes."""

    @property
    @abc.abstractmethod
    def system_attrs(self) -> dict[str, Any]:
        """The system attributes."""

    @property
    @abc.abstractmethod
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (UTC)."""

    @property
    @abc.abstractmethod
    def number(self) -> int:
        """The trial's number, unique and consecutive within its study."""


def _warn_deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated; use {new} instead.", FutureWarning, stacklevel=3)


def check_report_arguments(value: float, step: int) -> tuple[float, int]:
    """Validate the arguments of ``report`` and return them as ``(float, int)``.

    Raises
    ------
    TypeError
        If ``value`` is not a number or ``step`` is not an integer.
    ValueError
        If ``step`` is negative.
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"report() needs a number as value, got {value!r} of type {type(value).__name__}."
        ) from None
    try:
        is_integer = not isinstance(step, bool) and int(step) == step
    except (TypeError, ValueError):
        is_integer = False
    if not is_integer:
        raise TypeError(f"report() needs an integer step, got {step!r}.")
    step = int(step)
    if step < 0:
        raise ValueError(f"report() needs step >= 0, got step={step}.")
    return value, step
