"""FixedTrial: run an objective with given parameter values, outside any study."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Sequence
from typing import Any

from hpo.distributions import BaseDistribution
from hpo.exceptions import HpoWarning
from hpo.trial._base import (
    BaseTrial,
    check_report_arguments,
    check_report_vector,
    other_range_error,
)


class FixedTrial(BaseTrial):
    """A trial whose parameter values are given up front.

    Useful to re-run an objective with the best parameters of a study, or to test it.

    Parameters
    ----------
    params:
        The value of each parameter, in external representation.
    number:
        The trial number the objective sees.

    Examples
    --------
    >>> trial = FixedTrial({"x": 0.5})
    >>> trial.suggest_float("x", 0.0, 1.0)
    0.5
    """

    def __init__(self, params: dict[str, Any], number: int = 0) -> None:
        self._params = params
        self._suggested_params: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._datetime_start = datetime.datetime.now(datetime.timezone.utc)
        self._number = number

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(
                f"Parameter {name!r} is not among the fixed params {sorted(self._params)}."
            )
        existing = self._distributions.get(name)
        if existing is not None:
            if existing != distribution:
                raise other_range_error(name, existing, distribution)
            return self._suggested_params[name]
        value = self._params[name]
        try:
            internal = distribution.to_internal_repr(value)
        except (TypeError, ValueError) as e:
            raise type(e)(f"Fixed parameter {name!r}={value!r}: {e}") from None
        if not distribution._contains(internal):
            warnings.warn(
                f"Fixed parameter {name!r}={value!r} is outside {distribution}.",
                HpoWarning,
                stacklevel=3,
            )
        external = distribution.to_external_repr(internal)
        self._suggested_params[name] = external
        self._distributions[name] = distribution
        return external

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Validate and ignore an intermediate value (or one value per objective)."""
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            check_report_vector(value, step)
        else:
            check_report_arguments(value, step)  # type: ignore[arg-type]

    def should_prune(self) -> bool:
        """Return ``False``: a fixed trial is never pruned."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute on this trial object."""
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute on this trial object."""
        self._system_attrs[key] = value

    @property
    def params(self) -> dict[str, Any]:
        """The parameters the objective has asked for so far."""
        return self._suggested_params

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distributions of the parameters asked for so far."""
        return self._distributions

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The user attributes."""
        return self._user_attrs

    @property
    def system_attrs(self) -> dict[str, Any]:
        """The system attributes."""
        return self._system_attrs

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When this object was created (UTC)."""
        return self._datetime_start

    @property
    def number(self) -> int:
        """The number given at construction."""
        return self._number
