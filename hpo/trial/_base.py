"""The interface shared by the live, fixed and frozen trials.

Every kind of trial answers ``suggest_*`` the same way from the objective's point of view; what
differs is where the value comes from. Subclasses implement :meth:`BaseTrial._suggest`.
"""

from __future__ import annotations

import abc
import datetime
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

from hpo.distributions import (
    DISTRIBUTION_CACHE,
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    cache_distribution,
)

# Distributions are immutable, so equal definitions share one object: repeated suggests of
# the same parameter skip validation and the step-grid arithmetic. The key holds the types
# too, since True == 1 and 1 == 1.0 would otherwise let an invalid bound hit a valid entry.
_DISTRIBUTION_CACHE = DISTRIBUTION_CACHE  # the one cache, shared with the storages


def _numeric_distribution(
    name: str,
    cls: type[FloatDistribution] | type[IntDistribution],
    low: Any,
    high: Any,
    log: Any,
    step: Any,
) -> Any:
    key: tuple[Any, ...] = (
        cls,
        low,
        high,
        log,
        step,
        low.__class__,
        high.__class__,
        log.__class__,
        step.__class__,
    )
    try:
        return _DISTRIBUTION_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # unhashable bound; validated below, never cached
        key = ()
    try:
        dist = cls(low, high, log, step)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{str(e).rstrip('.')} for parameter {name!r}.") from None
    if key:
        cache_distribution(key, dist)
    return dist


def check_param_name(name: Any) -> None:
    """Raise a TypeError unless ``name`` is a string (every storage keys parameters by it)."""
    if not isinstance(name, str):
        raise TypeError(f"A parameter name must be a str, got {name!r} ({type(name).__name__}).")


def other_range_error(
    name: str, existing: BaseDistribution, distribution: BaseDistribution
) -> ValueError:
    """The error for suggesting ``name`` a second time in a trial with another distribution."""
    return ValueError(
        f"Parameter {name!r} was suggested in this trial with {existing} and cannot be "
        f"suggested again with {distribution}; use one range per name."
    )


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
        TypeError
            If ``name`` is not a str, a bound or ``step`` is not a real number, or ``log`` is
            not a bool; the message names the argument, its value and its type.
        ValueError
            If the range is invalid (not finite, ``low > high``, too wide for a float, ...),
            naming the parameter; if the name was used before with an incompatible
            distribution, or earlier in this trial with another range.
        """
        if name.__class__ is not str:
            check_param_name(name)
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
        TypeError
            If ``name`` is not a str, a bound or ``step`` is not a number, or ``log`` is not
            a bool.
        ValueError
            If a bound or ``step`` is not an integer, not finite or beyond +-2**53, or the
            range is invalid, naming the parameter; if the name was used before with an
            incompatible distribution, or earlier in this trial with another range.
        """
        if name.__class__ is not str:
            check_param_name(name)
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
        TypeError
            If ``name`` is not a str, ``choices`` is not a sequence, or a choice is not None,
            bool, int, float or str (a tuple, a list, an object...), naming the parameter.
        ValueError
            If ``choices`` is empty, naming the parameter, or the name was used before with
            other choices.
        """
        check_param_name(name)
        try:
            dist = CategoricalDistribution(choices)
        except (TypeError, ValueError) as e:
            raise type(e)(f"{str(e).rstrip('.')} for parameter {name!r}.") from None
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


# Steps are kept in 64-bit integer columns.
MAX_STEP = 2**63 - 1


def check_report_arguments(value: float, step: int) -> tuple[float, int]:
    """Validate the arguments of ``report`` and return them as ``(float, int)``.

    NaN and infinite values are accepted (a diverged model reports them); the step must be
    an integer from 0 to 2**63 - 1.

    Raises
    ------
    TypeError
        If ``value`` is not a real number or ``step`` is not an integer.
    ValueError
        If ``value`` is too large for a float, or ``step`` is negative or beyond 2**63 - 1.
    """
    if value.__class__ is not float:
        if isinstance(value, (str, bytes, complex)) or not hasattr(value, "__float__"):
            raise TypeError(
                f"report() needs a real number as value, got {value!r} ({type(value).__name__})."
            )
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(f"report() got value={value!r}, too large for a float.") from None
        except Exception as e:
            raise TypeError(f"report() could not convert value={value!r}: {e!r}") from None
    if step.__class__ is not int:
        integral = isinstance(step, numbers.Integral) and not isinstance(step, bool)
        if not (integral or (isinstance(step, float) and float.is_integer(step))):
            raise TypeError(
                f"report() needs an integer step, got step={step!r} ({type(step).__name__})."
            )
        step = int(step)
    if not 0 <= step <= MAX_STEP:
        raise ValueError(f"report() needs 0 <= step <= 2**63 - 1, got step={step}.")
    return value, step


def check_report_vector(
    values: Sequence[float], step: int, n_objectives: int | None = None
) -> tuple[tuple[float, ...], int]:
    """Validate the arguments of a multi-objective ``report`` and return them as floats.

    Each value follows the rule of :func:`check_report_arguments` (NaN and infinities are
    accepted).

    Parameters
    ----------
    values:
        One value per objective.
    step:
        The step, an integer from 0 to 2**63 - 1.
    n_objectives:
        The study's number of objectives; ``None`` skips the length check.

    Returns
    -------
    tuple
        ``(values as a tuple of floats, step as an int)``.

    Raises
    ------
    TypeError
        If ``values`` is not a sequence of real numbers or ``step`` not an integer.
    ValueError
        If the number of values is not ``n_objectives``, a value is too large for a float, or
        ``step`` is out of range.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(
            f"report() needs one value per objective as a sequence, got {values!r} "
            f"({type(values).__name__})."
        )
    if n_objectives is not None and len(values) != n_objectives:
        raise ValueError(
            f"report() got {len(values)} values {list(values)!r} for a study with "
            f"{n_objectives} objectives; report one value per objective."
        )
    floats = []
    for value in values:
        number, step = check_report_arguments(value, step)
        floats.append(number)
    if not floats:
        _, step = check_report_arguments(0.0, step)
    return tuple(floats), step
