"""FrozenTrial, the record of a trial as it is stored, and ``create_trial``."""

from __future__ import annotations

import copy
import datetime
import math
import numbers
import warnings
from collections.abc import Sequence
from typing import Any

from hpo.distributions import BaseDistribution, check_distribution_compatibility
from hpo.exceptions import HpoWarning
from hpo.trial._base import BaseTrial, check_report_arguments, check_report_vector
from hpo.trial._state import TrialState

_MULTI_OBJECTIVE_VALUE = "value is not available for a multi-objective trial; use values instead."


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class FrozenTrial(BaseTrial):
    """The record of a trial: its state, values, parameters and attributes.

    It also works as a trial for an objective: ``suggest_*`` return the recorded parameters,
    which lets a finished trial be re-evaluated.

    Parameters
    ----------
    number:
        The trial's number in its study.
    state:
        Its :class:`TrialState`.
    value:
        The objective value of a single-objective trial (or ``None``); exclusive with
        ``values``.
    datetime_start, datetime_complete:
        When it started and finished.
    params:
        Parameter values in external representation.
    distributions:
        The distribution of each parameter.
    user_attrs, system_attrs:
        Attribute dictionaries.
    intermediate_values:
        Reported values by step.
    trial_id:
        The storage's identifier.
    values:
        The objective values (one per objective) or ``None``.
    intermediate_vectors:
        Reported values by step of a multi-objective trial, one value per objective; see
        :attr:`intermediate_vectors`.

    Raises
    ------
    ValueError
        If both ``value`` and ``values`` are given.
    """

    __slots__ = (
        "_datetime_complete",
        "_datetime_start",
        "_distributions",
        "_intermediate_values",
        "_intermediate_vectors",
        "_number",
        "_params",
        "_state",
        "_system_attrs",
        "_trial_id",
        "_user_attrs",
        "_values",
    )

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: float | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: dict[str, Any],
        distributions: dict[str, BaseDistribution],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        intermediate_values: dict[int, float],
        trial_id: int,
        *,
        values: Sequence[float] | None = None,
        intermediate_vectors: dict[int, tuple[float, ...]] | None = None,
    ) -> None:
        if value is not None and values is not None:
            raise ValueError("Give either value or values to FrozenTrial, not both.")
        self._number = number
        self._state = state
        if value is not None:
            self._values: list[float] | None = [value]
        else:
            self._values = None if values is None else list(values)
        self._datetime_start = datetime_start
        self._datetime_complete = datetime_complete
        self._params = params
        self._distributions = distributions
        self._user_attrs = user_attrs
        self._system_attrs = system_attrs
        self._intermediate_values = intermediate_values
        self._intermediate_vectors = {} if intermediate_vectors is None else intermediate_vectors
        self._trial_id = trial_id

    # -- fields --------------------------------------------------------------------------
    @property
    def number(self) -> int:
        """The trial's number in its study."""
        return self._number

    @number.setter
    def number(self, value: int) -> None:
        self._number = value

    @property
    def state(self) -> TrialState:
        """The trial's state."""
        return self._state

    @state.setter
    def state(self, value: TrialState) -> None:
        self._state = value

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (UTC), or ``None``."""
        return self._datetime_start

    @datetime_start.setter
    def datetime_start(self, value: datetime.datetime | None) -> None:
        self._datetime_start = value

    @property
    def datetime_complete(self) -> datetime.datetime | None:
        """When the trial finished (UTC), or ``None``."""
        return self._datetime_complete

    @datetime_complete.setter
    def datetime_complete(self, value: datetime.datetime | None) -> None:
        self._datetime_complete = value

    @property
    def params(self) -> dict[str, Any]:
        """Parameter values in external representation."""
        return self._params

    @params.setter
    def params(self, value: dict[str, Any]) -> None:
        self._params = value

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """The distribution of each parameter."""
        return self._distributions

    @distributions.setter
    def distributions(self, value: dict[str, BaseDistribution]) -> None:
        self._distributions = value

    @property
    def user_attrs(self) -> dict[str, Any]:
        """User attributes."""
        return self._user_attrs

    @user_attrs.setter
    def user_attrs(self, value: dict[str, Any]) -> None:
        self._user_attrs = value

    @property
    def system_attrs(self) -> dict[str, Any]:
        """System attributes."""
        return self._system_attrs

    @system_attrs.setter
    def system_attrs(self, value: dict[str, Any]) -> None:
        self._system_attrs = value

    @property
    def intermediate_values(self) -> dict[int, float]:
        """Reported intermediate values by step."""
        return self._intermediate_values

    @intermediate_values.setter
    def intermediate_values(self, value: dict[int, float]) -> None:
        self._intermediate_values = value

    @property
    def intermediate_vectors(self) -> dict[int, tuple[float, ...]]:
        """Reported values of a multi-objective trial by step, one value per objective.

        ``trial.report([error, latency], step)`` in a study with several objectives records
        ``(error, latency)`` here; :attr:`intermediate_values` holds the reports of
        single-objective trials and stays empty for these.
        """
        try:
            return self._intermediate_vectors
        except AttributeError:  # a record built without the field (e.g. an older pickle)
            self._intermediate_vectors = {}
            return self._intermediate_vectors

    def intermediate_curve(self, objective: int) -> dict[int, float]:
        """Return the reported values of one objective by step (multi-objective trials).

        Parameters
        ----------
        objective:
            The objective's index, as in ``study.directions``.

        Returns
        -------
        dict
            ``{step: value}`` in step order; empty if nothing was reported.

        Raises
        ------
        IndexError
            If ``objective`` is not the index of a reported objective.
        """
        vectors = self.intermediate_vectors
        if vectors:
            n_objectives = len(next(iter(vectors.values())))
            if not -n_objectives <= objective < n_objectives:
                raise IndexError(
                    f"objective={objective} is out of range for a trial that reports "
                    f"{n_objectives} objectives."
                )
        return {step: vectors[step][objective] for step in sorted(vectors)}

    # -- values --------------------------------------------------------------------------
    @property
    def value(self) -> float | None:
        """The single objective value, or ``None`` if there is none.

        Raises
        ------
        RuntimeError
            If the trial has more than one objective value.
        """
        values = self._values
        if values is None:
            return None
        if len(values) > 1:
            raise RuntimeError(_MULTI_OBJECTIVE_VALUE)
        return values[0]

    @value.setter
    def value(self, value: float | None) -> None:
        if self._values is not None and len(self._values) > 1:
            raise RuntimeError(_MULTI_OBJECTIVE_VALUE)
        self._values = None if value is None else [value]

    @property
    def values(self) -> list[float] | None:
        """All objective values, or ``None``."""
        return self._values

    @values.setter
    def values(self, values: Sequence[float] | None) -> None:
        self._values = None if values is None else list(values)

    # -- derived -------------------------------------------------------------------------
    @property
    def duration(self) -> datetime.timedelta | None:
        """``datetime_complete - datetime_start``, or ``None`` while either is missing."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def last_step(self) -> int | None:
        """The largest reported step, or ``None`` if nothing was reported."""
        if not self.intermediate_values:
            if self.intermediate_vectors:
                return max(self.intermediate_vectors)
            return None
        return max(self.intermediate_values)

    # -- BaseTrial -----------------------------------------------------------------------
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self.params:
            raise ValueError(f"Parameter {name!r} is not in this trial's params {self.params}.")
        check_distribution_compatibility(self.distributions[name], distribution)
        value = self.params[name]
        if not distribution._contains(distribution.to_internal_repr(value)):
            warnings.warn(
                f"Recorded value {value!r} of {name!r} is outside {distribution}; "
                "it is returned anyway.",
                HpoWarning,
                stacklevel=3,
            )
        return value

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Accept and ignore a report: a frozen trial's history does not change."""
        if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
            check_report_vector(value, step)
        else:
            check_report_arguments(value, step)  # type: ignore[arg-type]

    def should_prune(self) -> bool:
        """Return ``False``: a frozen trial is never pruned."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute on this record (not on any storage)."""
        self.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute on this record (not on any storage)."""
        self.system_attrs[key] = value

    # -- identity and copies ---------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (
            self.number,
            self.state,
            self._values,
            self.datetime_start,
            self.datetime_complete,
            self.params,
            self.distributions,
            self.user_attrs,
            self.system_attrs,
            self.intermediate_values,
            self.intermediate_vectors,
            self._trial_id,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: FrozenTrial) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number < other.number

    def __le__(self, other: FrozenTrial) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number <= other.number

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self.number}, state={self.state!r}, values={self._values}, "
            f"datetime_start={self.datetime_start!r}, "
            f"datetime_complete={self.datetime_complete!r}, params={self.params}, "
            f"user_attrs={self.user_attrs}, system_attrs={self.system_attrs}, "
            f"intermediate_values={self.intermediate_values}, "
            + (
                f"intermediate_vectors={self.intermediate_vectors}, "
                if self.intermediate_vectors
                else ""
            )
            + f"distributions={self.distributions}, trial_id={self._trial_id})"
        )

    def __copy__(self) -> FrozenTrial:
        return self._copy(deep=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenTrial:
        return self._copy(deep=True)

    def _copy(self, deep: bool) -> FrozenTrial:
        # Parameter values, distributions and intermediate values are immutable scalars or
        # objects; only attribute values can be mutable, so only they need a deep copy.
        attrs_copy = copy.deepcopy if deep else dict
        trial = FrozenTrial.__new__(FrozenTrial)
        trial._number = self._number
        trial._state = self._state
        trial._values = None if self._values is None else list(self._values)
        trial._datetime_start = self._datetime_start
        trial._datetime_complete = self._datetime_complete
        trial._params = dict(self._params)
        trial._distributions = dict(self._distributions)
        trial._user_attrs = attrs_copy(self._user_attrs) if self._user_attrs else {}
        trial._system_attrs = attrs_copy(self._system_attrs) if self._system_attrs else {}
        trial._intermediate_values = dict(self._intermediate_values)
        trial._intermediate_vectors = dict(self.intermediate_vectors)
        trial._trial_id = self._trial_id
        return trial

    # -- validation ----------------------------------------------------------------------
    def _validate(self) -> None:
        """Check that the record is consistent.

        Raises
        ------
        TypeError
            If a field has the wrong type (a state that is not a :class:`TrialState`, a value
            that is not a number, a parameter name that is not a str, ...).
        ValueError
            Naming the first inconsistency found.
        """
        if not isinstance(self.state, TrialState):
            raise TypeError(
                f"state must be a TrialState such as TrialState.COMPLETE, got {self.state!r} "
                f"({type(self.state).__name__})."
            )
        if self.state != TrialState.WAITING and self.datetime_start is None:
            raise ValueError(f"A {self.state.name} trial needs datetime_start.")
        if self.state.is_finished() and self.datetime_complete is None:
            raise ValueError(f"A {self.state.name} trial needs datetime_complete.")
        if not self.state.is_finished() and self.datetime_complete is not None:
            raise ValueError(f"A {self.state.name} trial cannot have datetime_complete.")
        self._validate_values()
        self._validate_params()
        self._validate_intermediate_values()
        for field in ("user_attrs", "system_attrs"):
            attrs = getattr(self, field)
            if not isinstance(attrs, dict):
                raise TypeError(f"{field} must be a dict, got {attrs!r}.")
            for key in attrs:
                if not isinstance(key, str):
                    raise TypeError(f"{field} keys must be str, got {key!r}.")

    def _validate_values(self) -> None:
        values = self._values
        if values is not None:
            for v in values:
                if isinstance(v, (str, bytes)) or not isinstance(v, numbers.Real):
                    raise TypeError(
                        f"Objective values must be real numbers, got {v!r} ({type(v).__name__})."
                    )
                try:
                    float(v)
                except OverflowError:
                    raise ValueError(
                        f"The objective value {v!r} is too large for a float."
                    ) from None
            if self.state not in (TrialState.COMPLETE, TrialState.PRUNED):
                raise ValueError(
                    f"A {self.state.name} trial cannot have values, got {values}; only COMPLETE "
                    "and PRUNED trials have them."
                )
        if self.state == TrialState.COMPLETE:
            if values is None:
                raise ValueError("A COMPLETE trial needs a value or values.")
            if any(math.isnan(v) for v in values):
                raise ValueError(f"A COMPLETE trial cannot have NaN values: {values}.")

    def _validate_params(self) -> None:
        if not isinstance(self.params, dict) or not isinstance(self.distributions, dict):
            raise TypeError(
                f"params and distributions must be dicts, got {self.params!r} and "
                f"{self.distributions!r}."
            )
        if set(self.params) != set(self.distributions):
            raise ValueError(
                f"params {sorted(map(str, self.params))} and distributions "
                f"{sorted(map(str, self.distributions))} must name the same parameters."
            )
        for name, value in self.params.items():
            dist = self.distributions[name]
            if not isinstance(name, str):
                raise TypeError(f"A parameter name must be a str, got {name!r}.")
            if not isinstance(dist, BaseDistribution):
                raise TypeError(
                    f"The distribution of {name!r} must be a distribution such as "
                    f"FloatDistribution, got {dist!r}."
                )
            try:
                internal = dist.to_internal_repr(value)
            except (TypeError, ValueError) as e:
                raise type(e)(f"Parameter {name!r}={value!r}: {e}") from None
            if not dist._contains(internal):
                raise ValueError(f"Parameter {name!r}={value!r} is outside {dist}.")

    def _validate_intermediate_values(self) -> None:
        intermediate = self.intermediate_values
        if not isinstance(intermediate, dict):
            raise TypeError(
                f"intermediate_values must be a dict of step to value, got {intermediate!r}."
            )
        for step, value in intermediate.items():
            if not isinstance(step, numbers.Integral) or isinstance(step, bool):
                raise TypeError(
                    f"intermediate_values has the step {step!r} ({type(step).__name__}); "
                    "steps must be integers."
                )
            try:
                check_report_arguments(value, step)
            except (TypeError, ValueError) as e:
                raise type(e)(f"intermediate_values[{step!r}]: {e}") from None
        self._validate_intermediate_vectors()

    def _validate_intermediate_vectors(self) -> None:
        vectors = self.intermediate_vectors
        if not isinstance(vectors, dict):
            raise TypeError(
                f"intermediate_vectors must be a dict of step to values, got {vectors!r}."
            )
        if vectors and self.intermediate_values:
            raise ValueError(
                "A trial has intermediate_values (one objective) or intermediate_vectors "
                "(several objectives), not both."
            )
        lengths: set[int] = set()
        for step, values in vectors.items():
            if not isinstance(step, numbers.Integral) or isinstance(step, bool):
                raise TypeError(
                    f"intermediate_vectors has the step {step!r} ({type(step).__name__}); "
                    "steps must be integers."
                )
            try:
                floats, _ = check_report_vector(values, step)
            except (TypeError, ValueError) as e:
                raise type(e)(f"intermediate_vectors[{step!r}]: {e}") from None
            vectors[step] = floats
            lengths.add(len(floats))
        if len(lengths) > 1 or 0 in lengths:
            raise ValueError(
                "intermediate_vectors must hold the same number of values (at least one) at "
                f"every step, got {vectors}."
            )


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: dict[str, Any] | None = None,
    distributions: dict[str, BaseDistribution] | None = None,
    user_attrs: dict[str, Any] | None = None,
    system_attrs: dict[str, Any] | None = None,
    intermediate_values: dict[int, float] | None = None,
    intermediate_vectors: dict[int, Sequence[float]] | None = None,
) -> FrozenTrial:
    """Create a trial record, e.g. to add results computed elsewhere with ``Study.add_trial``.

    Parameters
    ----------
    state:
        The state; COMPLETE by default.
    value, values:
        The objective value(s); give at most one of them.
    params, distributions:
        Parameter values (external representation) and their distributions, same keys.
    user_attrs, system_attrs, intermediate_values:
        Optional attributes and reported values.
    intermediate_vectors:
        Reported values of a multi-objective trial by step, one value per objective.

    Returns
    -------
    FrozenTrial
        A validated record with ``number`` and ``trial_id`` of -1 until a study adds it.

    Raises
    ------
    TypeError
        If ``state`` is not a :class:`TrialState`, or a field has the wrong type (see
        :meth:`FrozenTrial._validate`).
    ValueError
        If both value and values are given, or the record is inconsistent: values on a FAIL,
        WAITING or RUNNING trial, parameters outside their distributions, intermediate values
        at negative or too large steps, ... (see :meth:`FrozenTrial._validate`).

    Examples
    --------
    >>> from hpo.distributions import FloatDistribution
    >>> t = create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=1)
    >>> t.value
    1
    """
    if not isinstance(state, TrialState):
        raise TypeError(
            f"state must be a TrialState such as TrialState.COMPLETE, got {state!r} "
            f"({type(state).__name__})."
        )
    if values is not None and (
        isinstance(values, (str, bytes)) or not isinstance(values, Sequence)
    ):
        raise TypeError(f"values must be a sequence of numbers, got {values!r}.")
    now = _utcnow()
    trial = FrozenTrial(
        number=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
        params=dict(params or {}),
        distributions=dict(distributions or {}),
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
        intermediate_values=dict(intermediate_values or {}),
        trial_id=-1,
        intermediate_vectors=dict(intermediate_vectors or {}),  # type: ignore[arg-type]
    )
    trial._validate()
    return trial
