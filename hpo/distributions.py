"""Search-space distributions and their two representations.

A parameter has an *external* representation (what the objective sees: a float, an int, a
category) and an *internal* one (always a float, what samplers and storages work with). For
numbers the two are the same value; for categories the internal value is the index of the
choice.
"""

from __future__ import annotations

import abc
import decimal
import json
import math
import numbers
import os
import reprlib
import sys
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from hpo.exceptions import HpoWarning

CategoricalChoiceType = None | bool | int | float | str

__all__ = [
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "FloatDistribution",
    "IntDistribution",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]


class BaseDistribution(abc.ABC):
    """The interface of every distribution.

    Distributions are immutable values: two distributions with the same attributes are equal
    and hash alike.
    """

    @abc.abstractmethod
    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """Convert an internal (float) value to what the objective sees."""

    @abc.abstractmethod
    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """Convert an objective-facing value to its internal float."""

    @abc.abstractmethod
    def single(self) -> bool:
        """Return whether the distribution holds exactly one value."""

    @abc.abstractmethod
    def _contains(self, param_value_in_internal_repr: float) -> bool:
        """Return whether an internal value lies in the distribution."""

    def _asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseDistribution) or type(self) is not type(other):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *sorted(self._hash_items())))

    def _hash_items(self) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in self.__dict__.items()]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items())
        return f"{type(self).__name__}({args})"


def _grid_tolerance(low: float, high: float, step: float) -> float:
    """Return the rounding error, in units of ``step``, of a grid index near ``high``."""
    return max(1e-8, 4.0 * (math.ulp(high) + math.ulp(low)) / step)


def _grid_high(low: float, high: float, step: float) -> float:
    """Return the largest value of the grid ``low + k * step`` that does not exceed ``high``."""
    # Decimal arithmetic keeps steps such as 0.1 from drifting by one grid point; the
    # tolerance keeps a high that is on the grid up to float rounding where it is.
    d_low, d_high, d_step = (decimal.Decimal(str(v)) for v in (low, high, step))
    exact = (d_high - d_low) / d_step
    n_steps = math.floor(exact + decimal.Decimal(_grid_tolerance(low, high, step)))
    return float(d_low + n_steps * d_step)


def _caller_stacklevel() -> int:
    """Return the stacklevel of the first frame outside hpo, for warnings about user code."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package_dir):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _warn_high_adjusted(low: float, high: float, step: float, new_high: float) -> None:
    warnings.warn(
        f"high={high} is not on the grid low={low} + k * step={step}; "
        f"it was lowered to {new_high}.",
        HpoWarning,
        stacklevel=_caller_stacklevel(),
    )


def _type_name(value: Any) -> str:
    return type(value).__name__


_short = reprlib.Repr()
_short.maxlong = _short.maxstring = _short.maxother = 60


def _check_real(arg: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise naming ``arg``, its value and its type."""
    if (value.__class__ is not float and value.__class__ is not int) and (
        isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)
    ):
        raise TypeError(f"{arg}={_short.repr(value)} ({_type_name(value)}) must be a real number.")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{arg}={_short.repr(value)} must be a finite number.")
    return number


def _check_integer(arg: str, value: Any) -> int:
    """Return ``value`` as an int within the range floats hold exactly, or raise naming it."""
    number = _check_real(arg, value)
    if number != int(number):
        raise ValueError(f"{arg}={value!r} must be an integer for an int parameter.")
    integer = int(value) if isinstance(value, numbers.Integral) else int(number)
    if abs(integer) > _MAX_EXACT_INT:
        raise ValueError(
            f"{arg}={_short.repr(value)} is beyond +-2**53, where integers are no longer exact "
            "as floats."
        )
    return integer


def _check_log(log: Any) -> bool:
    if log is True or log is False:
        return log
    if isinstance(log, np.bool_):
        return bool(log)
    raise TypeError(f"log={log!r} ({_type_name(log)}) must be True or False.")


# Parameter values are kept as floats, which hold every integer up to 2**53 exactly.
_MAX_EXACT_INT = 2**53
# Samplers tell grid points apart by half a step of the normalized range; with more steps,
# that half step nears float rounding (TPE loses it at 2**52 steps).
_MAX_GRID_STEPS = 2**50


def _number(dist: BaseDistribution, value: Any) -> float:
    """Return ``value`` as the internal float of a numeric distribution."""
    if isinstance(value, float):
        number = float(value)
    elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{value!r} ({_type_name(value)}) is not a number for {dist!r}.")
    else:
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"{value!r} is too large for {dist!r}.") from None
    if number != number:
        raise ValueError(f"NaN is not a valid value for {dist!r}.")
    return number


class FloatDistribution(BaseDistribution):
    """A float in ``[low, high]``, uniform on a linear or a log scale, or on a step grid.

    Parameters
    ----------
    low, high:
        The bounds, both included. ``low`` must not exceed ``high``.
    log:
        Sample on a log scale; needs ``low > 0`` and no ``step``.
    step:
        Restrict values to ``low + k * step``. ``high`` is lowered to the grid if needed.

    Raises
    ------
    TypeError
        If a bound or ``step`` is not a real number (bools, strings, None, complex numbers
        and lists are not), or ``log`` is not a bool.
    ValueError
        For a bound or ``step`` that is NaN or infinite, ``low > high``, a range whose width
        ``high - low`` overflows a float, ``log`` with ``low <= 0``, ``log`` together with
        ``step``, ``step <= 0``, or a step grid of more than 2**50 steps.

    Examples
    --------
    >>> FloatDistribution(0.0, 1.0, step=0.25).single()
    False
    """

    def __init__(
        self, low: float, high: float, log: bool = False, step: float | None = None
    ) -> None:
        low_f, high_f, log = _check_real("low", low), _check_real("high", high), _check_log(log)
        step_f = None if step is None else _check_real("step", step)
        if log and step_f is not None:
            raise ValueError(
                f"log=True and step={step} cannot be used together; choose one of them."
            )
        if step_f is not None and not step_f > 0:
            raise ValueError(f"step={step} must be > 0.")
        if not low_f <= high_f:
            raise ValueError(f"low={low} > high={high}.")
        if log and low_f <= 0.0:
            raise ValueError(f"low={low} must be > 0 when log=True.")
        if not math.isfinite(high_f - low_f):
            # Samplers work with the width of the range; it must be a float, too.
            raise ValueError(
                f"The range low={low}, high={high} is too wide: high - low overflows a float."
            )
        if step_f is not None:
            if (high_f - low_f) / step_f > _MAX_GRID_STEPS:
                raise ValueError(
                    f"step={step} is too small for low={low}, high={high}: the grid would "
                    "have more than 2**50 steps."
                )
            new_high = _grid_high(low_f, high_f, step_f)
            # A grid point a rounding error above high means high is on the grid: it stays.
            if new_high < high_f:
                if not math.isclose(
                    new_high, high_f, rel_tol=0.0, abs_tol=1e-12 * max(1, abs(high_f))
                ):
                    _warn_high_adjusted(low_f, high_f, step_f, new_high)
                high_f = new_high
        self.low = low_f
        self.high = high_f
        self.log = log
        self.step = step_f

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        return self.low == self.high or self.high - self.low < self.step

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if not self.low <= value <= self.high:
            return False
        if self.step is None:
            return True
        k = (value - self.low) / self.step
        return abs(k - round(k)) <= _grid_tolerance(self.low, self.high, self.step)

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        return _number(self, param_value_in_external_repr)

    def to_external_repr(self, param_value_in_internal_repr: float) -> float:
        return float(param_value_in_internal_repr)


class IntDistribution(BaseDistribution):
    """An integer in ``[low, high]``, uniform on a linear or log scale, or on a step grid.

    Parameters
    ----------
    low, high:
        The bounds, both included.
    log:
        Sample on a log scale; needs ``low >= 1`` and ``step == 1``.
    step:
        Restrict values to ``low + k * step``. ``high`` is lowered to the grid if needed.

    Raises
    ------
    TypeError
        If a bound or ``step`` is not a real number, or ``log`` is not a bool.
    ValueError
        For a bound or ``step`` that is not an integer (integral floats such as ``2.0`` are
        accepted), not finite or beyond +-2**53, ``low > high``, ``log`` with ``low < 1``,
        ``log`` with ``step != 1``, ``step <= 0``, or more than 2**50 steps from low to high.

    Examples
    --------
    >>> IntDistribution(1, 10, step=3).high
    10
    """

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        low_i, high_i = _check_integer("low", low), _check_integer("high", high)
        step_i, log = _check_integer("step", step), _check_log(log)
        if log and step_i != 1:
            raise ValueError(
                f"log=True and step={step} cannot be used together; use step=1 with log=True."
            )
        if not step_i > 0:
            raise ValueError(f"step={step} must be > 0.")
        if not low_i <= high_i:
            raise ValueError(f"low={low} > high={high}.")
        if log and low_i < 1:
            raise ValueError(f"low={low} must be >= 1 when log=True.")
        if (high_i - low_i) // step_i > _MAX_GRID_STEPS:
            raise ValueError(
                f"The range low={low}, high={high} with step={step} has more than 2**50 steps; "
                "narrow it or use a larger step."
            )
        new_high = low_i + (high_i - low_i) // step_i * step_i
        if new_high != high_i:
            _warn_high_adjusted(low_i, high_i, step_i, new_high)
        self.low = low_i
        self.high = new_high
        self.log = log
        self.step = step_i

    def single(self) -> bool:
        return self.low == self.high

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if not self.low <= value <= self.high:
            return False
        return (value - self.low) % self.step == 0

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        return _number(self, param_value_in_external_repr)

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return round(param_value_in_internal_repr)


_CHOICE_TYPES = (type(None), bool, int, float, str)


def _check_choice(index: int, choice: Any) -> CategoricalChoiceType:
    """Return ``choice`` as a None, bool, int, float or str, or raise naming it."""
    if choice.__class__ in _CHOICE_TYPES:
        return choice
    if isinstance(choice, np.generic):
        # numpy scalars become the Python scalar they hold, as a storage reads them back.
        choice = choice.item()
        if choice.__class__ in _CHOICE_TYPES:
            return choice
    if isinstance(choice, str):
        return str.__str__(choice)
    if isinstance(choice, int):
        return int(choice)
    if isinstance(choice, float):
        return float(choice)
    raise TypeError(
        f"choices[{index}]={choice!r} ({_type_name(choice)}) is not a valid choice: a "
        "choice must be None, bool, int, float or str. Map other objects to strings or "
        "indices and look them up in the objective."
    )


class CategoricalDistribution(BaseDistribution):
    """One of a fixed sequence of choices.

    Parameters
    ----------
    choices:
        A non-empty sequence (list, tuple or 1-d numpy array) of None, bool, int, float or
        str values: what every storage can keep and read back unchanged. Subclasses of these
        types and numpy scalars are stored as the plain Python value.

    Raises
    ------
    TypeError
        If ``choices`` is not a sequence, or a choice has another type (a tuple, a list, an
        object, ...).
    ValueError
        If ``choices`` is empty.

    Examples
    --------
    >>> CategoricalDistribution(["adam", "sgd"]).to_internal_repr("sgd")
    1.0
    """

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        if isinstance(choices, np.ndarray) and choices.ndim == 1:
            choices = choices.tolist()
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise TypeError(
                f"choices must be a sequence such as a list or tuple, got {choices!r} "
                f"({_type_name(choices)})."
            )
        if len(choices) == 0:
            raise ValueError("choices must contain at least one element; got an empty sequence.")
        self.choices: tuple[CategoricalChoiceType, ...] = tuple(
            [_check_choice(i, c) for i, c in enumerate(choices)]
        )

    @classmethod
    def _from_stored(cls, choices: Sequence[Any]) -> CategoricalDistribution:
        # What a storage holds is read as it is, even choices an older version accepted.
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence) or not choices:
            raise ValueError(f"choices must be a non-empty list, got {choices!r}.")
        dist = cls.__new__(cls)
        dist.choices = tuple(choices)
        return dist

    def single(self) -> bool:
        return len(self.choices) == 1

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        index = int(param_value_in_internal_repr)
        return 0 <= index < len(self.choices) and index == param_value_in_internal_repr

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        value = param_value_in_external_repr
        for index, choice in enumerate(self.choices):
            if _same_choice(choice, value):
                return float(index)
        raise ValueError(f"{value!r} is not among the choices {list(self.choices)!r}.")

    def to_external_repr(self, param_value_in_internal_repr: float) -> CategoricalChoiceType:
        return self.choices[int(param_value_in_internal_repr)]

    def _hash_items(self) -> list[tuple[str, Any]]:
        return [("choices", tuple(map(repr, self.choices)))]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CategoricalDistribution):
            return NotImplemented
        return len(self.choices) == len(other.choices) and all(
            _same_choice(a, b) and type(a) is type(b) for a, b in zip(self.choices, other.choices)
        )

    def __hash__(self) -> int:
        return super().__hash__()


def _same_choice(a: Any, b: Any) -> bool:
    # True == 1 in Python, but a bool choice and an int choice are different categories.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:
        return a is b


_DISTRIBUTION_CLASSES: dict[str, type[BaseDistribution]] = {
    "FloatDistribution": FloatDistribution,
    "IntDistribution": IntDistribution,
    "CategoricalDistribution": CategoricalDistribution,
}


def grid_size(dist: BaseDistribution) -> int | None:
    """Return how many values ``dist`` can take, or None for a continuous float range.

    Categorical: its choices; int (log or not): ``(high - low) // step + 1``; float with a
    step: its grid points.

    Examples
    --------
    >>> grid_size(IntDistribution(1, 9, step=2)), grid_size(FloatDistribution(0, 1))
    (5, None)
    """
    if isinstance(dist, CategoricalDistribution):
        return len(dist.choices)
    if isinstance(dist, IntDistribution):
        return (dist.high - dist.low) // dist.step + 1
    if isinstance(dist, FloatDistribution) and dist.step is not None:
        return round((dist.high - dist.low) / dist.step) + 1
    return None


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialize a distribution to a JSON string.

    Parameters
    ----------
    dist:
        The distribution.

    Returns
    -------
    str
        ``{"name": <class name>, "attributes": {...}}``.

    Raises
    ------
    ValueError
        If ``dist`` is not one of hpo's distributions.
    """
    name = type(dist).__name__
    if name not in _DISTRIBUTION_CLASSES:
        raise ValueError(f"Cannot serialize unknown distribution type {name}.")
    return json.dumps({"name": name, "attributes": dist._asdict()})


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Deserialize a distribution written by :func:`distribution_to_json`.

    The legacy names ``UniformDistribution``, ``LogUniformDistribution``,
    ``DiscreteUniformDistribution``, ``IntUniformDistribution`` and ``IntLogUniformDistribution``
    are read as the equivalent float or int distribution.

    Raises
    ------
    ValueError
        If the text is not JSON or names an unknown distribution.
    """
    try:
        loaded = json.loads(json_str)
        name = loaded["name"]
        attrs = dict(loaded["attributes"])
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(f"Not a distribution in JSON: {json_str!r}.") from e
    try:
        return _build_distribution(name, attrs)
    except (TypeError, KeyError, ValueError) as e:
        raise ValueError(f"Not a valid distribution in JSON: {json_str!r}: {e}") from None


def _build_distribution(name: str, attrs: dict[str, Any]) -> BaseDistribution:
    with warnings.catch_warnings():
        # A stored distribution is already on its grid; do not warn again on load.
        warnings.simplefilter("ignore", HpoWarning)
        if name == "CategoricalDistribution":
            return CategoricalDistribution._from_stored(attrs["choices"])
        if name in _DISTRIBUTION_CLASSES:
            return _DISTRIBUTION_CLASSES[name](**attrs)
        if name == "UniformDistribution":
            return FloatDistribution(attrs["low"], attrs["high"])
        if name == "LogUniformDistribution":
            return FloatDistribution(attrs["low"], attrs["high"], log=True)
        if name == "DiscreteUniformDistribution":
            return FloatDistribution(attrs["low"], attrs["high"], step=attrs["q"])
        if name == "IntUniformDistribution":
            return IntDistribution(attrs["low"], attrs["high"], step=attrs.get("step", 1))
        if name == "IntLogUniformDistribution":
            return IntDistribution(attrs["low"], attrs["high"], log=True)
    raise ValueError(f"unknown distribution name {name!r}")


def check_distribution_compatibility(
    dist_old: BaseDistribution, dist_new: BaseDistribution
) -> None:
    """Check that two distributions may be used for the same parameter name.

    Ranges may differ between trials; the kind of distribution, its scale and (for categories)
    its choices may not.

    Raises
    ------
    ValueError
        If the distributions are of different kinds, differ in ``log``, or are categorical with
        different choices.
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError(
            f"Cannot use {type(dist_new).__name__} for a parameter already defined as "
            f"{type(dist_old).__name__}."
        )
    if isinstance(dist_old, (FloatDistribution, IntDistribution)):
        assert isinstance(dist_new, (FloatDistribution, IntDistribution))
        if dist_old.log != dist_new.log:
            raise ValueError(
                f"Cannot change log={dist_old.log} to log={dist_new.log} for the same parameter."
            )
        return
    if dist_old != dist_new:
        assert isinstance(dist_old, CategoricalDistribution)
        assert isinstance(dist_new, CategoricalDistribution)
        raise ValueError(
            f"Cannot change the choices {list(dist_old.choices)!r} to "
            f"{list(dist_new.choices)!r} for the same parameter."
        )


# -- the one cache of distributions ------------------------------------------------------------
# Distributions are immutable, so equal definitions share one object: a suggest with the same
# arguments skips validation, and a storage reading the same JSON again skips parsing. Keys
# are JSON texts, or tuples of a class, its arguments and their types (True == 1 == 1.0 must
# not let an invalid argument hit a valid entry); the two kinds never collide.
DISTRIBUTION_CACHE: dict[Hashable, BaseDistribution] = {}
DISTRIBUTION_CACHE_SIZE = 10_000


def cache_distribution(key: Hashable, distribution: BaseDistribution) -> BaseDistribution:
    """Keep ``distribution`` in :data:`DISTRIBUTION_CACHE` under ``key`` and return it.

    The cache is emptied when full, so a study with ever-changing ranges cannot grow it.
    """
    if len(DISTRIBUTION_CACHE) >= DISTRIBUTION_CACHE_SIZE:
        DISTRIBUTION_CACHE.clear()
    DISTRIBUTION_CACHE[key] = distribution
    return distribution


def cached_json_to_distribution(json_str: str) -> BaseDistribution:
    """:func:`json_to_distribution`, parsed once per distinct text (a shared object).

    Raises
    ------
    ValueError
        If ``json_str`` is not a distribution written by :func:`distribution_to_json`.
    """
    distribution = DISTRIBUTION_CACHE.get(json_str)
    if distribution is None:
        distribution = cache_distribution(json_str, json_to_distribution(json_str))
    return distribution
