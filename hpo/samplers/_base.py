"""The sampler interface."""

from __future__ import annotations

import abc
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hpo.distributions import BaseDistribution
from hpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from hpo._study_protocol import StudyView

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class _LockPlaceholder:
    """Stands for a lock in a pickled sampler; a fresh lock of the same kind replaces it."""

    def __init__(self, reentrant: bool) -> None:
        self.reentrant = reentrant


class BaseSampler(abc.ABC):
    """Propose parameter values for trials.

    A sampler works in two ways. *Relative* sampling proposes values for a whole search space
    at once, when a trial starts (``infer_relative_search_space`` then ``sample_relative``).
    *Independent* sampling proposes one parameter when the objective asks for it and the
    relative proposal does not cover it (``sample_independent``). A sampler reads past trials
    only through ``study.get_trials(deepcopy=False, states=...)``.
    """

    def infer_relative_search_space(
        self, study: StudyView, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Return the parameters to sample jointly for ``trial``; empty for none (default)."""
        return {}

    def sample_relative(
        self, study: StudyView, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Return joint proposals (external representation) for ``search_space``."""
        return {}

    @abc.abstractmethod
    def sample_independent(
        self,
        study: StudyView,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Return a value (external representation) for one parameter."""

    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:
        """Hook called when a trial starts, before any sampling."""

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Hook called when a trial finishes, before its state is stored."""

    def reseed_rng(self) -> None:
        """Draw a fresh seed, so that copies of a sampler in threads diverge."""

    def _raise_error_if_multi_objective(self, study: StudyView) -> None:
        if len(study.directions) > 1:
            raise ValueError(f"{type(self).__name__} does not support multi-objective studies.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # Attributes holding per-study caches (dicts): a pickled sampler starts them empty.
    _per_study_caches: tuple[str, ...] = ()

    # -- pickling: a study pickles its sampler; locks cannot be pickled, so they are rebuilt --
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for key in self._per_study_caches:
            state[key] = {}
        for key, value in state.items():
            if isinstance(value, _LOCK_TYPES):
                state[key] = _LockPlaceholder(isinstance(value, _LOCK_TYPES[1]))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            if isinstance(value, _LockPlaceholder):
                state[key] = threading.RLock() if value.reentrant else threading.Lock()
        self.__dict__.update(state)


def _check_bool(name: str, value: object) -> bool:
    """Return ``value`` as a bool; TypeError naming ``name`` if it is not one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}.")
    return bool(value)


def _check_independent_sampler(value: object) -> BaseSampler | None:
    """Return ``value`` if it is a sampler or None; TypeError otherwise."""
    if value is not None and not isinstance(value, BaseSampler):
        raise TypeError(f"independent_sampler must be a BaseSampler or None, got {value!r}.")
    return value


def _contains_value(distribution: BaseDistribution, value: Any) -> bool:
    """Whether the external ``value`` lies in ``distribution``; False if it does not convert."""
    try:
        internal = distribution.to_internal_repr(value)
    except (TypeError, ValueError):
        return False
    return distribution._contains(internal)


class _WrappingSampler(BaseSampler):
    """A sampler around another one, ``_wrapped``, which gets the trial hooks and reseeding."""

    _wrapped: BaseSampler

    def before_trial(self, study: StudyView, trial: FrozenTrial) -> None:
        self._wrapped.before_trial(study, trial)

    def after_trial(
        self,
        study: StudyView,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._wrapped.after_trial(study, trial, state, values)

    def reseed_rng(self) -> None:
        self._wrapped.reseed_rng()
