"""Trial, the live trial an objective receives from ``Study.optimize`` or ``Study.ask``."""

from __future__ import annotations

import datetime
import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo._keys import FIXED_PARAMS_KEY
from hpo.distributions import BaseDistribution
from hpo.exceptions import HpoWarning, TrialTimeout
from hpo.trial._base import (
    BaseTrial,
    check_report_arguments,
    check_report_vector,
    other_range_error,
)
from hpo.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpo._study_protocol import TrialStudy as Study

_logger = logging.get_logger(__name__)


class Trial(BaseTrial):
    """A running trial: it asks the study's sampler for values and records them.

    Objectives do not create trials; ``Study.optimize`` and ``Study.ask`` do.

    Parameters
    ----------
    study:
        The study the trial belongs to.
    trial_id:
        The storage's id of the trial.
    """

    # The monotonic time after which the trial's methods raise TrialTimeout; set by
    # Study.optimize(trial_timeout=...), None for no limit.
    _deadline: float | None = None

    def __init__(self, study: Study, trial_id: int, _frozen: FrozenTrial | None = None) -> None:
        self.study = study
        self._trial_id = trial_id
        self._storage = study._storage
        # The trial's own copy of its record: this process owns the RUNNING trial, so reads
        # of params and attributes never need the storage.
        self._cached_frozen_trial = (
            _frozen if _frozen is not None else self._storage.get_trial(trial_id)
        )
        self._relative_params: dict[str, Any] | None = None
        self._relative_search_space: dict[str, BaseDistribution] = {}

    def _check_deadline(self) -> None:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            raise TrialTimeout(f"Trial {self.number} ran past its trial_timeout.")

    # -- sampling --------------------------------------------------------------------------
    def _init_relative_params(self) -> dict[str, Any]:
        study = self.study
        sampler = study.sampler
        frozen = self._cached_frozen_trial
        self._relative_search_space = sampler.infer_relative_search_space(study, frozen)
        if self._relative_search_space:
            self._relative_params = sampler.sample_relative(
                study, frozen, self._relative_search_space
            )
        else:
            self._relative_params = {}
        return self._relative_params

    @property
    def relative_params(self) -> dict[str, Any]:
        """The parameters the sampler proposed jointly for this trial."""
        if self._relative_params is None:
            return self._init_relative_params()
        return self._relative_params

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        self._check_deadline()
        frozen = self._cached_frozen_trial
        existing = frozen.distributions.get(name)
        if existing is not None:
            if existing is not distribution and existing != distribution:
                raise other_range_error(name, existing, distribution)
            return frozen.params[name]

        fixed = frozen.system_attrs.get(FIXED_PARAMS_KEY)
        if fixed is not None and name in fixed:
            internal = _fixed_internal(name, fixed[name], distribution)
        elif distribution.single():
            internal = _low(distribution)
        else:
            relative = self.relative_params
            if name in relative and _same_space(
                self._relative_search_space.get(name), distribution
            ):
                value = relative[name]
            else:
                study = self.study
                value = study.sampler.sample_independent(study, frozen, name, distribution)
            internal = distribution.to_internal_repr(value)

        self._storage.set_trial_param(self._trial_id, name, internal, distribution)
        external = distribution.to_external_repr(internal)
        frozen.distributions[name] = distribution
        frozen.params[name] = external
        return external

    # -- reporting and pruning -------------------------------------------------------------
    def report(self, value: float | Sequence[float], step: int) -> None:
        """Report an intermediate objective value at ``step`` (for pruning and plots).

        In a study with several objectives, ``value`` is a sequence of one value per
        objective, recorded in :attr:`FrozenTrial.intermediate_vectors`. NaN and infinite
        values are accepted either way. Reporting a step a second time is ignored with a
        warning.

        Raises
        ------
        TypeError
            If a value is not a number or ``step`` not an integer.
        ValueError
            If ``step`` is negative, a sequence is reported in a single-objective study, or
            the number of values is not the number of objectives; nothing is recorded.
        """
        self._check_deadline()
        n_objectives = len(self.study.directions)
        if n_objectives > 1 or _is_vector(value):
            self._report_vector(value, step, n_objectives)
            return
        value, step = check_report_arguments(value, step)  # type: ignore[arg-type]
        intermediate = self._cached_frozen_trial.intermediate_values
        if step in intermediate:
            warnings.warn(
                f"Trial {self.number} already reported a value at step {step}; the new value "
                f"{value} is ignored.",
                HpoWarning,
                stacklevel=2,
            )
            return
        self._storage.set_trial_intermediate_value(self._trial_id, step, value)
        intermediate[step] = value

    def _report_vector(self, value: Any, step: int, n_objectives: int) -> None:
        if n_objectives == 1:
            raise ValueError(
                f"report() got the sequence {value!r} in a single-objective study; report one "
                "number per step (sequences are for studies with several objectives)."
            )
        if not _is_vector(value):
            raise ValueError(
                f"report() needs {n_objectives} values, one per objective, in a study with "
                f"{n_objectives} objectives; got {value!r}."
            )
        values, step = check_report_vector(list(value), step, n_objectives)
        vectors = self._cached_frozen_trial.intermediate_vectors
        if step in vectors:
            warnings.warn(
                f"Trial {self.number} already reported values at step {step}; the new values "
                f"{list(values)} are ignored.",
                HpoWarning,
                stacklevel=3,
            )
            return
        self._storage.set_trial_intermediate_vector(self._trial_id, step, values)
        vectors[step] = values

    def should_prune(self) -> bool:
        """Return whether the study's pruner asks to stop this trial now.

        Raises
        ------
        NotImplementedError
            In a study with several objectives whose pruner compares one objective value
            (every pruner but :class:`~hpo.pruners.ParetoMedianPruner`,
            :class:`~hpo.pruners.ParetoSuccessiveHalvingPruner` and
            :class:`~hpo.pruners.NopPruner`).
        """
        self._check_deadline()
        pruner = self.study.pruner
        if len(self.study.directions) > 1 and not getattr(
            pruner, "_supports_multi_objective", False
        ):
            raise NotImplementedError(
                f"{type(pruner).__name__} compares one objective value and cannot prune a "
                "study with several objectives; use hpo.pruners.ParetoMedianPruner or "
                "hpo.pruners.ParetoSuccessiveHalvingPruner."
            )
        # A copy, so that a pruner cannot alter the record, which shares the live system
        # attributes: those a pruner writes through the study show in system_attrs at once.
        view = self._cached_frozen_trial._copy(False)
        view._system_attrs = self._cached_frozen_trial._system_attrs
        return bool(pruner.prune(self.study, view))

    # -- attributes ------------------------------------------------------------------------
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable user attribute to the trial.

        Raises
        ------
        TypeError
            If the storage cannot keep ``value`` (database storages need JSON).
        """
        self._check_deadline()
        self._storage.set_trial_user_attr(self._trial_id, key, value)
        self._cached_frozen_trial.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a system attribute; meant for samplers and pruners."""
        self._storage.set_trial_system_attr(self._trial_id, key, value)
        self._cached_frozen_trial.system_attrs[key] = value

    @property
    def params(self) -> dict[str, Any]:
        """A copy of the parameters suggested so far."""
        return dict(self._cached_frozen_trial.params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """A copy of the distributions of the suggested parameters."""
        return dict(self._cached_frozen_trial.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """A copy of the user attributes."""
        return dict(self._cached_frozen_trial.user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """A copy of the system attributes."""
        return dict(self._cached_frozen_trial.system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started (UTC)."""
        return self._cached_frozen_trial.datetime_start

    @property
    def number(self) -> int:
        """The trial's number in its study."""
        return self._cached_frozen_trial.number

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self._cached_frozen_trial.params})"


def _is_vector(value: Any) -> bool:
    # A list, tuple or one-dimensional array (numpy, torch) of values, one per objective.
    if isinstance(value, (str, bytes)):
        return False
    return isinstance(value, Sequence) or getattr(value, "ndim", None) == 1


def _fixed_internal(name: str, value: Any, distribution: BaseDistribution) -> float:
    # An enqueued value outside the distribution fails the trial rather than run: recorded,
    # it would enter the sampler's model of the space (a negative value of a log-scale
    # parameter breaks every later TPE trial).
    try:
        internal = distribution.to_internal_repr(value)
    except (TypeError, ValueError) as e:
        raise type(e)(
            f"The enqueued value {name!r}={value!r} does not fit {distribution}: {e}"
        ) from None
    if not distribution._contains(internal):
        raise ValueError(
            f"The enqueued value {name!r}={value!r} is outside {distribution}; enqueue a "
            "value inside the range the objective asks for."
        )
    return internal


def _low(distribution: BaseDistribution) -> float:
    # The internal value of the only point of a single-valued distribution (index 0 for one
    # category).
    low = getattr(distribution, "low", None)
    return 0.0 if low is None else float(low)


def _same_space(a: BaseDistribution | None, b: BaseDistribution) -> bool:
    # A relative proposal is used only if it was made for exactly the asked distribution.
    return a is b or a == b
